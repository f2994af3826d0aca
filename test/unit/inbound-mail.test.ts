/** Inbound mail decisions, case by case: what kind of mail it is, and which ticket (if any) it may continue. */
import { classifyMail, type MailHeaders } from '../../activities/mail/classify';
import { cleanText, isPermanentFailure, messageIdsIn, normaliseMessageId, readDeliveryReport, visibleReply } from '../../activities/mail/parse';
import { signReplyToken, ticketMessageId, uniqueOfMessageId } from '../../activities/mail/tokens';
import { decideThread, type KnownSender, type ReferencedTicket } from '../../activities/mail/threading';
import type { TicketFacts } from '../../domain/ticket/state';

const US = ['support@ticketflow.local'];

function headers(h: Record<string, string | string[]>, extra: Partial<MailHeaders> = {}): MailHeaders {
  const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
  return {
    from: lower.from?.[0] ?? null,
    contentType: 'text/plain',
    reportType: null,
    names: Object.keys(lower),
    value: (n) => lower[n]?.[0] ?? null,
    values: (n) => lower[n] ?? [],
    ...extra,
  };
}

describe('classifying inbound mail', () => {
  it.each([
    ['a person', { from: 'user@acme.test' }, 'mail'],
    ['Auto-Submitted: no is a person', { from: 'user@acme.test', 'Auto-Submitted': 'no' }, 'mail'],
    ['Auto-Submitted: auto-replied', { from: 'user@acme.test', 'Auto-Submitted': 'auto-replied' }, 'ignored'],
    ['Auto-Submitted with a comment', { from: 'user@acme.test', 'Auto-Submitted': 'auto-generated (vacation)' }, 'ignored'],
    ['Auto-Submitted "No" in capitals with a parameter', { from: 'user@acme.test', 'Auto-Submitted': 'No; owner-email="x@y"' }, 'mail'],
    ['Precedence: bulk', { from: 'user@acme.test', Precedence: 'bulk' }, 'ignored'],
    ['Precedence: JUNK', { from: 'user@acme.test', Precedence: 'JUNK' }, 'ignored'],
    ['Precedence: first-class is a person', { from: 'user@acme.test', Precedence: 'first-class' }, 'mail'],
    ['X-Auto-Response-Suppress', { from: 'user@acme.test', 'X-Auto-Response-Suppress': 'All' }, 'ignored'],
    ['a mailing list', { from: 'list@example.test', 'List-Unsubscribe': '<mailto:u@example.test>' }, 'ignored'],
    ['X-Loop naming us', { from: 'user@acme.test', 'X-Loop': ['other.example', 'Support@Ticketflow.Local'] }, 'ignored'],
    ['X-Loop of someone else', { from: 'user@acme.test', 'X-Loop': 'helpdesk@other.test' }, 'mail'],
    ['our own address as sender, tagged', { from: 'support+1-abc@ticketflow.local' }, 'ignored'],
    ['mailer-daemon', { from: 'MAILER-DAEMON@mx.example.test'.toLowerCase() }, 'bounce'],
    ['no sender at all', {}, 'ignored'],
  ])('%s', (_what, h, kind) => {
    expect(classifyMail(headers(h as Record<string, string>), US).kind).toBe(kind);
  });

  it('takes a delivery report for a bounce even though it is marked automatic, and a read receipt for automatic mail', () => {
    const report = headers({ from: 'postmaster@acme.test', 'Auto-Submitted': 'auto-replied' }, { contentType: 'multipart/report', reportType: 'Delivery-Status' });
    expect(classifyMail(report, US)).toEqual({ kind: 'bounce' });
    const receipt = headers({ from: 'user@acme.test' }, { contentType: 'multipart/report', reportType: 'disposition-notification' });
    expect(classifyMail(receipt, US)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('read receipt') });
  });

  it('ignores mail with the null envelope sender, but not mail whose envelope is unknown (IMAP)', () => {
    expect(classifyMail(headers({ from: 'user@acme.test' }, { envelopeFrom: '' }), US).kind).toBe('ignored');
    expect(classifyMail(headers({ from: 'user@acme.test' }), US).kind).toBe('mail');
  });
});

