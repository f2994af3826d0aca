import {
  addWorkingTime,
  type Calendar,
  isWorkingTime,
  localDateTime,
  localToInstant,
  nextWorkingInstant,
  validateCalendar,
  workingIntervalsBetween,
  workingTimeBetween,
} from '../../domain/calendar';
import { always247, businessSk, SEEDED_CALENDARS } from '../../domain/calendars';

const MIN = 60_000;
const H = 3_600_000;
const at = (iso: string): Date => new Date(iso);
const expectInstant = (actual: Date, expectedIso: string): void => {
  expect(actual.toISOString()).toBe(new Date(expectedIso).toISOString());
};

const bratislava247: Calendar = { ...always247, id: '24x7-bratislava', timeZone: 'Europe/Bratislava' };
const split: Calendar = {
  id: 'split',
  name: 'Split shift',
  timeZone: 'Europe/Bratislava',
  week: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [d, [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }]]),
  ),
  holidays: [],
};
const night: Calendar = {
  id: 'night',
  name: 'Night shift',
  timeZone: 'Europe/Bratislava',
  week: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [{ start: '22:00', end: '06:00' }]])),
  holidays: [],
};

describe('addWorkingTime on business-sk', () => {
  test('Friday 16:00 + 4 bh → Monday 11:00', () => {
    expectInstant(addWorkingTime(at('2026-02-06T16:00:00+01:00'), 4 * H, businessSk), '2026-02-09T11:00:00+01:00');
  });

  test('a start on Saturday counts from Monday 08:00', () => {
    expectInstant(addWorkingTime(at('2026-02-07T10:00:00+01:00'), 1 * H, businessSk), '2026-02-09T09:00:00+01:00');
  });

  test('a start at 06:00 counts from 08:00 the same day', () => {
    expectInstant(addWorkingTime(at('2026-02-10T06:00:00+01:00'), 2 * H, businessSk), '2026-02-10T10:00:00+01:00');
  });

  test('a start at 18:00 counts from 08:00 the next day', () => {
    expectInstant(addWorkingTime(at('2026-02-10T18:00:00+01:00'), 2 * H, businessSk), '2026-02-11T10:00:00+01:00');
  });

  test('a start exactly at 17:00 is outside working time', () => {
    expectInstant(addWorkingTime(at('2026-02-06T17:00:00+01:00'), 1 * H, businessSk), '2026-02-09T09:00:00+01:00');
  });

  test('a deadline landing exactly at 17:00 stays at 17:00', () => {
    expectInstant(addWorkingTime(at('2026-02-06T16:00:00+01:00'), 1 * H, businessSk), '2026-02-06T17:00:00+01:00');
  });

  test('a full working day from 08:00 ends at 17:00 the same day', () => {
    expectInstant(addWorkingTime(at('2026-02-09T08:00:00+01:00'), 9 * H, businessSk), '2026-02-09T17:00:00+01:00');
  });

  test('a start exactly at 08:00 counts immediately, to the minute', () => {
    expectInstant(addWorkingTime(at('2026-02-09T08:00:00+01:00'), 30 * MIN, businessSk), '2026-02-09T08:30:00+01:00');
  });

  test('Good Friday and Easter Monday 2026 are skipped: Thu 16:00 + 2 bh → Tue 09:00', () => {
    expectInstant(addWorkingTime(at('2026-04-02T16:00:00+02:00'), 2 * H, businessSk), '2026-04-07T09:00:00+02:00');
  });

  test('a holiday on a Monday (Easter Monday 2026) is skipped from a weekend start', () => {
    expectInstant(addWorkingTime(at('2026-04-04T10:00:00+02:00'), 1 * H, businessSk), '2026-04-07T09:00:00+02:00');
  });

  test('8 May 2025 is a holiday, 8 May 2026 a working day', () => {
    expectInstant(addWorkingTime(at('2025-05-07T16:00:00+02:00'), 2 * H, businessSk), '2025-05-09T09:00:00+02:00');
    expectInstant(addWorkingTime(at('2026-05-07T16:00:00+02:00'), 2 * H, businessSk), '2026-05-08T09:00:00+02:00');
  });

  test('17 Nov 2023 (Friday) is a holiday, 17 Nov 2025 (Monday) a working day', () => {
    expectInstant(addWorkingTime(at('2023-11-16T16:00:00+01:00'), 2 * H, businessSk), '2023-11-20T09:00:00+01:00');
    expectInstant(addWorkingTime(at('2025-11-14T16:00:00+01:00'), 2 * H, businessSk), '2025-11-17T09:00:00+01:00');
  });

  test('zero duration returns start unchanged, inside or outside working time', () => {
    expectInstant(addWorkingTime(at('2026-02-09T10:15:00+01:00'), 0, businessSk), '2026-02-09T10:15:00+01:00');
    expectInstant(addWorkingTime(at('2026-02-07T10:15:00+01:00'), 0, businessSk), '2026-02-07T10:15:00+01:00');
    expectInstant(addWorkingTime(at('2026-02-06T17:00:00+01:00'), 0, businessSk), '2026-02-06T17:00:00+01:00');
  });

  test('a negative, fractional or non-finite duration throws RangeError', () => {
    const start = at('2026-02-09T10:00:00+01:00');
    expect(() => addWorkingTime(start, -1, businessSk)).toThrow(RangeError);
    expect(() => addWorkingTime(start, 1.5, businessSk)).toThrow(RangeError);
    expect(() => addWorkingTime(start, Number.NaN, businessSk)).toThrow(RangeError);
    expect(() => addWorkingTime(start, Number.POSITIVE_INFINITY, businessSk)).toThrow(RangeError);
  });

  test('an invalid Date throws RangeError', () => {
    expect(() => addWorkingTime(new Date(Number.NaN), H, businessSk)).toThrow(RangeError);
  });

  test('90 bh (10 business days) across Christmas and New Year 2026/27 → Thu 2027-01-07 17:00', () => {
    // Working days: Dec 21–23, Dec 28–31, Jan 4–5, Jan 7 (24–26 Dec, 1 Jan and 6 Jan are days of rest).
    expectInstant(addWorkingTime(at('2026-12-21T08:00:00+01:00'), 90 * H, businessSk), '2027-01-07T17:00:00+01:00');
  });

  test('spring-forward weekend: Fri 2026-03-27 16:00 + 2 bh → Mon 09:00 CEST', () => {
    expectInstant(addWorkingTime(at('2026-03-27T16:00:00+01:00'), 2 * H, businessSk), '2026-03-30T09:00:00+02:00');
  });

  test('fall-back weekend: Fri 2026-10-23 16:00 + 2 bh → Mon 09:00 CET', () => {
    expectInstant(addWorkingTime(at('2026-10-23T16:00:00+02:00'), 2 * H, businessSk), '2026-10-26T09:00:00+01:00');
  });

  test('a calendar without any working interval cannot add time', () => {
    const closed: Calendar = { ...businessSk, id: 'closed', week: {} };
    expect(() => addWorkingTime(at('2026-02-09T10:00:00+01:00'), H, closed)).toThrow(RangeError);
    expect(workingTimeBetween(at('2026-02-01T00:00:00Z'), at('2026-03-01T00:00:00Z'), closed)).toBe(0);
  });
});

