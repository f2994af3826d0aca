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
    .regex(own(NOT_BLANK), 'must not be empty')
    .regex(own(NO_NUL), 'must not contain NUL characters')
    .trim();

/*
 * Schemas are made by functions here, each call a new schema, and a schema holds its own copy of a pattern: the
 * worker shares domain/ and zod between all workflows (workflows/shared-modules.ts) and the SDK deep-freezes what
 * those modules export. A frozen schema cannot be used (zod completes its schemas on first use) and zod resets a
 * pattern's lastIndex before each test, so nothing exported here may be a schema or a pattern a schema uses.
 */
const own = (pattern: RegExp): RegExp => new RegExp(pattern);

/**
 * Text PostgreSQL can store (in a text column and in jsonb alike): no NUL character and no unpaired UTF-16
 * surrogate ("\ud800" alone is valid in a JavaScript string and in JSON, but no Unicode text). Every entry refuses
 * such text (the API with a 400 naming the field) or makes it storable (mail, portal forms, and the projection as the
 * last line, so a workflow started or signalled around the API can never be left unable to write its timeline).
 */
// eslint-disable-next-line no-control-regex -- NUL is what is looked for
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const UNSTORABLE_TEXT = 'must be well-formed text: no NUL character and no unpaired surrogate';
export const isStorableText = (s: string): boolean => !NUL.test(s) && !LONE_SURROGATE.test(s);
/** The text with each NUL and each unpaired surrogate replaced by U+FFFD, so what was there stays visible. */
const EVERY_NUL = new RegExp(NUL.source, 'g');
const EVERY_LONE_SURROGATE = new RegExp(LONE_SURROGATE.source, 'g');
export const storableText = (s: string): string => (isStorableText(s) ? s : s.replace(EVERY_NUL, '\ufffd').replace(EVERY_LONE_SURROGATE, '\ufffd'));

/** The paths (field names, as `a.b.0`) of every string, or key, in a value that is not storable text; at most `max`. */
export function unstorableTextPaths(value: unknown, max = 20): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (out.length >= max) return;
    if (typeof v === 'string') {
      if (!isStorableText(v)) out.push(path.join('.'));
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, String(i)]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!isStorableText(k)) out.push([...path, storableText(k)].join('.'));
        else walk(x, [...path, k]);
      }
    }
  };
  walk(value, []);
  return out;
}

/** A value with every string and key made storable (see storableText); values that need nothing are returned as they are. */
export function storableDeep<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) {
    const mapped = value.map(storableDeep);
    return (mapped.every((x, i) => x === value[i]) ? value : mapped) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      const key = storableText(k);
      const v = storableDeep(x);
      if (key !== k || v !== x) changed = true;
      out[key] = v;
    }
    return (changed ? out : value) as T;
  }
  return value;
}

/** A real calendar date YYYY-MM-DD (2026-02-31 is refused here, not by PostgreSQL, and so is year 0000, which it lacks). */
export const calendarDay = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .pipe(z.iso.date('is not a calendar date').regex(/^(?!0000)/, 'is not a calendar date'))
    .meta({ format: 'date' });

export const uuid = () => z.string().uuid('must be a UUID');

/** A person's mail address as accounts keep it: what an invitation, a profile edit and inbound mail all accept. */
export const emailAddress = () =>
  z.string().trim().max(254, 'must be at most 254 characters').email({ pattern: own(z.regexes.email), message: 'must be an email address' });

/** A release version as people name them: 4.2.0, 2026.1-rc1. */
export const RELEASE_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,49}$/;
export const releaseVersion = () => z.string().regex(own(RELEASE_VERSION), 'must be a release version such as 4.2.0');

/** A ticket as people name it: its UUID or its number (T-000123 or 123). */
export const ticketRef = () =>
  z
    .string()
    .regex(/^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[Tt]-\d{1,15}|\d{1,15})$/, 'must be a ticket UUID or number such as T-000123');
