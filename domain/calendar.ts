// Pure, deterministic working-time arithmetic: it runs in the Temporal workflow sandbox, so only Intl, no clock or I/O.
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  holidayName,
  isoWeekdayOfDays,
  isValidLocalDate,
  parseLocalDate,
  type HolidayRule,
  type IsoWeekday,
} from './holidays';

/** 'HH:MM' local wall time; end may be '24:00'. end <= start means the interval runs past midnight into the next day. */
export interface WorkingInterval {
  start: string;
  end: string;
}

export interface Calendar {
  id: string;
  name: string;
  timeZone: string; // IANA
  week: Partial<Record<IsoWeekday, WorkingInterval[]>>; // missing/empty = closed that weekday
  holidays: HolidayRule[];
}

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: IsoWeekday;
}

export type CalendarValidation =
  | { ok: true; calendar: Calendar }
  | { ok: false; errors: Array<{ path: string; message: string }> };

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;
// Unbounded searches give up after ~10 idle years so a calendar whose holidays block every open day cannot hang.
const MAX_IDLE_DAYS = 3_660;
// Bounds memory of the per-zone offset cache in long-lived workers; about 55 years of days.
const MAX_CACHED_DAYS = 20_000;
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
// Global lookups are slow inside vm sandboxes (Temporal workflows, jest), so hot paths use module aliases.
const { floor, min, max } = Math;
const UNBOUNDED = Number.POSITIVE_INFINITY;

/** Offsets sampled at UTC midnights; assumes at most one offset change per UTC day, true of every IANA zone in use. */
interface ZoneState {
  formatter: Intl.DateTimeFormat;
  midnightOffsets: Map<number, number>;
  transitions: Map<number, number>;
}

const zoneStates = new Map<string, ZoneState>();

function zoneState(timeZone: string): ZoneState {
  let state = zoneStates.get(timeZone);
  if (!state) {
    // Constructing a formatter is slow (and throws RangeError for unknown zones), so keep one per zone.
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    state = { formatter, midnightOffsets: new Map(), transitions: new Map() };
    zoneStates.set(timeZone, state);
  }
  return state;
}

/** Zone offset (local wall ms minus UTC ms) at an instant, straight from Intl. */
function intlOffset(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const wholeSecond = floor(utcMs / SECOND_MS) * SECOND_MS;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeCommonEra = false;
  for (const part of formatter.formatToParts(wholeSecond)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        // Some ICU builds print midnight as 24 despite h23.
        // Stryker disable next-line ArithmeticOperator: only ICU builds that print midnight as 24 need the modulo; Node's never does, so no test can tell
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        beforeCommonEra = part.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (beforeCommonEra) year = 1 - year;
  const wall = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS;
  return wall - wholeSecond;
}

function midnightOffset(state: ZoneState, dayIndex: number): number {
  let offset = state.midnightOffsets.get(dayIndex);
  if (offset === undefined) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: bounds the cache's memory only; an offset is the same whether it was cached or computed again
    if (state.midnightOffsets.size >= MAX_CACHED_DAYS) state.midnightOffsets.clear();
    offset = intlOffset(state.formatter, dayIndex * DAY_MS);
    state.midnightOffsets.set(dayIndex, offset);
  }
  return offset;
}

/** First UTC ms in (dayIndex, dayIndex + 1] whose offset differs from `before`. */
function transitionInDay(state: ZoneState, dayIndex: number, before: number): number {
  let at = state.transitions.get(dayIndex);
  if (at === undefined) {
    // Transitions fall on whole seconds, so bisect over seconds rather than milliseconds.
    let lo = (dayIndex * DAY_MS) / SECOND_MS;
    let hi = lo + DAY_MS / SECOND_MS;
    while (hi - lo > 1) {
      const mid = floor((lo + hi) / 2);
      if (intlOffset(state.formatter, mid * SECOND_MS) === before) lo = mid;
      else hi = mid;
    }
    at = hi * SECOND_MS;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: bounds the cache's memory only; a transition is the same whether it was cached or computed again
    if (state.transitions.size >= MAX_CACHED_DAYS) state.transitions.clear();
    state.transitions.set(dayIndex, at);
  }
  return at;
}

function offsetAt(state: ZoneState, utcMs: number): number {
  const dayIndex = floor(utcMs / DAY_MS);
  const before = midnightOffset(state, dayIndex);
  const after = midnightOffset(state, dayIndex + 1);
  if (before === after) return before;
  return utcMs < transitionInDay(state, dayIndex, before) ? before : after;
}

