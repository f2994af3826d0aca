import fc from 'fast-check';
import { workingTimeBetween } from '../../domain/calendar';
import { always247, businessSk } from '../../domain/calendars';
import type { Target } from '../../domain/plans';
import {
  calendarFor,
  type ClockCalendars,
  consumedAt,
  deadlineOf,
  figuresAt,
  instantAtFraction,
  isPaused,
  isRunning,
  meet,
  newClock,
  pause,
  restartCycle,
  resume,
  retarget,
  type SlaClock,
  start,
  startFrom,
  stateOf,
  unmeet,
} from '../../domain/sla-clock';

const MIN = 60_000;
const H = 3_600_000;
const WARN = 0.8;
const CALS: ClockCalendars = { business: businessSk, wallClock: always247 };

const at = (iso: string): Date => new Date(iso);
const bh = (hours: number): Target => ({ ms: hours * H, coverage: 'business' });
const wall = (hours: number): Target => ({ ms: hours * H, coverage: '24x7' });
// Compare as instants so the expected value can keep its local offset for readability.
const iso = (local: string): string => new Date(local).toISOString();
const expectInstant = (actual: Date | null, expectedLocal: string): void => {
  expect(actual?.toISOString()).toBe(iso(expectedLocal));
};

const started = (target: Target | null, when: string): SlaClock => start(newClock('resolution', target), at(when));

// Week of 2026-02-09 (Mon) … 2026-02-13 (Fri): no Slovak holiday, standard time (+01:00).
const MON_0800 = '2026-02-09T08:00:00+01:00';

describe('newClock and start', () => {
  test('a new clock is not started: state none, nothing consumed, no deadline', () => {
    const c = newClock('firstResponse', bh(4));
    expect(c).toEqual({
      kind: 'firstResponse',
      target: bh(4),
      startedAt: null,
      runningSince: null,
      consumedMs: 0,
      pausedIntervals: [],
      metAt: null,
      warnedAt: null,
      breachedAt: null,
      cycle: 0,
    });
    expect(stateOf(c, at(MON_0800), CALS, WARN)).toBe('none');
    expect(consumedAt(c, at('2026-02-13T12:00:00+01:00'), CALS)).toBe(0);
    expect(deadlineOf(c, CALS)).toBeNull();
    expect(isRunning(c)).toBe(false);
    expect(isPaused(c)).toBe(false);
  });

  test('start records startedAt and opens a segment at now', () => {
    const c = started(bh(4), MON_0800);
    expect(c.startedAt).toBe(iso(MON_0800));
    expect(c.runningSince).toBe(iso(MON_0800));
    expect(isRunning(c)).toBe(true);
    expect(stateOf(c, at(MON_0800), CALS, WARN)).toBe('running');
  });

  test('start is idempotent: starting a running clock changes nothing', () => {
    const c = started(bh(4), MON_0800);
    const again = start(c, at('2026-02-09T10:00:00+01:00'));
    expect(again).toBe(c);
    expect(again.startedAt).toBe(iso(MON_0800));
    expect(consumedAt(again, at('2026-02-09T10:00:00+01:00'), CALS)).toBe(2 * H);
  });

  test('starting a clock with a null target (best effort) leaves it none', () => {
    const c = newClock('nextUpdate', null);
    const s = start(c, at(MON_0800));
    expect(s).toBe(c);
    expect(s.startedAt).toBeNull();
    expect(stateOf(s, at('2026-02-20T08:00:00+01:00'), CALS, WARN)).toBe('none');
    const f = figuresAt(s, at(MON_0800), CALS, WARN);
    expect(f).toMatchObject({ state: 'none', deadline: null, warningAt: null, remainingMs: null, consumedMs: 0 });
  });

  test('starting a met clock does not reopen it', () => {
    const met = meet(started(bh(4), MON_0800), at('2026-02-09T09:00:00+01:00'), CALS);
    expect(start(met, at('2026-02-09T10:00:00+01:00'))).toBe(met);
  });
});

