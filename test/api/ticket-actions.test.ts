import { eventually, startTestApp, type TestApp } from '../support/app';

const incident = { title: 'Month-end close blocked', description: 'Posting period cannot be closed', type: 'incident', impact: 'medium', urgency: 'high' };

describe('ticket actions, timeline and SLA over HTTP', () => {
  let app: TestApp;
  let customer: string;
  let agent: string;
  let manager: string;
  let otherOrg: string;
  beforeAll(async () => {
    app = await startTestApp();
    [customer, agent, manager, otherOrg] = await Promise.all(['user@acme.test', 'l1@demo.test', 'manager@demo.test', 'user@beta.test'].map((e) => app.login(e)));
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function newTicket(): Promise<{ id: string; number: string }> {
    const res = await app.request('POST', '/api/v1/tickets', { token: customer, body: incident });
    expect(res.status).toBe(201);
    await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id }).first(), 'ticket.created');
    return res.body;
  }
  const act = (token: string, id: string, action: string, body: unknown = {}) => app.request('POST', `/api/v1/tickets/${id}/actions/${action}`, { token, body });

  it('walks the lifecycle: triage, assign, public reply, internal note, request info, customer reply, resolve, confirm', async () => {
    const t = await newTicket();
    const l1 = await app.db('users').where({ email: 'l1@demo.test' }).first();
    expect((await act(agent, t.id, 'triage', { impact: 'high' })).body).toMatchObject({ accepted: true, status: 'triaged' });
    const row = await app.db('tickets').where({ id: t.id }).first();
    expect(row.priority).toBe('P1'); // high × high, re-derived from the matrix
    expect((await act(agent, t.id, 'assign', { assigneeId: l1.id })).body.status).toBe('in_progress');
    expect((await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: agent, body: { body: 'Looking into it', visibility: 'public' } })).status).toBe(201);
    await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: agent, body: { body: 'Probably the locking bug #4711', visibility: 'internal' } });
    expect((await act(agent, t.id, 'request-info', { body: 'Which period?' })).body.status).toBe('waiting_on_customer');
    const paused = await app.request('GET', `/api/v1/tickets/${t.id}`, { token: customer });
    expect(paused.body.sla.resolution.state).toBe('paused');
    expect(paused.body.sla.firstResponse.state).toBe('met');
    expect((await act(customer, t.id, 'reply', { body: 'November' })).body.status).toBe('in_progress');
    expect((await act(agent, t.id, 'resolve', { resolution: 'Unlocked the period' })).body.status).toBe('resolved');
    expect((await act(customer, t.id, 'close', { rating: 5 })).body.status).toBe('closed');

    const staffEvents = (await app.request('GET', `/api/v1/tickets/${t.id}/events`, { token: agent })).body.items;
    expect(staffEvents.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ticket.created', 'ticket.triaged', 'priority.changed', 'ticket.assigned', 'comment.public', 'comment.internal', 'info.requested', 'customer.replied', 'ticket.resolved', 'ticket.closed']),
    );
    const customerView = await app.request('GET', `/api/v1/tickets/${t.id}/events`, { token: customer });
    expect(customerView.body.items.every((e: { visibility: string }) => e.visibility === 'public')).toBe(true);
    expect(customerView.text).not.toContain('#4711');
    const customerWorkflow = await app.request('GET', `/api/v1/tickets/${t.id}/workflow`, { token: customer });
    expect(customerWorkflow.text).not.toContain('#4711');
    expect(customerWorkflow.body.state).not.toHaveProperty('pendingTimers');
    expect(customerWorkflow.body.state).not.toHaveProperty('assigneeId');
    const nul = await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: customer, body: { body: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    for (const e of staffEvents) expect(e).toEqual({ seq: expect.any(Number), type: expect.any(String), at: expect.any(String), actor: expect.any(Object), visibility: expect.any(String), data: expect.any(Object) });
  });

  it('refuses an action not allowed now with 409 and a reason, and records nothing', async () => {
    const t = await newTicket();
    const before = await app.db('ticket_events').where({ ticket_id: t.id }).count('* as n').first();
    const res = await act(agent, t.id, 'reopen', { reason: 'why not' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, action: 'reopen', ticketStatus: 'new' });
    expect(res.body.type).toMatch(/invalid-transition$/);
    expect(res.body.detail).toMatch(/cannot reopen a ticket that is new/);
    expect(await app.db('ticket_events').where({ ticket_id: t.id }).count('* as n').first()).toEqual(before);
  });

  it("refuses an action the caller's role may never run with 403 naming the rule (before the input or the key), and records nothing", async () => {
    const t = await newTicket();
    const before = await app.db('ticket_events').where({ ticket_id: t.id }).count('* as n').first();
    const overrideByAgent = await act(agent, t.id, 'override-priority', { priority: 'P1', reason: 'urgent' });
    expect(overrideByAgent.status).toBe(403);
    expect(overrideByAgent.body.type).toMatch(/forbidden$/);
    expect(overrideByAgent.body.detail).toMatch(/not allowed for agents/);
    const resolveByCustomer = await act(customer, t.id, 'resolve', { resolution: 'done' });
    expect(resolveByCustomer.status).toBe(403);
    expect(resolveByCustomer.body.detail).toMatch(/resolve is not allowed for customers/);
    // Even with a body that would be invalid, the role decides first.
    expect((await act(customer, t.id, 'resolve', { nonsense: true })).status).toBe(403);
    const approveByUser = await act(customer, t.id, 'approve', {});
    expect(approveByUser.status).toBe(403);
    expect(approveByUser.body.detail).toMatch(/only the organisation's customer admin can approve/);
    expect(await app.db('ticket_events').where({ ticket_id: t.id }).count('* as n').first()).toEqual(before);
  });

  it('a repeated Idempotency-Key with another body is 422 on tickets, comments and actions; the same body replays', async () => {
    const key = `idem-${Date.now()}`;
    const body = { title: 'Idempotent', description: 'Once', type: 'question', impact: 'low', urgency: 'low' };
    const first = await app.request('POST', '/api/v1/tickets', { token: customer, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const again = await app.request('POST', '/api/v1/tickets', { token: customer, body, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await app.request('POST', '/api/v1/tickets', { token: customer, body: { ...body, title: 'Another' }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    const id = first.body.id as string;
    const c1 = await app.request('POST', `/api/v1/tickets/${id}/comments`, { token: customer, body: { body: 'one' }, headers: { 'idempotency-key': `${key}-c` } });
    expect(c1.status).toBe(201);
    expect((await app.request('POST', `/api/v1/tickets/${id}/comments`, { token: customer, body: { body: 'two' }, headers: { 'idempotency-key': `${key}-c` } })).status).toBe(422);
    const a1 = await app.request('POST', `/api/v1/tickets/${id}/actions/cancel`, { token: customer, body: { reason: 'one' }, headers: { 'idempotency-key': `${key}-a` } });
    expect(a1.status).toBe(200);
    expect((await app.request('POST', `/api/v1/tickets/${id}/actions/cancel`, { token: customer, body: { reason: 'two' }, headers: { 'idempotency-key': `${key}-a` } })).status).toBe(422);
    // The role is checked before the key: a forbidden action with a used key is 403, not a replay or 422.
    expect((await app.request('POST', `/api/v1/tickets/${id}/actions/resolve`, { token: customer, body: { reason: 'one' }, headers: { 'idempotency-key': `${key}-a` } })).status).toBe(403);
    const comments = await app.db('ticket_events').where({ ticket_id: id, type: 'comment.public' }).count('* as n').first();
    expect(Number(comments?.n)).toBe(1);
  });

  it('validates action input with field names, and hides other organisations behind 404', async () => {
    const t = await newTicket();
    const bad = await act(agent, t.id, 'escalate', { toLevel: 'L9' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.toLevel', 'body.reason']));
    expect((await act(agent, t.id, 'fly-to-moon')).status).toBe(400);
    expect((await act(otherOrg, t.id, 'comment', { body: 'hello' })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/tickets/${t.id}/events`, { token: otherOrg })).status).toBe(404);
    const internalByCustomer = await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: customer, body: { body: 'secret', visibility: 'internal' } });
    expect(internalByCustomer.status).toBe(403);
  });

  it('escalates by hand, overrides priority as manager, and filters lists by level, priority and SLA state', async () => {
    const t = await newTicket();
    expect((await act(agent, t.id, 'escalate', { toLevel: 'L2', reason: 'Needs a finance specialist' })).status).toBe(200);
    expect((await act(manager, t.id, 'override-priority', { priority: 'P1', reason: 'CFO escalation' })).body.accepted).toBe(true);
    const list = await app.request('GET', '/api/v1/tickets?level=L2&priority=P1&status=new,triaged,in_progress', { token: agent });
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(t.id);
    const none = await app.request('GET', '/api/v1/tickets?level=L3', { token: agent });
    expect(none.body.items.map((x: { id: string }) => x.id)).not.toContain(t.id);
    expect((await app.request('GET', '/api/v1/tickets?slaState=nonsense', { token: agent })).status).toBe(400);
    const one = await app.request('GET', `/api/v1/tickets/${t.id}`, { token: agent });
    expect(one.body).toMatchObject({ level: 'L2', priority: 'P1' });
    expect(one.body.workflow.level).toBe('L2');
  });

  it('previews SLA deadlines for a creation instant', async () => {
    const acme = await app.db('customers').where({ slug: 'acme' }).first();
    // Premium P2: first response 2 bh. Friday 16:00 in Bratislava → Monday 09:00.
    const res = await app.request('GET', `/api/v1/sla/preview?customerId=${acme.id}&priority=P2&at=2026-02-06T16:00:00%2B01:00`, { token: agent });
    expect(res.status).toBe(200);
    expect(res.body.firstResponse.deadline).toBe(new Date('2026-02-09T09:00:00+01:00').toISOString());
    expect(res.body.resolution.deadline).toBe(new Date('2026-02-10T16:00:00+01:00').toISOString()); // 18 bh: 1 + 9 + 8
    const p1 = await app.request('GET', `/api/v1/sla/preview?customerId=${acme.id}&priority=P1&at=2026-02-06T16:00:00%2B01:00`, { token: agent });
    expect(p1.body.firstResponse.deadline).toBe(new Date('2026-02-06T17:00:00+01:00').toISOString()); // 1 h, 24×7
    const own = await app.request('GET', '/api/v1/sla/preview?priority=P3', { token: customer });
    expect(own.status).toBe(200);
    const foreign = await app.request('GET', `/api/v1/sla/preview?customerId=${acme.id}&priority=P3`, { token: otherOrg });
    expect(foreign.status).toBe(404);
  });
});
