// Holiday rules and proleptic-Gregorian date arithmetic. Pure and sandbox-safe (no Date, no I/O).
/** ISO weekday: 1 = Monday … 7 = Sunday */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type HolidayRule =
  | { kind: 'fixed'; date: string /* YYYY-MM-DD */; name: string }
  | {
      kind: 'yearly';
      month: number;
      day: number;
      name: string;
      fromYear?: number;
      toYear?: number;
      suspendedYears?: number[];
    }
  | {
      kind: 'easter';
      offsetDays: number /* -2 Good Friday, +1 Easter Monday */;
      name: string;
      fromYear?: number;
      toYear?: number;
      suspendedYears?: number[];
    };

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Global lookups are slow inside vm sandboxes (Temporal workflows, jest), so hot paths use module aliases.
const { floor } = Math;
const { isInteger } = Number;

function floorDiv(a: number, b: number): number {
  return floor(a / b);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month - 1];
}

export function isValidLocalDate(year: number, month: number, day: number): boolean {
  return (
    isInteger(year) &&
    isInteger(month) &&
    isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Days since 1970-01-01 (day 0) for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Inverse of {@link daysFromCivil}. */
export function civilFromDays(days: number): LocalDate {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = floorDiv(
    dayOfEra - floorDiv(dayOfEra, 1460) + floorDiv(dayOfEra, 36524) - floorDiv(dayOfEra, 146096),
    365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100));
  const mp = floorDiv(5 * dayOfYear + 2, 153);
  const day = dayOfYear - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday of a day number from {@link daysFromCivil}; day 0 (1970-01-01) was a Thursday. */
export function isoWeekdayOfDays(days: number): IsoWeekday {
  return (mod(days + 3, 7) + 1) as IsoWeekday;
}

export function formatLocalDate(date: LocalDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Parses a strict `YYYY-MM-DD` string; null when malformed or not a real date. */
export function parseLocalDate(text: string): LocalDate | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return isValidLocalDate(year, month, day) ? { year, month, day } : null;
}

/** Gregorian Easter Sunday (anonymous Gregorian / Meeus–Jones–Butcher algorithm). */
export function easterSunday(year: number): { month: number; day: number } {
  if (!isInteger(year)) throw new RangeError(`year must be an integer, got ${year}`);
  const a = mod(year, 19);
  const b = floorDiv(year, 100);
  const c = mod(year, 100);
  const d = floorDiv(b, 4);
  const e = mod(b, 4);
  const f = floorDiv(b + 8, 25);
  const g = floorDiv(b - f + 1, 3);
  const h = mod(19 * a + b - d - g + 15, 30);
  const i = floorDiv(c, 4);
  const k = mod(c, 4);
  const l = mod(32 + 2 * e + 2 * i - h - k, 7);
  const m = floorDiv(a + 11 * h + 22 * l, 451);
  const n = h + l - 7 * m + 114;
  return { month: floorDiv(n, 31), day: mod(n, 31) + 1 };
}

function easterDays(year: number): number {
  const easter = easterSunday(year);
  return daysFromCivil(year, easter.month, easter.day);
}

type BoundedRule = Extract<HolidayRule, { kind: 'yearly' | 'easter' }>;

function appliesInYear(rule: BoundedRule, year: number): boolean {
  if (rule.fromYear !== undefined && year < rule.fromYear) return false;
  if (rule.toYear !== undefined && year > rule.toYear) return false;
  return !(rule.suspendedYears?.includes(year) ?? false);
}

/** Name of the first rule that makes `localDate` a holiday, or null. */
export function holidayName(localDate: LocalDate, rules: HolidayRule[]): string | null {
  const { year, month, day } = localDate;
  const dayNumber = daysFromCivil(year, month, day);
  let iso: string | undefined;
  for (const rule of rules) {
    switch (rule.kind) {
      case 'fixed':
        iso ??= formatLocalDate(localDate);
        if (rule.date === iso) return rule.name;
        break;
      case 'yearly':
        if (rule.month === month && rule.day === day && appliesInYear(rule, year)) return rule.name;
        break;
      case 'easter': {
        // The rule's year is Easter's year, which differs from the date's year for large offsets.
        const easterYear = civilFromDays(dayNumber - rule.offsetDays).year;
        if (appliesInYear(rule, easterYear) && easterDays(easterYear) + rule.offsetDays === dayNumber) {
          return rule.name;
        }
        break;
      }
    }
  }
  return null;
}

/** All holidays falling in `year`, one entry per date (first matching rule names it), sorted by date. */
export function holidaysInYear(year: number, rules: HolidayRule[]): Array<{ date: string; name: string }> {
  const byDay = new Map<number, string>();
  const add = (dayNumber: number, name: string): void => {
    if (!byDay.has(dayNumber)) byDay.set(dayNumber, name);
  };
  const firstDay = daysFromCivil(year, 1, 1);
  const lastDay = daysFromCivil(year, 12, 31);
  for (const rule of rules) {
    switch (rule.kind) {
      case 'fixed': {
        const date = parseLocalDate(rule.date);
        if (date && date.year === year) add(daysFromCivil(date.year, date.month, date.day), rule.name);
        break;
      }
      case 'yearly':
        if (appliesInYear(rule, year) && isValidLocalDate(year, rule.month, rule.day)) {
          add(daysFromCivil(year, rule.month, rule.day), rule.name);
        }
        break;
      case 'easter': {
        const fromEasterYear = civilFromDays(firstDay - rule.offsetDays).year;
        const toEasterYear = civilFromDays(lastDay - rule.offsetDays).year;
        for (let easterYear = fromEasterYear; easterYear <= toEasterYear; easterYear++) {
          if (!appliesInYear(rule, easterYear)) continue;
          const dayNumber = easterDays(easterYear) + rule.offsetDays;
          if (dayNumber >= firstDay && dayNumber <= lastDay) add(dayNumber, rule.name);
        }
        break;
      }
    }
  }
  return [...byDay.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([dayNumber, name]) => ({ date: formatLocalDate(civilFromDays(dayNumber)), name }));
}
