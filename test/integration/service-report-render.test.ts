/**
 * The monthly service report's PDF as a reader gets it: the text poppler extracts (pdftotext), the fonts it embeds
 * (pdffonts), its metadata (pdfinfo) and a picture of its first page (pdftoppm, kept in test-artifacts/ to look at).
 * Needs poppler-utils (.ci/run installs it); the stack of the global setup is not used.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderServiceReportPdf, type ReportDocument } from '../../activities/reports';
import { loadMessages } from '../../api/portal/i18n';
import type { Breach } from '../../domain/service-report';
import enReport from '../../locales/en/report.json';
import skReport from '../../locales/sk/report.json';
import { BREACHES, CUSTOMER, FIGURES, reportDocument } from '../support/service-report-fixture';

const ARTIFACTS = resolve(__dirname, '../../test-artifacts/service-report');
const A4 = { width: 595.28, height: 841.89 };
const MARGIN_X = 45;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'service-report-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const poppler = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
/** Non-breaking and narrow spaces (between numbers and units) read as plain spaces. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

async function rendered(name: string, doc: ReportDocument) {
  const file = join(dir, `${name}.pdf`);
  const pdf = await renderServiceReportPdf(doc);
  writeFileSync(file, pdf);
  const pages = spaces(poppler('pdftotext', '-layout', file, '-')).split('\f').slice(0, -1);
  // Reading order with each cell's lines joined: a phrase wrapped inside a table cell reads as one.
  const flowing = spaces(poppler('pdftotext', '-raw', file, '-')).replace(/\s+/g, ' ');
  return { file, pdf, pages, layout: pages.join('\f'), flowing };
}

/** Every word poppler places on a page lies within the page's text width. */
function wordsOutsideMargins(file: string): string[] {
  const html = poppler('pdftotext', '-bbox', file, '-');
  const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)];
  expect(words.length).toBeGreaterThan(100);
  const out: string[] = [];
  for (const m of words) {
    const [xMin, yMin, xMax, yMax] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    if (xMin < MARGIN_X - 1 || xMax > A4.width - MARGIN_X + 1 || yMin < 0 || yMax > A4.height) out.push(`${m[5]} at ${xMin}–${xMax}`);
  }
  return out;
}

const LANGUAGE_CASES = [
  {
    language: 'en' as const,
    month: 'March 2026',
    labels: ['Monthly service report', 'Service terms in force', 'SLA compliance', 'Compliance by priority', 'Compliance by service terms', 'Breached targets', 'Response and resolution times', 'Ticket volume', 'Escalations', 'Defects', 'Change requests', 'Customer satisfaction'],
    figures: ['87.5 %', '96.0 %', '100.0 %', '66.7 % (2/3)', '90.9 % (10/11)', '93.3 % (14/15)', '42 min', '3 h 10 min', '27 h 45 min', '2 h 15 min', '1 d 14 h', '4.4'],
    phrases: ['L1→L2 (auto), L2→L3 (manual)', 'not met by month end', 'Premium (plan)', 'Zmluva o podpore č. 2026/04 – rozšírená (contract)', '1 Mar 2026 – 31 Mar 2026', '8 Apr 2026', 'Oct 2025'],
    page: (n: number, of: number) => `Page ${n} of ${of}`,
  },
  {
    language: 'sk' as const,
    month: 'marec 2026',
    labels: ['Mesačná správa o úrovni služieb', 'Platné podmienky služby', 'Plnenie SLA', 'Plnenie podľa priority', 'Plnenie podľa podmienok služby', 'Porušené ciele', 'Časy odozvy a vyriešenia', 'Objem tiketov', 'Eskalácie', 'Chyby', 'Požiadavky na zmenu', 'Spokojnosť zákazníkov'],
    figures: ['87,5 %', '96,0 %', '100,0 %', '66,7 % (2/3)', '90,9 % (10/11)', '93,3 % (14/15)', '42 min', '3 h 10 min', '27 h 45 min', '2 h 15 min', '1 d 14 h', '4,4'],
    phrases: ['L1→L2 (autom.), L2→L3 (ručne)', 'nesplnené do konca mesiaca', 'Premium (plán)', 'Zmluva o podpore č. 2026/04 – rozšírená (zmluva)', '1. 3. 2026 – 31. 3. 2026', '8. 4. 2026', 'okt 2025'],
    page: (n: number, of: number) => `Strana ${n} z ${of}`,
  },
];

