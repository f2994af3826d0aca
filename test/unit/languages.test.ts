/** The language a browser asks for (Accept-Language), used for visitors who have chosen none (#14 h). */
import { languageFromAcceptLanguage } from '../../domain/languages';

test.each([
  ['sk-SK,sk;q=0.9,en;q=0.8', 'sk'],
  ['en-US,en;q=0.9,sk;q=0.8', 'en'],
  ['de-DE,de;q=0.9,sk;q=0.5,en;q=0.4', 'sk'],
  ['en;q=0.3, SK;q=0.7', 'sk'],
  ['cs-CZ,cs;q=0.9', undefined],
  ['sk;q=0, en;q=0.1', 'en'],
  ['*', undefined],
  ['', undefined],
  [undefined, undefined],
  ['sk;q=abc,en', 'en'],
])('%s → %s', (header, lang) => {
  expect(languageFromAcceptLanguage(header)).toBe(lang);
});
