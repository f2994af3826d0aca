/** The words a KB suggestion looks up: only letters and digits reach the tsquery, however hostile the input. */
import { suggestionWords } from '../../db/kb';

describe('suggestionWords', () => {
  it('keeps the words being typed, lower-cased, deduplicated, in order', () => {
    expect(suggestionWords('Faktúra FAKTÚRA sa netlačí, v4.2')).toEqual(['faktúra', 'netlačí']);
  });

  it.each([
    ["faktu':* | 'x'", ['faktu']],
    ['&|!() <-> :* \\ % \u0000', []],
    ["'); DROP TABLE kb_articles; --", ['drop', 'table', 'articles']],
    ['a:*&b|!c', []],
  ])('strips tsquery syntax from %j', (input, words) => {
    expect(suggestionWords(input)).toEqual(words);
  });

  it('bounds very long input: at most 12 words of at most 40 characters', () => {
    const words = suggestionWords(`${'x'.repeat(10_000)} ${Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')}`);
    expect(words).toHaveLength(12);
    expect(words[0]).toHaveLength(40);
    expect(words.every((w) => /^[\p{L}\p{N}]{3,40}$/u.test(w))).toBe(true);
  });
});
