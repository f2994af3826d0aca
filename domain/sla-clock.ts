/**
 * SLA clocks (SPEC §5.3): the running measure of one target on one ticket. Pure and deterministic: every function
 * takes `now` and the calendar, so workflows (with workflow time) and the API (with wall time) compute the same thing.
 *
 * A clock accumulates working time in closed segments (`consumedMs`) plus the open segment since `runningSince`.
 */
import { addWorkingTime, workingTimeBetween, type Calendar } from './calendar';
import type { Target, TargetKind } from './plans';

export interface SlaClock {
  kind: TargetKind;
  target: Target | null;
  startedAt: string | null;
  /** Start of the open segment; null while paused, met or not started. */
  runningSince: string | null;
  /** Working time consumed in closed segments. */
  consumedMs: number;
  pausedIntervals: Array<{ from: string; to: string | null }>;
  metAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
  /** Counts restarts of clocks that run in cycles (next update). */
  cycle: number;
}

export type ClockState = 'running' | 'paused' | 'met' | 'warning' | 'breached' | 'none';

export interface ClockCalendars {
  business: Calendar;
  wallClock: Calendar;
}

/** A clock without a target (best effort) still measures business time, so a later target starts from a fair figure. */
export const calendarFor = (target: Target | null, cals: ClockCalendars): Calendar => (target?.coverage === '24x7' ? cals.wallClock : cals.business);

export function newClock(kind: TargetKind, target: Target | null): SlaClock {
  return { kind, target, startedAt: null, runningSince: null, consumedMs: 0, pausedIntervals: [], metAt: null, warnedAt: null, breachedAt: null, cycle: 0 };
}

const iso = (d: Date) => d.toISOString();

export const isRunning = (c: SlaClock): boolean => c.runningSince !== null;
export const isPaused = (c: SlaClock): boolean => c.startedAt !== null && c.runningSince === null && c.metAt === null && c.pausedIntervals.some((p) => p.to === null);

/** Working time consumed up to `now`. */
export function consumedAt(c: SlaClock, now: Date, cals: ClockCalendars): number {
  if (!c.runningSince) return c.consumedMs;
  return c.consumedMs + workingTimeBetween(new Date(c.runningSince), now, calendarFor(c.target, cals));
}

/** Instant at which `fraction` of the target is consumed, if the clock keeps running; null if not running. */
export function instantAtFraction(c: SlaClock, fraction: number, cals: ClockCalendars): Date | null {
  if (!c.target || !c.runningSince) return null;
  const goal = Math.round(c.target.ms * fraction);
  const left = goal - c.consumedMs;
  const since = new Date(c.runningSince);
  // Stryker disable next-line EqualityOperator: at left = 0 both branches give `since` (adding no working time returns the start)
  if (left <= 0) return since;
  return addWorkingTime(since, left, calendarFor(c.target, cals));
}

export const deadlineOf = (c: SlaClock, cals: ClockCalendars): Date | null => instantAtFraction(c, 1, cals);

/** Starts a clock that never ran; a paused clock is resumed with resume(), never restarted. */
export function start(c: SlaClock, now: Date): SlaClock {
  if (!c.target || c.startedAt || c.metAt) return c;
  return { ...c, startedAt: c.startedAt ?? iso(now), runningSince: iso(now) };
}

/**
 * The clocks a ticket is created with (SPEC §5.3): first response and resolution run from creation, next update
 * waits for the first answer; `firstResponseOnly` (a change request, SPEC §7) leaves the resolution clock unstarted.
 * The workflow starts a ticket with these, and the API shows them before its projection has run.
 */
export function openingClocks(targets: Record<TargetKind, Target | null>, createdAt: Date, opts: { firstResponseOnly?: boolean } = {}): Record<TargetKind, SlaClock> {
  const resolution = newClock('resolution', targets.resolution);
  return {
    firstResponse: start(newClock('firstResponse', targets.firstResponse), createdAt),
    nextUpdate: newClock('nextUpdate', targets.nextUpdate),
    resolution: opts.firstResponseOnly ? resolution : start(resolution, createdAt),
  };
}

/** A change request times its first response only (SPEC §7). */
export const timesFirstResponseOnly = (type: string): boolean => type === 'change_request';

/**
 * Starts a clock that gained a target late as if it had run since `from` (its consumed time is the working time
 * since then); timers then fire at once for whatever is already due.
 */
