/** The manager dashboard over HTTP: figures from the projection, and a customer admin sees only their organisation. */
import { eventually, startTestApp, type TestApp } from '../support/app';

describe('dashboard', () => {
  let app: TestApp;
  let ids: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    ids = {};
    const acmeUser = await app.login('user@acme.test');
    const betaUser = await app.login('user@beta.test');
    for (const [name, token, impact, urgency] of [
      ['acme1', acmeUser, 'high', 'high'],
      ['acme2', acmeUser, 'low', 'low'],
      ['beta1', betaUser, 'medium', 'medium'],
    ] as const) {
      const t = await app.request('POST', '/api/v1/tickets', { token, body: { title: name, description: 'd', type: 'incident', impact, urgency } });
      ids[name] = t.body.id;
      await eventually(() => app.db('ticket_events').where({ ticket_id: t.body.id }).first(), 'ticket.created');
    }
    // Shape the projection as the workflow would have after a warning, a breach and an escalation.
    await app.db('tickets').where({ id: ids.acme2 }).update({ sla_state: 'at_risk' });
    await app.db('tickets').where({ id: ids.beta1 }).update({ sla_state: 'breached' });
    const breachSeq = Number((await app.db('ticket_events').where({ ticket_id: ids.beta1 }).max('seq as m').first())!.m) + 1;
    await app.db('ticket_events').insert([
      { ticket_id: ids.beta1, seq: breachSeq, type: 'sla.breached', at: new Date(), visibility: 'internal', data: JSON.stringify({ clock: 'firstResponse' }) },
      { ticket_id: ids.acme1, seq: 100, type: 'escalation.automatic', at: new Date(), visibility: 'internal', data: JSON.stringify({ from: 'L1', to: 'L2' }) },
    ]);
    await app.db('tickets').where({ id: ids.acme2 }).update({ status: 'closed', satisfaction_rating: 4, satisfaction_at: new Date() });
    await app.db('tickets').where({ id: ids.acme1 }).update({ satisfaction_rating: 2, satisfaction_at: new Date() });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('gives managers every figure', async () => {
    const res = await app.request('GET', '/api/v1/dashboard', { token: await app.login('manager@demo.test') });
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.open.total).toBe(2); // acme2 closed
    expect(d.open.byPriority).toMatchObject({ P1: 1, P3: 1 });
    expect(d.open.byLevel).toMatchObject({ L1: 2 });
    expect(d.breached.map((t: { id: string }) => t.id)).toEqual([ids.beta1]);
    expect(d.breached[0]).toMatchObject({ customer: 'Beta', number: expect.stringMatching(/^T-/) });
    expect(d.atRisk).toEqual([]); // the at-risk ticket is closed
    const beta = d.compliance.perCustomer.find((c: { name: string }) => c.name === 'Beta');
    expect(beta).toMatchObject({ tickets: 1, breached: 1, compliance: 0 });
    const acme = d.compliance.perCustomer.find((c: { name: string }) => c.name === 'Acme');
    expect(acme).toMatchObject({ tickets: 2, breached: 0, compliance: 1 });
    expect(d.compliance.perPlan.map((p: { id: string }) => p.id).sort()).toEqual(['basic', 'premium']);
    expect(d.escalationsToday).toMatchObject({ automatic: 1, manual: 0 });
    expect(d.satisfaction).toEqual({ rated: 2, average: 3, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 } });
  });

  it("a customer admin sees their organisation's figures only; agents and customer users are refused", async () => {
    const res = await app.request('GET', '/api/v1/dashboard', { token: await app.login('admin@acme.test') });
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ customerId: expect.any(String) });
    expect(res.body.breached).toEqual([]);
    expect(res.body.compliance.perCustomer.map((c: { name: string }) => c.name)).toEqual(['Acme']);
    expect(JSON.stringify(res.body)).not.toContain('Beta');
    expect(res.body.escalationsToday).toBeNull(); // internal events
    expect((await app.request('GET', '/api/v1/dashboard', { token: await app.login('l1@demo.test') })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/dashboard', { token: await app.login('user@acme.test') })).status).toBe(403);
  });

  it('every figure has its list: the ticket list takes the same filters and counts alike', async () => {
    const manager = await app.login('manager@demo.test');
    const d = (await app.request('GET', '/api/v1/dashboard', { token: manager })).body;
    expect(d.compliance.perPlan.find((p: { id: string }) => p.id === 'basic')).toMatchObject({ name: 'Basic', state: 'belowTarget', band: 'below' });
    expect(d.compliance.perPlan.find((p: { id: string }) => p.id === 'premium')).toMatchObject({ name: 'Premium', state: 'onTarget', band: 'full' });
    const list = async (query: string, token = manager) => {
      const res = await app.request('GET', `/api/v1/tickets?${query}`, { token });
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ id: string }>).map((t) => t.id).sort();
    };
    const from = encodeURIComponent(d.windowFrom);
    for (const plan of d.compliance.perPlan as Array<{ id: string; tickets: number; breached: number }>) {
      expect(await list(`planId=${plan.id}&createdFrom=${from}`)).toHaveLength(plan.tickets);
      expect(await list(`planId=${plan.id}&createdFrom=${from}&breached=true`)).toHaveLength(plan.breached);
    }
    expect(await list('breached=true')).toEqual([ids.beta1]);
    expect(await list('breached=false')).toEqual([ids.acme1, ids.acme2].sort());
    expect(await list(`escalatedSince=${encodeURIComponent(d.escalationsToday.since)}&escalation=automatic`)).toEqual([ids.acme1]);
    expect(await list(`escalation=manual`)).toEqual([]);
    expect(await list(`rating=2,4&ratedFrom=${from}`)).toEqual([ids.acme1, ids.acme2].sort());
    expect(await list('rating=4')).toEqual([ids.acme2]);
    const today = d.trend[d.trend.length - 1];
    expect(today.created).toBe(3);
    expect(await list(`createdFrom=${encodeURIComponent(today.from)}&createdBefore=${encodeURIComponent(today.before)}`)).toHaveLength(3);
    // Breaches and escalations are internal timeline events: filtering by them is for staff, whatever the scope.
    const customer = await app.login('user@acme.test');
    for (const filter of ['breached=true', 'breached=false', 'escalation=automatic', `escalatedSince=${from}`]) {
      const refused = await app.request('GET', `/api/v1/tickets?${filter}`, { token: customer });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain(filter.split('=')[0]);
    }
  });

  it('a bad filter is a 400 naming the field', async () => {
    const manager = await app.login('manager@demo.test');
    for (const [query, field] of [
      ['createdFrom=yesterday', 'query.createdFrom'],
      ['breached=maybe', 'query.breached'],
      ['planId=Not%20A%20Plan', 'query.planId'],
      ['rating=6', 'query.rating'],
      ['escalation=sideways', 'query.escalation'],
    ] as const) {
      const res = await app.request('GET', `/api/v1/tickets?${query}`, { token: manager });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
