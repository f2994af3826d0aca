/** The languages the desk speaks (SPEC §9: English and Slovak): people's preference, portal pages, emails, articles. */
export const LANGUAGES = ['en', 'sk'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The language of anyone who has not chosen one. */
export const DEFAULT_LANGUAGE: Language = 'en';

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
