import { formatTicketNumber, OPEN_STATUSES, parseTicketNumber, TICKET_STATUSES } from '../../domain/tickets';
import { actorKindOfRole, AUTO_CLOSE_AFTER_MS, nextLevel, REOPEN_WINDOW_MS, WAITING_ABANDON_BH, WAITING_REMINDER_BH } from '../../domain/transitions';

describe('ticket numbers (T-000123)', () => {
  test.each([
    [1, 'T-000001'],
    [123, 'T-000123'],
    [999_999, 'T-999999'],
    [1_234_567, 'T-1234567'],
  ])('%i is written %s', (n, text) => {
    expect(formatTicketNumber(n)).toBe(text);
    expect(parseTicketNumber(text)).toBe(n);
  });

  test.each([
    ['t-000042', 42],
    ['  T-42  ', 42],
    ['T-000000000000001', 1],
  ])('%j is read as %i (any case, surrounding blanks, up to 15 digits)', (text, n) => {
    expect(parseTicketNumber(text)).toBe(n);
  });

  test.each(['', 'T-', '42', 'T42', 'T-4a', 'X-000042', 'T-0000000000000001', 'xT-42', 'T-42x', 'T--42'])('%j is no ticket number', (text) => {
    expect(parseTicketNumber(text)).toBeUndefined();
  });
});

describe('statuses', () => {
  test('open statuses are those before resolution, in lifecycle order', () => {
    expect(OPEN_STATUSES).toEqual(['new', 'triaged', 'in_progress', 'waiting_on_customer']);
    expect(TICKET_STATUSES.filter((s) => !(OPEN_STATUSES as readonly string[]).includes(s))).toEqual(['resolved', 'closed', 'cancelled']);
  });
});

describe('lifecycle constants and roles (SPEC §4.3, §5.5)', () => {
  test.each([
    ['admin', 'manager'],
    ['manager', 'manager'],
    ['agent', 'staff'],
    ['customer_admin', 'customer'],
    ['customer_key_user', 'customer'],
    ['customer_user', 'customer'],
    [undefined, 'customer'],
    ['someone', 'customer'],
  ])('a person of role %s acts as %s', (role, kind) => {
    expect(actorKindOfRole(role)).toBe(kind);
  });

  test('tickets escalate L1 → L2 → L3, and no further', () => {
    expect(nextLevel('L1')).toBe('L2');
    expect(nextLevel('L2')).toBe('L3');
    expect(nextLevel('L3')).toBeNull();
  });

  test('windows: reopen and auto-close after 14 days; waiting reminded at 5 and abandoned at 10 business days of 9 h', () => {
    const DAY = 24 * 3_600_000;
    const BUSINESS_DAY = 9 * 3_600_000;
    expect(REOPEN_WINDOW_MS).toBe(14 * DAY);
    expect(AUTO_CLOSE_AFTER_MS).toBe(14 * DAY);
    expect(WAITING_REMINDER_BH).toBe(5 * BUSINESS_DAY);
    expect(WAITING_ABANDON_BH).toBe(10 * BUSINESS_DAY);
  });
});
