/** The languages the desk speaks (domain/languages.ts, SPEC §9). */
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, LOCALE_TAGS, monthName } from '../../domain/languages';

describe('languages', () => {
  it('are English and Slovak, English for anyone who has not chosen', () => {
    expect(LANGUAGES).toEqual(['en', 'sk']);
    expect(DEFAULT_LANGUAGE).toBe('en');
    expect(LOCALE_TAGS).toEqual({ en: 'en-GB', sk: 'sk-SK' });
  });

  it.each([
    ['en', true],
    ['sk', true],
    ['de', false],
    ['EN', false],
    ['', false],
    [null, false],
    [undefined, false],
    [1, false],
    [['en'], false],
  ])('%j is a language: %s', (value, yes) => {
    expect(isLanguage(value)).toBe(yes);
  });

  it.each([
    ['2026-03', 'en', 'March 2026'],
    ['2026-03', 'sk', 'marec 2026'],
    ['2026-01', 'en', 'January 2026'],
    ['2025-12', 'en', 'December 2025'],
    ['2025-12', 'sk', 'december 2025'],
  ] as const)('month %s in %s is written %j', (month, lang, text) => {
    expect(monthName(month, lang)).toBe(text);
  });
});