describe('reading inbound text', () => {
  it('normalises Message-IDs: brackets, whitespace, comments, the domain lowercased, the local part kept', () => {
    expect(normaliseMessageId(' <AbC.1@Mail.Example.TEST> ')).toBe('<AbC.1@mail.example.test>');
    expect(normaliseMessageId('AbC.1@mail.example.test (a comment)')).toBe('<AbC.1@mail.example.test>');
    expect(normaliseMessageId('no id here')).toBeNull();
    expect(messageIdsIn(['<a@x> <b@x>', '<a@X>'])).toEqual(['<a@x>', '<b@x>']);
  });

  it('removes NUL and lone surrogates, keeping real pairs', () => {
    expect(cleanText('a\u0000b\ud800c\udc00d😀')).toBe('ab\ufffdc\ufffdd😀');
  });

  it('strips quoted history and signatures, and keeps an all-quoted mail whole', () => {
    expect(visibleReply('Yes, the VAT one.\n\nOn Tue, 1 Dec 2026 at 10:00, Support <support@ticketflow.local> wrote:\n> Which one?\n')).toBe('Yes, the VAT one.');
    // The library knows no Slovak quote header (its list has the Polish "Dnia … napisał(a):"): the quote goes, the header line stays.
    const sk = visibleReply('Áno, ten mesačný.\n\nDňa 1. 12. 2026 o 10:00 Podpora <support@ticketflow.local> napísal(a):\n> Ktorý?\n');
    expect(sk.startsWith('Áno, ten mesačný.')).toBe(true);
    expect(sk).not.toContain('Ktorý?');
    expect(visibleReply('Tak.\n\nDnia 1.12.2026 Podpora <support@ticketflow.local> napisał(a):\n> Który?\n')).toBe('Tak.');
    expect(visibleReply('Thanks!\n\n-- \nJan Novák\nAcme')).toBe('Thanks!');
    expect(visibleReply('> only a quote\n> of the previous mail\n')).toBe('> only a quote\n> of the previous mail');
  });
});