describe.each(LANGUAGE_CASES)('the $language report', (c) => {
  let r: Awaited<ReturnType<typeof rendered>>;
  beforeAll(async () => {
    r = await rendered(`report-${c.language}`, reportDocument(c.language));
  });

  test('reads as the month of the customer, with every section, figure and label in its language', () => {
    expect(r.layout).toContain(CUSTOMER);
    expect(r.layout).toContain(c.month);
    for (const s of [...c.labels, ...c.figures]) expect([s, r.layout.includes(s)]).toEqual([s, true]);
    for (const s of c.phrases) expect([s, r.flowing.includes(s)]).toEqual([s, true]);
    for (const n of ['T-000123', 'T-000131', 'T-000127', 'T-000098']) expect(r.layout).toContain(n);
    expect(r.layout).toContain('Europe/Bratislava');
  });

  test('every page has its footer, and no word runs past the margins', () => {
    expect(r.pages.length).toBeGreaterThan(1);
    r.pages.forEach((page, i) => expect(page).toContain(c.page(i + 1, r.pages.length)));
    expect(wordsOutsideMargins(r.file)).toEqual([]);
  });

  test('embeds DejaVu Sans and nothing else, and says what it is on A4', () => {
    const fonts = poppler('pdffonts', r.file).trim().split('\n').slice(2);
    expect(fonts.map((l) => l.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
    // name, type (two words), encoding, then emb / sub / uni
    for (const line of fonts) expect(line.split(/\s+/).slice(4, 7)).toEqual(['yes', 'yes', 'yes']);
    const info = poppler('pdfinfo', '-isodates', r.file);
    expect(info).toMatch(new RegExp(`^Title: +.*${CUSTOMER}.*${c.month}$`, 'm'));
    expect(info).toMatch(/^Author: +ticketflow$/m);
    expect(info).toMatch(/^Subject: +\S/m);
    expect(info).toMatch(/^CreationDate: +2026-04-01T04:00:00Z$/m);
    expect(info).toMatch(/^Page size: +595\.28 x 841\.89 pts \(A4\)$/m);
  });

  test('renders the same bytes for the same input', async () => {
    expect((await renderServiceReportPdf(reportDocument(c.language))).equals(r.pdf)).toBe(true);
  });

  test('its first page rasterises to a PNG (kept in test-artifacts/service-report)', () => {
    const prefix = join(dir, `page-${c.language}`);
    poppler('pdftoppm', '-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', r.file, prefix);
    const png = readFileSync(`${prefix}.png`);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(10_000);
    copyFileSync(`${prefix}.png`, join(ARTIFACTS, `first-page-${c.language}.png`));
  });
});

test('200 breaches run over several pages, each with the table header and the page footer', async () => {
  const breaches: Breach[] = Array.from({ length: 200 }, (_, i) => ({
    ...BREACHES[i % 2]!,
    ticketId: `t-${1000 + i}`,
    number: 1000 + i,
    title: `${i % 3 ? 'Krátky názov' : 'Veľmi dlhý názov tiketu, ktorý sa do stĺpca nezmestí a musí sa skrátiť, aby tabuľka zostala čitateľná'} ${i}`,
  }));
  const r = await rendered('breaches-200', reportDocument('en', { figures: { ...FIGURES, breaches } }));
  expect(r.pages.length).toBeGreaterThanOrEqual(5);
  r.pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${r.pages.length}`));
  const withRows = r.pages.filter((p) => /T-0010\d\d/.test(p));
  expect(withRows.length).toBeGreaterThanOrEqual(4);
  for (const page of withRows) expect(page).toMatch(/Ticket +Title +Target +Priority +Deadline +Met at +Late by +Escalations/);
  for (const b of breaches) expect(r.layout).toContain(`T-00${b.number}`);
  expect(wordsOutsideMargins(r.file)).toEqual([]);
});

test('a month without breaches says so, and one set of terms gets no per-terms table', async () => {
  const r = await rendered('no-breaches', reportDocument('sk', { figures: { ...FIGURES, breaches: [], byTerms: FIGURES.byTerms.slice(0, 1) } }));
  expect(r.flowing).toContain('V tomto mesiaci nebol porušený žiadny cieľ.');
  expect(r.layout).not.toContain('Plnenie podľa podmienok služby');
});

test('a long customer name and any Unicode wrap or end in an ellipsis inside the page, never crash', async () => {
  const strange = 'emoji 😀👍🏽, right-to-left עברית العربية, 中文字符, combining é, lone \ud800 surrogate, nul \u0000 tab\tnewline\n\u202eoverride';
  const name = `${'Stredoslovenská distribučná a obchodná spoločnosť pre energetiku '.repeat(6)}${strange}`;
  const figures = {
    ...FIGURES,
    terms: FIGURES.terms.map((t) => ({ ...t, name: `${t.name} ${strange} ${'x'.repeat(200)}` })),
    breaches: BREACHES.map((b) => ({ ...b, title: `${strange} ${'Ž'.repeat(300)}` })),
    defects: { ...FIGURES.defects, released: [{ number: 1, title: strange.repeat(5), version: `v${'9'.repeat(80)}`, releasedOn: '2026-03-02' }] },
    satisfaction: { ratings: 0, average: null, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } },
  };
  const r = await rendered('unicode', reportDocument('en', { customer: { name }, figures }));
  expect(r.flowing).toContain('Stredoslovenská distribučná');
  expect(r.flowing).toContain('…');
  r.pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${r.pages.length}`));
  expect(wordsOutsideMargins(r.file)).toEqual([]);
});

test('nothing measured prints a dash, 0 % still a figure', async () => {
  const none = { met: 0, breached: 0, rate: null };
  const zero = { met: 0, breached: 3, rate: 0 };
  const r = await rendered('empty', reportDocument('en', { figures: { ...FIGURES, compliance: { firstResponse: zero, nextUpdate: none, resolution: none } } }));
  expect(r.layout).toMatch(/First response +0 +3 +0\.0 %/);
  expect(r.layout).toMatch(/Next update +0 +0 +—/);
});

test('the report labels exist in both languages and clash with no portal message', () => {
  expect(Object.keys(skReport).sort()).toEqual(Object.keys(enReport).sort());
  for (const v of [...Object.values(enReport), ...Object.values(skReport)]) expect(v.trim()).not.toBe('');
  // The portal loads every locales/<lang>/*.json and rejects a key defined twice.
  expect(() => loadMessages('en')).not.toThrow();
  expect(() => loadMessages('sk')).not.toThrow();
});
