/**
 * A change request's life (SPEC §7) as a sub-state of the open ticket: submitted → assessed (effort, risk) and
 * awaiting approval → approved by the customer's admin (or rejected) → scheduled → implemented → resolved.
 * Only the first response is timed. Which change action is allowed in which change state is part of each action's
 * definition (domain/ticket/actions).
 */

export const CHANGE_STATES = ['submitted', 'awaiting_approval', 'approved', 'rejected', 'scheduled', 'implemented'] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

/** The risk an assessment gives a change. */
export const CHANGE_RISKS = ['low', 'medium', 'high'] as const;
export type ChangeRisk = (typeof CHANGE_RISKS)[number];

export const CHANGE_ACTIONS = ['assess', 'approve', 'reject', 'schedule', 'implement'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];
