/** Impact × urgency → priority (SPEC §4.2). The matrix is data so admins can edit it; this is the default. */
import type { Priority } from './plans';

export const LEVELS_OF_IMPACT = ['high', 'medium', 'low'] as const;
export type Impact = (typeof LEVELS_OF_IMPACT)[number];
export const LEVELS_OF_URGENCY = ['high', 'medium', 'low'] as const;
export type Urgency = (typeof LEVELS_OF_URGENCY)[number];

export type PriorityMatrix = Record<Impact, Record<Urgency, Priority>>;

export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = {
  high: { high: 'P1', medium: 'P2', low: 'P3' },
  medium: { high: 'P2', medium: 'P3', low: 'P4' },
  low: { high: 'P3', medium: 'P4', low: 'P4' },
};

export function derivePriority(impact: Impact, urgency: Urgency, matrix: PriorityMatrix = DEFAULT_PRIORITY_MATRIX): Priority {
  return matrix[impact][urgency];
}

/** Plain-language help the portal shows beside the two choices. */
export const IMPACT_HELP: Record<Impact, string> = {
  high: 'The whole organisation or a business line is stopped.',
  medium: 'A department or group is impaired.',
  low: 'A single user is affected, or a workaround exists.',
};
export const URGENCY_HELP: Record<Urgency, string> = {
  high: 'Work cannot continue; every hour counts.',
  medium: 'Work continues with difficulty; needed within days.',
  low: 'Can wait; no deadline depends on it.',
};