describe('deadlines on business-sk', () => {
  test('Friday 16:00 with 4 bh: deadline Monday 11:00, warning (80 %) Monday 10:12', () => {
    const c = started(bh(4), '2026-02-06T16:00:00+01:00');
    expectInstant(deadlineOf(c, CALS), '2026-02-09T11:00:00+01:00');
    expectInstant(instantAtFraction(c, WARN, CALS), '2026-02-09T10:12:00+01:00');
    const f = figuresAt(c, at('2026-02-06T16:30:00+01:00'), CALS, WARN);
    expect(f.deadline).toBe(iso('2026-02-09T11:00:00+01:00'));
    expect(f.warningAt).toBe(iso('2026-02-09T10:12:00+01:00'));
  });

  test('a clock started on Saturday counts nothing until Monday 08:00', () => {
    const c = started(bh(4), '2026-02-07T10:00:00+01:00');
    expect(consumedAt(c, at('2026-02-09T08:00:00+01:00'), CALS)).toBe(0);
    expectInstant(deadlineOf(c, CALS), '2026-02-09T12:00:00+01:00');
  });

  test('a full 9 bh target from Monday 08:00 ends at 17:00 the same day, not the next morning', () => {
    expectInstant(deadlineOf(started(bh(9), MON_0800), CALS), '2026-02-09T17:00:00+01:00');
  });

  test('a running clock counts only working time: Monday 08:00 → Tuesday 09:00 is 10 bh', () => {
    const c = started(bh(45), MON_0800);
    expect(consumedAt(c, at('2026-02-10T09:00:00+01:00'), CALS)).toBe(10 * H);
    // A weekend left running costs nothing either.
    const fri = started(bh(4), '2026-02-06T16:00:00+01:00');
    expect(consumedAt(fri, at('2026-02-09T08:00:00+01:00'), CALS)).toBe(1 * H);
  });

  test('Good Friday (2026-04-03) and Easter Monday (2026-04-06) are skipped', () => {
    const c = started(bh(4), '2026-04-02T16:00:00+02:00');
    expect(consumedAt(c, at('2026-04-07T08:00:00+02:00'), CALS)).toBe(1 * H);
    expectInstant(deadlineOf(c, CALS), '2026-04-07T11:00:00+02:00');
    expectInstant(instantAtFraction(c, WARN, CALS), '2026-04-07T10:12:00+02:00');
  });

  test('Labour Day (Friday 2026-05-01) is skipped, but the suspended 8 May 2026 is a working day', () => {
    expectInstant(deadlineOf(started(bh(4), '2026-04-30T16:00:00+02:00'), CALS), '2026-05-04T11:00:00+02:00');
    expectInstant(deadlineOf(started(bh(4), '2026-05-07T16:00:00+02:00'), CALS), '2026-05-08T11:00:00+02:00');
  });

  test('business hours follow local time across the 2026-03-29 DST switch', () => {
    const c = started(bh(4), '2026-03-27T16:00:00+01:00');
    expectInstant(deadlineOf(c, CALS), '2026-03-30T11:00:00+02:00');
  });
});

describe('24×7 targets', () => {
  test('calendarFor picks wall-clock time only for 24×7 coverage (best effort is measured in business time)', () => {
    expect(calendarFor(bh(1), CALS)).toBe(businessSk);
    expect(calendarFor(wall(1), CALS)).toBe(always247);
    expect(calendarFor(null, CALS)).toBe(businessSk);
  });

  test('a 24×7 target across the 2026-03-29 DST switch counts elapsed, not wall-face, hours', () => {
    // 24 elapsed hours from Saturday noon CET land at 13:00 CEST, because Sunday lost an hour.
    const c = started(wall(24), '2026-03-28T12:00:00+01:00');
    expectInstant(deadlineOf(c, CALS), '2026-03-29T13:00:00+02:00');
    expect(consumedAt(c, at('2026-03-29T12:00:00+02:00'), CALS)).toBe(23 * H);
    expectInstant(instantAtFraction(c, 0.5, CALS), '2026-03-29T00:00:00+01:00');
  });

  test('a 24×7 target runs through nights and weekends', () => {
    const c = started(wall(4), '2026-02-06T22:00:00+01:00');
    expectInstant(deadlineOf(c, CALS), '2026-02-07T02:00:00+01:00');
    expect(stateOf(c, at('2026-02-07T01:30:00+01:00'), CALS, WARN)).toBe('warning');
  });
});

