/**
 * The software-maintenance life of a defect (SPEC §6), as a sub-state of an open ticket: which defect action is
 * allowed in which defect state, by whom, and what it leads to. Every refusal names why.
 */
import type { ActorKind } from './transitions';

export const DEFECT_STATES = ['reported', 'reproducing', 'confirmed', 'not_reproducible', 'rejected', 'fix_in_progress', 'fix_scheduled', 'fix_released'] as const;
export type DefectState = (typeof DEFECT_STATES)[number];

export const DEFECT_ACTIONS = ['start-reproduction', 'confirm-defect', 'mark-not-reproducible', 'reject-defect', 'start-fix', 'schedule-fix', 'confirm-fix'] as const;
export type DefectAction = (typeof DEFECT_ACTIONS)[number];

/** Actions only the system sends (from the release workflow), never a person. */
export const RELEASE_SIGNALS = ['fix-released', 'release-date-moved'] as const;
export type ReleaseSignal = (typeof RELEASE_SIGNALS)[number];

interface DefectRule {
  from: DefectState[];
  who: ActorKind[];
  to: DefectState | null;
  why: string;
}

export const DEFECT_TRANSITIONS: Record<DefectAction | ReleaseSignal, DefectRule> = {
  'start-reproduction': { from: ['reported', 'not_reproducible'], who: ['staff', 'manager'], to: 'reproducing', why: 'reproduction starts from a reported defect or after the customer sent more details' },
  'confirm-defect': { from: ['reproducing'], who: ['staff', 'manager'], to: 'confirmed', why: 'a defect is confirmed by reproducing it first' },
  'mark-not-reproducible': { from: ['reproducing'], who: ['staff', 'manager'], to: 'not_reproducible', why: 'only a defect under reproduction can turn out not reproducible' },
  'reject-defect': { from: ['reported', 'reproducing', 'not_reproducible', 'confirmed'], who: ['staff', 'manager'], to: 'rejected', why: 'a defect already being fixed cannot be rejected' },
  'start-fix': { from: ['confirmed'], who: ['staff', 'manager'], to: 'fix_in_progress', why: 'only a confirmed defect is fixed' },
  'schedule-fix': { from: ['confirmed', 'fix_in_progress', 'fix_scheduled'], who: ['staff', 'manager'], to: 'fix_scheduled', why: 'a fix is scheduled once the defect is confirmed' },
  'confirm-fix': { from: ['fix_released'], who: ['customer', 'staff', 'manager'], to: null, why: 'the fix can be confirmed once its release is published' },
  'fix-released': { from: ['fix_scheduled'], who: ['system'], to: 'fix_released', why: 'only a scheduled fix is released' },
  'release-date-moved': { from: ['fix_scheduled'], who: ['system'], to: 'fix_scheduled', why: 'only a scheduled fix follows its release date' },
};

export type DefectVerdict = { ok: true; to: DefectState | null } | { ok: false; reason: string };

export function checkDefectTransition(action: DefectAction | ReleaseSignal, type: string, state: DefectState | null, actor: ActorKind): DefectVerdict {
  const rule = DEFECT_TRANSITIONS[action];
  if (type !== 'defect') return { ok: false, reason: `${action} applies to defect reports only; this ticket is a ${type.replace(/_/g, ' ')}` };
  if (!rule.who.includes(actor)) return { ok: false, reason: `${action} is not allowed for ${actor === 'customer' ? 'customers' : actor === 'staff' ? 'agents' : actor}` };
  const current = state ?? 'reported';
  if (!rule.from.includes(current)) return { ok: false, reason: `cannot ${action} a defect that is ${current.replace(/_/g, ' ')}: ${rule.why}` };
  return { ok: true, to: rule.to };
}

/** SPEC §6: a released fix is resolved by itself 7 days after publication when the customer does not answer. */
export const FIX_AUTO_RESOLVE_MS = 7 * 24 * 3600 * 1000;

/** Test evidence required to confirm a defect. */
export interface DefectEvidence {
  steps: string;
  environment: string;
  version: string;
}
