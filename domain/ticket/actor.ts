/** Who acts on a ticket, and who hears of an event. */
import type { SupportLevel } from '../plans';

export interface Actor {
  id: string | null; // null = system
  kind: 'user' | 'system';
  role?: string;
}

export const SYSTEM: Actor = { id: null, kind: 'system' };

export type Recipient =
  | { kind: 'manager' }
  | { kind: 'level'; level: SupportLevel }
  | { kind: 'levelLead'; level: SupportLevel }
  | { kind: 'user'; userId: string }
  /** the customer admins of the ticket's organisation (change approvals) */
  | { kind: 'customerAdmins' };