describe('pause and resume', () => {
  test('a pause over a night consumes nothing, including working time before the resume', () => {
    let c = started(bh(18), MON_0800);
    c = pause(c, at('2026-02-09T16:00:00+01:00'), CALS);
    expect(c.consumedMs).toBe(8 * H);
    c = resume(c, at('2026-02-10T10:00:00+01:00'));
    // Tuesday 08:00–10:00 was working time, but the clock was paused.
    expect(consumedAt(c, at('2026-02-10T11:00:00+01:00'), CALS)).toBe(9 * H);
    expectInstant(deadlineOf(c, CALS), '2026-02-11T11:00:00+01:00');
  });

  test('a pause over a weekend consumes nothing', () => {
    let c = started(bh(4), '2026-02-06T15:00:00+01:00');
    c = pause(c, at('2026-02-06T16:30:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T09:00:00+01:00'));
    expect(consumedAt(c, at('2026-02-09T10:00:00+01:00'), CALS)).toBe(2.5 * H);
    expectInstant(deadlineOf(c, CALS), '2026-02-09T11:30:00+01:00');
  });

  test('a paused clock is paused, has no deadline and is frozen whatever now is', () => {
    const c = pause(started(bh(4), MON_0800), at('2026-02-09T09:00:00+01:00'), CALS);
    expect(isPaused(c)).toBe(true);
    expect(isRunning(c)).toBe(false);
    expect(c.pausedIntervals).toEqual([{ from: iso('2026-02-09T09:00:00+01:00'), to: null }]);
    const later = at('2026-02-12T15:00:00+01:00');
    expect(stateOf(c, later, CALS, WARN)).toBe('paused');
    expect(deadlineOf(c, CALS)).toBeNull();
    expect(consumedAt(c, later, CALS)).toBe(1 * H);
    expect(figuresAt(c, later, CALS, WARN)).toMatchObject({ state: 'paused', deadline: null, warningAt: null, consumedMs: H, remainingMs: 3 * H });
  });

  test('resume closes the paused interval and opens a new segment', () => {
    const paused = pause(started(bh(4), MON_0800), at('2026-02-09T09:00:00+01:00'), CALS);
    const c = resume(paused, at('2026-02-09T13:00:00+01:00'));
    expect(c.pausedIntervals).toEqual([{ from: iso('2026-02-09T09:00:00+01:00'), to: iso('2026-02-09T13:00:00+01:00') }]);
    expect(c.runningSince).toBe(iso('2026-02-09T13:00:00+01:00'));
    expect(c.consumedMs).toBe(1 * H);
    expect(isPaused(c)).toBe(false);
    expectInstant(deadlineOf(c, CALS), '2026-02-09T16:00:00+01:00');
  });

  test('repeated pauses are each recorded, and only working time between them counts', () => {
    let c = started(bh(9), MON_0800);
    c = pause(c, at('2026-02-09T09:00:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T10:00:00+01:00'));
    c = pause(c, at('2026-02-09T11:00:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T12:00:00+01:00'));
    expect(c.pausedIntervals).toHaveLength(2);
    expect(c.pausedIntervals.every((p) => p.to !== null)).toBe(true);
    expect(consumedAt(c, at('2026-02-09T13:00:00+01:00'), CALS)).toBe(3 * H);
  });

  test('pause and resume are no-ops where they make no sense', () => {
    const fresh = newClock('resolution', bh(4));
    expect(pause(fresh, at(MON_0800), CALS)).toBe(fresh);
    expect(resume(fresh, at(MON_0800))).toBe(fresh);
    const running = started(bh(4), MON_0800);
    expect(resume(running, at('2026-02-09T09:00:00+01:00'))).toBe(running);
    const paused = pause(running, at('2026-02-09T09:00:00+01:00'), CALS);
    expect(pause(paused, at('2026-02-09T10:00:00+01:00'), CALS)).toBe(paused);
    const met = meet(paused, at('2026-02-09T10:00:00+01:00'), CALS);
    expect(resume(met, at('2026-02-09T11:00:00+01:00'))).toBe(met);
  });
});

