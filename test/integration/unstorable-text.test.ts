/**
 * Text PostgreSQL cannot store, from every side (issue: "text can never poison a ticket"). Through the API it is
 * refused with a 400 naming the field and nothing is created. Around the API — a workflow started or signalled with
 * the Temporal CLI, as an operator might — the ticket's timeline is still written, with U+FFFD where the NUL or the
 * unpaired surrogate was, and the workflow goes on taking actions: it is never left retrying its projection.
 */
import { randomUUID } from 'node:crypto';
import { loadSlaSnapshot } from '../../db/reference';
import type { TicketWorkflowInput } from '../../domain/ticket/state';
import { ticketActionSignals, ticketWorkflowId } from '../../workflows/definitions';
import * as R from '../../api/responses';
import { eventually, startTestApp, type TestApp } from '../support/app';

let app: TestApp;
let customer: string;
beforeAll(async () => {
  app = await startTestApp();
  customer = await app.login('user@acme.test');
}, 120_000);
afterAll(async () => app?.stop());

const count = async (table: string) => Number((await app.db(table).count('* as n').first())!.n);

describe('text that cannot be stored', () => {
  it('is refused by the API, naming the field, and no ticket, workflow or audit record is made', async () => {
    const [tickets, audit] = [await count('tickets'), await count('audit_log')];
    const res = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'Printer \ud800', description: 'd', type: 'incident', impact: 'low', urgency: 'low' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.title' })]);
    expect([await count('tickets'), await count('audit_log')]).toEqual([tickets, audit]);
  });

  it('reaches the timeline with U+FFFD in its place when it comes around the API, and the ticket keeps working', async () => {
    const acme = await app.db('customers').where({ slug: 'acme' }).first('id');
    const requester = await app.db('users').where({ email: 'user@acme.test' }).first('id');
    const agent = await app.db('users').where({ email: 'l1@demo.test' }).first('id');
    const { rows } = await app.db.raw("SELECT nextval('ticket_number_seq') AS n");
    const number = Number(rows[0].n);
    const input: TicketWorkflowInput = {
      ticketId: randomUUID(),
      number,
      title: 'Started by hand \ud800 with a lone surrogate',
      description: 'and a NUL \u0000 in the description',
      type: 'incident',
      impact: 'low',
      urgency: 'low',
      priority: 'P4',
      customerId: acme.id,
      requesterId: requester.id,
      businessLineId: null,
      moduleId: null,
      moduleVersion: null,
      category: 'odd \udfff category',
      channel: 'phone',
      createdAt: new Date().toISOString(),
      createdBy: { id: agent.id, kind: 'user', role: 'agent' },
      sla: await loadSlaSnapshot(app.db, acme.id, new Date()),
    };
    const handle = await app.temporal.workflow.start('ticketWorkflow', { taskQueue: app.taskQueue, workflowId: ticketWorkflowId(number), args: [input] });
    await handle.signal(ticketActionSignals.comment, { actor: { id: agent.id, kind: 'user', role: 'agent' }, payload: { body: 'a reply \udc00 signalled by hand', visibility: 'public' } });

    const ticket = await eventually(() => app.db('tickets').where({ id: input.ticketId }).first(), 'the ticket row', 30_000);
    expect(ticket.title).toBe('Started by hand \ufffd with a lone surrogate');
    expect(ticket.description).toBe('and a NUL \ufffd in the description');
    expect(ticket.category).toBe('odd \ufffd category');
    const reply = await eventually(() => app.db('ticket_events').where({ ticket_id: input.ticketId, type: 'comment.public' }).first(), 'the signalled reply', 30_000);
    expect(reply.data.body).toBe('a reply \ufffd signalled by hand');
    // Not stuck: the API's next action on it is taken and recorded, and no activity is left retrying.
    const ok = await app.request('POST', `/api/v1/tickets/${input.ticketId}/comments`, { token: customer, body: { body: 'Still works' } });
    expect(ok.status).toBe(201);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingActivities ?? []).toEqual([]);
    const timeline = await app.request('GET', `/api/v1/tickets/${input.ticketId}/events`, { token: customer });
    expect(timeline.status).toBe(200);
    expect(JSON.stringify(timeline.body)).toContain('Still works');
    await handle.terminate('test done');
  });
});

