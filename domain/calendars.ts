// Seeded calendars as plain data; frozen because they are shared module-level constants.
import type { Calendar, WorkingInterval } from './calendar';
import type { HolidayRule } from './holidays';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const officeHours = (): WorkingInterval[] => [{ start: '08:00', end: '17:00' }];
const wholeDay = (): WorkingInterval[] => [{ start: '00:00', end: '24:00' }];

/** Slovak days of rest (dni pracovného pokoja) under Act 241/1993 as amended by the 2024 and 2025 consolidation packages. */
const SLOVAK_DAYS_OF_REST: HolidayRule[] = [
  { kind: 'yearly', month: 1, day: 1, name: 'Day of the Establishment of the Slovak Republic' },
  { kind: 'yearly', month: 1, day: 6, name: 'Epiphany' },
  { kind: 'easter', offsetDays: -2, name: 'Good Friday' },
  { kind: 'easter', offsetDays: 1, name: 'Easter Monday' },
  { kind: 'yearly', month: 5, day: 1, name: 'Labour Day' },
  { kind: 'yearly', month: 5, day: 8, name: 'Day of Victory over Fascism', suspendedYears: [2026] },
  { kind: 'yearly', month: 7, day: 5, name: 'St. Cyril and Methodius Day' },
  { kind: 'yearly', month: 8, day: 29, name: 'Slovak National Uprising Anniversary' },
  { kind: 'yearly', month: 9, day: 1, name: 'Constitution Day', toYear: 2023 },
  { kind: 'yearly', month: 9, day: 15, name: 'Our Lady of Seven Sorrows', suspendedYears: [2026] },
  { kind: 'yearly', month: 11, day: 1, name: "All Saints' Day" },
  { kind: 'yearly', month: 11, day: 17, name: 'Struggle for Freedom and Democracy Day', toYear: 2024 },
  { kind: 'yearly', month: 12, day: 24, name: 'Christmas Eve' },
  { kind: 'yearly', month: 12, day: 25, name: 'Christmas Day' },
  { kind: 'yearly', month: 12, day: 26, name: "St. Stephen's Day" },
];

export const businessSk: Calendar = deepFreeze({
  id: 'business-sk',
  name: 'Business hours (Slovakia)',
  timeZone: 'Europe/Bratislava',
  week: { 1: officeHours(), 2: officeHours(), 3: officeHours(), 4: officeHours(), 5: officeHours() },
  holidays: SLOVAK_DAYS_OF_REST,
});

/** People and organisations without a time zone of their own are in the vendor's: that of the business-sk calendar. */
export const DEFAULT_TIME_ZONE = businessSk.timeZone;

export const always247: Calendar = deepFreeze({
  id: '24x7',
  name: '24×7',
  timeZone: 'UTC',
  week: { 1: wholeDay(), 2: wholeDay(), 3: wholeDay(), 4: wholeDay(), 5: wholeDay(), 6: wholeDay(), 7: wholeDay() },
  holidays: [],
});

export const SEEDED_CALENDARS: Calendar[] = deepFreeze([businessSk, always247]);
