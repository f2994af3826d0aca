/**
 * Signed ticket references in mail (SPEC §3.1). Every mail ticketflow sends about a ticket carries one, twice: in the
 * reply address `support+<token>@domain` and in its Message-ID `<tf.<token>.<n>@domain>`. A reply that keeps either
 * (mail clients keep In-Reply-To/References; most keep the reply address) finds its ticket even when the sent
 * message's record is gone. The token is the ticket's number and an HMAC-SHA256 over a versioned payload with
 * AUTH_SECRET, cut to 80 bits and written in lowercase hex (mail systems may lowercase a local part); it cannot be
 * made for another ticket without the secret. A token is never enough on its own: the inbound side still checks
 * that the sender belongs to the ticket's organisation (or is staff).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'reply1';
const TOKEN = /^([1-9][0-9]{0,14})-([0-9a-f]{20})$/;

const mac = (secret: string, ticketNumber: number): string => createHmac('sha256', secret).update(`${VERSION}.${ticketNumber}`).digest('hex').slice(0, 20);

export function signReplyToken(secret: string, ticketNumber: number): string {
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber < 1) throw new Error('signReplyToken needs a ticket number');
  return `${ticketNumber}-${mac(secret, ticketNumber)}`;
}

/** The ticket number a genuine token names, or null (never throws). */
export function verifyReplyToken(secret: string, token: string): number | null {
  const m = TOKEN.exec(String(token ?? '').toLowerCase());
  if (!m) return null;
  const n = Number(m[1]);
  const expected = Buffer.from(mac(secret, n));
  const sent = Buffer.from(m[2]);
  return sent.length === expected.length && timingSafeEqual(sent, expected) ? n : null;
}

const splitAddress = (address: string): { local: string; domain: string } => {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
};

/** `support+<token>@domain` for SUPPORT_EMAIL `support@domain`. */
export function replyAddress(supportEmail: string, token: string): string {
  const { local, domain } = splitAddress(supportEmail);
  return `${local.split('+')[0]}+${token}@${domain}`;
}

/**
 * Whether an address is the support address (with or without a `+tag`), and the tag it carries. Local parts compare
 * case-insensitively, as mail systems treat them.
 */
export function supportAddressTag(supportEmail: string, address: string): { tag: string | null } | null {
  const support = splitAddress(supportEmail.toLowerCase());
  const a = splitAddress(String(address ?? '').trim().toLowerCase());
  if (!a.local || a.domain !== support.domain) return null;
  const [base, ...rest] = a.local.split('+');
  if (base !== support.local.split('+')[0]) return null;
  return { tag: rest.length ? rest.join('+') : null };
}

/** The Message-ID of an outbound mail about a ticket: unique per mail (`unique`), and carrying the ticket's token. */
export function ticketMessageId(token: string, unique: string, domain: string): string {
  return `<tf.${token}.${unique.replace(/[^A-Za-z0-9-]/g, '.')}@${domain}>`;
}

/** The token inside one of our Message-IDs, if it is one (still to be verified). */
export function tokenOfMessageId(messageId: string): string | null {
  const m = /^<?tf\.([0-9]{1,15}-[0-9a-fA-F]{20})\.[^@>]*@[^>]+>?$/.exec(String(messageId ?? '').trim());
  return m ? m[1].toLowerCase() : null;
}

/**
 * The unique part of one of our ticket Message-IDs (`ticketMessageId`'s `unique`, as written: characters other than
 * letters, digits and `-` turned into `.`), or null.
 */
export function uniqueOfMessageId(messageId: string): string | null {
  const m = /^<?tf\.[0-9]{1,15}-[0-9a-fA-F]{20}\.([^@>]+)@[^>]+>?$/.exec(String(messageId ?? '').trim());
  return m ? m[1] : null;
}

/** The `[T-000123]` tag in a subject, as our notifications write it. */
export function subjectTicketNumber(subject: string): number | null {
  const m = /\[T-(\d{1,15})\]/i.exec(String(subject ?? ''));
  return m ? Number(m[1]) : null;
}

/** The domain part of an address, lowercased. */
export const domainOf = (address: string): string => splitAddress(String(address ?? '').toLowerCase()).domain;
