/**
 * Notifications over real SMTP: a loopback SMTP server receives what the sender delivers from the outbox.
 * 1. A round trip: the right recipient, language, subject and ticket link; internal notes never in a customer email.
 * 2. Exactly once under faults: 200 tickets while the worker (with its sender) is killed with SIGKILL twice and the
 *    SMTP server refuses connections for a while; afterwards every expected message arrived exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { DEV_AUTH_SECRET } from '../../api/app';
import { createNotificationSender, type NotificationSender } from '../../activities/notifications/sender';
import { signReplyToken } from '../../activities/mail/tokens';
import { createEmailTemplates, EMAIL_TEMPLATES } from '../../activities/notifications/templates';
import { createLogger } from '../../scripts/logger';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { killHard, startWorkerProcess } from '../support/worker-process';

const PUBLIC_URL = 'https://desk.example.test';
// The secret the test API verifies satisfaction tokens with (its default development secret).
const TEST_AUTH_SECRET = DEV_AUTH_SECRET;
const newTicket = (title: string) => ({ title, description: 'Steps: open the report, press export.', type: 'incident', impact: 'low', urgency: 'medium' });

describe('email round trip over SMTP', () => {
  let app: TestApp;
  let catcher: MailCatcher;
  let sender: NotificationSender;
  beforeAll(async () => {
    app = await startTestApp();
    catcher = await startMailCatcher();
    sender = createNotificationSender({
      db: app.db,
      templates: createEmailTemplates(),
      smtpUrl: catcher.url,
      from: 'ticketflow <support@ticketflow.test>',
      publicUrl: PUBLIC_URL,
      authSecret: TEST_AUTH_SECRET,
      log: createLogger('silent', 'test'),
      pollMs: 100,
    });
    sender.start();
  });
  afterAll(async () => {
    await sender?.stop();
    await catcher?.close();
    await app?.stop();
  });

  it('tells a Slovak customer in Slovak, links the ticket, and never mails an internal note', async () => {
    const customer = await app.login('user@beta.test');
    const agent = await app.login('l1@demo.test');
    const created = await app.request('POST', '/api/v1/tickets', { token: customer, body: newTicket('Export do PDF padá') });
    expect(created.status).toBe(201);
    const number = created.body.number as string;
    const ticketNumber = Number(number.replace(/\D/g, ''));

    const received = await eventually(async () => catcher.list().find((m) => m.to.includes('user@beta.test') && m.subject.includes(number)), 'the ticket-received email', 30_000);
    expect(received.headers['content-language']).toBe('sk');
    expect(received.subject).toMatch(/[áäčďéíĺľňóôŕšťúýž]/i);
    expect(received.text).toContain(`${PUBLIC_URL}/portal/tickets/${ticketNumber}`);
    expect(received.html).toContain(`${PUBLIC_URL}/portal/tickets/${ticketNumber}`);
    // Threading: our Message-ID carries the ticket's signed token, replies go to support+<token>@, and the mail
    // says it is machine-made (so automats do not answer it) and ours (X-Loop).
    const token = signReplyToken(TEST_AUTH_SECRET, ticketNumber);
    expect(received.messageId).toMatch(new RegExp(`^<tf\\.${token}\\.[^@]+@ticketflow\\.local>$`));
    expect(received.headers['reply-to']).toContain(`support+${token}@ticketflow.local`);
    expect(received.headers['auto-submitted']).toBe('auto-generated');
    expect(received.headers['x-loop']).toBe('support@ticketflow.local');
    expect(received.headers['x-auto-response-suppress']).toBe('All');
    // Staff of level L1 hear of the new ticket, in their own language, with the desk link.
    const queued = await eventually(async () => catcher.list().find((m) => m.to.includes('l1@demo.test') && m.subject.includes(number)), 'the L1 queue email', 30_000);
    expect(queued.text).toContain(`${PUBLIC_URL}/desk/tickets/${ticketNumber}`);

    const secret = 'INTERNAL-ONLY: the customer is on an unsupported build';
    expect((await app.request('POST', `/api/v1/tickets/${created.body.id}/comments`, { token: agent, body: { body: secret, visibility: 'internal' } })).status).toBe(201);
    expect((await app.request('POST', `/api/v1/tickets/${created.body.id}/comments`, { token: agent, body: { body: 'Skúste prosím export znova.', visibility: 'public' } })).status).toBe(201);
    const reply = await eventually(
      async () => catcher.list().find((m) => m.to.includes('user@beta.test') && m.text.includes('Skúste prosím export znova.')),
      'the staff-replied email',
      30_000,
    );
    expect(reply.subject).toContain(number);
    // The conversation is chained: the reply answers the latest earlier mail and references the first one.
    const sent = await app.db('mail_threads').where({ ticket_id: created.body.id, direction: 'out' }).select('message_id');
    expect(sent.map((r) => r.message_id)).toEqual(expect.arrayContaining([received.messageId, reply.messageId]));
    expect(reply.headers['in-reply-to']).toMatch(/^<tf\./);
    expect(reply.headers.references).toContain(received.messageId);

    // Let everything queued so far be delivered, then check no customer email mentions the internal note.
    await eventually(async () => !(await app.db('notifications').where({ ticket_id: created.body.id }).whereIn('status', ['pending', 'sending']).first()), 'the outbox to drain', 30_000);
    const customerMail = catcher.list().filter((m) => m.to.some((t) => t.endsWith('@beta.test')));
    expect(customerMail.length).toBeGreaterThanOrEqual(2);
    for (const m of customerMail) {
      expect(m.text).not.toContain('INTERNAL-ONLY');
      expect(m.html).not.toContain('INTERNAL-ONLY');
      expect(m.subject).not.toContain('INTERNAL-ONLY');
    }
    const rows = await app.db('notifications').where({ ticket_id: created.body.id });
    expect(rows.every((r) => r.status === 'sent' && /^250/.test(r.smtp_response))).toBe(true);

    // Resolved: the customer gets confirm and reopen links; closed: a one-use satisfaction link that works.
    expect((await app.request('POST', `/api/v1/tickets/${created.body.id}/actions/resolve`, { token: agent, body: { resolution: 'Opravené v konfigurácii exportu.' } })).status).toBe(200);
    const resolved = await eventually(async () => catcher.list().find((m) => m.to.includes('user@beta.test') && m.text.includes('Opravené v konfigurácii exportu.')), 'the resolved email', 30_000);
    expect(resolved.text).toContain(`${PUBLIC_URL}/portal/tickets/${ticketNumber}#confirm`);
    expect(resolved.text).toContain(`${PUBLIC_URL}/portal/tickets/${ticketNumber}#reopen`);
    expect((await app.request('POST', `/api/v1/tickets/${created.body.id}/actions/close`, { token: customer, body: {} })).status).toBe(200);
    const closed = await eventually(async () => catcher.list().find((m) => m.to.includes('user@beta.test') && m.text.includes(`${PUBLIC_URL}/satisfaction#token=`)), 'the closed email', 30_000);
    const surveyToken = /satisfaction#token=([A-Za-z0-9_.-]+)/.exec(closed.text)![1];
    await eventually(async () => (await app.db('tickets').where({ id: created.body.id }).first()).status === 'closed', 'the closed projection');
    const rated = await app.request('POST', '/api/v1/satisfaction', { body: { token: surveyToken, rating: 5, comment: 'Rýchle a jasné.' } });
    expect(rated.status).toBe(200);
    expect(await app.db('tickets').where({ id: created.body.id }).first()).toMatchObject({ satisfaction_rating: 5, satisfaction_comment: 'Rýchle a jasné.' });
    expect((await app.request('POST', '/api/v1/satisfaction', { body: { token: surveyToken, rating: 1 } })).status).toBe(409);
  });
  it('sends nothing more to an address that bounced, until the address changes', async () => {
    const customer = await app.login('admin@acme.test');
    const agent = await app.login('l1@demo.test');
    const me = await app.db('users').where({ email: 'admin@acme.test' }).first('id');
    await app.db('users').where({ id: me.id }).update({ email_bouncing_at: new Date(), email_bounce_reason: '550 5.1.1 no such mailbox' });
    const created = await app.request('POST', '/api/v1/tickets', { token: customer, body: newTicket('Bounce check') });
    expect((await app.request('POST', `/api/v1/tickets/${created.body.id}/comments`, { token: agent, body: { body: 'Bounce reply one', visibility: 'public' } })).status).toBe(201);
    const held = await eventually(
      async () => (await app.db('notifications').where({ ticket_id: created.body.id, recipient_id: me.id }).whereIn('status', ['suppressed']).select('template', 'last_error')).filter((r) => r.template === 'staff-replied')[0],
      'the reply notification to be held back',
      30_000,
    );
    expect(held.last_error).toBe('the address bounces');
    expect(catcher.list().some((m) => m.text.includes('Bounce reply one'))).toBe(false);

    await app.db('users').where({ id: me.id }).update({ email_bouncing_at: null, email_bounce_reason: null });
    expect((await app.request('POST', `/api/v1/tickets/${created.body.id}/comments`, { token: agent, body: { body: 'Bounce reply two', visibility: 'public' } })).status).toBe(201);
    await eventually(async () => catcher.list().find((m) => m.to.includes('admin@acme.test') && m.text.includes('Bounce reply two')), 'mail to flow again', 30_000);
  });
  it('confirms a phone call to the caller with what staff noted', async () => {
    const agent = await app.login('l1@demo.test');
    const acme = await app.db('customers').where({ slug: 'acme' }).first();
    const caller = await app.db('users').where({ email: 'user@acme.test' }).first();
    const res = await app.request('POST', '/api/v1/tickets', {
      token: agent,
      body: { ...newTicket('Called: invoices stuck'), description: 'Caller says invoices stay in draft since 9:00.', channel: 'phone', customerId: acme.id, requesterId: caller.id },
    });
    expect(res.status).toBe(201);
    const mail = await eventually(async () => catcher.list().find((m) => m.to.includes('user@acme.test') && m.subject.includes(res.body.number)), 'the phone-call-logged email', 30_000);
    expect(mail.text).toContain('Caller says invoices stay in draft since 9:00.');
    expect((await app.db('notifications').where({ ticket_id: res.body.id, recipient_id: caller.id }).first()).template).toBe('phone-call-logged');
  });
});

describe('exactly once under faults', () => {
  let app: TestApp;
  let catcher: MailCatcher;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    app = await startTestApp({ worker: false, app: { writesPerMinute: 100_000 } });
    catcher = await startMailCatcher({ keep: 100_000 });
  });
  afterAll(async () => {
    for (const c of children) await killHard(c);
    await catcher?.close();
    await app?.stop();
  });

  it('200 tickets, two SIGKILLs and an SMTP outage: every expected message received exactly once', async () => {
    const spawnWorker = async () => {
      const c = await startWorkerProcess(app, { SMTP_URL: catcher.url, PUBLIC_URL, MAIL_LEASE_MS: '5000', MAIL_RETRY_BASE_MS: '500', LOG_LEVEL: 'error' });
      children.push(c);
      return c;
    };
    const customers = await Promise.all(['user@acme.test', 'admin@acme.test', 'user@beta.test'].map((e) => app.login(e)));
    const create = async (i: number) => {
      const res = await app.request('POST', '/api/v1/tickets', { token: customers[i % customers.length], body: newTicket(`Fault run ${i}`), headers: { 'idempotency-key': `fault-${i}` } });
      expect(res.status).toBe(201);
    };
    const sentCount = async () => Number((await app.db('notifications').where({ status: 'sent' }).count('* as n').first())!.n);

    let worker = await spawnWorker();
    for (let i = 0; i < 70; i++) await create(i);
    await eventually(async () => (await sentCount()) > 20, 'the first worker to deliver some mail', 90_000);
    await killHard(worker); // SIGKILL #1, mid-stream

    catcher.setRefusing(true); // the relay is down for a while
    worker = await spawnWorker();
    for (let i = 70; i < 140; i++) await create(i);
    await eventually(async () => app.db('notifications').where('attempts', '>', 1).where({ status: 'pending' }).first(), 'deliveries failing while the relay refuses', 90_000);
    catcher.setRefusing(false);
    await eventually(async () => (await sentCount()) > 100, 'delivery to resume after the outage', 90_000);
    await killHard(worker); // SIGKILL #2

    await spawnWorker(); // the third worker runs to the end (afterAll stops it)
    for (let i = 140; i < 200; i++) await create(i);

    // Every event of every ticket projected, and the whole outbox delivered.
    await eventually(async () => Number((await app.db('ticket_events').where({ type: 'ticket.created' }).count('* as n').first())!.n) === 200, 'all 200 tickets recorded', 120_000);
    await eventually(async () => !(await app.db('notifications').whereIn('status', ['pending', 'sending']).first()), 'the outbox to drain', 180_000);

    const rows = await app.db('notifications').select('idempotency_key', 'recipient_email', 'template', 'status', 'attempts');
    const emailRows = rows.filter((r) => Object.hasOwn(EMAIL_TEMPLATES, r.template));
    // Each ticket: the requester's "received" mail and the L1 queue mail for each L1 agent.
    const l1Agents = Number((await app.db('users').where({ role: 'agent' }).whereRaw(`'L1' = ANY(levels)`).whereNull('disabled_at').count('* as n').first())!.n);
    expect(emailRows).toHaveLength(200 * (1 + l1Agents));
    expect(emailRows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);

    const received = new Map<string, number>();
    for (const m of catcher.list()) received.set(m.headers['x-ticketflow-notification'], (received.get(m.headers['x-ticketflow-notification']) ?? 0) + 1);
    const expected = new Map(emailRows.map((r) => [r.idempotency_key as string, r.recipient_email]));
    const duplicates = [...received].filter(([, n]) => n > 1);
    const missing = [...expected.keys()].filter((id) => !received.has(id));
    const unexpected = [...received.keys()].filter((id) => !expected.has(id));
    expect({ duplicates, missing, unexpected }).toEqual({ duplicates: [], missing: [], unexpected: [] });
    for (const m of catcher.list()) expect(m.to).toEqual([expected.get(m.headers['x-ticketflow-notification'])]);
    // Every mail about a ticket has its own Message-ID (a retry sends the same one).
    expect(new Set(catcher.list().map((m) => m.messageId)).size).toBe(expected.size);
  }, 600_000);
});
