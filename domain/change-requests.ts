/**
 * A change request's life (SPEC §7) as a sub-state of the open ticket: submitted → assessed (effort, risk) and
 * awaiting approval → approved by the customer's admin (or rejected) → scheduled → implemented → resolved.
 * Only the first response is timed.
 */
import type { ActorKind } from './transitions';

export const CHANGE_STATES = ['submitted', 'awaiting_approval', 'approved', 'rejected', 'scheduled', 'implemented'] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

/** The risk an assessment gives a change. */
export const CHANGE_RISKS = ['low', 'medium', 'high'] as const;
export type ChangeRisk = (typeof CHANGE_RISKS)[number];

export const CHANGE_ACTIONS = ['assess', 'approve', 'reject', 'schedule', 'implement'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

interface ChangeRule {
  from: ChangeState[];
  who: ActorKind[];
  to: ChangeState;
  why: string;
}

export const CHANGE_TRANSITIONS: Record<ChangeAction, ChangeRule> = {
  assess: { from: ['submitted', 'awaiting_approval'], who: ['staff', 'manager'], to: 'awaiting_approval', why: 'a change is assessed before its approval' },
  approve: { from: ['awaiting_approval'], who: ['customer'], to: 'approved', why: 'a change is approved once assessed' },
  reject: { from: ['awaiting_approval'], who: ['customer'], to: 'rejected', why: 'a change is rejected once assessed' },
  schedule: { from: ['approved', 'scheduled'], who: ['staff', 'manager'], to: 'scheduled', why: 'only an approved change is scheduled' },
  implement: { from: ['scheduled'], who: ['staff', 'manager'], to: 'implemented', why: 'a change is implemented once scheduled' },
};

/** The customer role that approves changes for its organisation. */
export const APPROVER_ROLE = 'customer_admin';

export type ChangeVerdict = { ok: true; to: ChangeState } | { ok: false; reason: string };

export function checkChangeTransition(action: ChangeAction, type: string, state: ChangeState | null, actor: ActorKind, role: string | undefined): ChangeVerdict {
  const rule = CHANGE_TRANSITIONS[action];
  if (type !== 'change_request') return { ok: false, reason: `${action} applies to change requests only; this ticket is a ${type.replace(/_/g, ' ')}` };
  if (!rule.who.includes(actor)) return { ok: false, reason: `${action} is not allowed for ${actor === 'customer' ? 'customers' : actor === 'staff' ? 'agents' : actor}` };
  if (actor === 'customer' && role !== APPROVER_ROLE) return { ok: false, reason: `only the organisation's customer admin can ${action} a change request` };
  const current = state ?? 'submitted';
  if (!rule.from.includes(current)) return { ok: false, reason: `cannot ${action} a change request that is ${current.replace(/_/g, ' ')}: ${rule.why}` };
  return { ok: true, to: rule.to };
}
