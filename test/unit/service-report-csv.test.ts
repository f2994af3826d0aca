/** The service report's ticket CSV and the formats the report prints (its PDF is tested in test/integration). */
import { parse } from 'csv-parse/sync';
import { renderServiceReportCsv } from '../../activities/reports';
import { guardFormula } from '../../activities/reports/csv';
import { isoInZone, reportText } from '../../activities/reports/text';
import { FIGURES, reportDocument, TIME_ZONE } from '../support/service-report-fixture';

const rows = (csv: string): string[][] => parse(csv, { bom: true, relax_column_count: false });

describe('the ticket CSV', () => {
  const sk = renderServiceReportCsv(reportDocument('sk'));
  const [header, ...body] = rows(sk);
  const byNumber = new Map(body.map((r) => [r[0], r]));

  test('is UTF-8 with a BOM and CRLF line ends, headed in the report language', () => {
    expect(Buffer.from(sk, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(sk.split('\r\n')[0]).toMatch(/^\ufeffTiket,Názov,Typ,Priorita,Vytvorený,Stav na konci mesiaca,Podmienky služby,/);
    expect(sk.endsWith('\r\n')).toBe(true);
    expect(header).toHaveLength(16);
    expect(rows(renderServiceReportCsv(reportDocument('en')))[0]!.slice(0, 3)).toEqual(['Ticket', 'Title', 'Type']);
  });

  test('has one row per ticket, in the language, with times in the customer zone', () => {
    expect(body.map((r) => r[0])).toEqual(FIGURES.tickets.map((t) => `T-000${t.number}`));
    expect(byNumber.get('T-000120')).toEqual([
      'T-000120',
      'Tlačiareň v dispečingu netlačí',
      'incident',
      'P3',
      '2026-03-04T09:15:00+01:00',
      'vyriešený',
      'Premium',
      'splnené',
      '2026-03-04T09:57:00+01:00',
      '42',
      'splnené',
      '2026-03-05T11:00:00+01:00',
      '390',
      '2',
      '0',
      '0',
    ]);
    // Summer time from 29 March: the offset follows; a clock still running has no time; terms from a contract by name.
    const p1 = byNumber.get('T-000131')!;
    expect([p1[4], p1[6], p1[10], p1[11], p1[12], p1[13], p1[14], p1[15]]).toEqual(['2026-03-30T07:40:00+02:00', 'Zmluva o podpore č. 2026/04 – rozšírená', 'otvorené', '', '', '3', '1', '2']);
    expect(byNumber.get('T-000127')!.slice(2, 3)).toEqual(['hlásenie chyby']);
  });

  test('round-trips a title with a comma, quotes and a line break', () => {
    expect(byNumber.get('T-000131')![1]).toBe('Výpadok zákazníckeho portálu, "kritické", treba\nriešiť hneď');
    expect(byNumber.get('T-000123')![1]).toBe(FIGURES.tickets[1]!.title);
  });

  test('makes a cell that a spreadsheet would run as a formula plain text', () => {
    expect(byNumber.get('T-000140')![1]).toBe(`'=HYPERLINK("http://example.invalid","klik")`);
    expect(byNumber.get('T-000141')![1]).toBe(`'@SUM(A1:A2)`);
    expect(byNumber.get('T-000142')![1]).toBe(`'+420 přepojit`);
    expect(byNumber.get('T-000143')![1]).toBe(`'-1 disk`);
    expect(byNumber.get('T-000144')![1]).toBe(`'\tskrytý tabulátor`);
    expect(['a=1', ' =1', '', 'T-000140'].map(guardFormula)).toEqual(['a=1', ' =1', '', 'T-000140']);
    expect(['=1', '+1', '-1', '@a', '\tx', '\rx'].map(guardFormula)).toEqual(["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx"]);
  });
});

describe('the report formats', () => {
  const en = reportText('en', TIME_ZONE);
  const sk = reportText('sk', TIME_ZONE);
  const nbsp = (s: string) => s.replace(/\u00a0/g, ' ');

  test('compliance to one decimal, never 100 % with a breach nor 0 % with a success, a dash when unmeasured', () => {
    const pc = (met: number, breached: number, t = en) => nbsp(t.percent({ met, breached, rate: null }));
    expect([pc(7, 1), pc(2, 1), pc(2, 1, sk), pc(1999, 1), pc(1, 1999), pc(0, 3), pc(5, 0), pc(0, 0)]).toEqual(['87.5 %', '66.7 %', '66,7 %', '99.9 %', '0.1 %', '0.0 %', '100.0 %', '—']);
    expect(nbsp(en.percentOf({ met: 24, breached: 1, rate: null }))).toBe('96.0 % (24/25)');
  });

  test('lateness in days and hours or hours and minutes; clock time in hours and minutes', () => {
    const H = 3_600_000;
    expect([en.late(30_000), en.late(15 * 60_000), en.late(2 * H + 15 * 60_000), en.late(2 * H), en.late(27 * H + 59 * 60_000), en.late(48 * H)].map(nbsp)).toEqual(['< 1 min', '15 min', '2 h 15 min', '2 h', '1 d 3 h', '2 d']);
    expect([en.clockTime(null), en.clockTime(27 * H + 45 * 60_000), en.clockTime(42 * 60_000 + 59_999)].map(nbsp)).toEqual(['—', '27 h 45 min', '42 min']);
  });

  test('months and days in the language', () => {
    expect([en.month('2026-03'), sk.month('2026-03'), sk.month('2026-01')]).toEqual(['March 2026', 'marec 2026', 'január 2026']);
    expect([en.day('2026-04-08'), sk.day('2026-04-08')]).toEqual(['8 Apr 2026', '8. 4. 2026']);
    expect(en.localDays(FIGURES.period.start, FIGURES.period.end)).toBe('1 Mar 2026 – 31 Mar 2026');
  });

  test('ISO 8601 in the customer zone with its offset', () => {
    expect(isoInZone('2026-03-29T00:30:00.000Z', TIME_ZONE)).toBe('2026-03-29T01:30:00+01:00');
    expect(isoInZone('2026-03-29T01:30:00.000Z', TIME_ZONE)).toBe('2026-03-29T03:30:00+02:00');
    expect(isoInZone('2026-03-29T01:30:00.999Z', 'UTC')).toBe('2026-03-29T01:30:00+00:00');
    expect(isoInZone('2026-01-15T12:00:00.000Z', 'America/St_Johns')).toBe('2026-01-15T08:30:00-03:30');
  });
});
