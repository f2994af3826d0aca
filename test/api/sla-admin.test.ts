import { eventually, startTestApp, type TestApp } from '../support/app';

const incident = { title: 'Warehouse scanner offline', description: 'Scanners cannot sync', type: 'incident', impact: 'medium', urgency: 'high' };

describe('plans, calendars and contracts: admin-editable, snapshotted into each ticket', () => {
  let app: TestApp;
  let admin: string;
  let customer: string;
  let agent: string;
  beforeAll(async () => {
    app = await startTestApp();
    [admin, customer, agent] = await Promise.all(['admin@demo.test', 'user@acme.test', 'l1@demo.test'].map((e) => app.login(e)));
  });
  afterAll(async () => {
    await app?.stop();
  });

  const firstResponseTarget = async (ticketId: string) => {
    const row = await eventually(async () => {
      const r = await app.db('tickets').where({ id: ticketId }).first();
      return r?.sla?.firstResponse ? r : undefined;
    }, 'clock projection');
    return { snapshot: row.sla_snapshot.targets.P2.firstResponse, clock: row.sla.firstResponse.target };
  };

  it('applies a contract to tickets created after it, and a later edit to newer tickets only', async () => {
    const acme = await app.db('customers').where({ slug: 'acme' }).first();
    const created = await app.request('POST', '/api/v1/contracts', {
      token: admin,
      body: { customerId: acme.id, name: 'Acme gold', validFrom: '2020-01-01', targets: { P2: { firstResponse: { ms: 30 * 60_000, coverage: '24x7' } } } },
    });
    expect(created.status).toBe(201);
    const first = await app.request('POST', '/api/v1/tickets', { token: customer, body: incident });
    expect(await firstResponseTarget(first.body.id)).toEqual({ snapshot: { ms: 1_800_000, coverage: '24x7' }, clock: { ms: 1_800_000, coverage: '24x7' } });

    const edited = await app.request('PUT', `/api/v1/contracts/${created.body.id}`, {
      token: admin,
      body: { customerId: acme.id, name: 'Acme gold', validFrom: '2020-01-01', targets: { P2: { firstResponse: { ms: 10 * 60_000, coverage: '24x7' } } } },
    });
    expect(edited.status).toBe(200);
    const second = await app.request('POST', '/api/v1/tickets', { token: customer, body: incident });
    expect((await firstResponseTarget(second.body.id)).clock).toEqual({ ms: 600_000, coverage: '24x7' });
    expect((await firstResponseTarget(first.body.id)).clock).toEqual({ ms: 1_800_000, coverage: '24x7' });
    // The preview follows the contract too.
    const preview = await app.request('GET', `/api/v1/sla/preview?customerId=${acme.id}&priority=P2&at=2026-02-06T16:00:00Z`, { token: agent });
    expect(preview.body.firstResponse.deadline).toBe('2026-02-06T16:10:00.000Z');
  });

  it('edits a plan and a calendar with validation naming the field, for admins only', async () => {
    const bad = await app.request('PUT', '/api/v1/calendars/office-hours', { token: admin, body: { name: 'Office', timeZone: 'Mars/Olympus', week: { 1: [{ start: '09:00', end: '17:00' }] }, holidays: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('body.timeZone');
    const good = await app.request('PUT', '/api/v1/calendars/office-hours', { token: admin, body: { name: 'Office', timeZone: 'Europe/Vienna', week: { 1: [{ start: '09:00', end: '17:00' }] }, holidays: [] } });
    expect(good.status).toBe(200);
    const plan = await app.request('PUT', '/api/v1/plans/basic', { token: admin, body: { warningThreshold: 0.7, levelBudgets: { L1: 0.5, L2: 0.25 } } });
    expect(plan.status).toBe(400);
    const ok = await app.request('PUT', '/api/v1/plans/basic', { token: admin, body: { warningThreshold: 0.7 } });
    expect(ok.body.warningThreshold).toBe(0.7);
    expect((await app.request('PUT', '/api/v1/plans/basic', { token: agent, body: { warningThreshold: 0.6 } })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/plans', { token: customer })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/contracts', { token: customer, body: {} })).status).toBe(403);
    const unchanged = await app.db('plans').where({ id: 'basic' }).first();
    expect(Number(unchanged.warning_threshold)).toBe(0.7);
  });
});
