/** Text and value rules shared by every entry point (API, portal, workflow signals): one definition each. */
import { z } from 'zod';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Free text as people type it: trimmed, bounded, without NUL and without unpaired UTF-16 surrogates (PostgreSQL can
 * store neither in text or jsonb, so such text could never reach the timeline).
 */
export const freeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must not contain unpaired surrogate characters');

/** A real calendar date YYYY-MM-DD (2026-02-31 is refused here, not by PostgreSQL). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'is not a calendar date');

export const uuid = z.string().uuid('must be a UUID');

/** A release version as people name them: 4.2.0, 2026.1-rc1. */
export const RELEASE_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,49}$/;
export const releaseVersion = z.string().regex(RELEASE_VERSION, 'must be a release version such as 4.2.0');

/** A ticket as people name it: its UUID or its number (T-000123 or 123). */
export const ticketRef = z.string().regex(/^([0-9a-fA-F-]{36}|[Tt]-\d{1,15}|\d{1,15})$/, 'must be a ticket id or number such as T-000123');