/** UTC instant of a wall time: ambiguous times take the earlier occurrence, skipped times the instant the clock jumps. */
function wallToUtc(state: ZoneState, wallMs: number): number {
  // Offsets lie within ±14 h, so ±36 h from the wall time is safely before/after it in UTC.
  const earlier = offsetAt(state, wallMs - 36 * HOUR_MS);
  const later = offsetAt(state, wallMs + 36 * HOUR_MS);
  if (earlier === later) return wallMs - earlier;
  const viaEarlier = wallMs - earlier;
  const viaLater = wallMs - later;
  const earlierFits = offsetAt(state, viaEarlier) === earlier;
  const laterFits = offsetAt(state, viaLater) === later;
  if (earlierFits && laterFits) return min(viaEarlier, viaLater);
  if (earlierFits) return viaEarlier;
  if (laterFits) return viaLater;
  // Inside a gap: the transition lies in (viaLater, viaEarlier]; find the first instant with the new offset.
  let lo = min(viaEarlier, viaLater);
  let hi = max(viaEarlier, viaLater);
  while (hi - lo > 1) {
    const mid = floor((lo + hi) / 2);
    if (offsetAt(state, mid) === later) hi = mid;
    else lo = mid;
  }
  return hi;
}

function instantMs(value: Date, label: string): number {
  // Duck-typed rather than instanceof, because Dates may come from another realm (vm sandbox vs host).
  const ms = typeof value?.getTime === 'function' ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${label} must be a valid Date`);
  return ms;
}

/** Local calendar date and wall time of an instant in a zone. */
export function localDateTime(at: Date, timeZone: string): LocalDateTime {
  const utcMs = instantMs(at, 'at');
  const wallMs = utcMs + offsetAt(zoneState(timeZone), utcMs);
  const dayIndex = floor(wallMs / DAY_MS);
  const msOfDay = wallMs - dayIndex * DAY_MS;
  return {
    ...civilFromDays(dayIndex),
    hour: floor(msOfDay / HOUR_MS),
    minute: floor((msOfDay % HOUR_MS) / MINUTE_MS),
    second: floor((msOfDay % MINUTE_MS) / SECOND_MS),
    millisecond: msOfDay % SECOND_MS,
    weekday: isoWeekdayOfDays(dayIndex),
  };
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone: the day a contract's validity is read on. */
export function localDay(at: Date, timeZone: string): string {
  const l = localDateTime(at, timeZone);
  return `${String(l.year).padStart(4, '0')}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

/** Instant of a local wall time in a zone, with the same DST gap/overlap rules as working intervals. */
export function localToInstant(
  local: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number },
  timeZone: string,
): Date {
  const { year, month, day, hour = 0, minute = 0, second = 0 } = local;
  if (!isValidLocalDate(year, month, day)) throw new RangeError(`invalid local date ${year}-${month}-${day}`);
  const wallMs = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS;
  return new Date(wallToUtc(zoneState(timeZone), wallMs));
}

/** Minutes after local midnight; `end` exceeds 1440 for intervals that run past midnight. */
interface CompiledInterval {
  start: number;
  end: number;
}

interface CompiledCalendar {
  zone: ZoneState;
  week: CompiledInterval[][]; // index 1..7
  holidays: HolidayRule[];
  open: boolean;
}

interface Span {
  start: number;
  end: number;
}

