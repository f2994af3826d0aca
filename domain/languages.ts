/** The languages the desk speaks (SPEC §9: English and Slovak): people's preference, portal pages, emails, articles. */
export const LANGUAGES = ['en', 'sk'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The language of anyone who has not chosen one. */
export const DEFAULT_LANGUAGE: Language = 'en';

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/**
 * The language a browser asks for (`Accept-Language: sk-SK,sk;q=0.9,en;q=0.8`): the one of ours with the highest
 * weight, matched on the primary subtag (`sk-SK` is Slovak); the earlier one wins a tie; none of ours is undefined.
 */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  let best: { lang: Language; q: number } | undefined;
  for (const part of (header ?? '').slice(0, 500).split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const primary = tag.trim().toLowerCase().split('-')[0];
    const qParam = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!isLanguage(primary) || !Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang: primary, q };
  }
  return best?.lang;
}

/** The BCP 47 tag each language formats dates and numbers with (Intl). */
export const LOCALE_TAGS: Record<Language, string> = { en: 'en-GB', sk: 'sk-SK' };

/** A month written out in a language: "March 2026", "marec 2026". */
export function monthName(month: string, lang: Language): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(LOCALE_TAGS[lang], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, 15)));
}
