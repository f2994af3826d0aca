/**
 * What kind of mail arrived (SPEC §3.1, issue #13 §4): a person writing to support, automatic mail that must never
 * become a ticket nor get an answer (auto-replies, bulk and list mail, our own mail coming back), or a delivery
 * report about mail we sent. Pure: decided from the headers alone, so the rules are unit-tested case by case.
 */

/** The headers the decision reads, as mailparser gives them (values trimmed; absent ones null or empty). */
export interface MailHeaders {
  /** the From address, lowercased */
  from: string | null;
  /** the SMTP envelope sender as received: '' for the null sender `<>`, undefined when unknown (IMAP) */
  envelopeFrom?: string;
  contentType: string | null;
  /** the `report-type` parameter of a multipart/report */
  reportType: string | null;
  /** every header name present, lowercased */
  names: readonly string[];
  /** the value of a header (the first one when repeated), or null */
  value(name: string): string | null;
  /** every value of a header (X-Loop may be repeated) */
  values(name: string): string[];
}

export type MailKind =
  | { kind: 'mail' }
  | { kind: 'bounce' }
  /** no ticket, no answer; `reason` is recorded on the message */
  | { kind: 'ignored'; reason: string };

const LIST_HEADERS = ['list-id', 'list-unsubscribe', 'list-post', 'list-help', 'list-subscribe', 'list-owner', 'list-archive'];
const BULK_PRECEDENCE = ['bulk', 'list', 'junk', 'auto_reply'];
const DAEMONS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/;

/**
 * The decision, in this order: a delivery report (even when it is marked automatic, which reports are) → our own
 * mail looping back → automatic mail by any of the usual marks → mailing lists → a person's mail.
 * `ourAddresses`: the support address (lowercased); X-Loop naming it, or a From of it, is our own mail.
 */
export function classifyMail(h: MailHeaders, ourAddresses: readonly string[]): MailKind {
  const type = (h.contentType ?? '').toLowerCase();
  const report = (h.reportType ?? '').toLowerCase();
  const from = (h.from ?? '').toLowerCase();
  const ours = ourAddresses.map((a) => a.toLowerCase());
  if (type === 'multipart/report' && report === 'delivery-status') return { kind: 'bounce' };
  if (type === 'multipart/report' && report === 'disposition-notification') return { kind: 'ignored', reason: 'read receipt (disposition notification)' };
  if (DAEMONS.test(from)) return { kind: 'bounce' };

  const loops = h.values('x-loop').map((v) => v.toLowerCase());
  if (loops.some((v) => ours.some((a) => v.includes(a) || v.includes(a.split('@')[1] ?? a)))) return { kind: 'ignored', reason: 'mail loop: X-Loop names us' };
  if (from && ours.some((a) => sameMailbox(a, from))) return { kind: 'ignored', reason: 'mail loop: sent from our own support address' };

  const auto = h.value('auto-submitted');
  if (auto !== null && auto.split(';')[0].trim().toLowerCase() !== 'no') return { kind: 'ignored', reason: `automatic mail (Auto-Submitted: ${auto.slice(0, 60)})` };
  const precedence = (h.value('precedence') ?? '').toLowerCase();
  if (BULK_PRECEDENCE.includes(precedence)) return { kind: 'ignored', reason: `bulk mail (Precedence: ${precedence})` };
  if (h.names.includes('x-auto-response-suppress')) return { kind: 'ignored', reason: 'automatic mail (X-Auto-Response-Suppress)' };
  if (h.names.includes('x-autoreply') || h.names.includes('x-autorespond')) return { kind: 'ignored', reason: 'automatic mail (auto-responder header)' };
  const list = LIST_HEADERS.find((n) => h.names.includes(n));
  if (list) return { kind: 'ignored', reason: `mailing list mail (${list})` };
  // The null reverse-path is reserved for notifications (RFC 5321 §4.5.5): nobody to answer.
  if (h.envelopeFrom === '') return { kind: 'ignored', reason: 'automatic mail (null envelope sender)' };
  if (!from) return { kind: 'ignored', reason: 'no sender address' };
  return { kind: 'mail' };
}

/** Whether two addresses are one mailbox, a `+tag` on ours included (support+x@… is still us). */
function sameMailbox(ours: string, address: string): boolean {
  const [ol, od] = splitAt(ours);
  const [al, ad] = splitAt(address);
  return od === ad && ol.split('+')[0] === al.split('+')[0];
}

const splitAt = (a: string): [string, string] => {
  const i = a.lastIndexOf('@');
  return i < 0 ? [a, ''] : [a.slice(0, i), a.slice(i + 1)];
};