describe('meet and unmeet', () => {
  test('meet records metAt and freezes consumedMs', () => {
    const c = meet(started(bh(4), MON_0800), at('2026-02-09T10:30:00+01:00'), CALS);
    expect(c.metAt).toBe(iso('2026-02-09T10:30:00+01:00'));
    expect(c.consumedMs).toBe(2.5 * H);
    expect(c.runningSince).toBeNull();
    const muchLater = at('2026-02-20T12:00:00+01:00');
    expect(consumedAt(c, muchLater, CALS)).toBe(2.5 * H);
    expect(stateOf(c, muchLater, CALS, WARN)).toBe('met');
    expect(deadlineOf(c, CALS)).toBeNull();
    expect(figuresAt(c, muchLater, CALS, WARN)).toMatchObject({ state: 'met', metAt: iso('2026-02-09T10:30:00+01:00'), remainingMs: 1.5 * H });
  });

  test('meeting a paused clock closes the open pause and keeps the consumed time', () => {
    const paused = pause(started(bh(4), MON_0800), at('2026-02-09T09:00:00+01:00'), CALS);
    const c = meet(paused, at('2026-02-09T12:00:00+01:00'), CALS);
    expect(c.consumedMs).toBe(1 * H);
    expect(c.pausedIntervals).toEqual([{ from: iso('2026-02-09T09:00:00+01:00'), to: iso('2026-02-09T12:00:00+01:00') }]);
    expect(isPaused(c)).toBe(false);
    expect(stateOf(c, at('2026-02-09T12:00:00+01:00'), CALS, WARN)).toBe('met');
  });

  test('meet is a no-op on a met, unstarted or best-effort clock', () => {
    const met = meet(started(bh(4), MON_0800), at('2026-02-09T09:00:00+01:00'), CALS);
    expect(meet(met, at('2026-02-09T11:00:00+01:00'), CALS)).toBe(met);
    const unstarted = newClock('firstResponse', bh(4));
    expect(meet(unstarted, at(MON_0800), CALS)).toBe(unstarted);
    const none = newClock('nextUpdate', null);
    expect(meet(none, at(MON_0800), CALS)).toBe(none);
  });

  test('unmeet (reopen) continues from the consumed time, not from zero', () => {
    const met = meet(started(bh(4), MON_0800), at('2026-02-09T11:00:00+01:00'), CALS);
    const c = unmeet(met, at('2026-02-10T08:00:00+01:00'));
    expect(c.metAt).toBeNull();
    expect(c.runningSince).toBe(iso('2026-02-10T08:00:00+01:00'));
    expect(c.consumedMs).toBe(3 * H);
    expectInstant(deadlineOf(c, CALS), '2026-02-10T09:00:00+01:00');
    expect(stateOf(c, at('2026-02-10T08:11:00+01:00'), CALS, WARN)).toBe('running');
    expect(stateOf(c, at('2026-02-10T08:12:00+01:00'), CALS, WARN)).toBe('warning');
    expect(stateOf(c, at('2026-02-10T09:00:00+01:00'), CALS, WARN)).toBe('breached');
  });

  test('unmeet on a clock that is not met is a no-op', () => {
    const running = started(bh(4), MON_0800);
    expect(unmeet(running, at('2026-02-09T09:00:00+01:00'))).toBe(running);
  });
});

describe('stateOf', () => {
  test('running → warning → breached as now advances (threshold and target are inclusive)', () => {
    const c = started(bh(4), MON_0800);
    const s = (local: string) => stateOf(c, at(local), CALS, WARN);
    expect(s('2026-02-09T08:00:00+01:00')).toBe('running');
    expect(s('2026-02-09T11:11:59.999+01:00')).toBe('running');
    expect(s('2026-02-09T11:12:00+01:00')).toBe('warning');
    expect(s('2026-02-09T11:59:59.999+01:00')).toBe('warning');
    expect(s('2026-02-09T12:00:00+01:00')).toBe('breached');
    expect(s('2026-02-12T12:00:00+01:00')).toBe('breached');
  });

  test('a recorded warning latches the warning state below the threshold', () => {
    const c: SlaClock = { ...started(bh(4), MON_0800), warnedAt: iso('2026-02-09T08:30:00+01:00') };
    expect(stateOf(c, at('2026-02-09T09:00:00+01:00'), CALS, WARN)).toBe('warning');
  });

  test('a recorded breach stays breached even after meet', () => {
    let c = started(bh(4), MON_0800);
    c = { ...c, breachedAt: iso('2026-02-09T12:00:00+01:00') };
    c = meet(c, at('2026-02-09T13:00:00+01:00'), CALS);
    expect(c.metAt).not.toBeNull();
    expect(stateOf(c, at('2026-02-09T13:00:00+01:00'), CALS, WARN)).toBe('breached');
    expect(figuresAt(c, at('2026-02-09T13:00:00+01:00'), CALS, WARN).state).toBe('breached');
  });

  test('a clock paused after using up its target reads breached, not paused', () => {
    const c = pause(started(bh(4), MON_0800), at('2026-02-09T12:30:00+01:00'), CALS);
    expect(stateOf(c, at('2026-02-09T13:00:00+01:00'), CALS, WARN)).toBe('breached');
  });

  test('a paused clock past the warning threshold reads paused, not warning', () => {
    const c = pause(started(bh(4), MON_0800), at('2026-02-09T11:30:00+01:00'), CALS);
    expect(stateOf(c, at('2026-02-09T11:30:00+01:00'), CALS, WARN)).toBe('paused');
  });
});

