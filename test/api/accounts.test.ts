/**
 * Browser sessions with CSRF, invitations, user and customer administration, Idempotency-Key on every creating
 * POST, and the write rate limit — over HTTP against the real stack.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { LOGIN_ATTEMPTS_PER_15_MIN } from '../../api/auth';
import { closeServer, listen } from '../../scripts/http-server';
import { createLogger } from '../../scripts/logger';
import { eventually, startTestApp, type TestApp } from '../support/app';

const cookieOf = (res: { headers: Headers }) => {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('tf_session='));
  return raw ? { header: raw, pair: raw.split(';')[0] } : undefined;
};

describe('accounts, sessions and administration', () => {
  let app: TestApp;
  let admin: string;
  let acmeAdmin: string;
  let acmeId: string;
  let betaId: string;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login('admin@demo.test');
    acmeAdmin = await app.login('admin@acme.test');
    acmeId = (await app.db('customers').where({ slug: 'acme' }).first()).id;
    betaId = (await app.db('customers').where({ slug: 'beta' }).first()).id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('browser session', () => {
    it('sets an httpOnly SameSite cookie, requires the CSRF token on writes, and signs out', async () => {
      const login = await app.request('POST', '/api/v1/auth/session', { body: { email: 'user@acme.test', password: 'demo' } });
      expect(login.status).toBe(201);
      const cookie = cookieOf(login)!;
      expect(cookie.header).toMatch(/HttpOnly/i);
      expect(cookie.header).toMatch(/SameSite=Lax/i);
      expect(cookie.header).not.toMatch(/Secure/); // http://localhost in tests; https public URLs get Secure
      const csrf = login.body.csrfToken as string;
      expect(login.body.user).toMatchObject({ email: 'user@acme.test', role: 'customer_user' });

      const meRes = await app.request('GET', '/api/v1/auth/me', { headers: { cookie: cookie.pair } });
      expect(meRes.status).toBe(200);
      expect(meRes.body).toMatchObject({ email: 'user@acme.test', csrfToken: csrf });

      const body = { title: 'From the browser', description: 'd', type: 'question', impact: 'low', urgency: 'low' };
      const before = Number((await app.db('tickets').count('* as n').first())!.n);
      const forged = await app.request('POST', '/api/v1/tickets', { headers: { cookie: cookie.pair }, body });
      expect(forged.status).toBe(403);
      expect(forged.body.type).toMatch(/csrf-failed$/);
      const wrong = await app.request('POST', '/api/v1/tickets', { headers: { cookie: cookie.pair, 'x-csrf-token': `${csrf}x` }, body });
      expect(wrong.status).toBe(403);
      expect(Number((await app.db('tickets').count('* as n').first())!.n)).toBe(before);

      const ok = await app.request('POST', '/api/v1/tickets', { headers: { cookie: cookie.pair, 'x-csrf-token': csrf }, body });
      expect(ok.status).toBe(201);

      // The session is a cookie only: as a bearer token it is refused.
      const sessionValue = cookie.pair.split('=')[1];
      expect((await app.request('GET', '/api/v1/auth/me', { token: sessionValue })).status).toBe(401);

      const out = await app.request('DELETE', '/api/v1/auth/session', { headers: { cookie: cookie.pair, 'x-csrf-token': csrf } });
      expect(out.status).toBe(204);
      expect(out.headers.getSetCookie().join()).toMatch(/tf_session=;/);
      expect((await app.request('GET', '/api/v1/auth/me', { headers: { cookie: cookie.pair } })).status).toBe(401);
    });

    it('a bearer token sent as a cookie signs nobody in', async () => {
      const token = await app.login('user@acme.test');
      expect((await app.request('GET', '/api/v1/auth/me', { headers: { cookie: `tf_session=${token}` } })).status).toBe(401);
    });

    it('signing in again replaces the old session, whatever cookie the browser still sends', async () => {
      const first = cookieOf(await app.request('POST', '/api/v1/auth/session', { body: { email: 'user@acme.test', password: 'demo' } }))!;
      const second = await app.request('POST', '/api/v1/auth/session', { headers: { cookie: first.pair }, body: { email: 'user@acme.test', password: 'demo' } });
      expect(second.status).toBe(201);
      expect((await app.request('GET', '/api/v1/auth/me', { headers: { cookie: first.pair } })).status).toBe(401);
      expect((await app.request('GET', '/api/v1/auth/me', { headers: { cookie: cookieOf(second)!.pair } })).status).toBe(200);
    });

    it('failed sign-ins through the API and the portal form share one counter', async () => {
      const email = 'counted@acme.test';
      for (let i = 0; i < 10; i++) expect((await app.request('POST', '/api/v1/auth/token', { body: { email, password: 'wrong' } })).status).toBe(401);
      const viaForm = await fetch(`${app.baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password: 'wrong' }) });
      expect(viaForm.status).toBe(303);
      expect(viaForm.headers.get('location')).toBe('/login?error=tooMany');
      expect((await app.request('POST', '/api/v1/auth/session', { body: { email, password: 'wrong' } })).status).toBe(429);
    });

    it('a wrong password answers like an unknown email', async () => {
      const a = await app.request('POST', '/api/v1/auth/session', { body: { email: 'user@acme.test', password: 'nope' } });
      const b = await app.request('POST', '/api/v1/auth/session', { body: { email: 'nobody@acme.test', password: 'nope' } });
      expect([a.status, b.status]).toEqual([401, 401]);
      expect(a.body.detail).toBe(b.body.detail);
    });
  });

  describe('invitations', () => {
    it('an invited agent sets a password with the one-use link, then signs in', async () => {
      const res = await app.request('POST', '/api/v1/users', { token: admin, body: { email: 'new.agent@demo.test', name: 'New Agent', role: 'agent', levels: ['L2'], leadLevels: ['L2'] } });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/api/v1/users/${res.body.id}`);
      expect(res.body).toMatchObject({ email: 'new.agent@demo.test', role: 'agent', levels: ['L2'], leadLevels: ['L2'], active: false, disabled: false });
      expect(res.body.invitation).toEqual({ sentTo: 'new.agent@demo.test', expiresAt: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(/token=/);
      // The link travels by email only: read it from the outbox, as the invited person would from their mailbox.
      const mail = await app.db('notifications').where({ recipient_id: res.body.id, template: 'user-invited' });
      expect(mail).toHaveLength(1);
      expect(mail[0].payload).toMatchObject({ links: { invitation: expect.stringContaining('/invitations/accept#token=') }, data: { inviterName: expect.any(String) } });
      const token = /#token=([A-Za-z0-9_-]+)$/.exec(mail[0].payload.links.invitation)![1];

      expect((await app.request('POST', '/api/v1/auth/token', { body: { email: 'new.agent@demo.test', password: 'whatever-password' } })).status).toBe(401);
      const short = await app.request('POST', '/api/v1/auth/invitations/accept', { body: { token, password: 'short' } });
      expect(short.status).toBe(400);
      expect(short.body.errors[0].field).toBe('body.password');
      expect((await app.request('POST', '/api/v1/auth/invitations/accept', { body: { token, password: 'a long enough passphrase' } })).status).toBe(204);
      expect((await app.request('POST', '/api/v1/auth/invitations/accept', { body: { token, password: 'another long passphrase' } })).status).toBe(403);
      expect(await app.login('new.agent@demo.test', 'a long enough passphrase')).toEqual(expect.any(String));
      const stored = await app.db('users').where({ email: 'new.agent@demo.test' }).first();
      expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('refuses shapes that make no sense, naming the field', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ email: 'x1@demo.test', name: 'X', role: 'agent' }, 'body.levels'],
        [{ email: 'x2@demo.test', name: 'X', role: 'customer_user' }, 'body.customerId'],
        [{ email: 'x3@demo.test', name: 'X', role: 'manager', customerId: acmeId }, 'body.customerId'],
        [{ email: 'x4@demo.test', name: 'X', role: 'customer_key_user', customerId: acmeId }, 'body.businessLineIds'],
        [{ email: 'x5@demo.test', name: 'X', role: 'agent', levels: ['L1'], leadLevels: ['L3'] }, 'body.leadLevels'],
      ];
      for (const [body, field] of cases) {
        const res = await app.request('POST', '/api/v1/users', { token: admin, body });
        expect({ field, status: res.status, fields: res.body.errors.map((e: { field: string }) => e.field) }).toEqual({ field, status: 400, fields: expect.arrayContaining([field]) });
      }
      // A key user's business lines must be their organisation's.
      const betaLine = await app.db('business_lines').insert({ customer_id: betaId, name: 'Beta line' }).returning('id');
      const res = await app.request('POST', '/api/v1/users', { token: admin, body: { email: 'x6@demo.test', name: 'X', role: 'customer_key_user', customerId: acmeId, businessLineIds: [betaLine[0].id] } });
      expect(res.status).toBe(400);
      expect(await app.db('users').where('email', 'like', 'x_@demo.test')).toHaveLength(0);
      const dup = await app.request('POST', '/api/v1/users', { token: admin, body: { email: 'USER@acme.test', name: 'Dup', role: 'customer_user', customerId: acmeId } });
      expect(dup.status).toBe(409);
    });
  });

  describe('customer admins manage their own organisation only', () => {
    it('lists only their people and invites customer roles into their organisation', async () => {
      const list = await app.request('GET', '/api/v1/users?limit=200', { token: acmeAdmin });
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      expect(new Set(list.body.items.map((u: { customerId: string }) => u.customerId))).toEqual(new Set([acmeId]));

      const invited = await app.request('POST', '/api/v1/users', { token: acmeAdmin, body: { email: 'colleague@acme.test', name: 'Colleague', role: 'customer_user' } });
      expect(invited.status).toBe(201);
      expect(invited.body.customerId).toBe(acmeId);
      expect((await app.request('POST', '/api/v1/users', { token: acmeAdmin, body: { email: 'evil@acme.test', name: 'E', role: 'admin' } })).status).toBe(403);
      expect((await app.request('POST', '/api/v1/users', { token: acmeAdmin, body: { email: 'evil2@acme.test', name: 'E', role: 'customer_user', customerId: betaId } })).status).toBe(403);
      expect(await app.db('users').whereIn('email', ['evil@acme.test', 'evil2@acme.test'])).toHaveLength(0);
    });

    it("another organisation's user is 404, exactly like a missing one", async () => {
      const beta = await app.db('users').where({ email: 'user@beta.test' }).first();
      const foreign = await app.request('PATCH', `/api/v1/users/${beta.id}`, { token: acmeAdmin, body: { disabled: true } });
      const missing = await app.request('PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', { token: acmeAdmin, body: { disabled: true } });
      expect([foreign.status, missing.status]).toEqual([404, 404]);
      expect(foreign.body.detail).toBe(missing.body.detail);
      expect((await app.db('users').where({ id: beta.id }).first()).disabled_at).toBeNull();
      const staff = await app.db('users').where({ email: 'l1@demo.test' }).first();
      expect((await app.request('GET', `/api/v1/users/${staff.id}`, { token: acmeAdmin })).status).toBe(404);
    });

    it('disabling a user signs them out at once; nobody can disable themselves', async () => {
      const victimToken = await app.login('user@acme.test');
      const victim = await app.db('users').where({ email: 'user@acme.test' }).first();
      expect((await app.request('GET', '/api/v1/auth/me', { token: victimToken })).status).toBe(200);
      const res = await app.request('PATCH', `/api/v1/users/${victim.id}`, { token: acmeAdmin, body: { disabled: true } });
      expect(res.status).toBe(200);
      expect(res.body.disabled).toBe(true);
      expect((await app.request('GET', '/api/v1/auth/me', { token: victimToken })).status).toBe(401);
      // Re-enabling does not bring the old token back.
      await app.request('PATCH', `/api/v1/users/${victim.id}`, { token: acmeAdmin, body: { disabled: false } });
      expect((await app.request('GET', '/api/v1/auth/me', { token: victimToken })).status).toBe(401);

      const self = await app.db('users').where({ email: 'admin@acme.test' }).first();
      expect((await app.request('PATCH', `/api/v1/users/${self.id}`, { token: acmeAdmin, body: { disabled: true } })).status).toBe(403);
      expect((await app.request('PATCH', `/api/v1/users/${self.id}`, { token: acmeAdmin, body: { role: 'customer_user' } })).status).toBe(403);
    });

    it("a customer admin cannot disable or demote another customer admin", async () => {
      const other = await app.request('POST', '/api/v1/users', { token: admin, body: { email: 'second.admin@acme.test', name: 'Second', role: 'customer_admin', customerId: acmeId } });
      expect(other.status).toBe(201);
      expect((await app.request('PATCH', `/api/v1/users/${other.body.id}`, { token: acmeAdmin, body: { disabled: true } })).status).toBe(403);
      expect((await app.request('PATCH', `/api/v1/users/${other.body.id}`, { token: acmeAdmin, body: { role: 'customer_user' } })).status).toBe(403);
      expect((await app.request('PATCH', `/api/v1/users/${other.body.id}`, { token: admin, body: { disabled: true } })).status).toBe(200);
    });

    it('key users get business lines of their own organisation', async () => {
      const finance = await app.db('business_lines').where({ customer_id: acmeId, name: 'Finance' }).first();
      const logistics = await app.db('business_lines').where({ customer_id: acmeId, name: 'Logistics' }).first();
      const key = await app.db('users').where({ email: 'keyuser@acme.test' }).first();
      const res = await app.request('PATCH', `/api/v1/users/${key.id}`, { token: acmeAdmin, body: { businessLineIds: [finance.id, logistics.id] } });
      expect(res.status).toBe(200);
      expect(res.body.businessLineIds.sort()).toEqual([finance.id, logistics.id].sort());
      const back = await app.request('PATCH', `/api/v1/users/${key.id}`, { token: acmeAdmin, body: { businessLineIds: [finance.id] } });
      expect(back.body.businessLineIds).toEqual([finance.id]);
    });
  });

  describe('customers, business lines and modules', () => {
    it('admins create and edit customers; customers see only their own organisation', async () => {
      const created = await app.request('POST', '/api/v1/customers', { token: admin, body: { name: 'Gamma s.r.o.', slug: 'gamma', planId: 'standard', language: 'sk' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Gamma s.r.o.', slug: 'gamma', planId: 'standard', language: 'sk', timeZone: 'Europe/Bratislava', businessLines: [], modules: [] });
      expect((await app.request('POST', '/api/v1/customers', { token: admin, body: { name: 'Again', slug: 'gamma', planId: 'basic' } })).status).toBe(409);
      const badPlan = await app.request('POST', '/api/v1/customers', { token: admin, body: { name: 'X', slug: 'x-corp', planId: 'gold' } });
      expect(badPlan.status).toBe(400);
      expect(badPlan.body.errors[0].field).toBe('body.planId');

      const gammaId = created.body.id;
      const line = await app.request('POST', `/api/v1/customers/${gammaId}/business-lines`, { token: admin, body: { name: 'Retail' } });
      expect(line.status).toBe(201);
      expect((await app.request('PATCH', `/api/v1/customers/${gammaId}/business-lines/${line.body.id}`, { token: admin, body: { name: 'Retail & Online' } })).body.name).toBe('Retail & Online');
      const lic = await app.request('PUT', `/api/v1/customers/${gammaId}/modules/finance`, { token: admin, body: { licensedFrom: '2026-01-01', licensedTo: '2027-12-31' } });
      expect(lic.status).toBe(200);
      expect(lic.body.modules).toEqual([expect.objectContaining({ id: 'finance', licensedFrom: '2026-01-01', licensedTo: '2027-12-31' })]);
      expect((await app.request('PUT', `/api/v1/customers/${gammaId}/modules/nonexistent`, { token: admin, body: {} })).status).toBe(404);
      const impossible = await app.request('PUT', `/api/v1/customers/${gammaId}/modules/finance`, { token: admin, body: { licensedTo: '2027-02-31' } });
      expect(impossible.status).toBe(400);
      expect(impossible.body.errors[0]).toMatchObject({ field: 'body.licensedTo', message: 'is not a calendar date' });
      expect((await app.request('DELETE', `/api/v1/customers/${gammaId}/modules/finance`, { token: admin })).status).toBe(204);
      expect((await app.request('DELETE', `/api/v1/customers/${gammaId}/modules/finance`, { token: admin })).status).toBe(404);
      const patched = await app.request('PATCH', `/api/v1/customers/${gammaId}`, { token: admin, body: { planId: 'premium', timeZone: 'America/New_York' } });
      expect(patched.body).toMatchObject({ planId: 'premium', timeZone: 'America/New_York' });
      expect((await app.request('PATCH', `/api/v1/customers/${gammaId}`, { token: admin, body: { timeZone: 'Mars/Olympus' } })).body.errors[0].field).toBe('body.timeZone');

      const asCustomer = await app.request('GET', '/api/v1/customers', { token: acmeAdmin });
      expect(asCustomer.body.items.map((c: { slug: string }) => c.slug)).toEqual(['acme']);
      const own = await app.request('GET', `/api/v1/customers/${acmeId}`, { token: acmeAdmin });
      expect(own.body.modules.map((m: { id: string }) => m.id)).toEqual(['finance', 'inventory']);
      expect((await app.request('GET', `/api/v1/customers/${gammaId}`, { token: acmeAdmin })).status).toBe(404);
    });

    it('pages through customers with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ slug: string }>; nextCursor: string | null } } = await app.request('GET', `/api/v1/customers?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
        seen.push(...res.body.items.map((c) => c.slug));
        cursor = res.body.nextCursor;
      } while (cursor);
      const all = (await app.db('customers').orderBy('slug').pluck('slug')) as string[];
      expect(seen).toEqual(all);
    });
  });

  describe('Idempotency-Key on every creating POST', () => {
    const count = async (table: string) => Number((await app.db(table).count('* as n').first())!.n);

    it.each([
      ['customers', '/api/v1/customers', () => ({ name: 'Idem', slug: 'idem', planId: 'basic' })],
      ['modules', '/api/v1/modules', () => ({ id: 'reporting', name: 'Reporting', product: 'suite' })],
      ['business_lines', '/api/v1/customers/{acme}/business-lines', () => ({ name: 'Idempotent line' })],
      ['users', '/api/v1/users', () => ({ email: 'idem@demo.test', name: 'Idem', role: 'manager' })],
      ['contracts', '/api/v1/contracts', () => ({ customerId: acmeId, name: 'Idem contract', validFrom: '2031-01-01' })],
    ])('%s: a repeat returns the same resource and creates nothing', async (table, template, body) => {
      const path = template.replace('{acme}', acmeId);
      const key = `k-${table}`;
      const first = await app.request('POST', path, { token: admin, body: body(), headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      const n = await count(table);
      const again = await app.request('POST', path, { token: admin, body: body(), headers: { 'idempotency-key': key } });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(await count(table)).toBe(n);
      // The same key for another request is refused rather than silently answered with the first.
      const other = await app.request('POST', path, { token: admin, body: { ...body(), name: 'Something else' }, headers: { 'idempotency-key': key } });
      expect(other.status).toBe(422);
      expect(other.body.type).toMatch(/idempotency-key-reused$/);
      expect(await count(table)).toBe(n);
    });

    it('concurrent repeats create exactly one resource', async () => {
      const n = await count('customers');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => app.request('POST', '/api/v1/customers', { token: admin, body: { name: 'Race', slug: 'race', planId: 'basic' }, headers: { 'idempotency-key': 'race-1' } })),
      );
      expect(await count('customers')).toBe(n + 1);
      for (const r of results) expect([201, 409]).toContain(r.status);
      const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
      expect(ids.size).toBe(1);
    });

    it('records the actor of every successful write outside ticket timelines, without secrets', async () => {
      const admin2 = await app.login('admin@demo.test');
      const me = await app.db('users').where({ email: 'admin@demo.test' }).first();
      const res = await app.request('PUT', `/api/v1/customers/${acmeId}/modules/finance`, { token: admin2, body: {} });
      expect(res.status).toBe(200);
      const row = await eventually(() => app.db('audit_log').where({ actor_id: me.id, method: 'PUT', path: `/api/v1/customers/${acmeId}/modules/finance` }).first(), 'the audit row');
      expect(row).toMatchObject({ actor_role: 'admin', status: 200 });
      const logins = await eventually(async () => {
        const rows = await app.db('audit_log').where({ path: '/api/v1/auth/token', method: 'POST' });
        return rows.length ? rows : undefined;
      }, 'sign-ins audited');
      expect(JSON.stringify(logins.map((l) => l.body))).not.toContain('"demo"');
      expect(logins[0].body).toMatchObject({ password: '[redacted]' });
    });

    it('a failed request does not burn its key', async () => {
      const bad = await app.request('POST', '/api/v1/modules', { token: admin, body: { id: 'BAD ID', name: 'x', product: 'y' }, headers: { 'idempotency-key': 'retry-me' } });
      expect(bad.status).toBe(400);
      const good = await app.request('POST', '/api/v1/modules', { token: admin, body: { id: 'good', name: 'x', product: 'y' }, headers: { 'idempotency-key': 'retry-me' } });
      expect(good.status).toBe(201);
    });

    it('keys are per caller: the same key from two people is two requests', async () => {
      const acmeUser = await app.login('admin@acme.test');
      const a = await app.request('POST', '/api/v1/users', { token: acmeUser, body: { email: 'per-caller-a@acme.test', name: 'A', role: 'customer_user' }, headers: { 'idempotency-key': 'shared' } });
      const b = await app.request('POST', '/api/v1/users', { token: admin, body: { email: 'per-caller-b@acme.test', name: 'B', role: 'customer_user', customerId: acmeId }, headers: { 'idempotency-key': 'shared' } });
      expect([a.status, b.status]).toEqual([201, 201]);
    });

    it('comments: a repeat with the same key records one comment', async () => {
      const user = await app.login('admin@acme.test');
      const t = await app.request('POST', '/api/v1/tickets', { token: user, body: { title: 'idem comments', description: 'd', type: 'question', impact: 'low', urgency: 'low' } });
      await eventually(() => app.db('ticket_events').where({ ticket_id: t.body.id }).first(), 'ticket.created');
      for (let i = 0; i < 3; i++) {
        const c = await app.request('POST', `/api/v1/tickets/${t.body.id}/comments`, { token: user, body: { body: 'only once' }, headers: { 'idempotency-key': 'c-1' } });
        expect(c.status).toBe(201);
      }
      await eventually(() => app.db('ticket_events').where({ ticket_id: t.body.id, type: 'comment.public' }).first(), 'comment recorded');
      expect(await app.db('ticket_events').where({ ticket_id: t.body.id, type: 'comment.public' })).toHaveLength(1);
    });
  });
});

describe('write rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: false, app: { writesPerMinute: 5 } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers 429 problem+json past the limit of writes per caller, and never limits reads', async () => {
    const token = await app.login('admin@demo.test');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.request('PUT', '/api/v1/plans/basic', { token, body: { warningThreshold: 0.8 } })).status);
    const limited = await app.request('PUT', '/api/v1/plans/basic', { token, body: { warningThreshold: 0.7 } });
    // Counted per signed-in user: the anonymous login above does not use up the admin's allowance.
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(limited.body.type).toMatch(/rate-limited$/);
    expect(Number((await app.db('plans').where({ id: 'basic' }).first()).warning_threshold)).toBe(0.8);
    for (let i = 0; i < 10; i++) expect((await app.request('GET', '/api/v1/plans', { token })).status).toBe(200);
  });
});

describe('rate limits across API processes', () => {
  let app: TestApp;
  let second: { baseUrl: string; close(): Promise<void> };
  beforeAll(async () => {
    app = await startTestApp({ worker: false, app: { writesPerMinute: 15 } });
    // A second API on the same database (as a second replica would be): its own process state, the same PostgreSQL.
    const other = createApp({ db: app.db, temporal: app.temporal, namespace: 'default', taskQueue: app.taskQueue, log: createLogger('silent', 'test'), mailbox: { list: () => [] }, writesPerMinute: 15 });
    const server = await listen(other, 0, '127.0.0.1');
    second = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => closeServer(server, 1000) };
  });
  afterAll(async () => {
    await second?.close();
    await app?.stop();
  });

  it('counts one allowance of writes per user whichever API process takes them', async () => {
    const token = await app.login('admin@demo.test');
    const put = (base: string) => fetch(`${base}/api/v1/plans/basic`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ warningThreshold: 0.8 }) }).then((r) => r.status);
    const statuses: number[] = [];
    // alternating between the two processes: 15 in all, not 15 on each
    for (let i = 0; i < 17; i++) statuses.push(await put(i % 2 ? second.baseUrl : app.baseUrl));
    expect(statuses).toEqual([...Array(15).fill(200), 429, 429]);
  });

  it('counts failed sign-ins of one address and email together on every process', async () => {
    const attempt = (base: string) =>
      fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent@demo.test', password: 'wrong' }) }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await attempt(i % 2 ? second.baseUrl : app.baseUrl));
    // one count for both processes: the allowance of failed attempts, then refusals on either
    expect(statuses).toEqual([...Array(LOGIN_ATTEMPTS_PER_15_MIN).fill(401), ...Array(12 - LOGIN_ATTEMPTS_PER_15_MIN).fill(429)]);
  });
});
