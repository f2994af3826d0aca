/**
 * The lifecycle's constants (SPEC §4.3, §5.5) and how the rules see a role. The actions themselves — their names,
 * what each does, who may run it and when — live in their one home, domain/ticket/actions.
 */
import type { SupportLevel } from './plans';

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

export const nextLevel = (l: SupportLevel): SupportLevel | null => (l === 'L1' ? 'L2' : l === 'L2' ? 'L3' : null);
