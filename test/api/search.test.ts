/**
 * Finding work (issue #14 point 2) over HTTP: full-text search with unaccent (number, title, description,
 * comments; internal notes for staff only), the list orders, numbered pages beside the cursor, saved views with
 * counts, and bulk assign / escalate through the single-ticket action path.
 */
import { eventually, startTestApp, type TestApp } from '../support/app';

describe('search, sort, pages, saved views and bulk actions over HTTP', () => {
  let app: TestApp;
  let customer: string;
  let orgAdmin: string;
  let otherOrg: string;
  let agent: string;
  let otherAgent: string;
  let manager: string;
  let l1Id: string;
  beforeAll(async () => {
    app = await startTestApp();
    [customer, orgAdmin, otherOrg, agent, otherAgent, manager] = await Promise.all(['user@acme.test', 'admin@acme.test', 'user@beta.test', 'l1@demo.test', 'l2@demo.test', 'manager@demo.test'].map((e) => app.login(e)));
    l1Id = (await app.db('users').where({ email: 'l1@demo.test' }).first()).id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function newTicket(title: string, description = 'Nothing more to say', token = customer): Promise<{ id: string; number: string }> {
    const res = await app.request('POST', '/api/v1/tickets', { token, body: { title, description, type: 'incident', impact: 'medium', urgency: 'medium' } });
    expect(res.status).toBe(201);
    await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id, type: 'ticket.created' }).first(), 'ticket.created');
    return res.body;
  }
  const list = (token: string, query: string) => app.request('GET', `/api/v1/tickets?${query}`, { token });
  const numbersOf = (res: { body: { items: Array<{ number: string }> } }) => res.body.items.map((t) => t.number);

  it('finds tickets by words without their accents, by number, by description and by public comment', async () => {
    const kava = await newTicket('Kávovar v kuchyni nefunguje', 'Tečie voda zo spodku');
    const other = await newTicket('Printer jammed');
    for (const token of [agent, customer]) {
      const res = await list(token, 'q=kavovar');
      expect(res.status).toBe(200);
      expect(numbersOf(res)).toEqual([kava.number]);
      expect(res.body.total).toBe(1);
      expect(numbersOf(await list(token, 'q=KÁVOVAR'))).toEqual([kava.number]);
      expect(numbersOf(await list(token, `q=${encodeURIComponent('tecie voda')}`))).toEqual([kava.number]);
    }
    const n = Number(other.number.replace(/\D/g, ''));
    for (const asTyped of [other.number, String(n), `T-${n}`, `#${n}`]) expect(numbersOf(await list(agent, `q=${encodeURIComponent(asTyped)}`))).toContain(other.number);
    expect((await app.request('POST', `/api/v1/tickets/${other.id}/comments`, { token: agent, body: { body: 'Replaced the fuser unit', visibility: 'public' } })).status).toBe(201);
    for (const token of [agent, customer]) expect(numbersOf(await list(token, 'q=fuser'))).toEqual([other.number]);
    // Another organisation finds nothing of Acme's, not even by number.
    expect((await list(otherOrg, 'q=kavovar')).body).toMatchObject({ items: [], total: 0 });
    expect((await list(otherOrg, `q=${encodeURIComponent(other.number)}`)).body.total).toBe(0);
  });

  it('searches internal notes for staff only: a customer never matches a word that is only in an internal note', async () => {
    const t = await newTicket('Invoice export is slow');
    expect((await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: agent, body: { body: 'Suspect the zlatokop index rebuild', visibility: 'internal' } })).status).toBe(201);
    await eventually(() => app.db('ticket_events').where({ ticket_id: t.id, type: 'comment.internal' }).first(), 'internal note');
    expect(numbersOf(await list(agent, 'q=zlatokop'))).toEqual([t.number]);
    expect(numbersOf(await list(manager, 'q=zlatokop'))).toEqual([t.number]);
    for (const token of [customer, orgAdmin]) {
      const res = await list(token, 'q=zlatokop');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ items: [], total: 0, pageCount: 0 });
      expect(res.text).not.toContain('zlatokop');
    }
    // The ticket itself stays findable for the customer by its public words.
    expect(numbersOf(await list(customer, 'q=invoice export'))).toEqual([t.number]);
  });

  it('orders the queue breached first, then at risk, then by the nearest deadline; and by due time, priority, newest', async () => {
    const word = 'sortword';
    const made = [];
    for (const name of ['a', 'b', 'c', 'd']) made.push(await newTicket(`${word} ${name}`));
    const [a, b, c, d] = made;
    const at = (h: number) => new Date(Date.UTC(2031, 0, 1, h));
    // The projection's own columns, as the workflow would write them for these clocks.
    // a: answered, so its next update (07:00) is its nearest deadline.
    await app.db('tickets').where({ id: a.id }).update({ sla_state: 'ok', priority: 'P1', resolution_due: at(9), first_response_due: null, next_update_due: at(7) });
    await app.db('tickets').where({ id: b.id }).update({ sla_state: 'at_risk', priority: 'P3', resolution_due: at(12), first_response_due: null });
    await app.db('tickets').where({ id: c.id }).update({ sla_state: 'breached', priority: 'P4', resolution_due: at(15), first_response_due: null });
    await app.db('tickets').where({ id: d.id }).update({ sla_state: 'ok', priority: 'P2', resolution_due: at(11), first_response_due: at(8) });
    const queue = await list(agent, `q=${word}`);
    expect(queue.body.sort).toBe('queue');
    expect(numbersOf(queue)).toEqual([c.number, b.number, a.number, d.number]);
    expect(numbersOf(await list(agent, `q=${word}&sort=due`))).toEqual([a.number, d.number, b.number, c.number]);
    expect(numbersOf(await list(agent, `q=${word}&sort=priority`))).toEqual([a.number, d.number, b.number, c.number]);
    expect(numbersOf(await list(agent, `q=${word}&sort=newest`))).toEqual([d.number, c.number, b.number, a.number]);
    // Customers get newest first unless they ask.
    expect((await list(customer, `q=${word}`)).body.sort).toBe('newest');

    // Numbered pages: total and page count; the cursor continues the same order.
    const p2 = await list(agent, `q=${word}&limit=3&page=2`);
    expect(p2.body).toMatchObject({ total: 4, page: 2, pageCount: 2, nextCursor: null });
    expect(numbersOf(p2)).toEqual([d.number]);
    const first = await list(agent, `q=${word}&limit=2`);
    expect(first.body).toMatchObject({ total: 4, page: 1, pageCount: 2 });
    const second = await list(agent, `q=${word}&limit=2&cursor=${first.body.nextCursor}`);
    expect(numbersOf(second)).toEqual([a.number, d.number]);
    expect(second.body).toMatchObject({ page: null, nextCursor: null, sort: 'queue' });
    const newest = await list(agent, `q=${word}&limit=3&sort=newest`);
    expect(numbersOf(await list(agent, `q=${word}&limit=3&cursor=${newest.body.nextCursor}`))).toEqual([a.number]);
  });

  it('refuses bad list queries with 400 naming the field', async () => {
    for (const [query, field] of [
      ['sort=sideways', 'query.sort'],
      ['page=0', 'query.page'],
      [`q=${'x'.repeat(201)}`, 'query.q'],
      ['q=a%00b', 'query.q'],
      ['page=2&cursor=' + Buffer.from(JSON.stringify({ s: 'due', o: 2 })).toString('base64url'), 'query.page'],
      ['sort=newest&cursor=' + Buffer.from(JSON.stringify({ s: 'due', o: 2 })).toString('base64url'), 'query.cursor'],
      ['cursor=' + Buffer.from(JSON.stringify({ s: 'due', o: -1 })).toString('base64url'), 'query.cursor'],
    ] as const) {
      const res = await list(agent, query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('projects the next update deadline once it runs, and the queue reads it', async () => {
    const res = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'nextupdateword outage', description: 'Everything is down', type: 'incident', impact: 'high', urgency: 'high' } });
    expect(res.status).toBe(201);
    const row = () => app.db('tickets').where({ id: res.body.id }).first('priority', 'first_response_due', 'next_update_due');
    // The next update runs while the customer's message is the last public one, after the first response.
    expect(await row()).toMatchObject({ priority: 'P1', next_update_due: null });
    expect((await app.request('POST', `/api/v1/tickets/${res.body.id}/comments`, { token: agent, body: { body: 'Looking at it now' } })).status).toBe(201);
    expect(await row()).toMatchObject({ next_update_due: null });
    expect((await app.request('POST', `/api/v1/tickets/${res.body.id}/comments`, { token: customer, body: { body: 'Any news?' } })).status).toBe(201);
    const after = await row();
    expect(after.next_update_due).toBeInstanceOf(Date);
    expect(after.next_update_due.getTime()).toBeGreaterThan(Date.now());
    const listed = await list(agent, 'q=nextupdateword&sort=due');
    expect(numbersOf(listed)).toEqual([res.body.number]);
  });

  it('keeps saved views per agent with their counts; only the owner deletes one (404 for others, 403 for customers)', async () => {
    await newTicket('viewword one');
    await newTicket('viewword two');
    const created = await app.request('POST', '/api/v1/views', { token: agent, body: { name: 'My viewword', filters: { q: 'viewword', level: 'all', sort: 'due' } } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/views/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'My viewword', count: 2, filters: { q: 'viewword', level: 'all', sort: 'due' } });
    expect(created.body.href).toBe('/desk?q=viewword&sort=due&level=all');
    await newTicket('viewword three');
    const mine = await app.request('GET', '/api/v1/views', { token: agent });
    expect(mine.body.items).toEqual([expect.objectContaining({ id: created.body.id, count: 3 })]);
    expect((await app.request('GET', '/api/v1/views', { token: otherAgent })).body.items).toEqual([]);
    expect((await app.request('POST', '/api/v1/views', { token: agent, body: { name: 'My viewword', filters: {} } })).status).toBe(409);
    const bad = await app.request('POST', '/api/v1/views', { token: agent, body: { name: ' ', filters: { sort: 'sideways', colour: 'red' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.name', 'body.filters.sort', 'body.filters']));
    for (const token of [customer, orgAdmin]) {
      expect((await app.request('GET', '/api/v1/views', { token })).status).toBe(403);
      expect((await app.request('POST', '/api/v1/views', { token, body: { name: 'x' } })).status).toBe(403);
      expect((await app.request('DELETE', `/api/v1/views/${created.body.id}`, { token })).status).toBe(403);
    }
    expect((await app.request('DELETE', `/api/v1/views/${created.body.id}`, { token: otherAgent })).status).toBe(404);
    expect((await app.request('DELETE', '/api/v1/views/not-a-uuid', { token: agent })).body.errors[0].field).toBe('params.id');
    expect((await app.request('DELETE', `/api/v1/views/${created.body.id}`, { token: agent })).status).toBe(204);
    expect((await app.request('DELETE', `/api/v1/views/${created.body.id}`, { token: agent })).status).toBe(404);

    // Thirty views per person at most: each is counted whenever the views are shown.
    for (let i = 0; i < 30; i++) expect((await app.request('POST', '/api/v1/views', { token: manager, body: { name: `Full ${i}`, filters: {} } })).status).toBe(201);
    const full = await app.request('POST', '/api/v1/views', { token: manager, body: { name: 'One more', filters: {} } });
    expect(full.status).toBe(409);
    expect(full.body.type).toContain('too-many-views');
    expect((await app.request('GET', '/api/v1/views', { token: manager })).body.items).toHaveLength(30);
  });

  it('assigns and escalates a selection through the action path, reporting each ticket; refusals do not stop the others', async () => {
    const one = await newTicket('bulkword one');
    const two = await newTicket('bulkword two');
    const cancelled = await newTicket('bulkword cancelled');
    expect((await app.request('POST', `/api/v1/tickets/${cancelled.id}/actions/cancel`, { token: customer, body: {} })).status).toBe(200);
    const beta = await newTicket('bulkword beta', 'd', otherOrg);
    const missing = '00000000-0000-4000-8000-000000000000';
    const bulk = (token: string, body: unknown) => app.request('POST', '/api/v1/bulk-ticket-actions', { token, body });

    const assigned = await bulk(agent, { action: 'assign', ticketIds: [one.id, two.number, cancelled.id, missing], input: { assigneeId: l1Id } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ action: 'assign', succeeded: 2, failed: 2 });
    expect(assigned.body.results).toEqual([
      { ticketId: one.id, ok: true, id: one.id, number: one.number, status: 'in_progress' },
      { ticketId: two.number, ok: true, id: two.id, number: two.number, status: 'in_progress' },
      { ticketId: cancelled.id, ok: false, problem: expect.objectContaining({ status: 409, type: 'invalid-transition' }) },
      { ticketId: missing, ok: false, problem: { status: 404, type: 'not-found', detail: 'Ticket was not found' } },
    ]);
    for (const t of [one, two]) expect((await app.db('tickets').where({ id: t.id }).first()).assignee_id).toBe(l1Id);
    expect(await app.db('ticket_events').where({ ticket_id: cancelled.id, type: 'ticket.assigned' }).first()).toBeUndefined();

    // Escalate: the registry's own state check (already at L2) refuses the second time, per ticket.
    const up = await bulk(manager, { action: 'escalate', ticketIds: [one.id, beta.id], input: { toLevel: 'L2', reason: 'Needs the database team' } });
    expect(up.body).toMatchObject({ succeeded: 2, failed: 0 });
    const again = await bulk(manager, { action: 'escalate', ticketIds: [one.id, two.id], input: { toLevel: 'L2', reason: 'Again' } });
    expect(again.body.results.map((x: { ok: boolean }) => x.ok)).toEqual([false, true]);
    expect(again.body.results[0].problem.detail).toMatch(/already at L2/);
    expect((await app.db('tickets').where({ id: two.id }).first()).level).toBe('L2');

    // One ticket named twice (its id and its number) runs once; the second naming says so.
    const twice = await bulk(manager, { action: 'escalate', ticketIds: [two.id, two.number], input: { toLevel: 'L3', reason: 'Named twice' } });
    expect(twice.body).toMatchObject({ succeeded: 1, failed: 1 });
    expect(twice.body.results[1]).toEqual({ ticketId: two.number, ok: false, problem: expect.objectContaining({ status: 400, type: 'validation-error' }) });
    expect(await app.db('ticket_events').where({ ticket_id: two.id, type: 'escalation.manual' }).whereRaw(`data->>'to' = 'L3'`).count('* as n').first()).toEqual({ n: 1 });

    // Customers may not run either action at all: 403 before anything is looked at.
    const byCustomer = await bulk(customer, { action: 'assign', ticketIds: [one.id], input: { assigneeId: null } });
    expect(byCustomer.status).toBe(403);
    // Bad input: 400 naming the field, nothing run.
    const before = await app.db('ticket_events').where({ ticket_id: one.id }).count('* as n').first();
    for (const [body, field] of [
      [{ action: 'assign', ticketIds: [one.id], input: { assigneeId: 'nobody' } }, 'body.input.assigneeId'],
      [{ action: 'escalate', ticketIds: [one.id], input: { toLevel: 'L9', reason: 'x' } }, 'body.input.toLevel'],
      [{ action: 'escalate', ticketIds: [one.id], input: { toLevel: 'L3' } }, 'body.input.reason'],
      [{ action: 'resolve', ticketIds: [one.id], input: {} }, 'body.action'],
      [{ action: 'assign', ticketIds: [], input: { assigneeId: null } }, 'body.ticketIds'],
      [{ action: 'assign', ticketIds: [one.id, one.id], input: { assigneeId: null } }, 'body.ticketIds'],
    ] as const) {
      const res = await bulk(agent, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await app.db('ticket_events').where({ ticket_id: one.id }).count('* as n').first()).toEqual(before);
  });
});
