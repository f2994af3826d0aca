/**
 * The email channel as a customer uses it: a notification sent by the real sender (to a loopback SMTP catcher) is
 * answered from a mail client — to its Reply-To address, quoting it, with In-Reply-To set — and the answer lands on
 * the ticket as the customer's reply, without the quoted history, with its file. And mail fetched over IMAP from a
 * real Dovecot mailbox goes through the same pipeline, once, however often it is fetched.
 */
import { createHash } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { DEV_AUTH_SECRET } from '../../api/app';
import { createImapPoller } from '../../activities/mail/imap-poller';
import { receiveRawMessage, type ReceiveDeps } from '../../activities/mail/receive';
import { createNotificationSender, type NotificationSender } from '../../activities/notifications/sender';
import { createEmailTemplates } from '../../activities/notifications/templates';
import { startInboundSmtp, type InboundSmtp } from '../../scripts/lib/inbound-smtp';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher';
import { createLogger } from '../../scripts/logger';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { startDovecot, type Dovecot } from '../support/dovecot';

const SUPPORT = 'support@ticketflow.local';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('answering notifications by mail, and mail fetched over IMAP', () => {
  let app: TestApp;
  let catcher: MailCatcher;
  let sender: NotificationSender;
  let smtp: InboundSmtp;
  let transport: Transporter;
  let dovecot: Dovecot;
  let receiveDeps: ReceiveDeps;
  beforeAll(async () => {
    app = await startTestApp();
    catcher = await startMailCatcher();
    const log = createLogger('silent', 'test');
    sender = createNotificationSender({ db: app.db, templates: createEmailTemplates(), smtpUrl: catcher.url, from: `ticketflow <${SUPPORT}>`, supportEmail: SUPPORT, publicUrl: 'https://desk.example.test', authSecret: DEV_AUTH_SECRET, log, pollMs: 100 });
    sender.start();
    receiveDeps = { db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log };
    smtp = await startInboundSmtp(receiveDeps, { port: 0, host: '127.0.0.1', supportEmail: SUPPORT, maxBytes: 5 * 1024 * 1024 });
    transport = createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    dovecot = await startDovecot();
  }, 60_000);
  afterAll(async () => {
    transport?.close();
    await smtp?.close();
    await sender?.stop();
    await catcher?.close();
    await dovecot?.stop();
    await app?.stop();
  });

  it('a customer answers the request for information from their mail client: the reply resumes the ticket, quote stripped, file kept', async () => {
    const customer = await app.login('user@acme.test');
    const agent = await app.login('l1@demo.test');
    const created = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'Stock report is empty', description: 'The stock report shows no rows.', type: 'incident', impact: 'medium', urgency: 'medium' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await app.request('POST', `/api/v1/tickets/${id}/actions/request-info`, { token: agent, body: { body: 'Which warehouse do you report on?' } })).status).toBe(200);
    const asked = await eventually(async () => catcher.list().find((m) => m.to.includes('user@acme.test') && m.text.includes('Which warehouse do you report on?')), 'the info-requested mail', 30_000);
    await eventually(async () => (await app.db('tickets').where({ id }).first()).status === 'waiting_on_customer', 'waiting on the customer');

    // The customer's mail client: reply to the Reply-To address, In-Reply-To/References, the original quoted below.
    const replyTo = JSON.parse(asked.headers['reply-to']).value[0].address as string;
    expect(replyTo).toMatch(/^support\+\d+-[0-9a-f]{20}@ticketflow\.local$/);
    const screenshot = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a picture, but a PNG by its signature')]);
    const answerId = '<answer-1@acme.test>';
    await transport.sendMail({
      from: 'Alice Acme <user@acme.test>',
      to: replyTo,
      subject: `Re: ${asked.subject}`,
      messageId: answerId,
      inReplyTo: asked.messageId,
      references: [asked.messageId],
      text: `Warehouse Bratislava-East.\n\nOn Wed, 2 Dec 2026 at 09:00, ticketflow <${SUPPORT}> wrote:\n> Which warehouse do you report on?\n> \n> Kind regards`,
      attachments: [{ filename: 'screen.png', content: screenshot }],
    });
    const row = await eventually(async () => {
      const r = await app.db('inbound_messages').where({ message_id: answerId }).first();
      return r && r.status !== 'received' ? r : undefined;
    }, 'the answer handled', 60_000);
    expect(row).toMatchObject({ status: 'processed', ticket_id: id });

    const reply = await eventually(async () => app.db('ticket_events').where({ ticket_id: id, type: 'customer.replied' }).first(), 'the customer reply on the timeline', 30_000);
    expect(reply.data.body).toBe('Warehouse Bratislava-East.');
    expect(reply.visibility).toBe('public');
    await eventually(async () => (await app.db('tickets').where({ id }).first()).status === 'in_progress', 'the ticket worked on again');
    const files = await eventually(async () => {
      const f = await app.db('attachments').where({ ticket_id: id }).whereNotNull('event_seq');
      return f.length ? f : undefined;
    }, 'the file on an event');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ filename: 'screen.png', content_type: 'image/png', visibility: 'public', sha256: sha256(screenshot) });
    // Our answer and theirs are one conversation.
    expect(await app.db('mail_threads').where({ ticket_id: id }).pluck('message_id')).toEqual(expect.arrayContaining([asked.messageId, answerId]));
  });

  it('mail fetched over IMAP becomes a ticket once, however often the mailbox hands it over', async () => {
    const raw = Buffer.from(
      await new MailComposer({
        from: 'Bohuš Beta <user@beta.test>',
        to: SUPPORT,
        subject: 'Faktúry sa neodosielajú',
        messageId: '<imap-once@beta.test>',
        text: 'Od rána sa faktúry neodosielajú.',
      })
        .compile()
        .build(),
    );
    await dovecot.deliver(raw);
    await dovecot.deliver(raw); // the MTA delivered it twice
    const poller = createImapPoller({ url: dovecot.url, log: createLogger('silent', 'test'), receive: (m) => receiveRawMessage(receiveDeps, m, { via: 'imap' }) });
    expect(await poller.runOnce()).toBe(2);
    const row = await eventually(async () => {
      const r = await app.db('inbound_messages').where({ message_id: '<imap-once@beta.test>' }).first();
      return r && r.status !== 'received' ? r : undefined;
    }, 'the IMAP mail handled', 60_000);
    expect(row).toMatchObject({ status: 'processed', outcome: 'ticket-created', received_via: 'imap' });
    expect(await app.db('inbound_messages').where({ message_id: '<imap-once@beta.test>' }).count('* as n').first()).toEqual({ n: 1 });
    const ticket = await app.db('tickets').where({ id: row.ticket_id }).first();
    expect(ticket).toMatchObject({ title: 'Faktúry sa neodosielajú', channel: 'email' });
    expect(await app.db('tickets').where({ title: 'Faktúry sa neodosielajú' }).count('* as n').first()).toEqual({ n: 1 });
    expect(await dovecot.count('INBOX')).toBe(0);
    expect(await dovecot.count('Processed')).toBe(2);
  });

  it('treats a sender address no account could have as nobody: kept for staff, no user made, no answer', async () => {
    await app.db('customers').where({ slug: 'acme' }).update({ email_domains: ['acme.test'] });
    const local = 'x'.repeat(300);
    const raw = Buffer.from(`From: ${local}@acme.test\r\nTo: ${SUPPORT}\r\nSubject: Long address\r\nMessage-ID: <long-address@acme.test>\r\n\r\nHello.\r\n`);
    await receiveRawMessage(receiveDeps, raw, { via: 'relay' });
    const row = await eventually(async () => {
      const r = await app.db('inbound_messages').where({ message_id: '<long-address@acme.test>' }).first();
      return r && r.status !== 'received' ? r : undefined;
    }, 'the mail handled', 60_000);
    expect(row).toMatchObject({ status: 'unassigned', reason: 'the sender address is not a valid mail address' });
    expect(await app.db('users').whereRaw('length(email) > 254').first()).toBeUndefined();
    expect(await app.db('notifications').where({ template: 'mail-unassigned' }).whereRaw('recipient_email like ?', [`${local.slice(0, 20)}%`]).first()).toBeUndefined();
    await app.db('customers').where({ slug: 'acme' }).update({ email_domains: [] });
  });
});
