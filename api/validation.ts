import type { RequestHandler } from 'express';
import { z } from 'zod';
import { badRequest } from './errors';
import { ticketRef, UNSTORABLE_TEXT, unstorableTextPaths } from '../domain/text';

/**
 * Refuses a request whose body or query holds text that cannot be stored (a NUL, an unpaired surrogate), naming
 * each field, before anything reads it: no route, workflow or audit record ever sees such text from the API.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const at = (where: string) => (p: string) => (p ? `${where}.${p}` : where);
  const fields = [...unstorableTextPaths(req.body ?? {}).map(at('body')), ...unstorableTextPaths(req.query ?? {}).map(at('query'))];
  if (fields.length) throw badRequest(fields.map((field) => ({ field, message: UNSTORABLE_TEXT })));
  next();
};

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

export { calendarDay, freeText, NO_NUL, NOT_BLANK } from '../domain/text';

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

/** Headers are matched loosely (clients send many); only the ones named here are validated. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be 1–200 characters of letters, digits, _ . : -')
    .optional(),
});

/** A ticket named in the path: its UUID or its number (T-000123, or just 123), as db/tickets findTicket reads it. */
export const ticketIdParamSchema = z.strictObject({ id: ticketRef() });
