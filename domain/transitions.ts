/**
 * Which action is allowed in which status, for whom (SPEC §4.3, §8). Every refusal names why, in words a person
 * understands; the workflow's update validator and the API both use this table.
 */
import type { SupportLevel } from './plans';
import { OPEN_STATUSES, type TicketStatus } from './tickets';

export const TICKET_ACTIONS = [
  'triage',
  'assign',
  'comment',
  'request-info',
  'reply',
  'resolve',
  'reopen',
  'close',
  'cancel',
  'escalate',
  'override-priority',
  // software maintenance (SPEC §6); defect reports only, see domain/defects.ts for the defect sub-states
  'start-reproduction',
  'confirm-defect',
  'mark-not-reproducible',
  'reject-defect',
  'start-fix',
  'schedule-fix',
  'confirm-fix',
  // change requests (SPEC §7); see domain/change-requests.ts
  'assess',
  'approve',
  'reject',
  'schedule',
  'implement',
  // problems (SPEC §7): incidents linked to a problem hear of its workaround and resolution
  'link-incident',
  'unlink-incident',
  'record-workaround',
] as const;
export type TicketActionName = (typeof TICKET_ACTIONS)[number];

export type ActorKind = 'customer' | 'staff' | 'manager' | 'system';

/** How the rules see a person of a role: managers and admins act as managers, agents as staff, the rest as customers. */
export function actorKindOfRole(role: string | undefined): Exclude<ActorKind, 'system'> {
  if (role === 'manager' || role === 'admin') return 'manager';
  if (role === 'agent') return 'staff';
  return 'customer';
}

const OPEN: TicketStatus[] = [...OPEN_STATUSES];
const ANY_LIVE: TicketStatus[] = [...OPEN, 'resolved'];

interface Rule {
  from: TicketStatus[];
  who: ActorKind[];
  /** Resulting status; undefined = unchanged. */
  to?: TicketStatus | ((from: TicketStatus) => TicketStatus);
  why: string;
}

export const TRANSITIONS: Record<TicketActionName, Rule> = {
  triage: { from: OPEN, who: ['staff', 'manager'], to: (s) => (s === 'new' ? 'triaged' : s), why: 'only open tickets can be triaged' },
  assign: { from: OPEN, who: ['staff', 'manager'], to: (s) => (s === 'new' || s === 'triaged' ? 'in_progress' : s), why: 'only open tickets can be assigned' },
  comment: { from: ANY_LIVE, who: ['customer', 'staff', 'manager'], why: 'a closed or cancelled ticket takes no more comments' },
  'request-info': { from: ['new', 'triaged', 'in_progress'], who: ['staff', 'manager'], to: 'waiting_on_customer', why: 'information can be requested only while the ticket is being worked on' },
  reply: { from: OPEN, who: ['customer'], to: (s) => (s === 'waiting_on_customer' ? 'in_progress' : s), why: 'a reply is possible only while the ticket is open' },
  resolve: { from: ['new', 'triaged', 'in_progress', 'waiting_on_customer'], who: ['staff', 'manager', 'system'], to: 'resolved', why: 'only an open ticket can be resolved' },
  reopen: { from: ['resolved'], who: ['customer', 'staff', 'manager'], to: 'in_progress', why: 'only a resolved ticket can be reopened' },
  close: { from: ['resolved'], who: ['customer', 'staff', 'manager', 'system'], to: 'closed', why: 'only a resolved ticket can be closed (confirm the resolution)' },
  cancel: { from: OPEN, who: ['customer', 'staff', 'manager'], to: 'cancelled', why: 'a ticket can be cancelled only before it is resolved' },
  escalate: { from: OPEN, who: ['staff', 'manager'], why: 'only open tickets move between levels' },
  'override-priority': { from: ANY_LIVE, who: ['manager'], why: 'the priority of a closed or cancelled ticket cannot change' },
  'start-reproduction': { from: OPEN, who: ['staff', 'manager'], to: 'in_progress', why: 'only an open defect is reproduced' },
  'confirm-defect': { from: ['new', 'triaged', 'in_progress'], who: ['staff', 'manager'], to: 'in_progress', why: 'only an open defect is confirmed' },
  'mark-not-reproducible': { from: ['new', 'triaged', 'in_progress'], who: ['staff', 'manager'], to: 'waiting_on_customer', why: 'only a defect being worked on can turn out not reproducible' },
  // rejected: resolved with the reason, or converted to a question or change request and worked on
  'reject-defect': { from: OPEN, who: ['staff', 'manager'], to: 'resolved', why: 'only an open defect is rejected' },
  'start-fix': { from: ['new', 'triaged', 'in_progress'], who: ['staff', 'manager'], to: 'in_progress', why: 'only an open defect is fixed' },
  'schedule-fix': { from: ['new', 'triaged', 'in_progress'], who: ['staff', 'manager'], to: 'in_progress', why: 'only an open defect gets a fix scheduled' },
  // accepted: resolved and closed at once; not accepted: back to the fix
  'confirm-fix': { from: ['in_progress'], who: ['customer', 'staff', 'manager'], to: 'closed', why: 'the fix is confirmed once its release is out' },
  assess: { from: ['new', 'triaged', 'in_progress'], who: ['staff', 'manager'], to: 'in_progress', why: 'only an open change request is assessed' },
  approve: { from: ['in_progress'], who: ['customer'], to: 'in_progress', why: 'a change request is approved while it is being worked on' },
  // rejected by the customer: nothing more to do
  reject: { from: ['in_progress'], who: ['customer'], to: 'closed', why: 'a change request is rejected while it awaits approval' },
  schedule: { from: ['in_progress'], who: ['staff', 'manager'], to: 'in_progress', why: 'only an open change request is scheduled' },
  implement: { from: ['in_progress'], who: ['staff', 'manager'], to: 'in_progress', why: 'only an open change request is implemented' },
  'link-incident': { from: OPEN, who: ['staff', 'manager'], why: 'only an open problem takes incidents' },
  'unlink-incident': { from: OPEN, who: ['staff', 'manager'], why: 'only an open problem releases incidents' },
  'record-workaround': { from: OPEN, who: ['staff', 'manager'], why: 'a workaround is recorded while the problem is open' },
};

export type Verdict = { ok: true; to: TicketStatus } | { ok: false; reason: string };

export function checkTransition(action: TicketActionName, status: TicketStatus, actor: ActorKind): Verdict {
  const rule = TRANSITIONS[action];
  if (!rule) return { ok: false, reason: `unknown action "${action}"` };
  if (!rule.who.includes(actor)) {
    return { ok: false, reason: `${action} is not allowed for ${actor === 'customer' ? 'customers' : actor === 'staff' ? 'agents' : actor}` };
  }
  if (!rule.from.includes(status)) return { ok: false, reason: `cannot ${action} a ticket that is ${status.replace(/_/g, ' ')}: ${rule.why}` };
  const to = typeof rule.to === 'function' ? rule.to(status) : (rule.to ?? status);
  return { ok: true, to };
}

export const REOPEN_WINDOW_MS = 14 * 24 * 3600 * 1000;
export const AUTO_CLOSE_AFTER_MS = 14 * 24 * 3600 * 1000;
/** SPEC §4.3: waiting_on_customer is reminded at 5 and resolved as abandoned at 10 business days (9 bh each). */
export const WAITING_REMINDER_BH = 5 * 9 * 3600 * 1000;
export const WAITING_ABANDON_BH = 10 * 9 * 3600 * 1000;

export const nextLevel = (l: SupportLevel): SupportLevel | null => (l === 'L1' ? 'L2' : l === 'L2' ? 'L3' : null);
