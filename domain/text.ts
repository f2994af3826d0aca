/** Text and value rules shared by every entry point (API, portal, workflow signals): one definition each. */
import { z } from 'zod';

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

/** A real calendar date YYYY-MM-DD (2026-02-31 is refused here, not by PostgreSQL, and so is year 0000, which it lacks). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .pipe(z.iso.date('is not a calendar date').regex(/^(?!0000)/, 'is not a calendar date'))
  .meta({ format: 'date' });

export const uuid = z.string().uuid('must be a UUID');

/** A person's mail address as accounts keep it: what an invitation, a profile edit and inbound mail all accept. */
export const emailAddress = z.string().trim().max(254, 'must be at most 254 characters').email('must be an email address');

/** A release version as people name them: 4.2.0, 2026.1-rc1. */
export const RELEASE_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,49}$/;
export const releaseVersion = z.string().regex(RELEASE_VERSION, 'must be a release version such as 4.2.0');

/** A ticket as people name it: its UUID or its number (T-000123 or 123). */
export const ticketRef = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[Tt]-\d{1,15}|\d{1,15})$/, 'must be a ticket UUID or number such as T-000123');
