import { AttachmentLimitError, checkLimits, detectContentType, mib, safeFilename } from '../../db/attachments';
import type { Db } from '../../db/connection';
// The domain side (what an action may name, what an event records, inline images): attachment-rules.test.ts.
import { MAX_FILES_PER_EVENT } from '../../domain/attachments';
import { pdfDocument, pngImage, zipArchive } from '../support/files';

describe('attachment type detection (from the bytes, never the name)', () => {
  it.each([
    ['a PNG image', pngImage(2, 2), 'image/png'],
    ['a PDF document', pdfDocument(), 'application/pdf'],
    ['a zip archive', zipArchive(), 'application/zip'],
    ['plain UTF-8 text with diacritics', Buffer.from('Faktúra č. 42 – ďakujeme\n'), 'text/plain'],
    ['binary bytes with NUL', Buffer.from([0x01, 0x00, 0xff, 0x10, 0x00, 0x7f]), 'application/octet-stream'],
    ['bytes that are not UTF-8', Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), 'application/octet-stream'],
    ['an empty file', Buffer.alloc(0), 'application/octet-stream'],
  ])('%s', (_what, bytes, type) => {
    expect(detectContentType(bytes)).toBe(type);
  });

  it('is not fooled by a name: the bytes decide, and detection never sees the name', () => {
    // What a renamed file is: the same bytes under another name. The type is the bytes' whatever the name says.
    expect(detectContentType(pngImage(3, 3))).toBe('image/png'); // e.g. uploaded as "report.txt"
    expect(detectContentType(Buffer.from('<script>alert(1)</script>'))).toBe('text/plain'); // e.g. "photo.png": served as text, never as HTML
    expect(detectContentType(Buffer.from('<!DOCTYPE html><html><script>x</script></html>'))).not.toBe('image/png');
  });

  it('reads text cut in the middle of a multi-byte character at the 64 KiB mark as text', () => {
    const text = Buffer.from('ž'.repeat(40 * 1024)); // 2 bytes each: the 64 KiB cut falls inside… or between characters
    expect(detectContentType(Buffer.concat([Buffer.from('a'), text]))).toBe('text/plain');
    expect(detectContentType(text)).toBe('text/plain');
  });
});

describe('safe file names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system32\\cmd.exe', 'cmd.exe'],
    ['C:\\Users\\x\\invoice.pdf', 'invoice.pdf'],
    // An RTL override makes "invoice\u202Efdp.exe" read as "invoiceexe.pdf": the control goes, the real name stays.
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['a\u0000b\u0007c\u001b.txt', 'abc.txt'],
    ['.htaccess', 'htaccess'],
    ['...', '_'],
    ['', 'attachment'],
    [null, 'attachment'],
    ['CON', '_'],
    ['what?*:|<>.txt', 'what______.txt'],
    ['Faktúra – marec.pdf', 'Faktúra – marec.pdf'],
  ])('%j → %j', (given, safe) => {
    expect(safeFilename(given)).toBe(safe);
  });

  it('keeps an unpaired surrogate (a script\'s doing; browsers send U+FFFD) visible as U+FFFD, so the name can be stored', () => {
    expect(safeFilename('report\ud800.txt')).toBe('report\ufffd.txt');
  });

  it('bounds very long names and keeps their extension', () => {
    const long = safeFilename(`${'a'.repeat(500)}.pdf`);
    expect(long.length).toBe(180);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(safeFilename('b'.repeat(400)).length).toBe(180);
    // Multi-byte names are bounded in bytes too (file systems and headers count bytes), whole characters only.
    const slovak = safeFilename(`${'ž'.repeat(300)}.docx`);
    expect(Buffer.byteLength(slovak)).toBeLessThanOrEqual(240);
    expect(slovak).toMatch(/^ž+\.docx$/);
  });

  it('composes decomposed accents (NFC), so one name has one spelling', () => {
    expect(safeFilename('Fakt\u0075\u0301ra.pdf')).toBe('Faktúra.pdf');
  });
});

describe('limits', () => {
  const noDb = {} as Db;
  const limits = { maxFileBytes: 1024 * 1024, maxTicketBytes: 3 * 1024 * 1024 };

  it('refuses a file over the per-file limit, naming it and the limit', async () => {
    const err = await checkLimits(noDb, null, [{ filename: 'ok.txt', bytes: Buffer.alloc(10) }, { filename: '../big.bin', bytes: Buffer.alloc(limits.maxFileBytes + 1) }], limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttachmentLimitError);
    expect((err as AttachmentLimitError).limit).toBe('file');
    expect((err as Error).message).toBe('The file "big.bin" is 1.0 MiB; a file may be at most 1 MiB');
  });

  it('accepts a file of exactly the limit', async () => {
    await expect(checkLimits(noDb, null, [{ filename: 'edge.bin', bytes: Buffer.alloc(limits.maxFileBytes) }], limits)).resolves.toBeUndefined();
  });

  it('refuses more files than one event carries', async () => {
    const files = Array.from({ length: MAX_FILES_PER_EVENT + 1 }, (_, i) => ({ filename: `${i}.txt`, bytes: Buffer.from('x') }));
    await expect(checkLimits(noDb, null, files, limits)).rejects.toMatchObject({ limit: 'count', message: `At most ${MAX_FILES_PER_EVENT} files can be attached at once (11 were sent)` });
  });

  it('refuses files that together pass the per-ticket limit', async () => {
    const files = [1, 2, 3, 4].map((i) => ({ filename: `${i}.bin`, bytes: Buffer.alloc(900 * 1024) }));
    await expect(checkLimits(noDb, null, files, limits)).rejects.toMatchObject({ limit: 'ticket' });
  });

  it('says sizes as people read them', () => {
    expect([mib(64 * 1024), mib(1024 * 1024), mib(1.5 * 1024 * 1024), mib(10 * 1024 * 1024)]).toEqual(['64 KiB', '1 MiB', '1.5 MiB', '10 MiB']);
  });
});
