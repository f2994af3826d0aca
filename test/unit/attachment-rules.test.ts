/** Attachments as the ticket's rules see them (domain/attachments.ts): what an action may name, and what an event records. */
import { attachmentIds, carried, isInlineImage, MAX_FILES_PER_EVENT } from '../../domain/attachments';

const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const ref = { id: 'a', name: 'n', size: 1, contentType: 'text/plain' };

describe('the files an action names', () => {
  it.each([
    ['no files at all', undefined, true],
    ['no file', [], true],
    ['one file', [id(1)], true],
    [`${MAX_FILES_PER_EVENT} files, the most one event carries`, Array.from({ length: MAX_FILES_PER_EVENT }, (_, i) => id(i)), true],
    [`${MAX_FILES_PER_EVENT + 1} files`, Array.from({ length: MAX_FILES_PER_EVENT + 1 }, (_, i) => id(i)), false],
    ['the same file twice', [id(1), id(2), id(1)], false],
    ['something that is no file id', ['invoice.pdf'], false],
  ])('%s: accepted %s', (_what, ids, accepted) => {
    expect(attachmentIds().safeParse(ids).success).toBe(accepted);
  });

  it('says why a list is refused', () => {
    expect(attachmentIds().safeParse([id(1), id(1)]).error?.issues.map((i) => i.message)).toEqual(['must not name a file twice']);
  });
});

describe('the files an event records', () => {
  it('records them only when there are some (older events keep their shape), as a copy', () => {
    expect(carried(undefined)).toEqual({});
    expect(carried([])).toEqual({});
    const refs = [ref];
    const data = carried(refs);
    expect(data).toEqual({ attachments: [ref] });
    expect(data.attachments).not.toBe(refs);
  });
});

describe('inline images', () => {
  it.each([
    ['image/png', true],
    ['image/jpeg', true],
    ['image/gif', true],
    ['image/webp', true],
    ['image/svg+xml', false], // SVG can carry script
    ['text/html', false],
    ['application/pdf', false],
    ['', false],
  ])('%j is shown inline: %s', (type, inline) => {
    expect(isInlineImage(type)).toBe(inline);
  });
});
