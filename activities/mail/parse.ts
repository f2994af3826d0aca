/**
 * Reading an inbound message: MIME and headers with mailparser, the MIME tree of delivery reports with mailsplit
 * (both maintained by the Nodemailer project), quoted history and signatures with email-reply-parser. Everything a
 * later step stores is made safe for PostgreSQL and for our own schemas here: no NUL, no lone surrogates, bounded.
 */
import { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import { Splitter, type SplitterChunk } from '@zone-eu/mailsplit';
import EmailReplyParser from 'email-reply-parser';
import type { MailHeaders } from './classify';
import { storableText } from '../../domain/text';

/** A message that cannot be read at all: recorded as failed, never retried. */
export class UnreadableMailError extends Error {}

// eslint-disable-next-line no-control-regex -- NUL and the other C0 controls except tab and line breaks are removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Text as PostgreSQL and JSON keep it: no NUL or control characters, no lone surrogates (U+FFFD instead). */
export const cleanText = (s: string | null | undefined): string => storableText(String(s ?? '').replace(CONTROL, ''));

/** At most `max` characters, never cutting a surrogate pair in two. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return s.slice(0, end);
}

/**
 * A Message-ID as a key: the `<…>` form, trimmed, without whitespace or comments; case kept (the local part is
 * case-sensitive), the domain lowercased. Null when there is none.
 */
export function normaliseMessageId(v: string | null | undefined): string | null {
  const s = cleanText(v).replace(/\([^)]*\)/g, '').replace(/\s+/g, '');
  const m = /<?([^<>@]+@[^<>]+)>?/.exec(s);
  if (!m || m[1].length > 900) return null;
  const at = m[1].lastIndexOf('@');
  return `<${m[1].slice(0, at)}@${m[1].slice(at + 1).toLowerCase()}>`;
}

/** Every Message-ID in a References / In-Reply-To value (mailparser gives a string or an array). */
export function messageIdsIn(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : []).flatMap((x) => cleanText(x).match(/<[^<>]+>/g) ?? [x]);
  return [...new Set(all.map(normaliseMessageId).filter((x): x is string => x !== null))].slice(0, 100);
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null => {
  const v = (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value)[0];
  return v?.address ? { address: cleanText(v.address).trim().toLowerCase(), name: cleanText(v.name).trim() } : null;
};

const headerText = (v: HeaderValue | undefined): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return cleanText(v).trim();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => headerText(x as HeaderValue)).join(', ');
  if (typeof v === 'object' && 'value' in v) return cleanText(String((v as { value: unknown }).value)).trim();
  return cleanText(JSON.stringify(v));
};

export interface InboundFile {
  filename: string | null;
  bytes: Buffer;
}

export interface ParsedInbound {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from: { address: string; name: string } | null;
  /** To and Cc addresses, lowercased (where a reply address shows when no envelope is known) */
  recipients: string[];
  /** the message's own language tag, if it states one (Content-Language) */
  language: string | null;
  /** the whole text (the HTML's text when there is no plain part), cleaned */
  text: string;
  files: InboundFile[];
  headers: MailHeaders;
}

export async function parseInbound(raw: Buffer, envelopeFrom?: string | null): Promise<ParsedInbound> {
  let p: ParsedMail;
  try {
    p = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  } catch (err) {
    throw new UnreadableMailError(`the message cannot be parsed: ${(err as Error).message}`);
  }
  const lines = p.headerLines ?? [];
  // From the raw lines: mailparser folds List-* headers into `list` and drops them from its header map.
  const names = [...new Set([...lines.map((l) => l.key.toLowerCase()), ...[...p.headers.keys()].map((k) => k.toLowerCase())])];
  const contentType = p.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const from = firstAddress(p.from);
  const headers: MailHeaders = {
    from: from?.address ?? null,
    ...(envelopeFrom !== undefined && envelopeFrom !== null ? { envelopeFrom } : {}),
    contentType: contentType?.value ?? null,
    reportType: contentType?.params?.['report-type'] ?? null,
    names,
    value: (name) => headerText(p.headers.get(name.toLowerCase())),
    // Repeated headers (X-Loop) are kept apart by mailparser only in its raw lines.
    values: (name) => lines.filter((l) => l.key === name.toLowerCase()).map((l) => cleanText(l.line.slice(l.line.indexOf(':') + 1)).trim()),
  };
  const text = cleanText(p.text ?? '').replace(/\r\n?/g, '\n');
  const files = (p.attachments ?? [])
    // Images a message shows inline (logos in a signature) are part of its look, not files someone sent.
    .filter((a) => !(a.related && a.contentDisposition !== 'attachment'))
    .filter((a) => a.contentType !== 'message/delivery-status')
    .map((a) => ({ filename: a.filename ? cleanText(a.filename) : null, bytes: a.content }));
  return {
    messageId: normaliseMessageId(p.messageId),
    inReplyTo: messageIdsIn(p.inReplyTo),
    references: messageIdsIn(p.references as string | string[] | undefined),
    subject: cut(cleanText(p.subject ?? '').replace(/\s+/g, ' ').trim(), 998),
    from,
    recipients: [p.to, p.cc].flatMap((a) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => cleanText(v.address).trim().toLowerCase()))).filter(Boolean),
    language: headerText(p.headers.get('content-language'))?.slice(0, 2).toLowerCase() ?? null,
    text,
    files,
    headers,
  };
}

