/**
 * Mail settings staff manage over the API: a customer's registered mail domains (unknown senders from them become
 * customer users, SPEC §3.1) and an address that bounced (no more mail until it changes or staff clear it).
 */
import { startTestApp, type TestApp } from '../support/app';

describe('customer mail domains and bouncing addresses', () => {
  let app: TestApp;
  let admin: string;
  let customerAdmin: string;
  let acmeId: string;
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    [admin, customerAdmin] = await Promise.all(['admin@demo.test', 'admin@acme.test'].map((e) => app.login(e)));
    acmeId = (await app.db('customers').where({ slug: 'acme' }).first('id')).id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('keeps a customer’s mail domains, normalised, one customer per domain', async () => {
    const set = await app.request('PATCH', `/api/v1/customers/${acmeId}`, { token: admin, body: { emailDomains: ['Acme.test', 'mail.acme.test'] } });
    expect(set.status).toBe(200);
    expect(set.body.emailDomains).toEqual(['acme.test', 'mail.acme.test']);
    expect((await app.request('GET', `/api/v1/customers/${acmeId}`, { token: admin })).body.emailDomains).toEqual(['acme.test', 'mail.acme.test']);

    const created = await app.request('POST', '/api/v1/customers', { token: admin, body: { name: 'Gamma', slug: 'gamma-mail', planId: 'basic', emailDomains: ['ACME.test'] } });
    expect(created.status).toBe(409);
    expect(created.body).toMatchObject({ type: expect.stringContaining('domain-taken'), field: 'body.emailDomains' });
    expect(created.body.detail).toContain('acme.test');
    expect(await app.db('customers').where({ slug: 'gamma-mail' }).first()).toBeUndefined();

    const bad = await app.request('PATCH', `/api/v1/customers/${acmeId}`, { token: admin, body: { emailDomains: ['not a domain'] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('emailDomains');
    const twice = await app.request('PATCH', `/api/v1/customers/${acmeId}`, { token: admin, body: { emailDomains: ['acme.test', 'acme.test'] } });
    expect(twice.status).toBe(400);
    expect((await app.db('customers').where({ id: acmeId }).first('email_domains')).email_domains).toEqual(['acme.test', 'mail.acme.test']);

    // Only the vendor's admins set them.
    expect((await app.request('PATCH', `/api/v1/customers/${acmeId}`, { token: customerAdmin, body: { emailDomains: ['evil.test'] } })).status).toBe(403);
  });

  it('shows a bouncing address and ends the bounce when the address changes or staff clear it', async () => {
    const user = await app.db('users').where({ email: 'keyuser@acme.test' }).first('id');
    await app.db('users').where({ id: user.id }).update({ email_bouncing_at: new Date('2026-12-01T10:00:00Z'), email_bounce_reason: '550 5.1.1 mailbox unknown' });
    const shown = await app.request('GET', `/api/v1/users/${user.id}`, { token: customerAdmin });
    expect(shown.status).toBe(200);
    expect(shown.body.emailBouncing).toEqual({ since: '2026-12-01T10:00:00.000Z', reason: '550 5.1.1 mailbox unknown' });

    const cleared = await app.request('PATCH', `/api/v1/users/${user.id}`, { token: customerAdmin, body: { emailBouncing: false } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.emailBouncing).toBeNull();

    await app.db('users').where({ id: user.id }).update({ email_bouncing_at: new Date(), email_bounce_reason: 'mailbox full' });
    const taken = await app.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { email: 'USER@acme.test' } });
    expect(taken.status).toBe(409);
    expect((await app.db('users').where({ id: user.id }).first()).email_bouncing_at).not.toBeNull();
    const moved = await app.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { email: 'key.user@acme.test' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ email: 'key.user@acme.test', emailBouncing: null });
    expect((await app.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { emailBouncing: true } })).status).toBe(400);
  });
});
