/**
 * merge (SPEC §4.1, §5.8): staff mark a ticket as the duplicate of another ticket of the same customer. The duplicate
 * closes with a public note and a link, its clocks stop, its customer is told (in their language); the other ticket's
 * timeline records the merge; both directions are linked. Refused across organisations, onto a closed ticket, onto
 * itself, and for customers.
 */
import { eventually, startTestApp, type TestApp } from '../support/app';

const incident = { title: 'Invoices cannot be posted', description: 'Error 500 on posting', type: 'incident', impact: 'medium', urgency: 'high' };

describe('merge over HTTP', () => {
  let app: TestApp;
  let acme: string;
  let acmeAdmin: string;
  let beta: string;
  let agent: string;
  beforeAll(async () => {
    app = await startTestApp();
    [acme, acmeAdmin, beta, agent] = await Promise.all(['user@acme.test', 'admin@acme.test', 'user@beta.test', 'l1@demo.test'].map((e) => app.login(e)));
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function newTicket(token: string, title = incident.title): Promise<{ id: string; number: string }> {
    const res = await app.request('POST', '/api/v1/tickets', { token, body: { ...incident, title } });
    expect(res.status).toBe(201);
    await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id }).first(), 'ticket.created');
    return res.body;
  }
  const merge = (token: string, id: string, body: unknown) => app.request('POST', `/api/v1/tickets/${id}/actions/merge`, { token, body });
  const events = async (token: string, id: string) => (await app.request('GET', `/api/v1/tickets/${id}/events`, { token })).body.items as Array<{ type: string; data: Record<string, unknown>; visibility: string }>;

  it('closes the duplicate with a public note and a link, stops its clocks, tells its customer, and records the merge on the target', async () => {
    const target = await newTicket(acme, 'Posting fails for everyone');
    const duplicate = await newTicket(acmeAdmin, 'Posting fails');
    const res = await merge(agent, duplicate.id, { targetId: target.number, note: 'Same outage as the earlier report' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: true, status: 'closed' });

    const dup = await eventually(async () => {
      const t = (await app.request('GET', `/api/v1/tickets/${duplicate.id}`, { token: acmeAdmin })).body;
      return t.status === 'closed' && t.links.duplicateOf ? t : null;
    }, 'duplicate closed and linked');
    expect(dup.links.duplicateOf).toEqual({ id: target.id, number: target.number });
    for (const k of ['firstResponse', 'resolution'] as const) expect(dup.sla[k].state).not.toBe('running');
    const merged = (await events(acmeAdmin, duplicate.id)).find((e) => e.type === 'ticket.merged');
    expect(merged).toMatchObject({ visibility: 'public', data: { targetId: target.id, targetNumber: Number(target.number.slice(2)), note: 'Same outage as the earlier report' } });

    const tgt = await eventually(async () => {
      const t = (await app.request('GET', `/api/v1/tickets/${target.id}`, { token: acmeAdmin })).body;
      return t.links.duplicates.length ? t : null;
    }, 'target linked to its duplicate');
    expect(tgt.links.duplicates).toEqual([{ id: duplicate.id, number: duplicate.number }]);
    // The target's requester may not open the customer admin's ticket: the link is not shown to them.
    expect((await app.request('GET', `/api/v1/tickets/${target.id}`, { token: acme })).body.links.duplicates).toEqual([]);
    expect((await app.request('GET', `/api/v1/tickets?limit=200`, { token: acme })).body.items.find((x: { id: string }) => x.id === target.id).links.duplicates).toEqual([]);
    expect(tgt.status).not.toBe('closed');
    expect((await events(acme, target.id)).some((e) => e.type === 'ticket.duplicate_merged' && e.data.duplicateId === duplicate.id)).toBe(true);

    // The duplicate's requester is told, once, with the target's number.
    const mail = await eventually(async () => {
      const rows: Array<{ recipient_email: string; payload: unknown }> = await app.db('notifications').where({ ticket_id: duplicate.id, template: 'ticket-merged' }).select('recipient_email', 'payload');
      return rows.length ? rows : null;
    }, 'merge notification');
    expect(mail.map((m) => m.recipient_email)).toEqual(['admin@acme.test']);
    expect(JSON.stringify(mail[0].payload)).toContain(target.number);

    // A merged ticket takes nothing more, and merging again is refused with the reason.
    const again = await merge(agent, duplicate.id, { targetId: target.id });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/closed and takes no more actions/);
  });

  it('is refused across organisations, onto a closed ticket, onto itself, for unknown tickets and for customers — changing nothing', async () => {
    const acmeTicket = await newTicket(acme);
    const betaTicket = await newTicket(beta);
    const before = await app.db('ticket_events').where({ ticket_id: acmeTicket.id }).count('* as n').first();

    const across = await merge(agent, acmeTicket.id, { targetId: betaTicket.number });
    expect(across.status).toBe(409);
    expect(across.body.type).toMatch(/other-organisation$/);

    const closed = await newTicket(acme, 'Already done');
    await app.request('POST', `/api/v1/tickets/${closed.id}/actions/cancel`, { token: acme, body: { reason: 'not needed' } });
    await eventually(async () => (await app.db('tickets').where({ id: closed.id }).first())?.status === 'cancelled', 'cancelled');
    const ontoClosed = await merge(agent, acmeTicket.id, { targetId: closed.id });
    expect(ontoClosed.status).toBe(409);
    expect(ontoClosed.body.type).toMatch(/ticket-finished$/);

    const self = await merge(agent, acmeTicket.id, { targetId: acmeTicket.id });
    expect(self.status).toBe(409);
    expect(self.body.detail).toMatch(/cannot be merged into itself/);

    expect((await merge(agent, acmeTicket.id, { targetId: 'T-999999' })).status).toBe(409);
    expect((await merge(agent, acmeTicket.id, { targetId: 'not a ticket' })).status).toBe(400);
    const byCustomer = await merge(acme, acmeTicket.id, { targetId: closed.id });
    expect(byCustomer.status).toBe(403);
    expect(byCustomer.body.detail).toMatch(/merge is not allowed for customers/);

    expect(await app.db('ticket_events').where({ ticket_id: acmeTicket.id }).count('* as n').first()).toEqual(before);
    expect((await app.request('GET', `/api/v1/tickets/${acmeTicket.id}`, { token: acme })).body.status).toBe('new');
  });
});
