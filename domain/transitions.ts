/**
 * The names of the ticket actions and the lifecycle's constants (SPEC §4.3, §5.5). What each action does, who may
 * run it and when lives in its one home, domain/ticket/actions/<action>.ts.
 */

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

export const REOPEN_WINDOW_MS = 14 * 24 * 3600 * 1000;
export const AUTO_CLOSE_AFTER_MS = 14 * 24 * 3600 * 1000;
/** SPEC §4.3: waiting_on_customer is reminded at 5 and resolved as abandoned at 10 business days (9 bh each). */
export const WAITING_REMINDER_BH = 5 * 9 * 3600 * 1000;
export const WAITING_ABANDON_BH = 10 * 9 * 3600 * 1000;

export const LEVELS = ['L1', 'L2', 'L3'] as const;
export type Level = (typeof LEVELS)[number];
export const nextLevel = (l: Level): Level | null => (l === 'L1' ? 'L2' : l === 'L2' ? 'L3' : null);
