/**
 * Service plans and contracts (SPEC §2): the targets each priority gets, and the snapshot a ticket keeps for life.
 * Pure data and functions; safe inside workflow code.
 */
import type { Calendar } from './calendar';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TARGET_KINDS = ['firstResponse', 'nextUpdate', 'resolution'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** `business`: counted inside the plan's business calendar; `24x7`: wall-clock time. */
export const COVERAGES = ['business', '24x7'] as const;
export type Coverage = (typeof COVERAGES)[number];

export interface Target {
  ms: number;
  coverage: Coverage;
}

/** null = best effort: no clock. */
export type TargetsTable = Record<Priority, Record<TargetKind, Target | null>>;
/** A contract may override any subset. */
export type PartialTargetsTable = Partial<Record<Priority, Partial<Record<TargetKind, Target | null>>>>;

/** L1 service desk, L2 application specialists, L3 engineering (SPEC §1), in the order tickets escalate. */
export const SUPPORT_LEVELS = ['L1', 'L2', 'L3'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];
/** Cumulative share of the resolution target a level may hold a ticket before automatic escalation. */
export interface LevelBudgets {
  L1: number;
  L2: number;
}

/** The targets in force when the ticket was created, kept for the ticket's whole life (SPEC §2.3). */
export interface SlaSnapshot {
  planId: string;
  contractId: string | null;
  targets: TargetsTable;
  warningThreshold: number;
  levelBudgets: LevelBudgets;
  businessCalendar: Calendar;
  wallClockCalendar: Calendar;
}

export type Channel = 'portal' | 'docs' | 'phone' | 'email';

export interface Plan {
  id: string;
  name: string;
  channels: Channel[];
  businessCalendarId: string;
  targets: TargetsTable;
  warningThreshold: number;
  levelBudgets: LevelBudgets;
  namedAccountManager: boolean;
  /** the monthly SLA service report (SPEC §12.1) is part of the service */
  serviceReport: boolean;
}

export interface Contract {
  id: string;
  customerId: string;
  name: string;
  validFrom: string; // YYYY-MM-DD
  validTo: string | null;
  targets: PartialTargetsTable;
  businessCalendarId: string | null;
  warningThreshold: number | null;
  levelBudgets: LevelBudgets | null;
  /** includes the monthly service report (true/false), or follows the plan (null) */
  serviceReport: boolean | null;
}

const MIN = 60_000;
const H = 60 * MIN;
const bh = (hours: number): Target => ({ ms: hours * H, coverage: 'business' });
const wh = (ms: number): Target => ({ ms, coverage: '24x7' });

const DEFAULT_BUDGETS: LevelBudgets = { L1: 0.25, L2: 0.75 };
/** SPEC §2.1: a clock warns when 80 % of its target is consumed. */
const DEFAULT_WARNING_THRESHOLD = 0.8;

/** The four plans of SPEC §2.1, as seeded (admins edit them afterwards). */
export const DEFAULT_PLANS: Plan[] = [
  {
    id: 'basic',
    name: 'Basic',
    channels: ['portal', 'docs'],
    businessCalendarId: 'business-sk',
    warningThreshold: DEFAULT_WARNING_THRESHOLD,
    levelBudgets: DEFAULT_BUDGETS,
    namedAccountManager: false,
    serviceReport: false,
    targets: {
      P1: { firstResponse: bh(4), resolution: bh(18), nextUpdate: bh(4) },
      P2: { firstResponse: bh(8), resolution: bh(45), nextUpdate: bh(9) },
      P3: { firstResponse: bh(18), resolution: bh(90), nextUpdate: null },
      P4: { firstResponse: bh(45), resolution: null, nextUpdate: null },
    },
  },
  {
    id: 'standard',
    name: 'Standard',
    channels: ['portal', 'docs', 'phone'],
    businessCalendarId: 'business-sk',
    warningThreshold: DEFAULT_WARNING_THRESHOLD,
    levelBudgets: DEFAULT_BUDGETS,
    namedAccountManager: false,
    serviceReport: false,
    targets: {
      P1: { firstResponse: bh(2), resolution: bh(9), nextUpdate: bh(2) },
      P2: { firstResponse: bh(4), resolution: bh(27), nextUpdate: bh(4) },
      P3: { firstResponse: bh(9), resolution: bh(45), nextUpdate: bh(9) },
      P4: { firstResponse: bh(18), resolution: bh(90), nextUpdate: null },
    },
  },
  {
    id: 'premium',
    name: 'Premium',
    channels: ['portal', 'docs', 'phone'],
    businessCalendarId: 'business-sk',
    warningThreshold: DEFAULT_WARNING_THRESHOLD,
    levelBudgets: DEFAULT_BUDGETS,
    namedAccountManager: false,
    serviceReport: true,
    targets: {
      P1: { firstResponse: wh(1 * H), resolution: wh(8 * H), nextUpdate: wh(1 * H) },
      P2: { firstResponse: bh(2), resolution: bh(18), nextUpdate: bh(2) },
      P3: { firstResponse: bh(4), resolution: bh(36), nextUpdate: bh(4) },
      P4: { firstResponse: bh(9), resolution: bh(72), nextUpdate: null },
    },
  },
  {
    id: 'strategic',
    name: 'Strategic',
    channels: ['portal', 'docs', 'phone'],
    businessCalendarId: 'business-sk',
    warningThreshold: DEFAULT_WARNING_THRESHOLD,
    levelBudgets: DEFAULT_BUDGETS,
    namedAccountManager: true,
    serviceReport: true,
    targets: {
      P1: { firstResponse: wh(15 * MIN), resolution: wh(4 * H), nextUpdate: wh(30 * MIN) },
      P2: { firstResponse: wh(1 * H), resolution: wh(12 * H), nextUpdate: wh(1 * H) },
      P3: { firstResponse: bh(2), resolution: bh(18), nextUpdate: bh(2) },
      P4: { firstResponse: bh(4), resolution: bh(45), nextUpdate: null },
    },
  },
];

/** The contract in force on a date (YYYY-MM-DD), if any: the latest-starting valid one wins. */
export function contractInForce<C extends Pick<Contract, 'validFrom' | 'validTo'>>(contracts: C[], day: string): C | null {
  const valid = contracts.filter((c) => c.validFrom <= day && (c.validTo === null || day <= c.validTo));
  valid.sort((a, b) => (a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : 0));
  return valid[0] ?? null;
}

/** Plan targets with any subset overridden by the contract. */
export function effectiveTargets(plan: Plan, contract: Contract | null): TargetsTable {
  const out = {} as TargetsTable;
  for (const p of PRIORITIES) {
    out[p] = { ...plan.targets[p] };
    const override = contract?.targets[p];
    if (override) {
      for (const k of TARGET_KINDS) {
        if (k in override) out[p][k] = override[k] ?? null;
      }
    }
  }
  return out;
}