describe('restartCycle', () => {
  test('increments the cycle and starts afresh from now', () => {
    let c = started(bh(4), MON_0800);
    c = { ...pause(c, at('2026-02-09T11:00:00+01:00'), CALS), warnedAt: iso('2026-02-09T10:12:00+01:00') };
    c = { ...c, breachedAt: iso('2026-02-09T11:00:00+01:00') };
    const r = restartCycle(c, at('2026-02-10T09:00:00+01:00'));
    expect(r).toEqual({
      kind: 'resolution',
      target: bh(4),
      startedAt: iso('2026-02-10T09:00:00+01:00'),
      runningSince: iso('2026-02-10T09:00:00+01:00'),
      consumedMs: 0,
      pausedIntervals: [],
      metAt: null,
      warnedAt: null,
      breachedAt: null,
      cycle: 1,
    });
    expect(restartCycle(r, at('2026-02-10T10:00:00+01:00')).cycle).toBe(2);
    expectInstant(deadlineOf(r, CALS), '2026-02-10T13:00:00+01:00');
    expect(stateOf(r, at('2026-02-10T09:00:00+01:00'), CALS, WARN)).toBe('running');
  });

  test('a best-effort clock has no cycles', () => {
    const c = newClock('nextUpdate', null);
    expect(restartCycle(c, at(MON_0800))).toBe(c);
  });
});