describe('threading inbound mail', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const facts = (over: Partial<TicketFacts> = {}): TicketFacts & { number: number } => ({
    ticketId: 't-1',
    number: 1,
    customerId: 'acme',
    requesterId: 'alice',
    status: 'in_progress',
    type: 'incident',
    level: 'L1',
    priority: 'P3',
    defectState: null,
    changeState: null,
    resolvedAt: null,
    linkedIncidents: 0,
    ...over,
  });
  const ref = (via: ReferencedTicket['via'], over: Partial<TicketFacts & { number: number }> = {}, inSendersScope = true): ReferencedTicket => ({ via, ticket: facts(over), inSendersScope });
  const alice: KnownSender = { userId: 'alice', role: 'customer_user', customerId: 'acme' };
  const bob: KnownSender = { userId: 'bob', role: 'customer_user', customerId: 'beta' };
  const agent: KnownSender = { userId: 'agent', role: 'agent', customerId: null };

  it('takes the strongest reference first, whatever order they were found in', () => {
    const d = decideThread(alice, [ref('subject-tag', { ticketId: 't-tag', number: 9 }), ref('in-reply-to', { ticketId: 't-reply', number: 5 })], now);
    expect(d).toMatchObject({ kind: 'continue', ticketId: 't-reply', via: 'in-reply-to', action: 'comment' });
  });

  it('never attaches to another organisation’s ticket, by any reference; the refusals are named', () => {
    const d = decideThread(bob, [ref('in-reply-to'), ref('reply-address'), ref('subject-tag')], now);
    expect(d).toEqual({ kind: 'new', refused: expect.arrayContaining([expect.objectContaining({ via: 'in-reply-to', why: "the sender is not of the ticket's organisation" })]) });
    expect((d as { refused: unknown[] }).refused).toHaveLength(3);
  });

  it('skips a foreign reference and continues with a later one of the sender’s own organisation', () => {
    const d = decideThread(bob, [ref('in-reply-to'), ref('subject-tag', { ticketId: 't-beta', number: 7, customerId: 'beta' })], now);
    expect(d).toMatchObject({ kind: 'continue', ticketId: 't-beta', via: 'subject-tag' });
  });

  it('does not attach a colleague’s ticket the sender cannot see in the portal', () => {
    expect(decideThread(alice, [ref('subject-tag', {}, false)], now)).toMatchObject({ kind: 'new', refused: [{ why: "the ticket is not in the sender's view" }] });
  });

  it('lets staff continue any ticket, but not reopen it', () => {
    expect(decideThread(agent, [ref('in-reply-to', { status: 'resolved', resolvedAt: '2026-12-01T10:00:00Z' })], now)).toMatchObject({ kind: 'continue', action: 'comment' });
  });

  it('reopens a resolved ticket within the window; past it, or closed, a follow-up ticket names the old one', () => {
    expect(decideThread(alice, [ref('in-reply-to', { status: 'resolved', resolvedAt: '2026-11-25T10:00:00Z' })], now)).toMatchObject({ kind: 'continue', action: 'reopen' });
    expect(decideThread(alice, [ref('in-reply-to', { status: 'resolved', resolvedAt: '2026-11-01T10:00:00Z', number: 42 })], now)).toEqual({ kind: 'follow-up', ofTicketNumber: 42, via: 'in-reply-to' });
    expect(decideThread(alice, [ref('references', { status: 'closed', number: 43 })], now)).toEqual({ kind: 'follow-up', ofTicketNumber: 43, via: 'references' });
  });

  it('a reply while waiting on the customer is a comment (which resumes the clocks, as in the portal)', () => {
    expect(decideThread(alice, [ref('reply-address', { status: 'waiting_on_customer' })], now)).toMatchObject({ kind: 'continue', action: 'comment' });
  });
});

describe('delivery reports', () => {
  const report = (fields: string[]) =>
    Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example.test',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.test',
        '',
        'Final-Recipient: rfc822; X@Example.test',
        ...fields,
        '',
        '--b--',
        '',
      ].join('\r\n'),
    );

  it('reads Action and the Status code, and counts only permanent failures', async () => {
    const failed = await readDeliveryReport(report(['Action: failed', 'Status: 5.1.1 (unknown user)']));
    expect(failed).toMatchObject({ recipient: 'x@example.test', action: 'failed', status: '5.1.1' });
    expect(isPermanentFailure(failed)).toBe(true);
    expect(isPermanentFailure(await readDeliveryReport(report(['Action: delayed', 'Status: 4.4.7'])))).toBe(false);
    expect(isPermanentFailure(await readDeliveryReport(report(['Action: failed', 'Status: 4.2.2'])))).toBe(false);
    expect(isPermanentFailure(await readDeliveryReport(report(['Action: delivered', 'Status: 2.0.0'])))).toBe(false);
    expect(isPermanentFailure(await readDeliveryReport(report(['Status: 5.2.1'])))).toBe(true);
    expect(isPermanentFailure(await readDeliveryReport(report(['Action: failed'])))).toBe(true);
    expect(isPermanentFailure({ action: null, status: null })).toBe(false);
  });

  it('finds the outbox key as written in one of our ticket Message-IDs', () => {
    const id = ticketMessageId(signReplyToken('s', 12), 'notification:abc_1:comment', 'ticketflow.local');
    expect(uniqueOfMessageId(id)).toBe('notification.abc.1.comment');
    expect(uniqueOfMessageId('<someone@else.test>')).toBeNull();
  });
});
