/**
 * The in-portal notification feed, e-mail preferences and the customer satisfaction rating (issue #6), over HTTP
 * against the real stack. Tickets and outbox rows are set up directly in the database: the feed reads what the
 * projection wrote, whatever workflow wrote it.
 */
import { randomUUID } from 'node:crypto';
import { DEV_AUTH_SECRET } from '../../api/app';
import { satisfactionUrl, signSatisfactionToken, verifySatisfactionToken } from '../../activities/notifications/links';
import { EMAIL_TEMPLATES, TEMPLATE_IDS } from '../../activities/notifications/templates';
import { startTestApp, type TestApp } from '../support/app';

interface Person {
  id: string;
  email: string;
  customerId: string | null;
  token: string;
}

describe('notification feed, preferences and satisfaction', () => {
  let app: TestApp;
  let alice: Person; // customer user, acme
  let boris: Person; // customer user, beta
  let agent: Person;
  let unique = 0;

  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    const person = async (email: string): Promise<Person> => {
      const u = await app.db('users').where({ email }).first();
      return { id: u.id, email, customerId: u.customer_id, token: await app.login(email) };
    };
    alice = await person('user@acme.test');
    boris = await person('user@beta.test');
    agent = await person('l1@demo.test');
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function insertTicket(requester: Person, status: string): Promise<{ id: string; number: number }> {
    const id = randomUUID();
    const { rows } = await app.db.raw<{ rows: Array<{ n: number }> }>("SELECT nextval('ticket_number_seq') AS n");
    const now = new Date().toISOString();
    await app.db('tickets').insert({
      id,
      number: rows[0].n,
      title: `Feed ticket ${unique++}`,
      description: 'd',
      type: 'question',
      status,
      priority: 'P3',
      impact: 'low',
      urgency: 'low',
      customer_id: requester.customerId,
      requester_id: requester.id,
      channel: 'portal',
      sla_snapshot: '{}',
      created_by: requester.id,
      created_at: now,
      updated_at: now,
      ...(status === 'closed' && { resolved_at: now, closed_at: now }),
    });
    return { id, number: Number(rows[0].n) };
  }

  async function insertEvent(ticketId: string, seq: number, visibility: 'public' | 'internal'): Promise<void> {
    await app.db('ticket_events').insert({ ticket_id: ticketId, seq, type: visibility === 'public' ? 'comment.public' : 'comment.internal', at: new Date().toISOString(), actor_kind: 'user', visibility, data: '{}' });
  }

  async function notify(to: Person, opts: { ticketId?: string; seq?: number; template?: string; read?: boolean; at?: string } = {}): Promise<string> {
    const [row] = await app
      .db('notifications')
      .insert({
        idempotency_key: `feed-test:${unique++}:${randomUUID()}`,
        ticket_id: opts.ticketId ?? null,
        event_seq: opts.seq ?? null,
        recipient_id: to.id,
        recipient_email: to.email,
        template: opts.template ?? 'staff-replied',
        language: 'en',
        payload: '{}',
        status: 'sent',
        ...(opts.at && { created_at: opts.at }),
        ...(opts.read && { read_at: new Date().toISOString() }),
      })
      .returning('id');
    return String(row.id);
  }

  /** A fresh customer of its own (made directly: inviting would queue a notification), so counts stay its own. */
  async function freshCustomer(of: Person): Promise<Person> {
    const email = `feed-${unique++}-${Date.now().toString(36)}@acme.test`;
    const template = await app.db('users').where({ email: of.email }).first();
    const [row] = await app
      .db('users')
      .insert({ email, name: 'Feed Person', role: 'customer_user', customer_id: of.customerId, password_hash: template.password_hash, language: 'en' })
      .returning('id');
    return { id: row.id, email, customerId: of.customerId, token: await app.login(email) };
  }

  const feed = (p: Person, qs = '') => app.request('GET', `/api/v1/notifications${qs}`, { token: p.token });

  describe('feed', () => {
    it("shows the caller's own rows only, newest first, with the unread count, keyset-paginated", async () => {
      const me = await freshCustomer(alice);
      const t = await insertTicket(me, 'in_progress');
      await insertEvent(t.id, 1, 'public');
      await insertEvent(t.id, 2, 'public');
      await insertEvent(t.id, 3, 'public');
      const oldest = await notify(me, { ticketId: t.id, seq: 1, template: 'ticket-received', read: true, at: '2030-01-01T10:00:00.000001Z' });
      const middle = await notify(me, { ticketId: t.id, seq: 2, at: '2030-01-01T10:00:00.000002Z' });
      const newest = await notify(me, { ticketId: t.id, seq: 3, at: '2030-01-01T10:00:00.000003Z' });
      const invite = await notify(me, { template: 'user-invited', at: '2029-12-31T09:00:00Z' });
      await notify(boris, { template: 'user-invited' });

      const all = await feed(me);
      expect(all.status).toBe(200);
      expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([newest, middle, oldest, invite]);
      expect(all.body.unreadCount).toBe(3);
      expect(all.body.nextCursor).toBeNull();
      expect(all.body.items[0]).toEqual({ id: newest, template: 'staff-replied', ticketId: t.id, ticketNumber: `T-${String(t.number).padStart(6, '0')}`, ticketTitle: expect.stringMatching(/^Feed ticket/), at: '2030-01-01T10:00:00.000Z', read: false });
      expect(all.body.items[2].read).toBe(true);
      expect(all.body.items[3]).toMatchObject({ template: 'user-invited', ticketId: null, ticketNumber: null, ticketTitle: null });

      // Rows a microsecond apart page without gaps or repeats.
      const first = await feed(me, '?limit=2');
      expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([newest, middle]);
      expect(first.body.unreadCount).toBe(3);
      const second = await feed(me, `?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((i: { id: string }) => i.id)).toEqual([oldest, invite]);
      expect(second.body.nextCursor).toBeNull();

      const unread = await feed(me, '?unread=true');
      expect(unread.body.items.map((i: { id: string }) => i.id)).toEqual([newest, middle, invite]);

      const bad = await feed(me, '?cursor=nope&limit=0&unread=yes');
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.cursor', 'query.limit', 'query.unread']);
    });

    it('marks one read, then all; another person’s notification is 404 like a missing one and stays unread', async () => {
      const me = await freshCustomer(alice);
      const a = await notify(me, { template: 'user-invited' });
      const b = await notify(me, { template: 'user-invited' });
      const theirs = await notify(boris, { template: 'user-invited' });

      expect((await app.request('POST', `/api/v1/notifications/${a}/read`, { token: me.token })).status).toBe(204);
      const firstReadAt = (await app.db('notifications').where({ id: a }).first()).read_at;
      expect(firstReadAt).not.toBeNull();
      // Reading again keeps the first time.
      expect((await app.request('POST', `/api/v1/notifications/${a}/read`, { token: me.token })).status).toBe(204);
      expect((await app.db('notifications').where({ id: a }).first()).read_at).toEqual(firstReadAt);
      expect((await feed(me)).body.unreadCount).toBe(1);

      const foreign = await app.request('POST', `/api/v1/notifications/${theirs}/read`, { token: me.token });
      const missing = await app.request('POST', '/api/v1/notifications/999999999999/read', { token: me.token });
      expect(foreign.status).toBe(404);
      expect(foreign.body.detail).toBe(missing.body.detail);
      expect((await app.db('notifications').where({ id: theirs }).first()).read_at).toBeNull();
      expect((await app.request('POST', '/api/v1/notifications/abc/read', { token: me.token })).status).toBe(400);
      expect((await app.request('POST', `/api/v1/notifications/${b}/read`, { token: me.token, body: { read: false } })).status).toBe(400);

      expect((await app.request('POST', '/api/v1/notifications/read-all', { token: me.token })).status).toBe(204);
      const after = await feed(me);
      expect(after.body.unreadCount).toBe(0);
      expect(after.body.items.every((i: { read: boolean }) => i.read)).toBe(true);
      expect((await app.db('notifications').where({ id: theirs }).first()).read_at).toBeNull();
      expect((await app.request('GET', '/api/v1/notifications')).status).toBe(401);
    });

    it('never shows a customer a notification about an internal event (or a staff template), even if a row exists', async () => {
      const me = await freshCustomer(alice);
      const t = await insertTicket(me, 'in_progress');
      await insertEvent(t.id, 1, 'public');
      await insertEvent(t.id, 2, 'internal');
      const visible = await notify(me, { ticketId: t.id, seq: 1 });
      const internal = await notify(me, { ticketId: t.id, seq: 2 });
      const staffTemplate = await notify(me, { ticketId: t.id, seq: 1, template: 'sla-warning' });
      const noEvent = await notify(me, { ticketId: t.id, seq: 99 });

      const res = await feed(me);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([visible]);
      expect(res.body.unreadCount).toBe(1);
      for (const hidden of [internal, staffTemplate, noEvent]) {
        expect((await app.request('POST', `/api/v1/notifications/${hidden}/read`, { token: me.token })).status).toBe(404);
      }
      await app.request('POST', '/api/v1/notifications/read-all', { token: me.token });
      expect((await app.db('notifications').where({ id: internal }).first()).read_at).toBeNull();

      // Staff see internal events in their own feed.
      const staffRow = await notify(agent, { ticketId: t.id, seq: 2, template: 'ticket-assigned' });
      expect((await feed(agent)).body.items.map((i: { id: string }) => i.id)).toContain(staffRow);
    });
  });

  describe('e-mail preferences', () => {
    const customerTemplates = TEMPLATE_IDS.filter((id) => EMAIL_TEMPLATES[id].audience === 'customer').sort();

    it('lists every template of the caller’s audience, sent unless switched off, and round-trips partial updates', async () => {
      const me = await freshCustomer(alice);
      const initial = await app.request('GET', '/api/v1/me/notification-preferences', { token: me.token });
      expect(initial.status).toBe(200);
      expect(Object.keys(initial.body.email).sort()).toEqual(customerTemplates);
      expect(Object.values(initial.body.email).every((v) => v === true)).toBe(true);

      const put = await app.request('PUT', '/api/v1/me/notification-preferences', { token: me.token, body: { email: { 'staff-replied': false, 'waiting-reminder': false } } });
      expect(put.status).toBe(200);
      expect(put.body.email).toMatchObject({ 'staff-replied': false, 'waiting-reminder': false, 'ticket-received': true });
      const again = await app.request('PUT', '/api/v1/me/notification-preferences', { token: me.token, body: { email: { 'waiting-reminder': true } } });
      expect(again.body.email).toMatchObject({ 'staff-replied': false, 'waiting-reminder': true });
      expect((await app.request('GET', '/api/v1/me/notification-preferences', { token: me.token })).body).toEqual(again.body);
      expect((await app.db('users').where({ id: me.id }).first()).email_preferences).toEqual({ 'staff-replied': false, 'waiting-reminder': true });

      const staff = await app.request('GET', '/api/v1/me/notification-preferences', { token: agent.token });
      expect(Object.keys(staff.body.email).sort()).toEqual([...TEMPLATE_IDS].sort());
    });

    it('refuses unknown templates, templates of another audience and non-booleans, naming each field', async () => {
      const me = await freshCustomer(alice);
      const res = await app.request('PUT', '/api/v1/me/notification-preferences', { token: me.token, body: { email: { 'sla-warning': false, 'no-such-mail': false, 'ticket-received': true } } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.email.no-such-mail', 'body.email.sla-warning']);
      const notBoolean = await app.request('PUT', '/api/v1/me/notification-preferences', { token: me.token, body: { email: { 'ticket-received': 'no' } } });
      expect(notBoolean.status).toBe(400);
      expect(notBoolean.body.errors[0].field).toBe('body.email.ticket-received');
      expect((await app.request('PUT', '/api/v1/me/notification-preferences', { token: me.token, body: { email: {}, sms: {} } })).status).toBe(400);
      expect((await app.db('users').where({ id: me.id }).first()).email_preferences).toEqual({});
    });
  });

  describe('satisfaction rating', () => {
    const rate = (body: unknown, token?: string) => app.request('POST', '/api/v1/satisfaction', { body, token });

    it('a valid link stores the rating once; a second use is 409', async () => {
      const t = await insertTicket(alice, 'closed');
      const token = signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: t.id, userId: alice.id });
      expect(satisfactionUrl('https://desk.example/', token)).toBe(`https://desk.example/satisfaction#token=${token}`);

      const ok = await rate({ token, rating: 4, comment: '  Quick and kind.  ' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ ticketId: t.id, rating: 4, comment: 'Quick and kind.' });
      const row = await app.db('tickets').where({ id: t.id }).first();
      expect(row).toMatchObject({ satisfaction_rating: 4, satisfaction_comment: 'Quick and kind.' });
      expect(row.satisfaction_at).toBeInstanceOf(Date);

      const again = await rate({ token, rating: 1 }, alice.token);
      expect(again.status).toBe(409);
      expect(again.body.type).toMatch(/already-rated$/);
      expect((await app.db('tickets').where({ id: t.id }).first()).satisfaction_rating).toBe(4);
    });

    it('refuses tampered, foreign, expired and wrongly signed tokens with 403', async () => {
      const mine = await insertTicket(alice, 'closed');
      const theirs = await insertTicket(boris, 'closed');
      const good = signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: mine.id, userId: alice.id });
      const [payload, sig] = good.split('.');
      const flipped = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const bad = [
        `${flipped(payload, 10)}.${sig}`,
        `${payload}.${flipped(sig, 5)}`,
        // A genuine token for someone else's ticket, or one naming this ticket for another user.
        signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: theirs.id, userId: alice.id }),
        signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: mine.id, userId: boris.id }),
        signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: mine.id, userId: alice.id }, Date.now() - 61 * 24 * 3600 * 1000),
        signSatisfactionToken('another-secret-of-at-least-32-characters!', { ticketId: mine.id, userId: alice.id }),
        'not-a-token',
      ];
      for (const token of bad) {
        const res = await rate({ token, rating: 5 });
        expect({ token, status: res.status }).toEqual({ token, status: 403 });
      }
      expect((await app.db('tickets').whereIn('id', [mine.id, theirs.id]).whereNotNull('satisfaction_rating')).length).toBe(0);
      // Still within 60 days is fine.
      expect(verifySatisfactionToken(DEV_AUTH_SECRET, signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: mine.id, userId: alice.id }, Date.now() - 59 * 24 * 3600 * 1000))).toEqual({ ticketId: mine.id, userId: alice.id });
    });

    it('validates the rating (1–5, whole) and the comment, and rates closed tickets only', async () => {
      const open = await insertTicket(alice, 'resolved');
      const token = signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: open.id, userId: alice.id });
      for (const rating of [0, 6, 2.5, '5', null]) {
        const res = await rate({ token, rating });
        expect({ rating, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ rating, status: 400, field: 'body.rating' });
      }
      const long = await rate({ token, rating: 3, comment: 'x'.repeat(2001) });
      expect(long.status).toBe(400);
      expect(long.body.errors[0].field).toBe('body.comment');

      const notClosed = await rate({ token, rating: 3 });
      expect(notClosed.status).toBe(409);
      expect(notClosed.body.type).toMatch(/ticket-not-closed$/);
      expect((await app.db('tickets').where({ id: open.id }).first()).satisfaction_rating).toBeNull();
    });
  });
});