describe('24×7 calendar in Europe/Bratislava counts elapsed time across DST', () => {
  test('+24 h across spring-forward lands at Sun 13:00 CEST', () => {
    expectInstant(addWorkingTime(at('2026-03-28T12:00:00+01:00'), 24 * H, bratislava247), '2026-03-29T13:00:00+02:00');
  });

  test('+48 h across spring-forward lands at Mon 13:00 CEST', () => {
    expectInstant(addWorkingTime(at('2026-03-28T12:00:00+01:00'), 48 * H, bratislava247), '2026-03-30T13:00:00+02:00');
  });

  test('+24 h across fall-back lands at Sun 11:00 CET', () => {
    expectInstant(addWorkingTime(at('2026-10-24T12:00:00+02:00'), 24 * H, bratislava247), '2026-10-25T11:00:00+01:00');
  });

  test('+48 h across fall-back lands at Mon 11:00 CET', () => {
    expectInstant(addWorkingTime(at('2026-10-24T12:00:00+02:00'), 48 * H, bratislava247), '2026-10-26T11:00:00+01:00');
  });

  test('the spring-forward day has 23 working hours', () => {
    expect(workingTimeBetween(at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'), bratislava247)).toBe(23 * H);
  });

  test('the fall-back day has 25 working hours', () => {
    expect(workingTimeBetween(at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00'), bratislava247)).toBe(25 * H);
  });

  test('one hour from inside the repeated hour ends at the same wall time in CET', () => {
    expectInstant(addWorkingTime(at('2026-10-25T02:30:00+02:00'), 1 * H, bratislava247), '2026-10-25T02:30:00+01:00');
  });

  test('working intervals across both switch days merge into one contiguous interval', () => {
    const intervals = workingIntervalsBetween(at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z'), bratislava247);
    expect(intervals.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-03-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
    ]);
  });

  test('the seeded UTC 24×7 calendar is plain elapsed time', () => {
    expectInstant(addWorkingTime(at('2026-02-28T23:30:00Z'), 36 * H + 7, always247), '2026-03-02T11:30:00.007Z');
    expect(workingTimeBetween(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), always247)).toBe(365 * 24 * H);
  });
});

describe('two working intervals per day (08:00–12:00, 13:00–17:00)', () => {
  test('11:00 + 2 h → 14:00, skipping lunch', () => {
    expectInstant(addWorkingTime(at('2026-02-11T11:00:00+01:00'), 2 * H, split), '2026-02-11T14:00:00+01:00');
  });

  test('a start in the lunch gap counts from 13:00', () => {
    expectInstant(addWorkingTime(at('2026-02-11T12:30:00+01:00'), 1 * H, split), '2026-02-11T14:00:00+01:00');
    expect(isWorkingTime(at('2026-02-11T12:30:00+01:00'), split)).toBe(false);
    expectInstant(nextWorkingInstant(at('2026-02-11T12:30:00+01:00'), split), '2026-02-11T13:00:00+01:00');
  });

  test('a deadline landing at 12:00 stays at 12:00', () => {
    expectInstant(addWorkingTime(at('2026-02-11T11:00:00+01:00'), 1 * H, split), '2026-02-11T12:00:00+01:00');
  });

  test('a day holds 8 working hours in two intervals', () => {
    const a = at('2026-02-11T00:00:00+01:00');
    const b = at('2026-02-12T00:00:00+01:00');
    expect(workingTimeBetween(a, b, split)).toBe(8 * H);
    expect(workingIntervalsBetween(a, b, split).map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-02-11T07:00:00.000Z', '2026-02-11T11:00:00.000Z'],
      ['2026-02-11T12:00:00.000Z', '2026-02-11T16:00:00.000Z'],
    ]);
  });
});

describe('an interval spanning midnight (Mon–Fri 22:00–06:00)', () => {
  test('Friday night runs into Saturday morning', () => {
    expectInstant(addWorkingTime(at('2026-02-06T23:00:00+01:00'), 5 * H, night), '2026-02-07T04:00:00+01:00');
  });

  test('after Friday night the next shift is Monday 22:00', () => {
    expectInstant(addWorkingTime(at('2026-02-06T23:00:00+01:00'), 8 * H, night), '2026-02-09T23:00:00+01:00');
  });

  test('early hours belong to the weekday the interval started on', () => {
    expect(isWorkingTime(at('2026-02-07T03:00:00+01:00'), night)).toBe(true); // Friday's shift
    expect(isWorkingTime(at('2026-02-09T03:00:00+01:00'), night)).toBe(false); // Sunday is closed
    expect(isWorkingTime(at('2026-02-10T03:00:00+01:00'), night)).toBe(true); // Monday's shift
  });

  test('a holiday removes the shift that starts on it, including its hours after midnight', () => {
    const withHoliday: Calendar = { ...night, holidays: [{ kind: 'fixed', date: '2026-02-09', name: 'Closed' }] };
    expectInstant(addWorkingTime(at('2026-02-09T21:00:00+01:00'), 1 * H, withHoliday), '2026-02-10T23:00:00+01:00');
    expect(isWorkingTime(at('2026-02-10T03:00:00+01:00'), withHoliday)).toBe(false);
  });

  test('a week holds five 8-hour night shifts', () => {
    expect(workingTimeBetween(at('2026-02-09T00:00:00+01:00'), at('2026-02-16T00:00:00+01:00'), night)).toBe(40 * H);
  });
});

describe('workingTimeBetween on business-sk', () => {
  test('a whole normal week is 45 h', () => {
    expect(workingTimeBetween(at('2026-02-09T00:00:00+01:00'), at('2026-02-16T00:00:00+01:00'), businessSk)).toBe(45 * H);
  });

  test('the week starting on Easter Monday 2026 is 36 h', () => {
    expect(workingTimeBetween(at('2026-04-06T00:00:00+02:00'), at('2026-04-13T00:00:00+02:00'), businessSk)).toBe(36 * H);
  });

  test('Christmas week 2026 holds only Mon–Wed', () => {
    expect(workingTimeBetween(at('2026-12-21T00:00:00+01:00'), at('2026-12-28T00:00:00+01:00'), businessSk)).toBe(27 * H);
  });

  test('b before a, or equal, gives 0', () => {
    expect(workingTimeBetween(at('2026-02-10T12:00:00+01:00'), at('2026-02-09T12:00:00+01:00'), businessSk)).toBe(0);
    expect(workingTimeBetween(at('2026-02-10T12:00:00+01:00'), at('2026-02-10T12:00:00+01:00'), businessSk)).toBe(0);
  });

  test('both ends outside working hours count only the days between', () => {
    expect(workingTimeBetween(at('2026-02-07T10:00:00+01:00'), at('2026-02-10T07:00:00+01:00'), businessSk)).toBe(9 * H);
  });

  test('partial hours inside one day', () => {
    expect(workingTimeBetween(at('2026-02-09T10:30:00+01:00'), at('2026-02-09T15:15:00+01:00'), businessSk)).toBe(
      4 * H + 45 * MIN,
    );
  });

  test('the whole of 2026 has 254 working days of 9 h', () => {
    expect(workingTimeBetween(at('2026-01-01T00:00:00+01:00'), at('2027-01-01T00:00:00+01:00'), businessSk)).toBe(
      254 * 9 * H,
    );
  });
});

describe('isWorkingTime, nextWorkingInstant, workingIntervalsBetween', () => {
  test('interval start is inclusive, end exclusive', () => {
    expect(isWorkingTime(at('2026-02-09T08:00:00+01:00'), businessSk)).toBe(true);
    expect(isWorkingTime(at('2026-02-09T16:59:59.999+01:00'), businessSk)).toBe(true);
    expect(isWorkingTime(at('2026-02-09T17:00:00+01:00'), businessSk)).toBe(false);
    expect(isWorkingTime(at('2026-02-09T07:59:59.999+01:00'), businessSk)).toBe(false);
  });

  test('weekends and holidays are not working time', () => {
    expect(isWorkingTime(at('2026-02-07T10:00:00+01:00'), businessSk)).toBe(false);
    expect(isWorkingTime(at('2026-04-03T10:00:00+02:00'), businessSk)).toBe(false);
  });

  test('nextWorkingInstant returns at itself inside working time, else the next interval start', () => {
    expectInstant(nextWorkingInstant(at('2026-02-09T10:15:00+01:00'), businessSk), '2026-02-09T10:15:00+01:00');
    expectInstant(nextWorkingInstant(at('2026-02-06T17:00:00+01:00'), businessSk), '2026-02-09T08:00:00+01:00');
    expectInstant(nextWorkingInstant(at('2026-04-02T17:00:00+02:00'), businessSk), '2026-04-07T08:00:00+02:00');
  });

  test('workingIntervalsBetween clips to [a, b) and follows the zone offset across DST', () => {
    const intervals = workingIntervalsBetween(at('2026-03-27T12:00:00+01:00'), at('2026-03-30T10:00:00+02:00'), businessSk);
    expect(intervals.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-03-27T11:00:00.000Z', '2026-03-27T16:00:00.000Z'],
      ['2026-03-30T06:00:00.000Z', '2026-03-30T08:00:00.000Z'],
    ]);
    expect(workingIntervalsBetween(at('2026-03-30T10:00:00+02:00'), at('2026-03-27T12:00:00+01:00'), businessSk)).toEqual([]);
  });
});

describe('local wall time ↔ UTC', () => {
  test('a nonexistent wall time maps forward to the instant the clock jumps', () => {
    expectInstant(localToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Bratislava'), '2026-03-29T03:00:00+02:00');
  });

  test('an ambiguous wall time takes the first (summer-time) occurrence', () => {
    expectInstant(localToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Bratislava'), '2026-10-25T02:30:00+02:00');
  });

  test('an interval overlapping the DST switch is shortened or lengthened accordingly', () => {
    const sundayNight: Calendar = { ...bratislava247, id: 'sun', week: { 7: [{ start: '02:00', end: '04:00' }] } };
    expect(workingTimeBetween(at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'), sundayNight)).toBe(1 * H);
    expect(workingTimeBetween(at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00'), sundayNight)).toBe(3 * H);
    expect(workingTimeBetween(at('2026-10-18T00:00:00+02:00'), at('2026-10-19T00:00:00+02:00'), sundayNight)).toBe(2 * H);
  });

  test('localDateTime reads the wall clock of an instant', () => {
    expect(localDateTime(at('2026-10-25T01:30:00Z'), 'Europe/Bratislava')).toEqual({
      year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0, millisecond: 0, weekday: 7,
    });
    expect(localDateTime(at('2026-02-06T23:59:59.250Z'), 'Asia/Kolkata')).toMatchObject({ day: 7, hour: 5, minute: 29, weekday: 6 });
  });
});

describe('validateCalendar', () => {
  test('the seeded calendars are valid', () => {
    for (const calendar of SEEDED_CALENDARS) expect(validateCalendar(calendar)).toEqual({ ok: true, calendar });
  });

  const withWeek = (week: unknown): unknown => ({ ...businessSk, week });

  test('an unknown time zone is reported at timeZone', () => {
    const result = validateCalendar({ ...businessSk, timeZone: 'Europe/Atlantis' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ path: 'timeZone', message: expect.stringContaining('Europe/Atlantis') }]);
  });

  test('a malformed HH:MM is reported at its field path', () => {
    const result = validateCalendar(withWeek({ 1: [{ start: '08:00', end: '17:60' }], 2: [{ start: '24:00', end: '24:00' }] }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toEqual(['week.1[0].end', 'week.2[0].start']);
      expect(result.errors[0].message).toContain('17:60');
    }
  });

  test('overlapping intervals within one weekday are reported', () => {
    const result = validateCalendar(withWeek({ 1: [{ start: '13:00', end: '17:00' }, { start: '08:00', end: '13:30' }] }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ path: 'week.1[0]', message: 'overlaps week.1[1] (08:00–13:30)' }]);
  });

  test('an overnight interval overlapping the next weekday is reported; touching is fine', () => {
    const bad = validateCalendar(withWeek({ 7: [{ start: '22:00', end: '06:00' }], 1: [{ start: '05:00', end: '09:00' }] }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toEqual(['week.1[0]']);
    expect(validateCalendar(withWeek({ 7: [{ start: '22:00', end: '06:00' }], 1: [{ start: '06:00', end: '09:00' }] })).ok).toBe(true);
  });

  test('invalid holiday rules are reported with their paths', () => {
    const result = validateCalendar({
      ...businessSk,
      holidays: [
        { kind: 'yearly', month: 13, day: 1, name: 'A' },
        { kind: 'yearly', month: 2, day: 30, name: 'B' },
        { kind: 'fixed', date: '2026-02-29', name: 'C' },
        { kind: 'easter', offsetDays: 1, name: 'D', fromYear: 2030, toYear: 2020 },
        { kind: 'weekly', name: 'E' },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toEqual([
        'holidays[0].month',
        'holidays[1].day',
        'holidays[2].date',
        'holidays[3].toYear',
        'holidays[4].kind',
      ]);
    }
  });

  test('non-objects and missing fields are rejected', () => {
    expect(validateCalendar(null)).toEqual({ ok: false, errors: [{ path: '', message: 'calendar must be an object' }] });
    const result = validateCalendar({ id: 'x', name: 'X', timeZone: 'UTC', week: {}, holidays: 'none' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['week', 'holidays']);
  });
});

describe('working intervals are strict HH:MM wall times', () => {
  const oneDay = (start: string, end: string): Calendar => ({
    id: 'one-day',
    name: 'One interval on Mondays',
    timeZone: 'UTC',
    week: { 1: [{ start, end }] },
    holidays: [],
  });
  // Monday 2026-02-09, UTC: the working time of that one day.
  const mondayHours = (start: string, end: string): number =>
    workingTimeBetween(at('2026-02-09T00:00:00Z'), at('2026-02-11T00:00:00Z'), oneDay(start, end)) / H;

  test.each([
    ['00:00', '24:00', 24],
    ['08:00', '23:59', 15 + 59 / 60],
    ['08:00', '12:59', 4 + 59 / 60],
    ['23:30', '24:00', 0.5],
    ['09:59', '10:00', 1 / 60],
    ['22:00', '06:00', 8],
    ['08:00', '08:00', 24],
  ])('%s–%s is a working interval of %d h (an end at or before the start runs into the next day)', (start, end, hours) => {
    expect(validateCalendar(oneDay(start, end)).ok).toBe(true);
    expect(mondayHours(start, end)).toBeCloseTo(hours, 10);
  });

  test.each([
    ['24:00', '08:00', 'start', 'a start at 24:00 (the end of the day)'],
    ['08:00', '24:30', 'end', 'no minutes after 24:00'],
    ['08:00', '25:00', 'end', 'hour 25'],
    ['08:00', '17:60', 'end', 'minute 60'],
    ['8:00', '17:00', 'start', 'a single-digit hour'],
    ['08:00', '17:000', 'end', 'six characters'],
    ['08-00', '17:00', 'start', 'no colon'],
    ['0a:00', '17:00', 'start', 'a letter'],
    ['08:00', '17:0/', 'end', 'a character just below the digits'],
    ['08:00', '17::0', 'end', 'a character just above the digits'],
  ])('%s–%s is refused at its %s: %s', (start, end, field) => {
    const result = validateCalendar(oneDay(start, end));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual([`week.1[0].${field}`]);
    expect(() => addWorkingTime(at('2026-02-09T08:00:00Z'), H, oneDay(start, end))).toThrow(RangeError);
  });

  test('an interval that is not text is refused, with its value in the message', () => {
    const result = validateCalendar({ ...oneDay('08:00', '17:00'), week: { 1: [{ start: 800, end: '17:00' }] } });
    expect(result).toEqual({ ok: false, errors: [{ path: 'week.1[0].start', message: "800 is not a wall time 'HH:MM' between 00:00 and 23:59" }] });
  });
});

describe('a calendar whose holidays block every open day', () => {
  // Every day of the year a holiday: the searches give up after ten idle years instead of hanging.
  const everyDay = Array.from({ length: 12 }, (_, m) => Array.from({ length: 31 }, (_, d) => ({ kind: 'yearly' as const, month: m + 1, day: d + 1, name: 'Closed' }))).flat();
  const closed: Calendar = { ...businessSk, id: 'always-closed', holidays: everyDay };

  test('adding working time to it fails, naming the calendar and the ten-year limit', () => {
    expect(() => addWorkingTime(at('2026-02-09T08:00:00+01:00'), H, closed)).toThrow(
      new RangeError('calendar always-closed has no working time within 3660 days'),
    );
    expect(() => nextWorkingInstant(at('2026-02-09T08:00:00+01:00'), closed)).toThrow(RangeError);
  });

  test('measuring a bounded span of it finds no working time, and does not fail', () => {
    expect(workingTimeBetween(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), closed)).toBe(0);
    expect(isWorkingTime(at('2026-02-09T10:00:00+01:00'), closed)).toBe(false);
    expect(workingIntervalsBetween(at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'), closed)).toEqual([]);
  });

  test('a calendar without any interval fails unbounded searches at once, naming the calendar', () => {
    const none: Calendar = { ...businessSk, id: 'no-hours', week: {} };
    expect(() => nextWorkingInstant(at('2026-02-09T08:00:00Z'), none)).toThrow(new RangeError('calendar no-hours has no working intervals'));
    expect(workingTimeBetween(at('2026-02-09T00:00:00Z'), at('2026-02-16T00:00:00Z'), none)).toBe(0);
  });

  test('a working day after a long idle stretch is still found', () => {
    // Open only on 29 February: the next one after March 2026 is in 2028.
    const leapDayOnly: Calendar = { ...always247, id: 'leap-day', holidays: everyDay.filter((r) => !(r.month === 2 && r.day === 29)) };
    expectInstant(nextWorkingInstant(at('2026-03-01T00:00:00Z'), leapDayOnly), '2028-02-29T00:00:00Z');
  });
});
