/**
 * A ticket's clocks from the moment it exists (#14): the answer to POST /api/v1/tickets, and a read before the
 * workflow's projection has run, carry the clocks the workflow starts with, computed from the ticket's SLA snapshot
 * (the same deadlines GET /sla/preview gives for that instant). The app here runs no worker, so no projection ever
 * writes the clocks: what the answers show comes from the snapshot alone.
 */
import { startTestApp, type TestApp } from '../support/app';

describe('clocks of a ticket just created, before its projection', () => {
  let app: TestApp;
  let customer: string;
  let agent: string;
  let acmeId: string;
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    [customer, agent] = await Promise.all(['user@acme.test', 'l1@demo.test'].map((e) => app.login(e)));
    acmeId = (await app.db('customers').where({ slug: 'acme' }).first('id')).id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('POST /tickets answers with running first-response and resolution clocks whose deadlines are the preview of that instant', async () => {
    const res = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'Posting fails', description: 'Error on posting', type: 'incident', impact: 'medium', urgency: 'high' } });
    expect(res.status).toBe(201);
    const { sla, priority, createdAt, id } = res.body;
    const preview = await app.request('GET', `/api/v1/sla/preview?customerId=${acmeId}&priority=${priority}&at=${encodeURIComponent(createdAt)}`, { token: agent });
    expect(preview.status).toBe(200);
    for (const k of ['firstResponse', 'resolution'] as const) {
      expect(sla[k]).toMatchObject({ state: 'running', consumedMs: expect.any(Number) });
      expect(sla[k].target).not.toBeNull();
      expect(sla[k].deadline).toBe(preview.body[k].deadline);
      expect(sla[k].remainingMs).toBeGreaterThan(0);
    }
    // The next-update clock starts with the first answer, as in the workflow.
    expect(sla.nextUpdate.deadline).toBeNull();
    expect(sla.nextUpdate.state).not.toBe('running');
    // Nothing was projected (no worker): the read shows the same clocks.
    expect(await app.db('ticket_events').where({ ticket_id: id }).first()).toBeUndefined();
    const read = await app.request('GET', `/api/v1/tickets/${id}`, { token: customer });
    expect(read.status).toBe(200);
    expect(read.body.sla.firstResponse.deadline).toBe(sla.firstResponse.deadline);
    expect(read.body.sla.resolution.state).toBe('running');
  });

  it('a change request times its first response only, from the start', async () => {
    const res = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'New report column', description: 'Please add a column', type: 'change_request', impact: 'low', urgency: 'low' } });
    expect(res.status).toBe(201);
    expect(res.body.sla.firstResponse.state).toBe('running');
    expect(res.body.sla.firstResponse.deadline).toEqual(expect.any(String));
    expect(res.body.sla.resolution.deadline).toBeNull();
    expect(res.body.sla.resolution.state).not.toBe('running');
  });
});
