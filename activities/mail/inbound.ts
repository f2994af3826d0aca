/**
 * The steps of the per-message workflow (workflows/inbound-mail.ts), each an idempotent activity over the stored raw
 * message (`inbound_messages`): read and classify, identify the sender, thread, deliver through the action registry
 * (the same `comment`/`reopen` and ticket creation as the portal), record a bounce, keep unassigned mail (with one
 * polite answer), and record the outcome. Every write is keyed by the message's row, so a step retried after a
 * crash changes nothing twice: ticket creation by `mail:<row>`, actions by request id `mail:<row>`, files by ids
 * derived from the row, the answer by its outbox key.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { ProblemError } from '../../api/errors';
import { createTicket } from '../../api/services/ticket-intake';
import { factsOfRow, runTicketAction } from '../../api/ticket-actions';
import { AttachmentLimitError, checkLimits, stageAttachments, type AttachmentLimits, type BlobStore } from '../../db/attachments';
import type { Db } from '../../db/connection';
import { findTicket, type Ticket } from '../../db/tickets';
import { findActiveUserByEmail } from '../../db/users';
import { isStaff, ticketScope, type Principal } from '../../domain/access';
import { MAX_FILES_PER_EVENT } from '../../domain/attachments';
import { emailAddress } from '../../domain/text';
import { formatTicketNumber } from '../../domain/tickets';
import { mailBouncedSignal, ticketWorkflowId } from '../../workflows/definitions';
import type { Logger } from '../ports';
import { classifyMail, type MailKind } from './classify';
import { cut, isPermanentFailure, parseInbound, readDeliveryReport, UnreadableMailError, visibleReply, type ParsedInbound } from './parse';
import { decideThread, type KnownSender, type ReferencedTicket, type ReferenceKind, type ThreadDecision } from './threading';
import { domainOf, subjectTicketNumber, supportAddressTag, tokenOfMessageId, uniqueOfMessageId, verifyReplyToken } from './tokens';

export interface MailSettings {
  supportEmail: string;
  authSecret: string;
  autoRepliesPerDay: number;
  /** automatic answers to unknown senders per day in all (MAIL_AUTO_REPLIES_TOTAL_PER_DAY) */
  autoRepliesTotalPerDay: number;
  attachmentLimits: AttachmentLimits;
}

export interface MailDeps extends MailSettings {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  blobStore: BlobStore;
}

/** Failure types the workflow records as the message's outcome instead of retrying. */
export const MailFailure = { Unreadable: 'UnreadableMail', Missing: 'InboundMessageMissing' } as const;

export type InboundStatus = 'processed' | 'ignored' | 'bounce' | 'unassigned' | 'failed';

export interface MailOutcome {
  status: InboundStatus;
  /** what happened, one word: commented, noted (staff mail as an internal note), reopened, ticket-created, follow-up-created, bounce-recorded, … */
  outcome: string;
  reason: string | null;
  ticketId: string | null;
}

export type SenderIdentity = ({ kind: 'known' | 'created' } & KnownSender) | { kind: 'unknown'; reason: string; answer: boolean };

interface InboundRow {
  id: string;
  raw: Buffer;
  envelope_from: string | null;
  envelope_to: string[];
  received_at: Date;
  status: string;
}

const TEXT_MAX = 20_000;
const TITLE_MAX = 200;
const NOTE_ROOM = 400;

async function loadRow(db: Db, id: string): Promise<InboundRow> {
  const row = await db<InboundRow>('inbound_messages').where({ id }).first();
  if (!row) throw ApplicationFailure.nonRetryable(`inbound message ${id} does not exist`, MailFailure.Missing);
  return row;
}

/** Parsing never gets better by retrying: an unreadable message fails its workflow step at once. */
async function parsed(row: InboundRow): Promise<ParsedInbound> {
  try {
    return await parseInbound(row.raw, row.envelope_from);
  } catch (err) {
    if (err instanceof UnreadableMailError) throw ApplicationFailure.nonRetryable(err.message, MailFailure.Unreadable);
    throw err;
  }
}

const senderOf = (p: ParsedInbound, row: InboundRow): string | null => p.from?.address ?? (row.envelope_from ? row.envelope_from.toLowerCase() : null);