export function startFrom(c: SlaClock, from: Date, now: Date, cals: ClockCalendars): SlaClock {
  if (!c.target || c.startedAt || c.metAt) return c;
  return { ...c, startedAt: iso(from), runningSince: iso(now), consumedMs: workingTimeBetween(from, now, calendarFor(c.target, cals)) };
}

export function pause(c: SlaClock, now: Date, cals: ClockCalendars): SlaClock {
  if (!c.runningSince) return c;
  return { ...c, consumedMs: consumedAt(c, now, cals), runningSince: null, pausedIntervals: [...c.pausedIntervals, { from: iso(now), to: null }] };
}

export function resume(c: SlaClock, now: Date): SlaClock {
  if (c.runningSince || c.metAt || !c.startedAt) return c;
  const intervals = c.pausedIntervals.map((p) => (p.to === null ? { ...p, to: iso(now) } : p));
  return { ...c, runningSince: iso(now), pausedIntervals: intervals };
}

export function meet(c: SlaClock, now: Date, cals: ClockCalendars): SlaClock {
  if (c.metAt || !c.startedAt) return c;
  const closed = c.runningSince ? { consumedMs: consumedAt(c, now, cals), runningSince: null } : {};
  const intervals = c.pausedIntervals.map((p) => (p.to === null ? { ...p, to: iso(now) } : p));
  return { ...c, ...closed, pausedIntervals: intervals, metAt: iso(now) };
}

/** Reopen: the met clock runs again from the time it had already consumed (SPEC §5.3). */
export function unmeet(c: SlaClock, now: Date): SlaClock {
  if (!c.metAt) return c;
  if (!c.target) return { ...c, metAt: null };
  return { ...c, metAt: null, runningSince: iso(now) };
}

/** A fresh cycle of a clock that restarts (next update): history of earlier cycles lives in the timeline. */
export function restartCycle(c: SlaClock, now: Date): SlaClock {
  if (!c.target) return c;
  return { ...newClock(c.kind, c.target), startedAt: iso(now), runningSince: iso(now), cycle: c.cycle + 1 };
}

/** A priority change swaps the target (from the ticket's snapshot), keeping the working time already consumed. */
export function retarget(c: SlaClock, target: Target | null, now: Date, cals: ClockCalendars, warningThreshold: number): SlaClock {
  const consumed = consumedAt(c, now, cals);
  // Without a target the segment keeps running (no timers fire), so a later target picks up from the right figure.
  const next: SlaClock = { ...c, target, consumedMs: consumed, runningSince: c.runningSince ? iso(now) : null };
  if (!target) return next;
  // A warning can fire again if the new target gives more room; a breach, once recorded, stays recorded.
  if (next.warnedAt && consumed < target.ms * warningThreshold) next.warnedAt = null;
  return next;
}

export function stateOf(c: SlaClock, now: Date, cals: ClockCalendars, warningThreshold: number): ClockState {
  if (!c.target) return 'none';
  if (c.breachedAt) return 'breached';
  if (c.metAt) return 'met';
  if (!c.startedAt) return 'none';
  const consumed = consumedAt(c, now, cals);
  if (consumed >= c.target.ms) return 'breached';
  if (!c.runningSince) return 'paused';
  if (c.warnedAt || consumed >= c.target.ms * warningThreshold) return 'warning';
  return 'running';
}

export interface ClockFigures {
  target: Target | null;
  state: ClockState;
  deadline: string | null;
  warningAt: string | null;
  consumedMs: number;
  remainingMs: number | null;
  startedAt: string | null;
  metAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
  pausedIntervals: Array<{ from: string; to: string | null }>;
}

/** What a person sees of a clock at `now` (API, portal, query). */
export function figuresAt(c: SlaClock, now: Date, cals: ClockCalendars, warningThreshold: number): ClockFigures {
  const consumed = consumedAt(c, now, cals);
  const deadline = deadlineOf(c, cals);
  const warningAt = instantAtFraction(c, warningThreshold, cals);
  return {
    target: c.target,
    state: stateOf(c, now, cals, warningThreshold),
    deadline: deadline ? iso(deadline) : null,
    warningAt: warningAt ? iso(warningAt) : null,
    consumedMs: consumed,
    remainingMs: c.target ? Math.max(0, c.target.ms - consumed) : null,
    startedAt: c.startedAt,
    metAt: c.metAt,
    warnedAt: c.warnedAt,
    breachedAt: c.breachedAt,
    pausedIntervals: c.pausedIntervals,
  };
}
