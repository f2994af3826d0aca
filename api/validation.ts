import { z } from 'zod';
import { badRequest } from './errors';

/** Parses one part of a request; a failure names each bad field (e.g. `body.impact`) and why. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' | 'headers'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw badRequest(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        return { field: [where, ...path].join('.'), message: `unknown field(s): ${issue.keys.join(', ')}` };
      }
      return { field: [where, ...path].join('.'), message: issue.message };
    }),
  );
}

/** What String.prototype.trim() removes, spelled out so the published pattern means the same in every regex dialect. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
export const NOT_BLANK = new RegExp(`[^${TRIMMED}]`);
// eslint-disable-next-line no-control-regex -- refusing NUL is the point
export const NO_NUL = /^[^\u0000]*$/;

/**
 * Free text as people type it: bounded as sent, trimmed, not blank, and without NUL (PostgreSQL cannot store it).
 * Each rule is a length or a pattern, so the OpenAPI document states exactly what is accepted.
 */
export const freeText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(NOT_BLANK, 'must not be empty')
    .regex(NO_NUL, 'must not contain NUL characters')
    .trim();

/**
 * An IANA time zone this runtime knows (Intl refuses unknown ones), links such as Europe/Kyiv included. The set
 * depends on the runtime's ICU, so the document gives the name's shape and examples, not a list of 400 names.
 */
export const ianaTimeZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/, 'must be an IANA time zone, e.g. Europe/Bratislava')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone, e.g. Europe/Bratislava')
  .meta({ examples: ['Europe/Bratislava', 'UTC'], description: 'An IANA time zone the server knows, e.g. Europe/Bratislava' });

/** A real calendar date YYYY-MM-DD (2026-02-31 is refused here, not by PostgreSQL, and so is year 0000, which it lacks). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .pipe(z.iso.date('is not a calendar date').regex(/^(?!0000)/, 'is not a calendar date'))
  .meta({ format: 'date' });
