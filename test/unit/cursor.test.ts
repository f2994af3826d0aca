/** List cursors: only what the list itself hands out is accepted, so a crafted one is a 400, never a database error. */
import { isValidCursor } from '../../db/tickets';

const enc = (s: string) => Buffer.from(s).toString('base64url');
const ID = '00000000-0000-4000-8000-000000000000';

test('a cursor as nextCursor writes it is valid', () => {
  expect(isValidCursor(enc(`2026-11-25T10:00:00.123Z|${ID}`))).toBe(true);
});

test.each([
  ['an impossible date V8 would roll over', `2024-02-30T00:00:00.000Z|${ID}`],
  ['a date without time', `2024-02-01|${ID}`],
  ['a local time', `2024-02-01T10:00:00.000|${ID}`],
  ['an offset instead of Z', `2024-02-01T10:00:00.000+01:00|${ID}`],
  ['a year PostgreSQL would not take', `+275760-09-13T00:00:00.000Z|${ID}`],
  ['no id', '2024-02-01T10:00:00.000Z'],
  ['a bad id', '2024-02-01T10:00:00.000Z|not-a-uuid'],
  ['three parts', `2024-02-01T10:00:00.000Z|${ID}|x`],
])('refuses %s', (_what, raw) => {
  expect(isValidCursor(enc(raw))).toBe(false);
});