/** A stable UUID for the n-th file of a message, so a retried step stages the same files again, not new ones. */
function fileId(messageRowId: string, n: number): string {
  const h = createHash('sha256').update(`inbound-file:${messageRowId}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function principalById(db: Db, userId: string): Promise<Principal | undefined> {
  const u = await db('users').where({ id: userId }).whereNull('disabled_at').first('email');
  return u ? (await findActiveUserByEmail(db, u.email))?.principal : undefined;
}

// ---- read ------------------------------------------------------------------------------------------------------

export async function readInboundMail(deps: MailDeps, args: { inboundMessageId: string }): Promise<MailKind & { sender: string | null }> {
  const row = await loadRow(deps.db, args.inboundMessageId);
  const p = await parsed(row);
  const sender = senderOf(p, row);
  await deps.db('inbound_messages')
    .where({ id: row.id })
    .update({ sender_email: sender ? cut(sender, 320) : null, subject: cut(p.subject, 998), message_id: deps.db.raw('coalesce(message_id, ?)', [p.messageId]) });
  return { ...classifyMail(p.headers, [deps.supportEmail]), sender };
}

// ---- identify --------------------------------------------------------------------------------------------------

/**
 * Who wrote: a known active user; or, for an unknown address of a domain exactly one customer registered
 * (`email_domains`), a new customer user of that customer (no password, the customer's language and zone); or
 * nobody we know (the mail waits for staff, and gets one polite answer).
 */
export async function identifyMailSender(deps: MailDeps, args: { inboundMessageId: string }): Promise<SenderIdentity> {
  const { db } = deps;
  const row = await loadRow(db, args.inboundMessageId);
  const p = await parsed(row);
  const address = senderOf(p, row);
  if (!address) return { kind: 'unknown', reason: 'the message names no sender', answer: false };
  // An address no account could have (too long, malformed) is nobody's, and gets no answer.
  if (!emailAddress().safeParse(address).success) return { kind: 'unknown', reason: 'the sender address is not a valid mail address', answer: false };
  const user = await db('users').whereRaw('lower(email) = ?', [address]).first('id', 'role', 'customer_id', 'disabled_at');
  if (user?.disabled_at) return { kind: 'unknown', reason: "the sender's account is disabled", answer: false };
  if (user) return { kind: 'known', userId: user.id, role: user.role, customerId: user.customer_id };
  const domain = domainOf(address);
  const customers = domain ? await db('customers').whereRaw('? = ANY(email_domains)', [domain]).select('id', 'language', 'time_zone') : [];
  if (customers.length === 1) {
    const c = customers[0];
    const name = cut(p.from?.name || address.split('@')[0], 200);
    await db.raw(
      `INSERT INTO users (email, name, role, customer_id, language, time_zone) VALUES (?, ?, 'customer_user', ?, ?, ?)
       ON CONFLICT ((lower(email))) DO NOTHING`,
      [address, name, c.id, c.language, c.time_zone],
    );
    const created = await db('users').whereRaw('lower(email) = ?', [address]).first('id', 'role', 'customer_id');
    deps.log.info({ inboundMessageId: row.id, userId: created.id, customerId: c.id }, 'customer user created from an inbound mail');
    return { kind: 'created', userId: created.id, role: created.role, customerId: created.customer_id };
  }
  return { kind: 'unknown', reason: customers.length > 1 ? `the domain ${domain} is registered by more than one customer` : 'the sender is not known', answer: true };
}

// ---- thread ----------------------------------------------------------------------------------------------------

/** Every ticket the message refers to, with how, in the order of REFERENCE_ORDER. */
async function referencedTickets(deps: MailDeps, row: InboundRow, p: ParsedInbound, principal: Principal): Promise<ReferencedTicket[]> {
  const { db } = deps;
  const found: Array<{ via: ReferenceKind; ref: string }> = [];
  const ids = [...new Set([...p.inReplyTo, ...p.references])];
  if (ids.length) {
    const threads: Array<{ message_id: string; ticket_id: string }> = await db('mail_threads').whereIn('message_id', ids).select('message_id', 'ticket_id');
    for (const id of ids) {
      const t = threads.find((x) => x.message_id === id);
      if (t) found.push({ via: p.inReplyTo.includes(id) ? 'in-reply-to' : 'references', ref: t.ticket_id });
    }
  }
  for (const address of [...(row.envelope_to ?? []), ...p.recipients]) {
    const tag = supportAddressTag(deps.supportEmail, address)?.tag;
    const n = tag ? verifyReplyToken(deps.authSecret, tag) : null;
    if (n) found.push({ via: 'reply-address', ref: String(n) });
  }
  for (const id of ids) {
    const token = tokenOfMessageId(id);
    const n = token ? verifyReplyToken(deps.authSecret, token) : null;
    if (n) found.push({ via: 'message-id-token', ref: String(n) });
  }
  const tagged = subjectTicketNumber(p.subject);
  if (tagged) found.push({ via: 'subject-tag', ref: String(tagged) });

  const out: ReferencedTicket[] = [];
  const scope = ticketScope(principal);
  for (const f of found.slice(0, 50)) {
    const t: Ticket | undefined = await findTicket(db, { kind: 'all' }, f.ref);
    if (!t) continue;
    const inSendersScope = (await findTicket(db, scope, t.id)) !== undefined;
    out.push({ via: f.via, ticket: { ...factsOfRow(t), number: Number(t.number) }, inSendersScope });
  }
  return out;
}

export async function threadInboundMail(deps: MailDeps, args: { inboundMessageId: string; sender: KnownSender }): Promise<ThreadDecision> {
  const row = await loadRow(deps.db, args.inboundMessageId);
  const p = await parsed(row);
  const principal = await principalById(deps.db, args.sender.userId);
  if (!principal) return { kind: 'new', refused: [] };
  return decideThread(args.sender, await referencedTickets(deps, row, p, principal), new Date());
}

// ---- deliver ---------------------------------------------------------------------------------------------------

/** The files of the message that fit the limits, and a note on those that did not. */
async function keepableFiles(deps: MailDeps, ticketId: string | null, p: ParsedInbound): Promise<{ files: ParsedInbound['files']; note: string | null }> {
  const tooBig = p.files.filter((f) => f.bytes.length > deps.attachmentLimits.maxFileBytes);
  let files = p.files.filter((f) => f.bytes.length <= deps.attachmentLimits.maxFileBytes).slice(0, MAX_FILES_PER_EVENT);
  const overCount = p.files.length - tooBig.length - files.length;
  let overTicket = 0;
  try {
    await checkLimits(deps.db, null, files, { ...deps.attachmentLimits, maxTicketBytes: deps.attachmentLimits.maxTicketBytes - (ticketId ? await ticketFileBytes(deps.db, ticketId) : 0) });
  } catch (err) {
    if (!(err instanceof AttachmentLimitError)) throw err;
    overTicket = files.length;
    files = [];
  }
  const dropped = tooBig.length + overCount + overTicket;
  return { files, note: dropped ? `[${dropped} attached file(s) could not be kept: over the size or number limit for attachments]` : null };
}

/** Bytes on the ticket from other sources than this message (its own files, staged by an earlier try, do not count). */
async function ticketFileBytes(db: Db, ticketId: string): Promise<number> {
  const row = await db('attachments').where({ ticket_id: ticketId }).whereNot({ source: 'email' }).sum({ total: 'size' }).first();
  const mail = await db('attachments').where({ ticket_id: ticketId, source: 'email' }).whereNotNull('event_seq').sum({ total: 'size' }).first();
  return Number(row?.total ?? 0) + Number(mail?.total ?? 0);
}

/** Stages the message's files for the ticket once (stable ids); returns their ids and whether an event already carries them. */
async function stageMailFiles(deps: MailDeps, messageRowId: string, ticketId: string, uploadedBy: string, files: ParsedInbound['files']): Promise<{ ids: string[]; carried: boolean }> {
  if (!files.length) return { ids: [], carried: false };
  const ids = files.map((_, i) => fileId(messageRowId, i));
  const existing: Array<{ id: string; event_seq: number | null }> = await deps.db('attachments').whereIn('id', ids).select('id', 'event_seq');
  if (existing.length === ids.length && existing.every((r) => r.event_seq !== null)) return { ids, carried: true };
  const missing = files.map((f, i) => ({ f, id: ids[i] })).filter((x) => !existing.some((r) => r.id === x.id));
  if (missing.length) {
    await deps.db.transaction(async (trx) => {
      await stageAttachments(trx, deps.blobStore, {
        ticketId,
        uploadedBy,
        source: 'email',
        files: missing.map((m) => m.f),
        ids: missing.map((m) => m.id),
        // Checked before (keepableFiles); a retry must not count this message's own staged files twice.
        limits: { maxFileBytes: deps.attachmentLimits.maxFileBytes, maxTicketBytes: Number.MAX_SAFE_INTEGER },
      });
    });
  }
  return { ids, carried: false };
}

const withNote = (body: string, note: string | null): string => {
  const room = TEXT_MAX - (note ? NOTE_ROOM : 0);
  const text = body.length > room ? `${cut(body, room - 60)}\n\n[the rest of this e-mail is kept with the message]` : body;
  return note ? `${text}\n\n${note}` : text;
};

async function recordThread(db: Db, messageId: string | null, ticketId: string): Promise<void> {
  if (!messageId) return;
  await db('mail_threads').insert({ message_id: messageId, ticket_id: ticketId, direction: 'in' }).onConflict('message_id').ignore();
}

/** Runs the registry's action; a refusal (403/404/409) is answered with null so the caller can fall back. */
async function actOrRefused<T>(run: () => Promise<T>): Promise<T | { refused: string }> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ProblemError && [403, 404, 409].includes(err.status)) return { refused: err.message };
    throw err;
  }
}

/**
 * The comment carrying the text and files (once: a retry finds the files on the timeline or the request id). A
 * customer's mail is their public reply; staff mail is always an internal note: an agent answering a staff
 * notification by mail writes to colleagues, never to the customer (staff answer customers in the desk).
 */
async function commentFromMail(deps: MailDeps, principal: Principal, row: InboundRow, ticketId: string, p: ParsedInbound, body: string | null, requestId: string) {
  const { files, note } = await keepableFiles(deps, ticketId, p);
  const staged = await stageMailFiles(deps, row.id, ticketId, principal.id, files);
  const text = body === null ? (note ?? null) : withNote(body, note);
  if (staged.carried || (!text && !staged.ids.length)) return { done: true };
  const intake = { db: deps.db, temporal: deps.temporal };
  return actOrRefused(() =>
    runTicketAction(intake, principal, ticketId, 'comment', { ...(text ? { body: text } : {}), visibility: isStaff(principal) ? 'internal' : 'public', ...(staged.ids.length && !staged.carried ? { attachments: staged.ids } : {}) }, requestId),
  );
}

export async function deliverInboundMail(deps: MailDeps, args: { inboundMessageId: string; sender: KnownSender; thread: ThreadDecision }): Promise<MailOutcome> {
  const { db } = deps;
  const row = await loadRow(db, args.inboundMessageId);
  const p = await parsed(row);
  const principal = await principalById(db, args.sender.userId);
  if (!principal) return { status: 'unassigned', outcome: 'not-delivered', reason: "the sender's account is disabled", ticketId: null };
  const body = visibleReply(p.text) || '(no text)';
  const requestId = `mail:${row.id}`;
  const intake = { db, temporal: deps.temporal, taskQueue: deps.taskQueue };
  let followUpOf: number | null = args.thread.kind === 'follow-up' ? args.thread.ofTicketNumber : null;
  let fallbackReason: string | null = args.thread.kind === 'new' && args.thread.refused.length ? args.thread.refused.map((r) => `${r.via} ${formatTicketNumber(r.ticketNumber)}: ${r.why}`).join('; ') : null;

  if (args.thread.kind === 'continue') {
    const { ticketId, action, via, ticketNumber } = args.thread;
    // The portal's two moves, through the same registry actions: reopen a resolved ticket, then the reply itself.
    const reopened = action === 'reopen' ? await actOrRefused(() => runTicketAction(intake, principal, ticketId, 'reopen', { reason: 'Reopened by an e-mail reply' }, requestId)) : null;
    const commented = reopened && 'refused' in reopened ? reopened : await commentFromMail(deps, principal, row, ticketId, p, body, requestId);
    if (!('refused' in commented)) {
      await recordThread(db, p.messageId, ticketId);
      const outcome = action === 'reopen' ? 'reopened' : isStaff(principal) ? 'noted' : 'commented';
      const as = isStaff(principal) ? ' as an internal note (staff mail)' : '';
      return { status: 'processed', outcome, reason: `threaded by ${via} to ${formatTicketNumber(ticketNumber)}${as}`, ticketId };
    }
    // The ticket moved on between threading and delivery (closed, past the window): the mail starts a follow-up.
    followUpOf = ticketNumber;
    fallbackReason = `${formatTicketNumber(ticketNumber)} refused the reply: ${commented.refused}`;
  }
  if (!principal.customerId) return { status: 'unassigned', outcome: 'not-delivered', reason: fallbackReason ?? 'staff mail that names no ticket it can continue', ticketId: null };

  const opened = await ticketFromMail(deps, row, p, principal, principal, { followUpOf, body });
  return { status: 'processed', outcome: followUpOf ? 'follow-up-created' : 'ticket-created', reason: fallbackReason, ticketId: opened.ticketId };
}

/** A ticket's title from a mail's subject: without reply and forward prefixes, bounded, never empty. */
const titleOf = (subject: string) => cut(subject.replace(/^((re|fwd?|aw|wg|odp|sv|vs)\s*(\[\d+\])?\s*:\s*)+/i, '').trim() || '(no subject)', TITLE_MAX);

/**
 * Opens the ticket a mail asks for, once (creation keyed `mail:<row>` per creator): `creator` opens it (the
 * customer, or staff assigning unassigned mail for `requester`), the requester's files follow as their comment.
 */
async function ticketFromMail(
  deps: MailDeps,
  row: InboundRow,
  p: ParsedInbound,
  creator: Principal,
  requester: Principal,
  o: { followUpOf: number | null; body: string },
): Promise<{ ticketId: string; number: number }> {
  const { files, note } = await keepableFiles(deps, null, p);
  // The files ride on the new ticket's ticket.created event, staged in its transaction (limits checked above).
  const storage = { store: deps.blobStore, stores: { [deps.blobStore.kind]: deps.blobStore }, limits: { maxFileBytes: deps.attachmentLimits.maxFileBytes, maxTicketBytes: Number.MAX_SAFE_INTEGER } };
  const intake = { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, attachments: storage };
  const intro = o.followUpOf ? `Follow-up to ${formatTicketNumber(o.followUpOf)}, which takes no more replies.\n\n` : '';
  const forCustomer = creator.id === requester.id ? {} : { customerId: requester.customerId as string, requesterId: requester.id };
  const { ticket, created } = await createTicket(
    intake,
    creator,
    { title: titleOf(p.subject), description: withNote(intro + o.body, note), type: 'question', impact: 'medium', urgency: 'medium', ...forCustomer },
    `mail:${row.id}`,
    { origin: { channel: 'email' }, ...(files.length ? { files: { files, source: 'email' as const } } : {}) },
  );
  await recordThread(deps.db, p.messageId, ticket.id);
  if (created) deps.log.info({ inboundMessageId: row.id, ticketId: ticket.id }, 'ticket created from an inbound mail');
  return { ticketId: ticket.id, number: Number(ticket.number) };
}

/**
 * Staff decide on unassigned mail: a ticket for this customer's requester, opened by the staff member (channel
 * e-mail, the mail's text and files), once however often it is asked. The caller has claimed the row.
 */
export async function openTicketFromUnassignedMail(deps: Omit<MailDeps, 'supportEmail' | 'authSecret' | 'autoRepliesPerDay' | 'autoRepliesTotalPerDay'>, inboundMessageId: string, staff: Principal, requester: Principal) {
  const full = { ...deps, supportEmail: '', authSecret: '', autoRepliesPerDay: 0, autoRepliesTotalPerDay: 0 };
  const row = await loadRow(deps.db, inboundMessageId);
  // A colleague's claim that died after the ticket was made: that ticket is the one (its key names this mail).
  const made = await deps.db('tickets').where({ idempotency_key: `mail:${row.id}` }).first('id', 'number');
  if (made) return { ticketId: made.id as string, number: Number(made.number) };
  let p: ParsedInbound;
  try {
    p = await parseInbound(row.raw, row.envelope_from);
  } catch (err) {
    throw new ProblemError(409, 'unreadable-mail', 'Unreadable mail', (err as Error).message);
  }
  return ticketFromMail(full, row, p, staff, requester, { followUpOf: null, body: visibleReply(p.text) || '(no text)' });
}

// ---- bounces ----------------------------------------------------------------------------------------------------

/** Which of our sent mails a Message-ID names: its ticket, and the outbox row it was sent from (with its recipient). */
async function sentMailOf(deps: MailDeps, messageId: string): Promise<{ ticketId: string; ticketNumber: number; recipient: string } | null> {
  const { db } = deps;
  const out = await db('mail_threads as m').join('tickets as t', 't.id', 'm.ticket_id').where({ 'm.message_id': messageId, 'm.direction': 'out' }).first('t.id', 't.number');
  const token = tokenOfMessageId(messageId);
  const n = token ? verifyReplyToken(deps.authSecret, token) : null;
  const ticket = out ?? (n ? await db('tickets').where({ number: n }).first('id', 'number') : undefined);
  const unique = uniqueOfMessageId(messageId);
  if (!ticket || !unique) return null;
  // The Message-ID is ticketMessageId(token, idempotency_key, domain): the outbox row is found by its key as written.
  const sent = await db('notifications')
    .where({ ticket_id: ticket.id })
    .whereRaw(`regexp_replace(idempotency_key, '[^A-Za-z0-9-]', '.', 'g') = ?`, [unique])
    .first('recipient_email');
  return sent ? { ticketId: ticket.id, ticketNumber: Number(ticket.number), recipient: String(sent.recipient_email).toLowerCase() } : null;
}

/**
 * A delivery report counts only when it is a permanent failure (`Action: failed`, `Status: 5.x.x`) of a mail we
 * sent — the original's Message-ID (from its returned headers, else the report's In-Reply-To/References) is one of
 * ours (`mail_threads` out, or our verified token) and its outbox row went to the address that bounced. Then the
 * ticket records an internal `mail.bounced` event and the address is marked bouncing (`users.email_bouncing_at`;
 * no more mail goes to it). Anything else — a delay, a forged report, a report about someone else's mail — is
 * recorded as ignored and marks nobody. Never a ticket, never an answer.
 */
export async function recordMailBounce(deps: MailDeps, args: { inboundMessageId: string }): Promise<MailOutcome> {
  const { db } = deps;
  const row = await loadRow(db, args.inboundMessageId);
  let report;
  try {
    report = await readDeliveryReport(row.raw);
  } catch (err) {
    if (err instanceof UnreadableMailError) throw ApplicationFailure.nonRetryable(err.message, MailFailure.Unreadable);
    throw err;
  }
  const address = report.recipient;
  const what = `${address ?? 'unknown recipient'}: ${report.reason}`;
  const ignored = (why: string): MailOutcome => ({ status: 'ignored', outcome: 'bounce-ignored', reason: `${why} (${what})`, ticketId: null });
  if (!isPermanentFailure(report)) return ignored(report.action || report.status ? 'temporary delivery delay' : 'the report states no permanent failure (no Action or Status)');

  // The mail that bounced: the returned original's own Message-ID; without one, what the report itself replies to.
  const p = report.original.messageId ? null : await parsed(row);
  const ids = report.original.messageId ? [report.original.messageId] : [...new Set([...(p?.inReplyTo ?? []), ...(p?.references ?? [])])];
  let sent: Awaited<ReturnType<typeof sentMailOf>> = null;
  for (const id of ids.slice(0, 20)) if (!sent) sent = await sentMailOf(deps, id);
  if (!sent) return ignored('delivery report about no mail we sent');
  if (!address || address !== sent.recipient) return ignored(`delivery report about no mail we sent to ${address ?? 'this recipient'}`);

  const marked = await db('users').whereRaw('lower(email) = ?', [address]).update({ email_bouncing_at: db.raw('coalesce(email_bouncing_at, now())'), email_bounce_reason: report.reason });
  if (marked) deps.log.warn({ address, reason: report.reason }, 'address marked as bouncing');
  const { ticketId, ticketNumber } = sent;
  try {
    await deps.temporal.workflow.getHandle(ticketWorkflowId(ticketNumber)).signal(mailBouncedSignal, { inboundMessageId: row.id, address, reason: report.reason });
  } catch (err) {
    // A closed ticket's workflow has ended: the report stays on the message and the address.
    if (/not found|already completed/i.test((err as Error).message)) return { status: 'bounce', outcome: 'bounce-ticket-closed', reason: what, ticketId };
    throw err;
  }
  return { status: 'bounce', outcome: 'bounce-recorded', reason: what, ticketId };
}

// ---- unassigned ------------------------------------------------------------------------------------------------

const answerLanguage = (p: ParsedInbound, address: string): 'en' | 'sk' => (p.language === 'sk' || domainOf(address).endsWith('.sk') ? 'sk' : 'en');

/** The `auto_replies` row counting every automatic answer of a day (no address is `*`). */
const ALL_ADDRESSES = '*';

/**
 * Mail no ticket can take waits for staff (`unassigned`). Its sender gets one polite answer through the outbox —
 * delivered and retried like all mail, marked Auto-Submitted: auto-replied — unless answering is not allowed for
 * this sender (automatic mail never gets here), the address bounces, it had MAIL_AUTO_REPLIES_PER_DAY already, or
 * MAIL_AUTO_REPLIES_TOTAL_PER_DAY answers went out today in all. The answer goes to the SMTP envelope sender (the
 * address a server would send a bounce to), the From address only when no envelope is known (IMAP), and nowhere for
 * the null sender `<>`. It repeats nothing the sender chose (no subject): it names the message by its date.
 */
export async function keepUnassignedMail(deps: MailDeps, args: { inboundMessageId: string; reason: string; answer: boolean }): Promise<MailOutcome> {
  const { db } = deps;
  const row = await loadRow(db, args.inboundMessageId);
  const p = await parsed(row);
  const address = row.envelope_from === null ? senderOf(p, row) : row.envelope_from.trim().toLowerCase() || null;
  const keep = (outcome: string, why: string | null): MailOutcome => ({ status: 'unassigned', outcome, reason: why ? `${args.reason}; ${why}` : args.reason, ticketId: null });
  if (!args.answer) return keep('not-answered', null);
  if (!address) return keep('not-answered', row.envelope_from === '' ? 'the envelope sender is null' : null);
  const key = `mail-unassigned:${row.id}`;
  const bouncing = await db('users').whereRaw('lower(email) = ?', [address]).whereNotNull('email_bouncing_at').first('id');
  if (bouncing) return keep('not-answered', 'the address bounces');
  if (deps.autoRepliesPerDay <= 0 || deps.autoRepliesTotalPerDay <= 0) return keep('not-answered', 'automatic answers are switched off');
  return db.transaction(async (trx) => {
    if (await trx('notifications').where({ idempotency_key: key }).first('id')) return keep('answered', null);
    const count = async (who: string, max: number): Promise<boolean> => {
      const { rows } = await trx.raw(
        `INSERT INTO auto_replies (address, day, count) VALUES (?, (now() AT TIME ZONE 'utc')::date, 1)
         ON CONFLICT (address, day) DO UPDATE SET count = auto_replies.count + 1 WHERE auto_replies.count < ?
         RETURNING count`,
        [who, max],
      );
      return rows.length > 0;
    };
    if (!(await count(address, deps.autoRepliesPerDay))) return keep('not-answered', `the address had ${deps.autoRepliesPerDay} automatic answers today`);
    if (!(await count(ALL_ADDRESSES, deps.autoRepliesTotalPerDay))) {
      // Not answered after all: the address's count goes back.
      await trx('auto_replies').where({ address, day: trx.raw(`(now() AT TIME ZONE 'utc')::date`) }).decrement('count', 1);
      return keep('not-answered', `${deps.autoRepliesTotalPerDay} automatic answers went out today in all`);
    }
    await trx('notifications').insert({
      idempotency_key: key,
      ticket_id: null,
      recipient_id: null,
      recipient_email: address,
      template: 'mail-unassigned',
      language: answerLanguage(p, address),
      payload: JSON.stringify({ eventType: 'mail.unassigned', at: new Date(row.received_at).toISOString(), data: { receivedAt: new Date(row.received_at).toISOString() } }),
    });
    return keep('answered', null);
  });
}

// ---- outcome ---------------------------------------------------------------------------------------------------

export async function finishInboundMail(deps: MailDeps, args: { inboundMessageId: string } & MailOutcome): Promise<void> {
  await deps.db('inbound_messages')
    .where({ id: args.inboundMessageId })
    // A decision staff already took on unassigned mail is not overwritten by a late retry.
    .whereNotIn('status', ['assigned', 'dismissed'])
    .update({ status: args.status, outcome: args.outcome, reason: args.reason ? cut(args.reason, 2000) : null, ticket_id: args.ticketId, processed_at: deps.db.fn.now() });
}