describe('a timeline the database refuses for good', () => {
  it('puts the ticket on the managers\' stuck list and the metric, keeps its events, and writes them once the cause is fixed', async () => {
    const manager = await app.login('manager@demo.test');
    const agentToken = await app.login('l1@demo.test');
    const created = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'Refused later', description: 'd', type: 'incident', impact: 'low', urgency: 'low' } });
    expect(created.status).toBe(201);
    const ticketId = created.body.id as string;
    await eventually(() => app.db('ticket_events').where({ ticket_id: ticketId, type: 'ticket.created' }).first(), 'the ticket on its timeline');
    // A rule the database enforces that no retry satisfies (here a trigger; in life a constraint, a too-long value).
    await app.db.raw(`CREATE FUNCTION refuse_marked() RETURNS trigger AS $$ BEGIN
        IF NEW.data->>'body' = 'the refused reply' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023'; END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql`);
    await app.db.raw('CREATE TRIGGER refuse_marked BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION refuse_marked()');
    try {
      const agent = await app.db('users').where({ email: 'l1@demo.test' }).first('id');
      const number = Number(created.body.number.replace(/\D/g, ''));
      await app.temporal.workflow.getHandle(ticketWorkflowId(number)).signal(ticketActionSignals.comment, { actor: { id: agent.id, kind: 'user', role: 'agent' }, payload: { body: 'the refused reply', visibility: 'public' } });
      const stuck = await eventually(async () => {
        const res = await app.request('GET', '/api/v1/stuck-tickets', { token: manager });
        return res.body.items?.length ? R.StuckTicketList.parse(res.body).items : null;
      }, 'the ticket on the stuck list', 30_000);
      expect(stuck).toEqual([expect.objectContaining({ ticketId, number: created.body.number, error: expect.objectContaining({ code: '22023' }), attempts: 1 })]);
      expect((await app.request('GET', '/api/v1/stuck-tickets', { token: agentToken })).status).toBe(403);
      expect((await app.request('GET', '/api/v1/stuck-tickets', { token: customer })).status).toBe(403);
      const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/^ticketflow_stuck_tickets 1$/m);
      // and on the manager's dashboard page, with the database's reason
      const session = await app.request('POST', '/api/v1/auth/session', { body: { email: 'manager@demo.test', password: 'demo' } });
      const cookie = session.headers.getSetCookie().find((c) => c.startsWith('tf_session='))!.split(';')[0]!;
      const dashboard = await (await fetch(`${app.baseUrl}/desk/dashboard`, { headers: { cookie } })).text();
      expect(dashboard).toContain('id="stuck"');
      expect(dashboard).toContain(created.body.number);
      expect(dashboard).toContain('22023');
    } finally {
      await app.db.raw('DROP TRIGGER IF EXISTS refuse_marked ON ticket_events');
      await app.db.raw('DROP FUNCTION IF EXISTS refuse_marked()');
    }
    // The workflow tries again 30 s after the refusal: the reply is written, once, and the ticket leaves the list.
    const reply = await eventually(async () => {
      const rows = await app.db('ticket_events').where({ ticket_id: ticketId, type: 'comment.public' });
      return rows.length ? rows : null;
    }, 'the kept reply written', 90_000);
    expect(reply.map((e: any) => e.data.body)).toEqual(['the refused reply']);
    await eventually(async () => (await app.db('projection_failures').where({ ticket_id: ticketId }).first()) === undefined, 'the stuck list cleared', 30_000);
    const seqs = (await app.db('ticket_events').where({ ticket_id: ticketId }).orderBy('seq').pluck('seq')).map(Number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  }, 180_000);
});
