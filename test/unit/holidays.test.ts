import { businessSk } from '../../domain/calendars';
import {
  civilFromDays,
  daysFromCivil,
  easterSunday,
  holidayName,
  holidaysInYear,
  isoWeekdayOfDays,
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