const replyParser = new EmailReplyParser();

/**
 * What the sender wrote in this mail: quoted history ("On … wrote:", "> …", the Slovak "Dňa … napísal(a):" and
 * other languages) and the signature removed by email-reply-parser. When nothing is left (a reply that only
 * quotes), the whole text is kept rather than losing the mail.
 */
export function visibleReply(text: string): string {
  const visible = replyParser.read(text).getVisibleText().trim();
  return cleanText(visible || text.trim());
}

/** The MIME nodes and body chunks of a raw message, in order (mailsplit). */
function split(raw: Buffer): AsyncIterable<SplitterChunk> {
  return Readable.from([raw]).pipe(new Splitter({ maxHeadSize: 1024 * 1024, ignoreEmbedded: true }));
}

/** The root headers of a raw message, read without parsing its body (for the dedupe key at the door). */
export async function rootHeaders(raw: Buffer): Promise<{ messageId: string | null }> {
  try {
    for await (const d of split(raw)) {
      if (d.type === 'node') return { messageId: d.headers ? normaliseMessageId(d.headers.getFirst('message-id')) : null };
    }
  } catch {
    // unreadable headers: the message is keyed by its hash
  }
  return { messageId: null };
}

export interface DeliveryReport {
  /** the recipient whose delivery failed (Final-Recipient, else the original's To) */
  recipient: string | null;
  /** Status and Diagnostic-Code, as the reporting server wrote them */
  reason: string;
  /** the Action field, lowercased (failed, delayed, delivered, relayed, expanded), or null */
  action: string | null;
  /** the Status field's class.subject.detail code (5.1.1), or null */
  status: string | null;
  /** the Message-ID of the mail that could not be delivered, and its references */
  original: { messageId: string | null; references: string[]; to: string | null; subject: string | null };
}

const ORIGINAL_PARTS = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];
const STATUS_PARTS = ['message/delivery-status', 'message/global-delivery-status'];

/**
 * Whether a delivery report says the delivery failed for good: `Action: failed` (unless its Status is a 4.x.x
 * temporary one), or, without an Action, a 5.x.x Status. `delayed` and 4.x.x are transient; a report with neither
 * field (a plain-text daemon mail) proves nothing.
 */
export function isPermanentFailure(r: Pick<DeliveryReport, 'action' | 'status'>): boolean {
  if (r.status?.startsWith('4.')) return false;
  if (r.action) return r.action === 'failed';
  return r.status?.startsWith('5.') ?? false;
}

/**
 * A delivery report's facts: the machine-readable `message/delivery-status` part (its fields are header blocks,
 * read by mailparser) and the returned original message or its headers (read by mailparser too).
 */
export async function readDeliveryReport(raw: Buffer): Promise<DeliveryReport> {
  const parts = { status: [] as Buffer[], original: [] as Buffer[] };
  try {
    let type = '';
    for await (const d of split(raw)) {
      if (d.type === 'node') type = d.contentType || '';
      else if (d.type === 'body') {
        if (STATUS_PARTS.includes(type)) parts.status.push(d.value);
        else if (ORIGINAL_PARTS.includes(type) && parts.original.reduce((n, b) => n + b.length, 0) < 1024 * 1024) parts.original.push(d.value);
      }
    }
  } catch (err) {
    throw new UnreadableMailError(`the delivery report cannot be read: ${(err as Error).message}`);
  }

  // The per-message block comes first, then one block per recipient: each is read as a header block.
  const statusText = Buffer.concat(parts.status).toString('utf8');
  const perMessage = await simpleParser(statusText + '\r\n\r\n');
  const perRecipient = await simpleParser((perMessage.text ?? '').trim() + '\r\n\r\n');
  const field = (k: string) => headerText(perRecipient.headers.get(k)) ?? headerText(perMessage.headers.get(k));
  const finalRecipient = field('final-recipient') ?? field('original-recipient');

  let original: DeliveryReport['original'] = { messageId: null, references: [], to: null, subject: null };
  if (parts.original.length) {
    const h = await simpleParser(Buffer.concat([...parts.original, Buffer.from('\r\n\r\n')]));
    original = {
      messageId: normaliseMessageId(h.messageId),
      references: [...messageIdsIn(h.inReplyTo), ...messageIdsIn(h.references as string | string[] | undefined)],
      to: firstAddress(h.to)?.address ?? null,
      subject: h.subject ? cleanText(h.subject) : null,
    };
  }
  const recipient = finalRecipient ? finalRecipient.replace(/^[^;]*;/, '').trim().toLowerCase() : original.to;
  const reason = [field('status'), field('diagnostic-code')].filter(Boolean).join(' ') || 'delivery failed';
  const action = field('action')?.trim().toLowerCase().split(/[\s(;]/)[0] || null;
  const status = /^\s*([245]\.\d{1,3}\.\d{1,3})/.exec(field('status') ?? '')?.[1] ?? null;
  return { recipient: recipient ? cut(cleanText(recipient), 320) : null, reason: cut(cleanText(reason), 500), action: action ? cut(action, 40) : null, status, original };
}
