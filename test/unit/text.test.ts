/** Text that PostgreSQL can store (domain/text.ts): what every entry refuses, or makes storable. */
import { isStorableText, storableDeep, storableText, unstorableTextPaths } from '../../domain/text';

describe('storable text', () => {
  it.each([
    ['plain text', 'Tlačiareň netlačí', true],
    ['a surrogate pair (an emoji)', 'ok 😀', true],
    ['the replacement character itself', 'a\ufffdb', true],
    ['a NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud800b', false],
    ['a lone high surrogate at the end', 'ab\udbff', false],
    ['a lone low surrogate', '\udc00ab', false],
    ['two high surrogates', '\ud83d\ud83d\ude00', false],
    ['a low before a high', '\ude00\ud83d', false],
  ])('%s: %s', (_what, s, expected) => expect(isStorableText(s)).toBe(expected));

  it('replaces each NUL and unpaired surrogate with U+FFFD and keeps everything else', () => {
    expect(storableText('a\u0000b\ud800c\udc00d😀\ud83d')).toBe('a\ufffdb\ufffdc\ufffdd😀\ufffd');
    expect(storableText('Žilina')).toBe('Žilina');
  });

  it('names every field, nested and in lists, and a bad key by its replacement', () => {
    const body = { title: 'ok', description: 'x\u0000', evidence: { steps: ['fine', '\ud800'] }, ['k\udfff']: 1, n: 3, none: null };
    expect(unstorableTextPaths(body)).toEqual(['description', 'evidence.steps.1', 'k\ufffd']);
    expect(unstorableTextPaths('\u0000')).toEqual(['']);
    expect(unstorableTextPaths({ fine: ['a', { b: 'c' }] })).toEqual([]);
  });

  it('makes a whole value storable, and returns one that needs nothing as it is', () => {
    const fine = { a: ['x', { b: 'y' }], n: 1 };
    expect(storableDeep(fine)).toBe(fine);
    expect(storableDeep({ a: ['x', { b: 'y\ud800' }], ['k\u0000']: 'v', n: 1, at: null })).toEqual({ a: ['x', { b: 'y\ufffd' }], ['k\ufffd']: 'v', n: 1, at: null });
  });
});
