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

/** Free text as people type it: trimmed, bounded, and without NUL (PostgreSQL cannot store it). */
export const freeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

/** An IANA time zone this runtime knows (Intl refuses unknown ones). */
export const ianaTimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone, e.g. Europe/Bratislava');

/** A real calendar date YYYY-MM-DD (2026-02-31 is refused here, not by PostgreSQL). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'is not a calendar date');

/** Headers are matched loosely (clients send many); only the ones named here are validated. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be 1–200 characters of letters, digits, _ . : -')
    .optional(),
});

/** A ticket named in the path, by uuid or number (T-000123). */
export const ticketIdParamSchema = z.strictObject({ id: z.string().min(1).max(64) });