function digitAt(text: string, index: number): number {
  const digit = text.charCodeAt(index) - 48;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

/** Minutes after midnight of a strict 'HH:MM' (00:00–23:59, plus 24:00 when allowed), else null. */
function parseWallTime(text: unknown, allowEndOfDay: boolean): number | null {
  if (typeof text !== 'string' || text.length !== 5 || text[2] !== ':') return null;
  const digits = [digitAt(text, 0), digitAt(text, 1), digitAt(text, 3), digitAt(text, 4)];
  if (digits.some((digit) => digit < 0)) return null;
  const hours = digits[0] * 10 + digits[1];
  const minutes = digits[2] * 10 + digits[3];
  if (minutes > 59) return null;
  if (hours === 24 && minutes === 0 && allowEndOfDay) return MINUTES_PER_DAY;
  return hours <= 23 ? hours * 60 + minutes : null;
}

function compileInterval(interval: WorkingInterval): CompiledInterval | null {
  const start = parseWallTime(interval.start, false);
  const end = parseWallTime(interval.end, true);
  if (start === null || end === null) return null;
  return { start, end: end <= start ? end + MINUTES_PER_DAY : end };
}

function compile(calendar: Calendar): CompiledCalendar {
  const week: CompiledInterval[][] = [[]];
  let open = false;
  for (const weekday of WEEKDAYS) {
    const intervals = (calendar.week[weekday] ?? []).map((interval, index) => {
      const compiled = compileInterval(interval);
      if (!compiled) {
        throw new RangeError(`calendar ${calendar.id}: week.${weekday}[${index}] is not a valid 'HH:MM' interval`);
      }
      return compiled;
    });
    intervals.sort((a, b) => a.start - b.start);
    open ||= intervals.length > 0;
    week.push(intervals);
  }
  return { zone: zoneState(calendar.timeZone), week, holidays: calendar.holidays ?? [], open };
}

/** UTC spans of the intervals starting on local day `dayIndex`, in ascending order. */
function daySpans(cal: CompiledCalendar, dayIndex: number, out: Span[]): void {
  const intervals = cal.week[isoWeekdayOfDays(dayIndex)];
  if (intervals.length === 0) return;
  if (cal.holidays.length > 0 && holidayName(civilFromDays(dayIndex), cal.holidays) !== null) return;
  const midnight = dayIndex * DAY_MS;
  for (const interval of intervals) {
    const start = wallToUtc(cal.zone, midnight + interval.start * MINUTE_MS);
    const end = wallToUtc(cal.zone, midnight + interval.end * MINUTE_MS);
    // An interval lying wholly inside a DST gap collapses to nothing.
    if (end > start) out.push({ start, end });
  }
}

/** Visits disjoint working spans from `fromMs` on, in order; touching spans stay separate so 24×7 scans progress. */
function scanWorkingSpans(
  cal: CompiledCalendar,
  calendarId: string,
  fromMs: number,
  untilMs: number,
  visit: (start: number, end: number) => boolean,
): void {
  const bounded = untilMs !== UNBOUNDED;
  if (!cal.open) {
    if (bounded) return;
    throw new RangeError(`calendar ${calendarId} has no working intervals`);
  }
  // Start a day early: an interval from the previous local day may run past midnight into fromMs.
  let dayIndex = floor((fromMs + offsetAt(cal.zone, fromMs)) / DAY_MS) - 1;
  let covered = fromMs;
  let idleDays = 0;
  const spans: Span[] = [];
  for (;;) {
    if (bounded && wallToUtc(cal.zone, dayIndex * DAY_MS) >= untilMs) return;
    spans.length = 0;
    daySpans(cal, dayIndex, spans);
    let visited = false;
    for (const span of spans) {
      const start = max(span.start, covered);
      if (span.end <= start) continue;
      covered = span.end;
      visited = true;
      if (!visit(start, span.end)) return;
    }
    if (visited) idleDays = 0;
    else if (++idleDays > MAX_IDLE_DAYS && !bounded) {
      throw new RangeError(`calendar ${calendarId} has no working time within ${MAX_IDLE_DAYS} days`);
    }
    dayIndex++;
  }
}

/** Instant when `durationMs` of working time has elapsed from `start`; a deadline on an interval end stays there. */
export function addWorkingTime(start: Date, durationMs: number, calendar: Calendar): Date {
  const from = instantMs(start, 'start');
  if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a non-negative integer, got ${durationMs}`);
  }
  if (durationMs === 0) return new Date(from);
  let remaining = durationMs;
  let deadline = Number.NaN;
  scanWorkingSpans(compile(calendar), calendar.id, from, UNBOUNDED, (spanStart, spanEnd) => {
    const available = spanEnd - spanStart;
    if (remaining <= available) {
      deadline = spanStart + remaining;
      return false;
    }
    remaining -= available;
    return true;
  });
  return new Date(deadline);
}

/** Working milliseconds in [a, b); 0 when b <= a. */
export function workingTimeBetween(a: Date, b: Date, calendar: Calendar): number {
  const from = instantMs(a, 'a');
  const until = instantMs(b, 'b');
  if (until <= from) return 0;
  let total = 0;
  scanWorkingSpans(compile(calendar), calendar.id, from, until, (spanStart, spanEnd) => {
    if (spanStart >= until) return false;
    total += min(spanEnd, until) - spanStart;
    return spanEnd < until;
  });
  return total;
}

/** True when `at` lies inside a working interval (start inclusive, end exclusive). */
export function isWorkingTime(at: Date, calendar: Calendar): boolean {
  const t = instantMs(at, 'at');
  let working = false;
  scanWorkingSpans(compile(calendar), calendar.id, t, t + 1, (spanStart) => {
    working = spanStart === t;
    return false;
  });
  return working;
}

/** `at` itself when inside working time, otherwise the start of the next working interval. */
export function nextWorkingInstant(at: Date, calendar: Calendar): Date {
  const t = instantMs(at, 'at');
  let next = Number.NaN;
  scanWorkingSpans(compile(calendar), calendar.id, t, UNBOUNDED, (spanStart) => {
    next = spanStart;
    return false;
  });
  return new Date(next);
}

/** Working intervals within [a, b) as UTC instants, clipped to [a, b), touching intervals merged. */
export function workingIntervalsBetween(a: Date, b: Date, calendar: Calendar): Array<{ start: Date; end: Date }> {
  const from = instantMs(a, 'a');
  const until = instantMs(b, 'b');
  const merged: Span[] = [];
  if (until <= from) return [];
  scanWorkingSpans(compile(calendar), calendar.id, from, until, (spanStart, spanEnd) => {
    if (spanStart >= until) return false;
    const end = min(spanEnd, until);
    const last = merged[merged.length - 1];
    if (last && last.end === spanStart) last.end = end;
    else merged.push({ start: spanStart, end });
    return spanEnd < until;
  });
  return merged.map((span) => ({ start: new Date(span.start), end: new Date(span.end) }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimeZone(value: string): boolean {
  try {
    zoneState(value);
    return true;
  } catch {
    return false;
  }
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function formatMinutes(minutes: number): string {
  const wrapped = minutes % MINUTES_PER_DAY === 0 && minutes > 0 ? MINUTES_PER_DAY : minutes % MINUTES_PER_DAY;
  return `${String(floor(wrapped / 60)).padStart(2, '0')}:${String(wrapped % 60).padStart(2, '0')}`;
}

/** Structural and semantic validation; every error names the offending field path. */
export function validateCalendar(cal: unknown): CalendarValidation {
  const errors: Array<{ path: string; message: string }> = [];
  const fail = (path: string, message: string): void => {
    errors.push({ path, message });
  };
  if (!isRecord(cal)) return { ok: false, errors: [{ path: '', message: 'calendar must be an object' }] };

  if (typeof cal.id !== 'string' || cal.id.trim() === '') fail('id', 'must be a non-empty string');
  if (typeof cal.name !== 'string' || cal.name.trim() === '') fail('name', 'must be a non-empty string');
  if (typeof cal.timeZone !== 'string' || cal.timeZone === '') {
    fail('timeZone', 'must be an IANA time zone name such as Europe/Bratislava');
  } else if (!isTimeZone(cal.timeZone)) {
    fail('timeZone', `${quote(cal.timeZone)} is not a time zone known to Intl (expected an IANA name)`);
  }

  validateWeek(cal.week, fail);
  validateHolidays(cal.holidays, fail);

  return errors.length === 0 ? { ok: true, calendar: cal as unknown as Calendar } : { ok: false, errors };
}

function validateWeek(week: unknown, fail: (path: string, message: string) => void): void {
  if (!isRecord(week)) {
    fail('week', 'must be an object keyed by ISO weekday 1 (Monday) … 7 (Sunday)');
    return;
  }
  const parsed = new Map<IsoWeekday, Array<CompiledInterval & { index: number }>>();
  let anyInterval = false;
  for (const key of Object.keys(week)) {
    if (!/^[1-7]$/.test(key)) {
      fail(`week.${key}`, 'unknown weekday key; use 1 (Monday) … 7 (Sunday)');
      continue;
    }
    const weekday = Number(key) as IsoWeekday;
    const list = week[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      fail(`week.${key}`, 'must be an array of { start, end } intervals');
      continue;
    }
    anyInterval ||= list.length > 0;
    const intervals: Array<CompiledInterval & { index: number }> = [];
    list.forEach((item: unknown, index) => {
      const path = `week.${key}[${index}]`;
      if (!isRecord(item)) {
        fail(path, 'must be an object { start, end }');
        return;
      }
      const start = parseWallTime(item.start, false);
      const end = parseWallTime(item.end, true);
      if (start === null) fail(`${path}.start`, `${quote(item.start)} is not a wall time 'HH:MM' between 00:00 and 23:59`);
      if (end === null) fail(`${path}.end`, `${quote(item.end)} is not a wall time 'HH:MM' between 00:00 and 24:00`);
      if (start !== null && end !== null) {
        intervals.push({ start, end: end <= start ? end + MINUTES_PER_DAY : end, index });
      }
    });
    intervals.sort((a, b) => a.start - b.start);
    let reach: (CompiledInterval & { index: number }) | undefined;
    for (const interval of intervals) {
      if (reach && interval.start < reach.end) {
        fail(
          `week.${key}[${interval.index}]`,
          `overlaps week.${key}[${reach.index}] (${formatMinutes(reach.start)}–${formatMinutes(reach.end)})`,
        );
      }
      if (!reach || interval.end > reach.end) reach = interval;
    }
    parsed.set(weekday, intervals);
  }

  for (const weekday of WEEKDAYS) {
    const intervals = parsed.get(weekday) ?? [];
    const nextWeekday = ((weekday % 7) + 1) as IsoWeekday;
    for (const overnight of intervals) {
      if (overnight.end <= MINUTES_PER_DAY) continue;
      for (const next of parsed.get(nextWeekday) ?? []) {
        if (next.start < overnight.end - MINUTES_PER_DAY) {
          fail(
            `week.${nextWeekday}[${next.index}]`,
            `overlaps week.${weekday}[${overnight.index}] (${formatMinutes(overnight.start)}–${formatMinutes(overnight.end)}), which runs past midnight`,
          );
        }
      }
    }
  }
  if (!anyInterval) fail('week', 'has no working intervals; at least one weekday must be open');
}

function validateYearField(
  rule: Record<string, unknown>,
  field: 'fromYear' | 'toYear',
  path: string,
  fail: (path: string, message: string) => void,
): void {
  const value = rule[field];
  if (value !== undefined && !Number.isInteger(value)) fail(`${path}.${field}`, `${quote(value)} is not an integer year`);
}

function validateHolidays(holidays: unknown, fail: (path: string, message: string) => void): void {
  if (!Array.isArray(holidays)) {
    fail('holidays', 'must be an array of holiday rules');
    return;
  }
  holidays.forEach((rule: unknown, index) => {
    const path = `holidays[${index}]`;
    if (!isRecord(rule)) {
      fail(path, 'must be an object');
      return;
    }
    if (typeof rule.name !== 'string' || rule.name.trim() === '') fail(`${path}.name`, 'must be a non-empty string');
    switch (rule.kind) {
      case 'fixed':
        if (typeof rule.date !== 'string' || parseLocalDate(rule.date) === null) {
          fail(`${path}.date`, `${quote(rule.date)} is not a valid calendar date 'YYYY-MM-DD'`);
        }
        return;
      case 'yearly': {
        const monthOk = Number.isInteger(rule.month) && (rule.month as number) >= 1 && (rule.month as number) <= 12;
        if (!monthOk) fail(`${path}.month`, `${quote(rule.month)} is not a month 1–12`);
        // Leap year so that 29 February is accepted; it then applies in leap years only.
        const maxDay = monthOk ? daysInMonth(2000, rule.month as number) : 31;
        if (!Number.isInteger(rule.day) || (rule.day as number) < 1 || (rule.day as number) > maxDay) {
          fail(`${path}.day`, `${quote(rule.day)} is not a day 1–${maxDay} of that month`);
        }
        break;
      }
      case 'easter':
        if (!Number.isInteger(rule.offsetDays)) {
          fail(`${path}.offsetDays`, `${quote(rule.offsetDays)} is not an integer number of days from Easter Sunday`);
        }
        break;
      default:
        fail(`${path}.kind`, `${quote(rule.kind)} is not one of 'fixed', 'yearly', 'easter'`);
        return;
    }
    validateYearField(rule, 'fromYear', path, fail);
    validateYearField(rule, 'toYear', path, fail);
    if (
      Number.isInteger(rule.fromYear) &&
      Number.isInteger(rule.toYear) &&
      (rule.fromYear as number) > (rule.toYear as number)
    ) {
      fail(`${path}.toYear`, `must not be before fromYear (${String(rule.fromYear)})`);
    }
    if (rule.suspendedYears !== undefined) {
      if (!Array.isArray(rule.suspendedYears)) {
        fail(`${path}.suspendedYears`, 'must be an array of integer years');
      } else {
        rule.suspendedYears.forEach((year: unknown, yearIndex) => {
          if (!Number.isInteger(year)) fail(`${path}.suspendedYears[${yearIndex}]`, `${quote(year)} is not an integer year`);
        });
      }
    }
  });
}
