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
