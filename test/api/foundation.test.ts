import { SlaStateKey } from '../../workflows/definitions';
import { eventually, startTestApp, type TestApp } from '../support/app';

const newTicket = { title: 'Invoices cannot be posted', description: 'Posting gives error 500', type: 'incident', impact: 'medium', urgency: 'high' };

describe('API foundation: health, auth, first vertical slice', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await app.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await app.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual([
      { name: 'postgres', ok: true },
      { name: 'temporal', ok: true },
    ]);
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('ticketflow_http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('ticketflow_events_total');
  });

  it('refuses requests without a token, and bad logins without revealing which emails exist', async () => {
    const anon = await app.request('POST', '/api/v1/tickets', { body: newTicket });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const wrongPassword = await app.request('POST', '/api/v1/auth/token', { body: { email: 'user@acme.test', password: 'nope' } });
    const unknownEmail = await app.request('POST', '/api/v1/auth/token', { body: { email: 'nobody@acme.test', password: 'nope' } });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body.detail).toBe(wrongPassword.body.detail);
  });

  it('creates a ticket that is stored, has a running workflow with live state, and is listed in Temporal', async () => {
    const customer = await app.login('user@acme.test');
    const created = await app.request('POST', '/api/v1/tickets', { token: customer, body: newTicket });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ number: expect.stringMatching(/^T-\d{6,}$/), status: 'new', priority: 'P2', level: 'L1', channel: 'portal' });
    expect(created.headers.get('location')).toBe(`/api/v1/tickets/${created.body.id}`);
    for (const key of ['id', 'number', 'title', 'type', 'status', 'priority', 'impact', 'urgency', 'level', 'customerId', 'requesterId', 'businessLine', 'module', 'channel', 'assigneeId', 'createdAt', 'sla']) {
      expect(created.body).toHaveProperty(key);
    }

    const agent = await app.login('l1@demo.test');
    const withState = await eventually(async () => {
      const r = await app.request('GET', `/api/v1/tickets/${created.body.number}`, { token: agent });
      return r.body.workflow?.lastEvents?.length ? r.body : undefined;
    }, 'workflow state');
    expect(withState.workflow).toMatchObject({ ticketId: created.body.id, status: 'new', level: 'L1' });

    const events = await eventually(async () => {
      const rows = await app.db('ticket_events').where({ ticket_id: created.body.id });
      return rows.length ? rows : undefined;
    }, 'ticket.created in ticket_events');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ seq: 1, type: 'ticket.created', visibility: 'public' });

    const number = Number(created.body.number.slice(2));
    const listed = await eventually(async () => {
      const found = [];
      for await (const wf of app.temporal.workflow.list({ query: `WorkflowId = 'ticket-${number}' AND TicketStatus = 'new' AND CustomerId = '${created.body.customerId}'` })) {
        found.push(wf);
      }
      return found.length ? found : undefined;
    }, 'visibility listing');
    expect(listed[0].typedSearchAttributes.get(SlaStateKey)).toBe('ok');
  });

  it('honours Idempotency-Key: the same POST twice creates one ticket', async () => {
    const token = await app.login('admin@acme.test');
    const headers = { 'idempotency-key': 'create-once-42' };
    const first = await app.request('POST', '/api/v1/tickets', { token, body: newTicket, headers });
    const second = await app.request('POST', '/api/v1/tickets', { token, body: newTicket, headers });
    expect(first.status).toBe(201);
    // The first answer, replayed (as every creating POST does).
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const { count } = (await app.db('tickets').where({ idempotency_key: 'create-once-42' }).count('* as count').first()) as { count: string };
    expect(Number(count)).toBe(1);
  });

  it('answers invalid input with 400 naming each field, and changes nothing', async () => {
    const token = await app.login('user@acme.test');
    const before = await app.db('tickets').count('* as n').first();
    const res = await app.request('POST', '/api/v1/tickets', { token, body: { ...newTicket, impact: 'enormous', colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/validation-error$/);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.impact', 'body']));
    expect(res.body.errors.find((e: { field: string }) => e.field === 'body').message).toContain('colour');
    const malformed = await app.request('POST', '/api/v1/tickets', { token, rawBody: '{"title":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await app.db('tickets').count('* as n').first()).toEqual(before);
  });

  it("answers another organisation's ticket with 404, exactly like a missing one", async () => {
    const acme = await app.login('user@acme.test');
    const created = await app.request('POST', '/api/v1/tickets', { token: acme, body: newTicket });
    const beta = await app.login('user@beta.test');
    const foreign = await app.request('GET', `/api/v1/tickets/${created.body.id}`, { token: beta });
    const missing = await app.request('GET', '/api/v1/tickets/00000000-0000-0000-0000-000000000000', { token: beta });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    const list = await app.request('GET', '/api/v1/tickets', { token: beta });
    expect(list.status).toBe(200);
    expect(list.body.items.find((t: { id: string }) => t.id === created.body.id)).toBeUndefined();
  });
});

describe('login rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers 429 after 10 failed logins for one email, without locking out others, and revokes tokens', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await app.request('POST', '/api/v1/auth/token', { body: { email: 'user@beta.test', password: `wrong-${i}` } })).status).toBe(401);
    }
    const limited = await app.request('POST', '/api/v1/auth/token', { body: { email: 'user@beta.test', password: 'demo' } });
    expect(limited.status).toBe(429);
    expect(limited.body.type).toMatch(/rate-limited$/);
    const token = await app.login('admin@beta.test');
    expect((await app.request('GET', '/api/v1/tickets', { token })).status).toBe(200);
    expect((await app.request('DELETE', '/api/v1/auth/token', { token })).status).toBe(204);
    expect((await app.request('GET', '/api/v1/tickets', { token })).status).toBe(401);
  });
});
