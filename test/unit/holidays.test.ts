import { businessSk } from '../../domain/calendars';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  easterSunday,
  formatLocalDate,
  holidayName,
  holidaysInYear,
  isLeapYear,
  isoWeekdayOfDays,
  isValidLocalDate,
  parseLocalDate,
  type HolidayRule,
} from '../../domain/holidays';

const sk = businessSk.holidays;
const date = (iso: string): { year: number; month: number; day: number } => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year, month, day };
};

describe('easterSunday', () => {
  test.each([
    [2000, '2000-04-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter %i is %s', (year, expected) => {
    const { month, day } = date(expected);
    expect(easterSunday(year)).toEqual({ month, day });
  });

  test('a non-integer year throws RangeError', () => {
    expect(() => easterSunday(2026.5)).toThrow(RangeError);
  });
});

describe('Slovak days of rest (business-sk)', () => {
  test.each([
    ['2026-04-03', 'Good Friday'],
    ['2026-04-06', 'Easter Monday'],
    ['2027-03-26', 'Good Friday'],
    ['2027-03-29', 'Easter Monday'],
    ['2023-09-01', 'Constitution Day'],
    ['2023-11-17', 'Struggle for Freedom and Democracy Day'],
    ['2024-11-17', 'Struggle for Freedom and Democracy Day'],
    ['2025-05-08', 'Day of Victory over Fascism'],
    ['2027-05-08', 'Day of Victory over Fascism'],
    ['2025-09-15', 'Our Lady of Seven Sorrows'],
    ['2027-09-15', 'Our Lady of Seven Sorrows'],
    ['2026-01-06', 'Epiphany'],
    ['2026-12-24', 'Christmas Eve'],
  ])('%s is a holiday (%s)', (iso, name) => {
    expect(holidayName(date(iso), sk)).toBe(name);
  });

  test.each([
    ['2024-09-01', 'Constitution Day is a working day since 2024'],
    ['2025-09-01', 'Constitution Day is a working day since 2024'],
    ['2025-11-17', '17 November is a working day since 2025 (a Monday in 2025)'],
    ['2026-05-08', '8 May is a working day in 2026 only'],
    ['2026-09-15', '15 September is a working day in 2026 only'],
    ['2026-04-02', 'Maundy Thursday is not a day of rest'],
    ['2026-04-05', 'Easter Sunday itself is not listed'],
  ])('%s is not a holiday: %s', (iso) => {
    expect(holidayName(date(iso), sk)).toBeNull();
  });

  test('2025-11-17 is indeed a Monday', () => {
    expect(isoWeekdayOfDays(daysFromCivil(2025, 11, 17))).toBe(1);
  });

  test('holidaysInYear(2026) lists the days of rest in date order', () => {
    expect(holidaysInYear(2026, sk).map((h) => h.date)).toEqual([
      '2026-01-01',
      '2026-01-06',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-07-05',
      '2026-08-29',
      '2026-11-01',
      '2026-12-24',
      '2026-12-25',
      '2026-12-26',
    ]);
  });

  test('holidaysInYear(2023) still has 1 September and 17 November (15 days of rest)', () => {
    const dates = holidaysInYear(2023, sk).map((h) => h.date);
    expect(dates).toHaveLength(15);
    expect(dates).toEqual(expect.arrayContaining(['2023-09-01', '2023-11-17', '2023-04-07', '2023-04-10']));
  });
});

describe('rule semantics', () => {
  test('a fixed rule applies only to its date', () => {
    const rules: HolidayRule[] = [{ kind: 'fixed', date: '2026-06-12', name: 'Office move' }];
    expect(holidayName(date('2026-06-12'), rules)).toBe('Office move');
    expect(holidayName(date('2027-06-12'), rules)).toBeNull();
    expect(holidaysInYear(2026, rules)).toEqual([{ date: '2026-06-12', name: 'Office move' }]);
    expect(holidaysInYear(2027, rules)).toEqual([]);
  });

  test('a yearly rule with fromYear starts in that year', () => {
    const rules: HolidayRule[] = [{ kind: 'yearly', month: 3, day: 15, name: 'Founders Day', fromYear: 2026 }];
    expect(holidayName(date('2025-03-15'), rules)).toBeNull();
    expect(holidayName(date('2026-03-15'), rules)).toBe('Founders Day');
    expect(holidayName(date('2040-03-15'), rules)).toBe('Founders Day');
  });

  test('toYear is inclusive and suspendedYears skip single years', () => {
    const rules: HolidayRule[] = [
      { kind: 'yearly', month: 7, day: 1, name: 'Summer', fromYear: 2020, toYear: 2022, suspendedYears: [2021] },
    ];
    expect([2019, 2020, 2021, 2022, 2023].map((year) => holidayName({ year, month: 7, day: 1 }, rules))).toEqual([
      null,
      'Summer',
      null,
      'Summer',
      null,
    ]);
  });

  test('an easter rule follows Easter, honouring bounds and suspensions', () => {
    const rules: HolidayRule[] = [
      { kind: 'easter', offsetDays: 39, name: 'Ascension', fromYear: 2025, suspendedYears: [2027] },
    ];
    expect(holidayName(date('2026-05-14'), rules)).toBe('Ascension');
    expect(holidayName(date('2024-05-09'), rules)).toBeNull();
    expect(holidayName(date('2027-05-06'), rules)).toBeNull();
    expect(holidaysInYear(2028, rules)).toEqual([{ date: '2028-05-25', name: 'Ascension' }]);
  });

  test('an easter offset reaching into another year belongs to Easter’s year', () => {
    const rules: HolidayRule[] = [{ kind: 'easter', offsetDays: 280, name: 'Far', toYear: 2026 }];
    // Easter 2026 (5 April) + 280 days = 2027-01-10.
    expect(holidayName(date('2027-01-10'), rules)).toBe('Far');
    expect(holidaysInYear(2027, rules)).toEqual([{ date: '2027-01-10', name: 'Far' }]);
    expect(holidaysInYear(2028, rules)).toEqual([]);
  });

  test('29 February applies only in leap years', () => {
    const rules: HolidayRule[] = [{ kind: 'yearly', month: 2, day: 29, name: 'Leap' }];
    expect(holidaysInYear(2028, rules)).toEqual([{ date: '2028-02-29', name: 'Leap' }]);
    expect(holidaysInYear(2027, rules)).toEqual([]);
  });

  test('when rules coincide, the first rule names the date', () => {
    const rules: HolidayRule[] = [
      { kind: 'fixed', date: '2026-12-25', name: 'Company Christmas' },
      { kind: 'yearly', month: 12, day: 25, name: 'Christmas Day' },
    ];
    expect(holidayName(date('2026-12-25'), rules)).toBe('Company Christmas');
    expect(holidaysInYear(2026, rules)).toEqual([{ date: '2026-12-25', name: 'Company Christmas' }]);
  });
});

describe('civil date arithmetic', () => {
  test('day numbers match the Unix epoch and round-trip', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2026, 2, 6)).toBe(Date.UTC(2026, 1, 6) / 86_400_000);
    for (let n = -800_000; n <= 800_000; n += 997) {
      const { year, month, day } = civilFromDays(n);
      expect(daysFromCivil(year, month, day)).toBe(n);
    }
  });

  test('ISO weekdays: 2026-02-06 is a Friday, 2026-03-29 a Sunday', () => {
    expect(isoWeekdayOfDays(daysFromCivil(2026, 2, 6))).toBe(5);
    expect(isoWeekdayOfDays(daysFromCivil(2026, 3, 29))).toBe(7);
    expect(isoWeekdayOfDays(daysFromCivil(1969, 12, 29))).toBe(1);
  });
});

