/**
 * The software-maintenance life of a defect (SPEC §6), as a sub-state of an open ticket. Which defect action is
 * allowed in which defect state is part of each action's definition (domain/ticket/actions).
 */

export const DEFECT_STATES = ['reported', 'reproducing', 'confirmed', 'not_reproducible', 'rejected', 'fix_in_progress', 'fix_scheduled', 'fix_released'] as const;
export type DefectState = (typeof DEFECT_STATES)[number];

export const DEFECT_ACTIONS = ['start-reproduction', 'confirm-defect', 'mark-not-reproducible', 'reject-defect', 'start-fix', 'schedule-fix', 'confirm-fix'] as const;
export type DefectAction = (typeof DEFECT_ACTIONS)[number];

/** SPEC §6: a released fix is resolved by itself 7 days after publication when the customer does not answer. */
export const FIX_AUTO_RESOLVE_MS = 7 * 24 * 3600 * 1000;

/** Test evidence required to confirm a defect. */
export interface DefectEvidence {
  steps: string;
  environment: string;
  version: string;
}
