/** Portal messages (SPEC §10): every UI string comes from locales/<lang>.json; both files have the same keys. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALE_TAGS, type Language } from '../../domain/languages';

export type Messages = Record<string, string>;

/** From the source tree (tsx, jest) the repo is two levels up; from the compiled dist/ tree, three. */
export function fromRepo(...segments: string[]): string {
  const candidates = [join(__dirname, '..', '..', ...segments), join(__dirname, '..', '..', '..', ...segments)];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export const LOCALES_DIR = fromRepo('locales');

/**
 * `locales/<lang>.json` holds the shared strings; `locales/<lang>/<area>.json` those of one area of the portal
 * (kb, desk, admin, …). A key defined twice is an error, so two areas cannot silently fight over one string.
 */
export function loadMessages(lang: Language): Messages {
  const files = [join(LOCALES_DIR, `${lang}.json`)];
  const areaDir = join(LOCALES_DIR, lang);
  if (existsSync(areaDir)) files.push(...readdirSync(areaDir).filter((f) => f.endsWith('.json')).sort().map((f) => join(areaDir, f)));
  const merged: Messages = {};
  for (const file of files) {
    const part = JSON.parse(readFileSync(file, 'utf8')) as Messages;
    for (const [k, v] of Object.entries(part)) {
      if (k in merged) throw new Error(`portal message ${k} is defined twice (again in ${file})`);
      merged[k] = v;
    }
  }
  return merged;
}

/** A missing key shows itself, so a gap is visible on the page instead of an empty label. */
export function translate(messages: Messages, key: string): string {
  return messages[key] ?? key;
}


export function formatInstant(iso: string | Date | null | undefined, lang: Language, timeZone: string): string | null {
  if (!iso) return null;
  return new Intl.DateTimeFormat(LOCALE_TAGS[lang], { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A remaining time in days, hours and minutes ("1 d 3 h 5 min"); negative when overdue. */
export function formatDuration(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const sign = ms < 0 ? '−' : '';
  let m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', `${m} min`].filter(Boolean);
  return sign + parts.join(' ');
}