describe('retarget', () => {
  test('keeps consumed time and moves the deadline: 1 bh used of 9, retarget to 2 bh → deadline 1 bh after now', () => {
    const now = at('2026-02-09T09:00:00+01:00');
    const c = retarget(started(bh(9), MON_0800), bh(2), now, CALS, WARN);
    expect(c.target).toEqual(bh(2));
    expect(c.consumedMs).toBe(1 * H);
    expect(c.runningSince).toBe(now.toISOString());
    expect(c.startedAt).toBe(iso(MON_0800));
    expectInstant(deadlineOf(c, CALS), '2026-02-09T10:00:00+01:00');
    expect(consumedAt(c, at('2026-02-09T09:30:00+01:00'), CALS)).toBe(1.5 * H);
  });

  test('clears warnedAt when the new target gives room again', () => {
    const warned: SlaClock = { ...started(bh(9), MON_0800), warnedAt: iso('2026-02-09T15:12:00+01:00') };
    const now = at('2026-02-09T15:12:00+01:00');
    const c = retarget(warned, bh(18), now, CALS, WARN);
    expect(c.warnedAt).toBeNull();
    expect(stateOf(c, now, CALS, WARN)).toBe('running');
    // 7.2 bh used of 18: the warning is due again at 14.4 bh.
    expectInstant(instantAtFraction(c, WARN, CALS), '2026-02-10T13:24:00+01:00');
  });

  test('keeps warnedAt when the new target is still past its warning threshold', () => {
    const warned: SlaClock = { ...started(bh(9), MON_0800), warnedAt: iso('2026-02-09T15:12:00+01:00') };
    const now = at('2026-02-09T15:12:00+01:00');
    const c = retarget(warned, bh(8), now, CALS, WARN);
    expect(c.warnedAt).toBe(warned.warnedAt);
    expect(stateOf(c, now, CALS, WARN)).toBe('warning');
  });

  test('a shorter target already used up reads breached, with the deadline at now', () => {
    const now = at('2026-02-09T13:00:00+01:00');
    const c = retarget(started(bh(9), MON_0800), bh(4), now, CALS, WARN);
    expect(stateOf(c, now, CALS, WARN)).toBe('breached');
    expectInstant(deadlineOf(c, CALS), '2026-02-09T13:00:00+01:00');
    expect(figuresAt(c, now, CALS, WARN).remainingMs).toBe(0);
  });

  test('a recorded breach survives a retarget to a roomier target', () => {
    const breached: SlaClock = { ...started(bh(2), MON_0800), breachedAt: iso('2026-02-09T10:00:00+01:00') };
    const c = retarget(breached, bh(9), at('2026-02-09T11:00:00+01:00'), CALS, WARN);
    expect(c.breachedAt).toBe(breached.breachedAt);
    expect(stateOf(c, at('2026-02-09T11:00:00+01:00'), CALS, WARN)).toBe('breached');
  });

  test('a null target (best effort) shows no clock but keeps measuring, so a later target resumes fairly', () => {
    const now = at('2026-02-09T10:00:00+01:00');
    const c = retarget(started(bh(9), MON_0800), null, now, CALS, WARN);
    expect(c.target).toBeNull();
    expect(c.consumedMs).toBe(2 * H);
    const back = retarget(c, bh(9), at('2026-02-09T12:00:00+01:00'), CALS, WARN);
    expect(back.consumedMs).toBe(4 * H);
    expect(deadlineOf(back, CALS)).toEqual(at('2026-02-09T17:00:00+01:00'));
    expect(stateOf(c, at('2026-02-10T10:00:00+01:00'), CALS, WARN)).toBe('none');
    expect(deadlineOf(c, CALS)).toBeNull();
    expect(figuresAt(c, at('2026-02-10T10:00:00+01:00'), CALS, WARN)).toMatchObject({ state: 'none', deadline: null, remainingMs: null, consumedMs: 11 * H }) // Mon 08–17 + Tue 08–10;
  });

  test('retargeting a paused clock keeps it paused', () => {
    const paused = pause(started(bh(9), MON_0800), at('2026-02-09T10:00:00+01:00'), CALS);
    const c = retarget(paused, bh(4), at('2026-02-09T14:00:00+01:00'), CALS, WARN);
    expect(c.runningSince).toBeNull();
    expect(c.consumedMs).toBe(2 * H);
    expect(stateOf(c, at('2026-02-09T14:00:00+01:00'), CALS, WARN)).toBe('paused');
    expectInstant(deadlineOf(resume(c, at('2026-02-09T14:00:00+01:00')), CALS), '2026-02-09T16:00:00+01:00');
  });

  test('switching business → 24×7 closes the business segment on the old calendar', () => {
    // Monday 08:00 → Tuesday 08:00 is 9 bh; the 24×7 target then counts on from Tuesday 08:00.
    const c = retarget(started(bh(18), MON_0800), wall(12), at('2026-02-10T08:00:00+01:00'), CALS, WARN);
    expect(c.consumedMs).toBe(9 * H);
    expectInstant(deadlineOf(c, CALS), '2026-02-10T11:00:00+01:00');
  });
});

describe('figuresAt', () => {
  test('remainingMs is max(0, target − consumed)', () => {
    const c = started(bh(4), MON_0800);
    expect(figuresAt(c, at('2026-02-09T09:15:00+01:00'), CALS, WARN)).toEqual({
      target: bh(4),
      state: 'running',
      deadline: iso('2026-02-09T12:00:00+01:00'),
      warningAt: iso('2026-02-09T11:12:00+01:00'),
      consumedMs: 75 * MIN,
      remainingMs: 165 * MIN,
      startedAt: iso(MON_0800),
      metAt: null,
      warnedAt: null,
      breachedAt: null,
      pausedIntervals: [],
    });
    expect(figuresAt(c, at('2026-02-09T12:00:00+01:00'), CALS, WARN).remainingMs).toBe(0);
    const over = figuresAt(c, at('2026-02-10T12:00:00+01:00'), CALS, WARN);
    expect(over.consumedMs).toBe(13 * H);
    expect(over.remainingMs).toBe(0);
  });
});

