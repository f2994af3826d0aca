/** What a calendar definition is refused for (validateCalendar): each error names the field and says what it must be. */
import { validateCalendar } from '../../domain/calendar';
import { businessSk } from '../../domain/calendars';

const OPEN_MONDAY = { 1: [{ start: '08:00', end: '16:00' }] };
const fixed = { kind: 'fixed', name: 'New Year', date: '2026-01-01' };
// year rules (first year, suspended years) are read on yearly and Easter holidays; a fixed date is in one year anyway
const yearly = { kind: 'yearly', name: 'Christmas Eve', month: 12, day: 24 };

describe('a calendar is refused', () => {
  it.each<[string, Record<string, unknown>, Array<{ path: string; message: string }>]>([
    ['without an id', { id: ' ' }, [{ path: 'id', message: 'must be a non-empty string' }]],
    ['without a name', { name: '' }, [{ path: 'name', message: 'must be a non-empty string' }]],
    ['without a time zone', { timeZone: '' }, [{ path: 'timeZone', message: 'must be an IANA time zone name such as Europe/Bratislava' }]],
    ['with a week that is no object', { week: 'Mon–Fri' }, [{ path: 'week', message: 'must be an object keyed by ISO weekday 1 (Monday) … 7 (Sunday)' }]],
    ['with a weekday key that is none', { week: { ...OPEN_MONDAY, 8: [] } }, [{ path: 'week.8', message: 'unknown weekday key; use 1 (Monday) … 7 (Sunday)' }]],
    ['with a day that is no list', { week: { ...OPEN_MONDAY, 2: '08:00-16:00' } }, [{ path: 'week.2', message: 'must be an array of { start, end } intervals' }]],
    ['with an interval that is no object', { week: { ...OPEN_MONDAY, 2: ['08:00'] } }, [{ path: 'week.2[0]', message: 'must be an object { start, end }' }]],
    ['with a holiday that is no object', { holidays: ['2026-01-01'] }, [{ path: 'holidays[0]', message: 'must be an object' }]],
    ['with a holiday without a name', { holidays: [{ ...fixed, name: ' ' }] }, [{ path: 'holidays[0].name', message: 'must be a non-empty string' }]],
    [
      'with an Easter holiday whose offset is no whole number of days',
      { holidays: [{ kind: 'easter', name: 'Easter Monday', offsetDays: 1.5 }] },
      [{ path: 'holidays[0].offsetDays', message: '1.5 is not an integer number of days from Easter Sunday' }],
    ],
    ['with a first year that is no year', { holidays: [{ ...yearly, fromYear: 2026.5 }] }, [{ path: 'holidays[0].fromYear', message: '2026.5 is not an integer year' }]],
    ['with suspended years that are no list', { holidays: [{ ...yearly, suspendedYears: '2020' }] }, [{ path: 'holidays[0].suspendedYears', message: 'must be an array of integer years' }]],
    [
      'with a suspended year that is no year',
      { holidays: [{ ...yearly, suspendedYears: [2020, 'next'] }] },
      [{ path: 'holidays[0].suspendedYears[1]', message: "'next' is not an integer year" }],
    ],
  ])('%s', (_what, change, errors) => {
    expect(validateCalendar({ ...businessSk, ...change })).toEqual({ ok: false, errors });
  });

  it('an otherwise valid calendar with these fields right is accepted', () => {
    const result = validateCalendar({ ...businessSk, week: OPEN_MONDAY, holidays: [{ ...yearly, fromYear: 2020, suspendedYears: [2021] }, { kind: 'easter', name: 'Easter Monday', offsetDays: 1 }] });
    expect(result.ok).toBe(true);
  });
});
