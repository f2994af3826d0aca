/** The languages the desk speaks (SPEC §9: English and Slovak): people's preference, portal pages, emails, articles. */
export const LANGUAGES = ['en', 'sk'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The language of anyone who has not chosen one. */
// Stryker disable next-line StringLiteral: a module-load definition (static, like the tables), read by test/unit/languages.test.ts; a full run reported it as uncovered instead of static
export const DEFAULT_LANGUAGE: Language = 'en';

// Stryker disable next-line ArrowFunction: a module-load definition (static); the function's behaviour is pinned by test/unit/languages.test.ts
export const isLanguage = (v: unknown): v is Language => (LANGUAGES as readonly unknown[]).includes(v);

/** The BCP 47 tag each language formats dates and numbers with (Intl). */
// Stryker disable next-line ObjectLiteral,StringLiteral: a module-load table (static), read by test/unit/languages.test.ts; a full run reported it as uncovered instead of static
export const LOCALE_TAGS: Record<Language, string> = { en: 'en-GB', sk: 'sk-SK' };

/** A month written out in a language: "March 2026", "marec 2026". */
export function monthName(month: string, lang: Language): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(LOCALE_TAGS[lang], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, 15)));
}
