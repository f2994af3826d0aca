/**
 * Inbound mail end to end: a real SMTP client (nodemailer) delivers to the inbound SMTP server, against real
 * PostgreSQL and the real Temporal dev server (the worker runs the per-message workflow and the ticket workflows).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { DEV_AUTH_SECRET } from '../../api/app';
import { signReplyToken, ticketMessageId } from '../../activities/mail/tokens';
import { formatTicketNumber } from '../../domain/tickets';
import { createLogger } from '../../scripts/logger';
import { boundedCollector, startInboundSmtp, type InboundSmtp } from '../../scripts/lib/inbound-smtp';
import { receiveRawMessage, sweepUnstartedMail } from '../../activities/mail/receive';
import { eventually, startTestApp, type TestApp } from '../support/app';

const SUPPORT = 'support@ticketflow.local';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('inbound mail over SMTP', () => {
  let app: TestApp;
  let smtp: InboundSmtp;
  let transport: Transporter;
  let acmeId: string;
  let betaId: string;

  beforeAll(async () => {
    app = await startTestApp();
    smtp = await startInboundSmtp(
      { db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log: createLogger('silent', 'test') },
      { port: 0, host: '127.0.0.1', supportEmail: SUPPORT, maxBytes: 2 * 1024 * 1024 },
    );
    transport = createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    acmeId = (await app.db('customers').where({ slug: 'acme' }).first('id')).id;
    betaId = (await app.db('customers').where({ slug: 'beta' }).first('id')).id;
  });
  afterAll(async () => {
    transport?.close();
    await smtp?.close();
    await app?.stop();
  });

  /** Sends one message and waits until its workflow recorded an outcome; returns the inbound row. */
  async function deliver(mail: Mail.Options & { messageId: string }) {
    await transport.sendMail({ to: SUPPORT, ...mail });
    return processed(mail.messageId);
  }
  const processed = (messageId: string) =>
    eventually(async () => {
      const row = await app.db('inbound_messages').where({ message_id: messageId }).first();
      return row && row.status !== 'received' ? row : undefined;
    }, `the outcome of ${messageId}`, 60_000);
  const mid = () => `<${randomUUID()}@mail.example.test>`;
  const ticketOf = async (id: string) => app.db('tickets').where({ id }).first();
  const eventsOf = async (ticketId: string) => app.db('ticket_events').where({ ticket_id: ticketId }).orderBy('seq');
  const ticketCount = async () => Number((await app.db('tickets').count('* as n').first())!.n);

  /** A ticket of user@acme.test created by mail, and the L1 agent's token. */
  async function acmeTicket(subject: string) {
    const row = await deliver({ from: 'Alice Acme <user@acme.test>', subject, text: 'It broke again.', messageId: mid() });
    expect(row).toMatchObject({ status: 'processed', outcome: 'ticket-created' });
    await eventually(() => app.db('ticket_events').where({ ticket_id: row.ticket_id, type: 'ticket.created' }).first(), 'the new ticket in the timeline');
    return (await ticketOf(row.ticket_id))!;
  }

  it('makes a new ticket for a known customer: subject → title, body → description, files byte for byte', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(40_000)]);
    const log = Buffer.from('line 1\nline 2 with ünïcode\n');
    const messageId = mid();
    const before = await ticketCount();
    const row = await deliver({
      from: 'Alice Acme <user@acme.test>',
      subject: 'Invoices cannot be posted',
      text: 'Posting an invoice ends with error 500.\n\nAlice\n-- \nAlice Acme\nAccounting, Acme',
      attachments: [
        { filename: 'report.pdf', content: pdf },
        { filename: 'server.log', content: log },
      ],
      messageId,
    });
    expect(row).toMatchObject({ status: 'processed', outcome: 'ticket-created', sender_email: 'user@acme.test', received_via: 'smtp' });
    expect(await ticketCount()).toBe(before + 1);
    const ticket = await ticketOf(row.ticket_id);
    expect(ticket).toMatchObject({ title: 'Invoices cannot be posted', channel: 'email', customer_id: acmeId });
    // The signature is stripped; the text is the customer's.
    expect(ticket.description).toBe('Posting an invoice ends with error 500.\n\nAlice');
    expect((await app.db('users').where({ id: ticket.requester_id }).first()).email).toBe('user@acme.test');

    const files = await eventually(async () => {
      const f = await app.db('attachments as a').join('attachment_blobs as b', 'b.attachment_id', 'a.id').where('a.ticket_id', ticket.id).whereNotNull('a.event_seq').select('a.*', 'b.content');
      return f.length === 2 ? f : undefined;
    }, 'the files on the timeline');
    const byName = Object.fromEntries(files.map((f) => [f.filename, f]));
    expect(sha256(byName['report.pdf'].content)).toBe(sha256(pdf));
    expect(byName['report.pdf'].sha256).toBe(sha256(pdf));
    expect(sha256(byName['server.log'].content)).toBe(sha256(log));
    expect(files.every((f) => f.visibility === 'public' && f.source === 'email')).toBe(true);
    expect(await app.db('mail_threads').where({ message_id: messageId }).first()).toMatchObject({ ticket_id: ticket.id, direction: 'in' });
  });

  it('threads a reply by In-Reply-To to a Message-ID we sent, as the customer’s reply that resumes waiting_on_customer', async () => {
    const ticket = await acmeTicket('Export is slow');
    const agent = await app.login('l1@demo.test');
    expect((await app.request('POST', `/api/v1/tickets/${ticket.id}/actions/request-info`, { token: agent, body: { body: 'Which export do you mean?' } })).status).toBe(200);
    await eventually(async () => (await ticketOf(ticket.id)).status === 'waiting_on_customer', 'waiting on the customer');
    const sent = ticketMessageId(signReplyToken(DEV_AUTH_SECRET, Number(ticket.number)), `notification-${randomUUID()}`, 'ticketflow.local');
    await app.db('mail_threads').insert({ message_id: sent, ticket_id: ticket.id, direction: 'out' });

    const before = await ticketCount();
    const row = await deliver({
      from: 'user@acme.test',
      subject: 'Re: Which export?',
      text: 'The monthly VAT export.\n\nOn Tue, 1 Dec 2026 at 10:00, ticketflow support <support@ticketflow.local> wrote:\n> Which export do you mean?\n',
      inReplyTo: sent,
      references: [sent],
      messageId: mid(),
    });
    expect(row).toMatchObject({ status: 'processed', outcome: 'commented', ticket_id: ticket.id });
    expect(row.reason).toContain('in-reply-to');
    expect(await ticketCount()).toBe(before);
    const reply = (await eventsOf(ticket.id)).find((e) => e.type === 'customer.replied');
    expect(reply.data.body).toBe('The monthly VAT export.');
    expect(reply).toMatchObject({ actor_id: ticket.requester_id, actor_kind: 'user' });
    expect((await ticketOf(ticket.id)).status).toBe('in_progress');
  });

  it('falls back to the [T-…] subject tag from the ticket’s own organisation, and to the reply token in the address', async () => {
    const ticket = await acmeTicket('Printer queue stuck');
    const tagged = await deliver({ from: 'user@acme.test', subject: `Re: [${formatTicketNumber(Number(ticket.number))}] Printer queue stuck`, text: 'Still stuck.', messageId: mid() });
    expect(tagged).toMatchObject({ status: 'processed', outcome: 'commented', ticket_id: ticket.id });
    expect(tagged.reason).toContain('subject-tag');

    const token = signReplyToken(DEV_AUTH_SECRET, Number(ticket.number));
    const addressed = await deliver({ from: 'user@acme.test', to: `support+${token}@ticketflow.local`, subject: 'no tag here', text: 'And now it works.', messageId: mid() });
    expect(addressed).toMatchObject({ status: 'processed', outcome: 'commented', ticket_id: ticket.id });
    expect(addressed.reason).toContain('reply-address');
    const bodies = (await eventsOf(ticket.id)).filter((e) => e.type === 'comment.public').map((e) => e.data.body);
    expect(bodies).toEqual(['Still stuck.', 'And now it works.']);
  });

  it('records staff mail that continues a ticket as an internal note, never a public comment', async () => {
    const ticket = await acmeTicket('Staff answer by mail');
    const token = signReplyToken(DEV_AUTH_SECRET, Number(ticket.number));
    const row = await deliver({
      from: 'l1@demo.test',
      to: `support+${token}@ticketflow.local`,
      subject: `Re: [${formatTicketNumber(Number(ticket.number))}] New comment`,
      text: 'Between us: the customer runs an unsupported version.',
      attachments: [{ filename: 'internal.txt', content: Buffer.from('for colleagues only') }],
      messageId: mid(),
    });
    expect(row).toMatchObject({ status: 'processed', outcome: 'noted', ticket_id: ticket.id });
    expect(row.reason).toContain('internal note');
    const events = await eventsOf(ticket.id);
    const note = events.find((e) => e.type === 'comment.internal');
    expect(note).toMatchObject({ visibility: 'internal' });
    expect(note.data.body).toBe('Between us: the customer runs an unsupported version.');
    expect(events.filter((e) => e.type === 'comment.public')).toHaveLength(0);
    const files = await eventually(async () => {
      const f = await app.db('attachments').where({ ticket_id: ticket.id, filename: 'internal.txt' }).whereNotNull('event_seq');
      return f.length ? f : undefined;
    }, 'the file on the note');
    expect(files[0].visibility).toBe('internal');
  });

  it('never attaches a forged tag or token from another organisation: the mail starts the sender’s own ticket', async () => {
    const ticket = await acmeTicket('Acme confidential');
    const number = Number(ticket.number);
    const eventsBefore = (await eventsOf(ticket.id)).length;
    const forgedTag = await deliver({ from: 'user@beta.test', subject: `Re: [${formatTicketNumber(number)}] give me the data`, text: 'Beta writes.', messageId: mid() });
    expect(forgedTag).toMatchObject({ status: 'processed', outcome: 'ticket-created' });
    expect(forgedTag.ticket_id).not.toBe(ticket.id);
    expect((await ticketOf(forgedTag.ticket_id)).customer_id).toBe(betaId);
    expect(forgedTag.reason).toMatch(/subject-tag .*not of the ticket's organisation/);
    // A genuine token of Acme's ticket, sent by Beta, does not attach either; a token with a wrong MAC is no reference.
    const token = signReplyToken(DEV_AUTH_SECRET, number);
    const foreignToken = await deliver({ from: 'user@beta.test', to: `support+${token}@ticketflow.local`, subject: 'hello', text: 'Beta again.', messageId: mid() });
    expect(foreignToken.ticket_id).not.toBe(ticket.id);
    const badMac = await deliver({ from: 'user@acme.test', to: `support+${number}-00000000000000000000@ticketflow.local`, subject: 'forged', text: 'x', messageId: mid() });
    expect(badMac.ticket_id).not.toBe(ticket.id);
    expect((await eventsOf(ticket.id)).length).toBe(eventsBefore);
  });

  it('reopens a resolved ticket by reply; a reply to a closed ticket starts a new one naming it', async () => {
    const ticket = await acmeTicket('Login fails');
    const agent = await app.login('l1@demo.test');
    const customer = await app.login('user@acme.test');
    expect((await app.request('POST', `/api/v1/tickets/${ticket.id}/actions/resolve`, { token: agent, body: { resolution: 'Password reset.' } })).status).toBe(200);
    const reopened = await deliver({ from: 'user@acme.test', subject: `Re: [${formatTicketNumber(Number(ticket.number))}] resolved`, text: 'It fails again.', messageId: mid() });
    expect(reopened).toMatchObject({ outcome: 'reopened', ticket_id: ticket.id });
    expect((await ticketOf(ticket.id)).status).toBe('in_progress');
    expect((await eventsOf(ticket.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['ticket.reopened', 'comment.public']));

    expect((await app.request('POST', `/api/v1/tickets/${ticket.id}/actions/resolve`, { token: agent, body: { resolution: 'Fixed for good.' } })).status).toBe(200);
    expect((await app.request('POST', `/api/v1/tickets/${ticket.id}/actions/close`, { token: customer, body: {} })).status).toBe(200);
    await eventually(async () => (await ticketOf(ticket.id)).status === 'closed', 'the ticket closed');
    const followUp = await deliver({ from: 'user@acme.test', subject: `Re: [${formatTicketNumber(Number(ticket.number))}] closed`, text: 'One more thing.', messageId: mid() });
    expect(followUp).toMatchObject({ outcome: 'follow-up-created' });
    const next = await ticketOf(followUp.ticket_id);
    expect(next.description).toContain(`Follow-up to ${formatTicketNumber(Number(ticket.number))}`);
    expect(next.description).toContain('One more thing.');
  });

  it('records automatic mail (auto-reply, list, loop) with its reason: no ticket, no answer', async () => {
    const before = await ticketCount();
    const answersBefore = Number((await app.db('notifications').where({ template: 'mail-unassigned' }).count('* as n').first())!.n);
    const auto = await deliver({ from: 'user@acme.test', subject: 'Out of office', text: 'I am away.', headers: { 'Auto-Submitted': 'auto-replied' }, messageId: mid() });
    expect(auto).toMatchObject({ status: 'ignored' });
    expect(auto.reason).toMatch(/Auto-Submitted/);
    const list = await deliver({ from: 'news@lists.example.test', subject: 'Newsletter', text: 'News.', headers: { 'List-Id': '<news.lists.example.test>' }, messageId: mid() });
    expect(list).toMatchObject({ status: 'ignored' });
    const loop = await deliver({ from: 'stranger@example.test', subject: 'loop', text: 'x', headers: { 'X-Loop': SUPPORT }, messageId: mid() });
    expect(loop).toMatchObject({ status: 'ignored' });
    expect(await ticketCount()).toBe(before);
    expect(Number((await app.db('notifications').where({ template: 'mail-unassigned' }).count('* as n').first())!.n)).toBe(answersBefore);
  });

  /** A delivery report (RFC 3464) from acme's MX about `original` (a Message-ID), naming `recipient`. */
  function deliveryReport(o: { messageId: string; recipient: string; action: string; status: string; original?: string; subject?: string; inReplyTo?: string }) {
    return [
      'From: Mail Delivery System <MAILER-DAEMON@mx.acme.test>',
      `To: ${SUPPORT}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: ${o.messageId}`,
      ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b0und"',
      '',
      '--b0und',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message could not be delivered to one or more recipients.',
      '',
      '--b0und',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.acme.test',
      '',
      `Final-Recipient: rfc822; ${o.recipient}`,
      `Action: ${o.action}`,
      `Status: ${o.status}`,
      `Diagnostic-Code: smtp; ${o.status.startsWith('5') ? '550' : '451'} ${o.status} <${o.recipient}>: Recipient address rejected`,
      '',
      ...(o.original
        ? ['--b0und', 'Content-Type: message/rfc822', '', `From: ${SUPPORT}`, `To: ${o.recipient}`, `Subject: ${o.subject ?? 'A notification'}`, `Message-ID: ${o.original}`, '', 'We received your request.']
        : []),
      '--b0und--',
      '',
    ].join('\r\n');
  }
  /** A notification about the ticket as the sender sent it: its outbox row and its Message-ID in mail_threads. */
  async function sentNotification(ticket: { id: string; number: string | number }, recipient: string) {
    const key = `notification:${randomUUID()}:comment`;
    const user = await app.db('users').whereRaw('lower(email) = ?', [recipient]).first('id');
    await app.db('notifications').insert({ idempotency_key: key, ticket_id: ticket.id, recipient_id: user?.id ?? null, recipient_email: recipient, template: 'comment-added', language: 'en', payload: JSON.stringify({}), status: 'sent', sent_at: new Date() });
    const sent = ticketMessageId(signReplyToken(DEV_AUTH_SECRET, Number(ticket.number)), key, 'ticketflow.local');
    await app.db('mail_threads').insert({ message_id: sent, ticket_id: ticket.id, direction: 'out' });
    return sent;
  }
  const bounceOf = async (report: Parameters<typeof deliveryReport>[0]) => {
    await transport.sendMail({ envelope: { from: '', to: [SUPPORT] }, raw: deliveryReport(report) });
    return processed(report.messageId);
  };

  it('records a bounce on the ticket its mail was about and marks the address bouncing: no ticket, no answer', async () => {
    await app.db('users').insert({ email: 'leaver@acme.test', name: 'Leaver', role: 'customer_user', customer_id: acmeId });
    const ticket = await acmeTicket('Bounce target');
    const sent = await sentNotification(ticket, 'leaver@acme.test');
    const before = await ticketCount();
    const row = await bounceOf({ messageId: mid(), recipient: 'leaver@acme.test', action: 'failed', status: '5.1.1', original: sent, subject: `[${formatTicketNumber(Number(ticket.number))}] Bounce target` });
    expect(row).toMatchObject({ status: 'bounce', outcome: 'bounce-recorded', ticket_id: ticket.id });
    const bounced = await eventually(async () => (await eventsOf(ticket.id)).find((e) => e.type === 'mail.bounced'), 'the bounce on the ticket');
    expect(bounced).toMatchObject({ visibility: 'internal', data: { address: 'leaver@acme.test' } });
    expect(bounced.data.reason).toContain('5.1.1');
    const leaver = await app.db('users').where({ email: 'leaver@acme.test' }).first();
    expect(leaver.email_bouncing_at).not.toBeNull();
    expect(leaver.email_bounce_reason).toContain('Recipient address rejected');
    expect(await ticketCount()).toBe(before);
    expect(await app.db('notifications').where({ recipient_email: 'mailer-daemon@mx.acme.test' }).first()).toBeUndefined();
  });

  it('counts a report that only replies to our mail (no returned headers) when it names the mail’s recipient', async () => {
    await app.db('users').insert({ email: 'gone@acme.test', name: 'Gone', role: 'customer_user', customer_id: acmeId });
    const ticket = await acmeTicket('Bounce by In-Reply-To');
    const sent = await sentNotification(ticket, 'gone@acme.test');
    const row = await bounceOf({ messageId: mid(), recipient: 'gone@acme.test', action: 'failed', status: '5.1.1', inReplyTo: sent });
    expect(row).toMatchObject({ status: 'bounce', outcome: 'bounce-recorded', ticket_id: ticket.id });
    expect((await app.db('users').where({ email: 'gone@acme.test' }).first()).email_bouncing_at).not.toBeNull();
  });

  it('marks nobody for a delay, a report about no mail we sent, or one naming someone our mail did not go to', async () => {
    const ticket = await acmeTicket('Not a bounce');
    const userBouncing = async (email: string) => (await app.db('users').where({ email }).first()).email_bouncing_at;
    const toUser = await sentNotification(ticket, 'user@acme.test');
    const delayed = await bounceOf({ messageId: mid(), recipient: 'user@acme.test', action: 'delayed', status: '4.4.7', original: toUser });
    expect(delayed).toMatchObject({ status: 'ignored', ticket_id: null });
    expect(delayed.reason).toContain('temporary delivery delay');
    const failed4xx = await bounceOf({ messageId: mid(), recipient: 'user@acme.test', action: 'failed', status: '4.2.2', original: toUser });
    expect(failed4xx).toMatchObject({ status: 'ignored' });
    expect(failed4xx.reason).toContain('temporary delivery delay');

    // Forged: a Message-ID nobody sent, or our token on a mail the outbox never sent, naming a user of ours.
    const forged = await bounceOf({ messageId: mid(), recipient: 'admin@acme.test', action: 'failed', status: '5.1.1', original: mid() });
    expect(forged).toMatchObject({ status: 'ignored', ticket_id: null });
    expect(forged.reason).toContain('delivery report about no mail we sent');
    const madeUp = ticketMessageId(signReplyToken(DEV_AUTH_SECRET, Number(ticket.number)), `notification:${randomUUID()}`, 'ticketflow.local');
    expect((await bounceOf({ messageId: mid(), recipient: 'admin@acme.test', action: 'failed', status: '5.1.1', original: madeUp })).reason).toContain('delivery report about no mail we sent');
    const badMac = `<tf.${ticket.number}-00000000000000000000.x@ticketflow.local>`;
    expect((await bounceOf({ messageId: mid(), recipient: 'admin@acme.test', action: 'failed', status: '5.1.1', original: badMac })).status).toBe('ignored');

    // Genuine mail of ours, but it went to user@acme.test: a report naming admin@acme.test marks nobody.
    const other = await bounceOf({ messageId: mid(), recipient: 'admin@acme.test', action: 'failed', status: '5.1.1', original: toUser });
    expect(other).toMatchObject({ status: 'ignored' });
    expect(other.reason).toContain('delivery report about no mail we sent to admin@acme.test');

    expect(await userBouncing('user@acme.test')).toBeNull();
    expect(await userBouncing('admin@acme.test')).toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventsOf(ticket.id)).filter((e) => e.type === 'mail.bounced')).toHaveLength(0);
  });

  it('handles a redelivered message (same Message-ID) once', async () => {
    const messageId = mid();
    const mail = { from: 'user@acme.test', subject: 'Sent twice', text: 'Once, please.', messageId };
    const first = await deliver(mail);
    const before = await ticketCount();
    await transport.sendMail({ to: SUPPORT, ...mail });
    await transport.sendMail({ to: SUPPORT, ...mail, text: 'Once, please. (a relay re-encoded me)' });
    expect(await app.db('inbound_messages').where({ message_id: messageId })).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ticketCount()).toBe(before);
    expect((await app.db('inbound_messages').where({ message_id: messageId }).first()).ticket_id).toBe(first.ticket_id);
  });

  it('keeps mail of an unknown sender for staff and answers it politely, at most MAIL_AUTO_REPLIES_PER_DAY times a day', async () => {
    const before = await ticketCount();
    const rows: Array<Record<string, any>> = [];
    for (let i = 0; i < 4; i++) rows.push(await deliver({ from: 'Ján Neznámy <jan@firma.sk>', subject: `Otázka ${i}`, text: 'Dobrý deň, mám otázku.', messageId: mid() }));
    expect(rows.every((r) => r.status === 'unassigned')).toBe(true);
    expect(await ticketCount()).toBe(before);
    const answers = await app.db('notifications').where({ template: 'mail-unassigned', recipient_email: 'jan@firma.sk' });
    expect(answers).toHaveLength(3);
    expect(answers.every((a) => a.language === 'sk' && a.payload.data.originalSubject === undefined && typeof a.payload.data.receivedAt === 'string')).toBe(true);
    expect(rows.map((r) => r.outcome)).toEqual(['answered', 'answered', 'answered', 'not-answered']);

    // Staff see it in the unassigned list (customers may not), open a ticket from one for a requester, dismiss another.
    const agent = await app.login('l1@demo.test');
    expect((await app.request('GET', '/api/v1/mail/unassigned', { token: await app.login('admin@acme.test') })).status).toBe(403);
    const first = await app.request('GET', '/api/v1/mail/unassigned?limit=2', { token: agent });
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual(rows.slice(0, 2).map((r) => r.id));
    const second = await app.request('GET', `/api/v1/mail/unassigned?limit=2&cursor=${first.body.nextCursor}`, { token: agent });
    expect(second.body.items.map((m: { id: string }) => m.id)).toEqual(rows.slice(2, 4).map((r) => r.id));
    const requester = await app.db('users').where({ email: 'user@acme.test' }).first();
    const assign = () => app.request('POST', `/api/v1/mail/unassigned/${rows[0].id}/assign`, { token: agent, body: { customerId: acmeId, requesterId: requester.id } });
    const assigned = await assign();
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', outcome: 'ticket-created' });
    expect((await assign()).body.ticketId).toBe(assigned.body.ticketId);
    expect(await ticketOf(assigned.body.ticketId)).toMatchObject({ title: 'Otázka 0', channel: 'email', customer_id: acmeId, requester_id: requester.id, description: 'Dobrý deň, mám otázku.' });
    expect((await app.request('POST', `/api/v1/mail/unassigned/${rows[1].id}/dismiss`, { token: agent, body: {} })).body.status).toBe('dismissed');
    expect((await app.request('POST', `/api/v1/mail/unassigned/${rows[1].id}/assign`, { token: agent, body: { customerId: acmeId, requesterId: requester.id } })).status).toBe(409);
    const left = await app.request('GET', '/api/v1/mail/unassigned', { token: agent });
    expect(left.body.items.map((m: { id: string }) => m.id)).toEqual(rows.slice(2).map((r) => r.id));


    // The desk page lists the same mail with both decisions; a customer gets 403.
    const session = async (email: string) => {
      const s = await app.request('POST', '/api/v1/auth/session', { body: { email, password: 'demo' } });
      return { cookie: (s.headers.get('set-cookie') ?? '').split(';')[0], csrf: s.body.csrfToken as string };
    };
    const staff = await session('l1@demo.test');
    const deskPage = await fetch(`${app.baseUrl}/desk/mail`, { headers: { cookie: staff.cookie } });
    expect(deskPage.status).toBe(200);
    const html = await deskPage.text();
    expect(html).toContain('Otázka 2');
    expect(html).toContain(`/desk/mail/${rows[3].id}/dismiss`);
    expect((await fetch(`${app.baseUrl}/desk/mail`, { headers: { cookie: (await session('user@acme.test')).cookie } })).status).toBe(403);
    const dismissed = await fetch(`${app.baseUrl}/desk/mail/${rows[3].id}/dismiss`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: app.baseUrl },
      body: new URLSearchParams({ _csrf: staff.csrf }).toString(),
    });
    expect(dismissed.headers.get('location')).toBe('/desk/mail?done=dismissed');
    expect((await app.db('inbound_messages').where({ id: rows[3].id }).first()).status).toBe('dismissed');

    // A claim left by a crash (the staff member's process died mid-assign) holds for the lease only: then the mail
    // is listed again and a colleague can take it; if the ticket had been made, it is that ticket.
    const l2 = await app.login('l2@demo.test');
    const l1 = await app.db('users').where({ email: 'l1@demo.test' }).first('id');
    await app.db('inbound_messages').where({ id: rows[2].id }).update({ status: 'assigning', assigned_by: l1.id, assigning_since: new Date() });
    const takeOver = () => app.request('POST', `/api/v1/mail/unassigned/${rows[2].id}/assign`, { token: l2, body: { customerId: acmeId, requesterId: requester.id } });
    expect((await takeOver()).status).toBe(409);
    expect((await app.request('GET', '/api/v1/mail/unassigned', { token: l2 })).body.items.map((m: { id: string }) => m.id)).toEqual([]);
    await app.db('inbound_messages').where({ id: rows[2].id }).update({ assigning_since: new Date(Date.now() - 10 * 60_000) });
    expect((await app.request('GET', '/api/v1/mail/unassigned', { token: l2 })).body.items.map((m: { id: string }) => m.id)).toEqual([rows[2].id]);
    const taken = await takeOver();
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'assigned', outcome: 'ticket-created' });
    // The first assignment's row, claimed again after a crash that came after its ticket was made: the same ticket.
    await app.db('inbound_messages').where({ id: rows[0].id }).update({ status: 'assigning', assigned_by: l1.id, assigning_since: new Date(Date.now() - 10 * 60_000), ticket_id: null });
    const again = await app.request('POST', `/api/v1/mail/unassigned/${rows[0].id}/assign`, { token: l2, body: { customerId: acmeId, requesterId: requester.id } });
    expect(again.body.ticketId).toBe(assigned.body.ticketId);
    expect(await app.db('tickets').where({ title: 'Otázka 0' }).count('* as n').first()).toEqual({ n: 1 });
  });

  it('answers the envelope sender, not the From an attacker chose, and stops at MAIL_AUTO_REPLIES_TOTAL_PER_DAY in all', async () => {
    const messageId = mid();
    await transport.sendMail({ envelope: { from: 'bounces@sender.example.test', to: [SUPPORT] }, from: 'victim@elsewhere.test', to: SUPPORT, subject: 'Buy cheap pills at spam.example', text: 'x', messageId });
    const row = await processed(messageId);
    expect(row).toMatchObject({ status: 'unassigned', outcome: 'answered' });
    const answer = await app.db('notifications').where({ idempotency_key: `mail-unassigned:${row.id}` }).first();
    expect(answer.recipient_email).toBe('bounces@sender.example.test');
    expect(JSON.stringify(answer.payload)).not.toContain('pills');
    expect(await app.db('notifications').where({ recipient_email: 'victim@elsewhere.test' }).first()).toBeUndefined();

    // The day's answers in all are used up (the default 200): nobody else gets one, and no address's count moves.
    const today = app.db.raw(`(now() AT TIME ZONE 'utc')::date`);
    await app.db.raw(`INSERT INTO auto_replies (address, day, count) VALUES ('*', (now() AT TIME ZONE 'utc')::date, 200) ON CONFLICT (address, day) DO UPDATE SET count = 200`);
    try {
      const capped = await deliver({ from: 'someone.new@elsewhere.test', subject: 'Hello', text: 'x', messageId: mid() });
      expect(capped).toMatchObject({ status: 'unassigned', outcome: 'not-answered' });
      expect(capped.reason).toContain('200 automatic answers went out today in all');
      expect(await app.db('notifications').where({ recipient_email: 'someone.new@elsewhere.test' }).first()).toBeUndefined();
      expect((await app.db('auto_replies').where({ address: 'someone.new@elsewhere.test', day: today }).first())?.count ?? 0).toBe(0);
    } finally {
      await app.db('auto_replies').where({ address: '*', day: today }).update({ count: 0 });
    }
  });

  it('creates a customer user for an unknown sender from a customer’s registered domain', async () => {
    await app.db('customers').where({ id: acmeId }).update({ email_domains: ['acme.test'] });
    const row = await deliver({ from: 'Nora New <nora.new@ACME.test>', subject: 'First mail', text: 'Hello from a new colleague.', messageId: mid() });
    expect(row).toMatchObject({ status: 'processed', outcome: 'ticket-created' });
    const nora = await app.db('users').where({ email: 'nora.new@acme.test' }).first();
    expect(nora).toMatchObject({ role: 'customer_user', customer_id: acmeId, name: 'Nora New', password_hash: null });
    expect((await ticketOf(row.ticket_id)).requester_id).toBe(nora.id);
  });

  it('answers 552 for a message over the limit and keeps no more of it than the limit while it streams', async () => {
    const big = randomBytes(3 * 1024 * 1024).toString('base64');
    const messageId = mid();
    await expect(transport.sendMail({ from: 'user@acme.test', to: SUPPORT, subject: 'huge', text: big, messageId })).rejects.toMatchObject({ responseCode: 552 });
    expect(await app.db('inbound_messages').where({ message_id: messageId }).first()).toBeUndefined();
    const c = boundedCollector(1024);
    for (let i = 0; i < 100; i++) c.push(Buffer.alloc(100));
    expect(c.exceeded).toBe(true);
    expect(c.storedBytes).toBeLessThanOrEqual(1024);
  });

  it('records a message over INBOUND_MAX_BYTES from IMAP as failed, without its body and without a workflow', async () => {
    const messageId = mid();
    const raw = Buffer.from([`From: user@acme.test`, `To: ${SUPPORT}`, 'Subject: too big', `Message-ID: ${messageId}`, '', 'x'.repeat(5000), ''].join('\r\n'));
    const deps = { db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log: createLogger('silent', 'test') };
    const r = await receiveRawMessage(deps, raw, { via: 'imap', maxBytes: 1000 });
    expect(r).toMatchObject({ isNew: true, started: false });
    const row = await app.db('inbound_messages').where({ id: r.inboundMessageId }).first();
    expect(row).toMatchObject({ status: 'failed', size: raw.length, workflow_started_at: null });
    expect(row.reason).toContain('larger than INBOUND_MAX_BYTES');
    expect(row.raw.length).toBe(0);
    // Handed over again (not yet moved), it is recognised; the sweep leaves it alone.
    expect(await receiveRawMessage(deps, raw, { via: 'imap', maxBytes: 1000 })).toMatchObject({ inboundMessageId: r.inboundMessageId, isNew: false });
    await sweepUnstartedMail(deps, { graceMs: 0 });
    expect((await app.db('inbound_messages').where({ id: r.inboundMessageId }).first()).workflow_started_at).toBeNull();
  });

  it('refuses recipients other than the support address (550)', async () => {
    await expect(transport.sendMail({ from: 'user@acme.test', to: 'sales@ticketflow.local', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(transport.sendMail({ from: 'user@acme.test', to: 'support@elsewhere.test', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
  });
});
