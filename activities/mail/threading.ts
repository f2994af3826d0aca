/**
 * Which ticket an inbound mail continues (issue #13 §2). References are tried in a fixed order — In-Reply-To and
 * References naming a Message-ID we sent or received, the signed token in the reply address or in one of our
 * Message-IDs, and last the `[T-000123]` subject tag — and the first one that names a ticket the sender may act on
 * wins. A reference is never enough on its own: the sender must be staff, or of the ticket's organisation and see
 * the ticket in their own scope (the same scope as the portal). A forged or foreign reference leaves the mail to
 * start a new ticket of the sender's own; it never attaches to another organisation's ticket. Pure.
 */
import { isStaffRoleName } from '../../domain/access';
import { stateRefusal } from '../../domain/ticket/actions';
import type { TicketFacts } from '../../domain/ticket/state';

export type ReferenceKind = 'in-reply-to' | 'references' | 'reply-address' | 'message-id-token' | 'subject-tag';

/** The order references are tried in; earlier kinds are stronger evidence. */
export const REFERENCE_ORDER: readonly ReferenceKind[] = ['in-reply-to', 'references', 'reply-address', 'message-id-token', 'subject-tag'];

export interface ReferencedTicket {
  via: ReferenceKind;
  ticket: TicketFacts & { number: number };
  /** whether the sender sees this ticket in their scope (computed by the data layer's scope rule) */
  inSendersScope: boolean;
}

export interface KnownSender {
  userId: string;
  role: string;
  customerId: string | null;
}

export type ThreadDecision =
  | { kind: 'continue'; ticketId: string; ticketNumber: number; via: ReferenceKind; action: 'comment' | 'reopen' }
  /** a reply to a ticket that takes no more replies (closed, cancelled, or resolved past the reopen window) */
  | { kind: 'follow-up'; ofTicketNumber: number; via: ReferenceKind }
  | { kind: 'new'; refused: Array<{ via: ReferenceKind; ticketNumber: number; why: string }> };


/** Why this sender may not continue this ticket, or null when they may. */
export function refusalFor(sender: KnownSender, ref: ReferencedTicket): string | null {
  if (isStaffRoleName(sender.role)) return null;
  if (!sender.customerId || sender.customerId !== ref.ticket.customerId) return "the sender is not of the ticket's organisation";
  if (!ref.inSendersScope) return "the ticket is not in the sender's view";
  return null;
}

export function decideThread(sender: KnownSender, refs: readonly ReferencedTicket[], now: Date): ThreadDecision {
  const ordered = [...refs].sort((a, b) => REFERENCE_ORDER.indexOf(a.via) - REFERENCE_ORDER.indexOf(b.via));
  const refused: Array<{ via: ReferenceKind; ticketNumber: number; why: string }> = [];
  for (const ref of ordered) {
    const why = refusalFor(sender, ref);
    if (why) {
      refused.push({ via: ref.via, ticketNumber: ref.ticket.number, why });
      continue;
    }
    const t = ref.ticket;
    const base = { ticketId: t.ticketId, ticketNumber: t.number, via: ref.via };
    // Staff write on the ticket as it is; their mail never reopens it or opens another one for them.
    if (isStaffRoleName(sender.role)) return stateRefusal('comment', t, now) === null ? { kind: 'continue', ...base, action: 'comment' } : { kind: 'new', refused: [...refused, { via: ref.via, ticketNumber: t.number, why: `the ticket is ${t.status}` }] };
    // A customer's reply: the same rules as the portal's reply and reopen (the registry decides the window).
    if (t.status === 'resolved') {
      if (stateRefusal('reopen', t, now) === null) return { kind: 'continue', ...base, action: 'reopen' };
      return { kind: 'follow-up', ofTicketNumber: t.number, via: ref.via };
    }
    if (stateRefusal('comment', t, now) === null) return { kind: 'continue', ...base, action: 'comment' };
    return { kind: 'follow-up', ofTicketNumber: t.number, via: ref.via };
  }
  return { kind: 'new', refused };
}