describe('the Gregorian leap-year rule', () => {
  // Every fourth year, except centuries, except every fourth century.
  test.each([
    [2024, true, 'divisible by 4'],
    [2028, true, 'divisible by 4'],
    [2023, false, 'not divisible by 4'],
    [2026, false, 'not divisible by 4'],
    [1900, false, 'a century not divisible by 400'],
    [2100, false, 'a century not divisible by 400'],
    [2000, true, 'a century divisible by 400'],
    [2400, true, 'a century divisible by 400'],
  ])('%i is a leap year: %s (%s)', (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
    expect(daysInMonth(year, 2)).toBe(leap ? 29 : 28);
  });

  const LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  test.each([2023, 2024, 1900, 2000])('month lengths in %i: only February changes in a leap year', (year) => {
    const expected = LENGTHS.map((days, index) => (index === 1 && isLeapYear(year) ? 29 : days));
    expect(LENGTHS.map((_, index) => daysInMonth(year, index + 1))).toEqual(expected);
  });
});

describe('valid local dates', () => {
  test.each([
    [2026, 1, 1],
    [2026, 12, 31],
    [2026, 1, 31],
    [2026, 4, 30],
    [2024, 2, 29],
    [2000, 2, 29],
  ])('%i-%i-%i is a date', (year, month, day) => {
    expect(isValidLocalDate(year, month, day)).toBe(true);
  });

  test.each([
    [2026, 0, 1, 'month 0'],
    [2026, 13, 1, 'month 13'],
    [2026, 1, 0, 'day 0'],
    [2026, 1, 32, 'day 32 in January'],
    [2026, 4, 31, 'day 31 in April'],
    [2026, 2, 29, '29 February outside a leap year'],
    [1900, 2, 29, '29 February in a century that is no leap year'],
    [2026.5, 1, 1, 'a fractional year'],
    [2026, 1.5, 1, 'a fractional month'],
    [2026, 1, 1.5, 'a fractional day'],
  ])('%i-%i-%i is not a date (%s)', (year, month, day) => {
    expect(isValidLocalDate(year, month, day)).toBe(false);
  });

  test('parseLocalDate reads strict YYYY-MM-DD and refuses what is no date', () => {
    expect(parseLocalDate('2026-03-09')).toEqual({ year: 2026, month: 3, day: 9 });
    expect(parseLocalDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    for (const text of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-01-00', '2026-3-9', '26-03-09', ' 2026-03-09', '2026-03-09T00:00']) {
      expect(parseLocalDate(text)).toBeNull();
    }
  });

  test('formatLocalDate pads to YYYY-MM-DD', () => {
    expect(formatLocalDate({ year: 2026, month: 3, day: 9 })).toBe('2026-03-09');
    expect(formatLocalDate({ year: 987, month: 11, day: 25 })).toBe('0987-11-25');
  });
});

describe('rule bounds and the edges of a year', () => {
  test('a rule bounded to a single year (fromYear = toYear) applies in that year only', () => {
    const rules: HolidayRule[] = [{ kind: 'yearly', month: 6, day: 1, name: 'Jubilee', fromYear: 2026, toYear: 2026 }];
    expect([2025, 2026, 2027].map((year) => holidayName({ year, month: 6, day: 1 }, rules))).toEqual([null, 'Jubilee', null]);
    expect([2025, 2026, 2027].map((year) => holidaysInYear(year, rules).length)).toEqual([0, 1, 0]);
  });

  test('a single-year Easter rule applies in that year only', () => {
    const rules: HolidayRule[] = [{ kind: 'easter', offsetDays: 0, name: 'Easter', fromYear: 2026, toYear: 2026 }];
    expect(holidayName(date('2025-04-20'), rules)).toBeNull();
    expect(holidayName(date('2026-04-05'), rules)).toBe('Easter');
    expect(holidayName(date('2027-03-28'), rules)).toBeNull();
    expect(holidaysInYear(2025, rules)).toEqual([]);
    expect(holidaysInYear(2026, rules)).toEqual([{ date: '2026-04-05', name: 'Easter' }]);
    expect(holidaysInYear(2027, rules)).toEqual([]);
  });

  test.each([
    [1, 31],
    [4, 30],
    [12, 31],
  ])('a yearly holiday on the last day of month %i (%i) is listed', (month, day) => {
    const rules: HolidayRule[] = [{ kind: 'yearly', month, day, name: 'Month end' }];
    const iso = `2026-${String(month).padStart(2, '0')}-${day}`;
    expect(holidaysInYear(2026, rules)).toEqual([{ date: iso, name: 'Month end' }]);
    expect(holidayName(date(iso), rules)).toBe('Month end');
  });

  test('a yearly rule matches its month and its day, not just one of them', () => {
    const rules: HolidayRule[] = [{ kind: 'yearly', month: 5, day: 8, name: 'Victory' }];
    expect(holidayName(date('2027-05-08'), rules)).toBe('Victory');
    expect(holidayName(date('2027-05-09'), rules)).toBeNull();
    expect(holidayName(date('2027-06-08'), rules)).toBeNull();
  });

  // Easter 2026 is 5 April (day 95 of the year); 2025's is 20 April, 2027's 28 March.
  test('an Easter-based holiday on the first or last day of the year is in that year', () => {
    const newYear: HolidayRule[] = [{ kind: 'easter', offsetDays: -94, name: 'First' }];
    // …and Easter 2027 (28 March) - 94 days falls in 2026 too: a year can hold two dates of one such rule.
    expect(holidaysInYear(2026, newYear)).toEqual([
      { date: '2026-01-01', name: 'First' },
      { date: '2026-12-24', name: 'First' },
    ]);
    expect(holidayName(date('2026-01-01'), newYear)).toBe('First');
    // Easter 2026 + 270 days = 2026-12-31.
    const yearEnd: HolidayRule[] = [{ kind: 'easter', offsetDays: 270, name: 'Last' }];
    expect(holidaysInYear(2026, yearEnd).map((h) => h.date)).toContain('2026-12-31');
    expect(holidayName(date('2026-12-31'), yearEnd)).toBe('Last');
  });

  test('an Easter-based holiday just outside the year is not listed in it', () => {
    // Easter 2026 - 95 days = 2025-12-31; Easter 2025 + 256 days = 2026-01-01 is not reached by that rule.
    const rules: HolidayRule[] = [{ kind: 'easter', offsetDays: -95, name: 'Eve' }];
    expect(holidaysInYear(2026, rules).map((h) => h.date)).not.toContain('2025-12-31');
    expect(holidaysInYear(2025, rules).map((h) => h.date)).toContain('2025-12-31');
  });

  test('a fixed rule with a malformed date never applies', () => {
    const rules: HolidayRule[] = [{ kind: 'fixed', date: '2026-02-30', name: 'Nowhere' }];
    expect(holidaysInYear(2026, rules)).toEqual([]);
  });

  test('holidaysInYear sorts by date whatever the order of the rules', () => {
    const rules: HolidayRule[] = [
      { kind: 'yearly', month: 12, day: 1, name: 'Late' },
      { kind: 'fixed', date: '2026-03-01', name: 'Middle' },
      { kind: 'yearly', month: 1, day: 2, name: 'Early' },
    ];
    expect(holidaysInYear(2026, rules).map((h) => h.name)).toEqual(['Early', 'Middle', 'Late']);
  });
});