describe('property: pause/resume sequences on business-sk', () => {
  const SEED = 20_260_209;
  const RUNS = 250;
  type Op = { kind: 'pause' | 'resume'; afterMs: number };
  const opArb: fc.Arbitrary<Op> = fc.record({
    kind: fc.constantFrom<'pause' | 'resume'>('pause', 'resume'),
    // Up to ~4 days between steps, so sequences cross nights, weekends and holidays.
    afterMs: fc.integer({ min: 0, max: 4 * 24 * H }),
  });
  const startArb = fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 0, 1) });
  const targetArb = fc.integer({ min: 1, max: 120 * H }).map((ms): Target => ({ ms, coverage: 'business' }));

  test('consumedAt equals the working time of the running segments, and the deadline uses up exactly the target', () => {
    fc.assert(
      fc.property(startArb, targetArb, fc.array(opArb, { maxLength: 12 }), fc.integer({ min: 0, max: 4 * 24 * H }), (t0, target, ops, tail) => {
        let t = t0;
        let c = start(newClock('resolution', target), new Date(t));
        const segments: Array<{ from: number; to: number | null }> = [{ from: t, to: null }];
        for (const op of ops) {
          t += op.afterMs;
          const open = segments[segments.length - 1];
          if (op.kind === 'pause') {
            c = pause(c, new Date(t), CALS);
            if (open.to === null) open.to = t;
          } else {
            c = resume(c, new Date(t));
            if (open.to !== null) segments.push({ from: t, to: null });
          }
        }
        const now = t + tail;
        const expected = segments.reduce((sum, s) => sum + workingTimeBetween(new Date(s.from), new Date(s.to ?? now), businessSk), 0);
        expect(consumedAt(c, new Date(now), CALS)).toBe(expected);
        expect(isRunning(c)).toBe(segments[segments.length - 1].to === null);
        expect(c.pausedIntervals).toHaveLength(segments.length - 1 + (isRunning(c) ? 0 : 1));

        // Keep it running from here on, then the deadline must consume exactly the target.
        if (!isRunning(c)) c = resume(c, new Date(now));
        const deadline = deadlineOf(c, CALS);
        expect(deadline).not.toBeNull();
        if (c.consumedMs < target.ms) {
          expect(consumedAt(c, deadline as Date, CALS)).toBe(target.ms);
          expect(consumedAt(c, new Date((deadline as Date).getTime() - 1), CALS)).toBe(target.ms - 1);
        } else {
          // Already used up: the model reports the deadline as the start of the open segment.
          expect((deadline as Date).toISOString()).toBe(c.runningSince);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('the pause history is kept as it happened', () => {
  test('resume closes only the open pause; earlier pauses keep their own ends', () => {
    let c = started(bh(9), MON_0800);
    c = pause(c, at('2026-02-09T09:00:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T10:00:00+01:00'));
    c = pause(c, at('2026-02-09T11:00:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T12:00:00+01:00'));
    expect(c.pausedIntervals).toEqual([
      { from: iso('2026-02-09T09:00:00+01:00'), to: iso('2026-02-09T10:00:00+01:00') },
      { from: iso('2026-02-09T11:00:00+01:00'), to: iso('2026-02-09T12:00:00+01:00') },
    ]);
  });

  test('meet closes only the open pause; earlier pauses keep their own ends', () => {
    let c = started(bh(9), MON_0800);
    c = pause(c, at('2026-02-09T09:00:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T10:00:00+01:00'));
    c = pause(c, at('2026-02-09T11:00:00+01:00'), CALS);
    c = meet(c, at('2026-02-09T12:00:00+01:00'), CALS);
    expect(c.pausedIntervals).toEqual([
      { from: iso('2026-02-09T09:00:00+01:00'), to: iso('2026-02-09T10:00:00+01:00') },
      { from: iso('2026-02-09T11:00:00+01:00'), to: iso('2026-02-09T12:00:00+01:00') },
    ]);
    expect(c.consumedMs).toBe(2 * H);
  });

  test('meeting a running clock leaves its closed pauses as they were', () => {
    let c = started(bh(9), MON_0800);
    c = pause(c, at('2026-02-09T09:00:00+01:00'), CALS);
    c = resume(c, at('2026-02-09T10:00:00+01:00'));
    const met = meet(c, at('2026-02-09T11:00:00+01:00'), CALS);
    expect(met.pausedIntervals).toEqual(c.pausedIntervals);
    expect(met.consumedMs).toBe(2 * H);
  });

  test('a clock is paused only while started, not running, not met and with an open pause', () => {
    const running = started(bh(4), MON_0800);
    const paused = pause(running, at('2026-02-09T09:00:00+01:00'), CALS);
    expect([isPaused(newClock('resolution', bh(4))), isPaused(running), isPaused(paused)]).toEqual([false, false, true]);
    expect(isPaused({ ...paused, metAt: iso('2026-02-09T10:00:00+01:00') })).toBe(false);
    expect(isPaused({ ...paused, pausedIntervals: [{ from: iso('2026-02-09T09:00:00+01:00'), to: iso('2026-02-09T09:30:00+01:00') }] })).toBe(false);
    expect(isPaused({ ...paused, startedAt: null })).toBe(false);
  });

  test('resume needs a started clock', () => {
    const notStarted: SlaClock = { ...newClock('resolution', bh(4)), pausedIntervals: [{ from: iso(MON_0800), to: null }] };
    expect(resume(notStarted, at('2026-02-09T09:00:00+01:00'))).toBe(notStarted);
  });
});

describe('startFrom: a target gained late counts from the ticket\'s start', () => {
  test('the working time since `from` is already consumed; the segment runs from now', () => {
    const c = startFrom(newClock('resolution', bh(9)), at(MON_0800), at('2026-02-09T11:00:00+01:00'), CALS);
    expect(c).toMatchObject({ startedAt: iso(MON_0800), runningSince: iso('2026-02-09T11:00:00+01:00'), consumedMs: 3 * H });
    expectInstant(deadlineOf(c, CALS), '2026-02-09T17:00:00+01:00');
  });

  test('a 24×7 target gained late counts elapsed time since `from`', () => {
    const c = startFrom(newClock('resolution', wall(12)), at('2026-02-07T08:00:00+01:00'), at('2026-02-07T18:00:00+01:00'), CALS);
    expect(c.consumedMs).toBe(10 * H);
  });

  test('startFrom does nothing to a best-effort, started or met clock', () => {
    const none = newClock('resolution', null);
    expect(startFrom(none, at(MON_0800), at('2026-02-09T11:00:00+01:00'), CALS)).toBe(none);
    const running = started(bh(9), MON_0800);
    expect(startFrom(running, at(MON_0800), at('2026-02-09T11:00:00+01:00'), CALS)).toBe(running);
    const met: SlaClock = { ...newClock('resolution', bh(9)), metAt: iso(MON_0800) };
    expect(startFrom(met, at(MON_0800), at('2026-02-09T11:00:00+01:00'), CALS)).toBe(met);
    expect(start(met, at(MON_0800))).toBe(met);
  });
});

describe('unmeet and the fraction instants', () => {
  test('unmeet of a best-effort clock clears metAt and opens no segment', () => {
    const met: SlaClock = { ...newClock('resolution', null), startedAt: iso(MON_0800), metAt: iso('2026-02-09T09:00:00+01:00') };
    const c = unmeet(met, at('2026-02-10T08:00:00+01:00'));
    expect(c.metAt).toBeNull();
    expect(c.runningSince).toBeNull();
  });

  test('instantAtFraction rounds to the millisecond and is at the segment start when already consumed', () => {
    const c = started({ ms: 3, coverage: '24x7' }, '2026-02-09T08:00:00Z');
    // 3 ms × 0.5 = 1.5 → 2 ms.
    expect(instantAtFraction(c, 0.5, CALS)?.toISOString()).toBe('2026-02-09T08:00:00.002Z');
    const used: SlaClock = { ...started(wall(1), '2026-02-09T08:00:00Z'), consumedMs: 2 * H };
    expect(instantAtFraction(used, 1, CALS)?.toISOString()).toBe('2026-02-09T08:00:00.000Z');
    expect(instantAtFraction(newClock('resolution', wall(1)), 1, CALS)).toBeNull();
    expect(instantAtFraction({ ...c, target: null }, 1, CALS)).toBeNull();
  });

  test('retarget clears a warning only when the consumed time is below the new threshold', () => {
    // 4 bh used; a 5 bh target warns at exactly 4 bh: the warning stands.
    const warned: SlaClock = { ...started(bh(9), MON_0800), warnedAt: iso('2026-02-09T11:00:00+01:00') };
    const now = at('2026-02-09T12:00:00+01:00');
    expect(retarget(warned, bh(5), now, CALS, WARN).warnedAt).toBe(warned.warnedAt);
    expect(retarget(warned, bh(6), now, CALS, WARN).warnedAt).toBeNull();
    expect(retarget(warned, null, now, CALS, WARN).warnedAt).toBe(warned.warnedAt);
  });
});
