/**
 * The monthly service report as PDF (SPEC §12.1): A4 portrait, DejaVu Sans embedded (Slovak diacritics, never a
 * system font), vector charts only. The same document renders the same bytes: the creation date is `generatedAt`
 * and pdfkit derives its file id and font subset tags from the document, not from a clock.
 */
import PDFDocument from 'pdfkit';
import { PRIORITIES, TARGET_KINDS, type TargetKind } from '../../domain/plans';
import { type Breach, complianceBand, type ComplianceByTarget, type ServiceReportFigures, TREND_MONTHS } from '../../domain/service-report';
import { formatTicketNumber } from '../../domain/tickets';
import type { ReportDocument } from './document';
import { NOTHING, oneLine, reportText, type ReportText } from './text';

// Fonts are chosen by path, not by registerFont names: pdfkit 0.20 caches a registered name only when no font of the
// same PostScript name is open, so the name of the default font would re-read and re-parse the file on every use.
const FONT = { regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf') };
const MARGIN = { top: 50, bottom: 60, left: 45, right: 45 };
const COLOUR = {
  text: '#1f2933',
  muted: '#616e7c',
  rule: '#cbd2d9',
  headerFill: '#eef1f4',
  track: '#e4e7eb',
  good: '#2f855a',
  warn: '#d69e2e',
  bad: '#c53030',
  opened: '#3b6fb6',
  resolved: '#2f855a',
  backlog: '#7b4397',
};
const SIZE = { title: 18, customer: 13, heading: 12, sub: 10, body: 9, table: 8, small: 7 };
const CELL_PAD = 3;

type Doc = PDFKit.PDFDocument;

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
  /** lines a cell may wrap to before it ends in an ellipsis */
  maxLines?: number;
  /** draws the cell instead of text (a bar) */
  draw?: (doc: Doc, box: { x: number; y: number; width: number; height: number }, row: number) => void;
}

/** Bar colour by compliance: a full bar and a 96 % bar must not look alike. */
const BAND_COLOUR = { full: COLOUR.good, near: COLOUR.warn, below: COLOUR.bad } as const;
const complianceColour = (rate: number) => BAND_COLOUR[complianceBand(rate)];

/** A horizontal bar on a grey track; a share of 0 still shows a sliver, no share (null) only the track. */
function bar(doc: Doc, box: { x: number; y: number; width: number; height: number }, share: number | null, colour: string) {
  const h = Math.min(8, box.height - 2);
  const y = box.y + (box.height - h) / 2;
  doc.save().rect(box.x, y, box.width, h).fill(COLOUR.track);
  if (share !== null) doc.rect(box.x, y, Math.max(1.5, Math.min(1, share) * box.width), h).fill(colour);
  doc.restore();
}

class ReportPdf {
  readonly doc: Doc;
  private readonly width: number;

  constructor(
    source: ReportDocument,
    private readonly text: ReportText,
  ) {
    const { t } = text;
    const month = text.month(source.figures.month);
    const customer = oneLine(source.customer.name);
    const created = new Date(source.generatedAt);
    this.doc = new PDFDocument({
      size: 'A4',
      layout: 'portrait',
      margins: MARGIN,
      bufferPages: true,
      font: FONT.regular,
      lang: text.language === 'sk' ? 'sk-SK' : 'en-GB',
      displayTitle: true,
      info: {
        Title: `${t('serviceReport.title')} – ${customer} – ${month}`,
        Author: 'ticketflow',
        Subject: t('serviceReport.subject', { customer, month }),
        Creator: 'ticketflow',
        CreationDate: created,
        ModDate: created,
      },
    });
    this.doc.lineGap(0);
    this.width = this.doc.page.width - MARGIN.left - MARGIN.right;
  }

  private get bottom() {
    return this.doc.page.height - MARGIN.bottom;
  }

  /** Starts a new page unless `height` still fits on this one. */
  private ensure(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private write(s: string, opts: { font?: 'regular' | 'bold'; size?: number; colour?: string; maxLines?: number; gap?: number } = {}) {
    const { doc } = this;
    doc.font(FONT[opts.font ?? 'regular']).fontSize(opts.size ?? SIZE.body).fillColor(opts.colour ?? COLOUR.text);
    const lines = opts.maxLines ?? 3;
    this.ensure(doc.currentLineHeight(true));
    doc.text(s, MARGIN.left, doc.y, { width: this.width, height: lines * doc.currentLineHeight(true), ellipsis: true });
    doc.y += opts.gap ?? 0;
  }

  title(customer: string, month: string) {
    this.write(customer, { font: 'bold', size: SIZE.title, maxLines: 2, gap: 2 });
    this.write(month, { font: 'bold', size: SIZE.customer, gap: 6 });
  }

  heading(s: string, keepWith = 60) {
    this.doc.y += 10;
    this.ensure(keepWith);
    this.write(s, { font: 'bold', size: SIZE.heading, gap: 4, maxLines: 2 });
  }

  subheading(s: string, keepWith = 40) {
    this.doc.y += 4;
    this.ensure(keepWith);
    this.write(s, { font: 'bold', size: SIZE.sub, gap: 2, maxLines: 2 });
  }

  paragraph(s: string, colour = COLOUR.text) {
    this.write(s, { colour, gap: 3 });
  }

  /** Label–value pairs, one a line. */
  facts(pairs: Array<[string, string]>) {
    this.table([{ header: '', width: 170 }, { header: '', width: this.width - 170, maxLines: 2 }], pairs, { header: false });
  }

  /** A table that breaks across pages, its header repeated on each. Widths are shares of the text width when they add up to 1 or less. */
  table(columns: Column[], rows: string[][], opts: { header?: boolean } = {}) {
    const { doc } = this;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (total <= 1 ? c.width * this.width : c.width));
    doc.fontSize(SIZE.table);
    const lineHeight = doc.currentLineHeight(true);
    const cellText = (s: string, x: number, y: number, w: number, col: Column, font: 'regular' | 'bold') => {
      doc.font(FONT[font]).fontSize(SIZE.table).fillColor(COLOUR.text);
      doc.text(s, x + CELL_PAD, y + CELL_PAD, { width: w - 2 * CELL_PAD, height: (col.maxLines ?? 2) * lineHeight, ellipsis: true, align: col.align ?? 'left' });
    };
    const rowHeight = (cells: string[], font: 'regular' | 'bold') =>
      Math.max(
        ...cells.map((s, i) => {
          doc.font(FONT[font]).fontSize(SIZE.table);
          const col = columns[i]!;
          return Math.min(doc.heightOfString(s || ' ', { width: widths[i]! - 2 * CELL_PAD }), (col.maxLines ?? 2) * lineHeight);
        }),
      ) +
      2 * CELL_PAD;
    const drawRow = (cells: string[], font: 'regular' | 'bold', index: number | null) => {
      const h = rowHeight(cells, font);
      const y = doc.y;
      if (index === null) doc.save().rect(MARGIN.left, y, this.width, h).fill(COLOUR.headerFill).restore();
      let x = MARGIN.left;
      cells.forEach((s, i) => {
        const col = columns[i]!;
        if (col.draw && index !== null) col.draw(doc, { x: x + CELL_PAD, y, width: widths[i]! - 2 * CELL_PAD, height: h }, index);
        else cellText(s, x, y, widths[i]!, col, font);
        x += widths[i]!;
      });
      doc.save().moveTo(MARGIN.left, y + h).lineTo(MARGIN.left + this.width, y + h).lineWidth(0.5).strokeColor(COLOUR.rule).stroke().restore();
      doc.x = MARGIN.left;
      doc.y = y + h;
    };
    const headers = columns.map((c) => c.header);
    const withHeader = opts.header !== false;
    const header = () => withHeader && drawRow(headers, 'bold', null);
    this.ensure((withHeader ? rowHeight(headers, 'bold') : 0) + (rows[0] ? rowHeight(rows[0], 'regular') : 0));
    header();
    rows.forEach((cells, index) => {
      if (doc.y + rowHeight(cells, 'regular') > this.bottom) {
        doc.addPage();
        header();
      }
      drawRow(cells, 'regular', index);
    });
    doc.y += 4;
  }

  /** Compliance of each target in a table of counts, with a bar per target. */
  complianceTable(compliance: ComplianceByTarget) {
    const { t, percent } = this.text;
    const c = (k: TargetKind) => compliance[k];
    const bars: Column['draw'] = (doc, box, row) => {
      const kind = TARGET_KINDS[row]!;
      const { rate } = c(kind);
      bar(doc, box, rate, rate === null ? COLOUR.track : complianceColour(rate));
    };
    this.table(
      [
        { header: t('serviceReport.col.target'), width: 0.24 },
        { header: t('serviceReport.col.met'), width: 0.1, align: 'right' },
        { header: t('serviceReport.col.breached'), width: 0.11, align: 'right' },
        { header: t('serviceReport.col.compliance'), width: 0.13, align: 'right' },
        { header: '', width: 0.42, draw: bars },
      ],
      TARGET_KINDS.map((k) => [t(`serviceReport.target.${k}`), String(c(k).met), String(c(k).breached), percent(c(k)), '']),
    );
    this.paragraph(t('serviceReport.compliance.legend'), COLOUR.muted);
  }

  /** One row per priority or per terms: the three targets' compliance side by side. */
  targetMatrix(firstHeader: string, rows: Array<[string, ComplianceByTarget]>) {
    const { t } = this.text;
    this.table(
      [{ header: firstHeader, width: 0.28 }, ...TARGET_KINDS.map((k) => ({ header: t(`serviceReport.target.${k}`), width: 0.24, align: 'right' as const }))],
      rows.map(([label, byTarget]) => [label, ...TARGET_KINDS.map((k) => this.text.percentOf(byTarget[k]))]),
    );
  }

  breaches(list: Breach[]) {
    const { t } = this.text;
    const escalations = (b: Breach) =>
      b.escalations.map((e) => `${e.from}→${e.to} (${t(e.automatic ? 'serviceReport.escalation.automatic' : 'serviceReport.escalation.manual')})`).join(', ') || NOTHING;
    this.table(
      [
        { header: t('serviceReport.col.ticket'), width: 0.1 },
        { header: t('serviceReport.col.title'), width: 0.19 },
        { header: t('serviceReport.col.target'), width: 0.12 },
        { header: t('serviceReport.col.priority'), width: 0.085 },
        { header: t('serviceReport.col.deadline'), width: 0.12 },
        { header: t('serviceReport.col.metAt'), width: 0.125, maxLines: 3 },
        { header: t('serviceReport.col.late'), width: 0.11 },
        { header: t('serviceReport.col.escalations'), width: 0.15, maxLines: 3 },
      ],
      list.map((b) => [
        formatTicketNumber(b.number),
        oneLine(b.title),
        t(`serviceReport.target.${b.clock}`),
        b.priority,
        this.text.instant(b.deadline),
        b.metAt ? this.text.instant(b.metAt) : t('serviceReport.breaches.notMet'),
        this.text.late(b.lateMs),
        escalations(b),
      ]),
    );
  }

  /** Opened and resolved as bars, the month-end backlog as a line, one group per month, values printed. */
  trendChart(trend: ServiceReportFigures['trend']) {
    const { doc, text } = this;
    const height = 150;
    this.ensure(height + 10);
    const top = doc.y;
    const legendH = 14;
    const labelsH = 22;
    const plotTop = top + legendH + 10;
    const plotBottom = top + height - labelsH;
    const max = Math.max(1, ...trend.flatMap((m) => [m.opened, m.resolved, m.backlog]));
    const scale = (v: number) => ((plotBottom - plotTop) * v) / max;
    const group = this.width / trend.length;
    const barW = Math.min(22, group / 4);

    doc.font(FONT.regular).fontSize(SIZE.small);
    let lx = MARGIN.left;
    for (const [label, colour, line] of [
      [text.t('serviceReport.volume.opened'), COLOUR.opened, false],
      [text.t('serviceReport.volume.resolved'), COLOUR.resolved, false],
      [text.t('serviceReport.volume.backlog'), COLOUR.backlog, true],
    ] as const) {
      if (line) doc.save().moveTo(lx, top + 4).lineTo(lx + 10, top + 4).lineWidth(1.5).strokeColor(colour).stroke().restore();
      else doc.save().rect(lx, top, 10, 8).fill(colour).restore();
      doc.fillColor(COLOUR.text).text(label, lx + 14, top, { lineBreak: false });
      lx += 14 + doc.widthOfString(label) + 18;
    }

    doc.save().moveTo(MARGIN.left, plotBottom).lineTo(MARGIN.left + this.width, plotBottom).lineWidth(0.75).strokeColor(COLOUR.muted).stroke().restore();
    const points: Array<[number, number]> = [];
    trend.forEach((m, i) => {
      const centre = MARGIN.left + group * i + group / 2;
      const value = (v: number, x: number, y: number) => doc.fillColor(COLOUR.text).fontSize(SIZE.small).text(text.integer(v), x - 15, y - 9, { width: 30, align: 'center', lineBreak: false });
      for (const [v, colour, x] of [
        [m.opened, COLOUR.opened, centre - barW - 1],
        [m.resolved, COLOUR.resolved, centre + 1],
      ] as const) {
        const h = scale(v);
        doc.save().rect(x, plotBottom - h, barW, h).fill(colour).restore();
        value(v, x + barW / 2, plotBottom - h);
      }
      points.push([centre, plotBottom - scale(m.backlog)]);
      doc.fillColor(COLOUR.text).fontSize(SIZE.table);
      doc.text(text.monthShort(m.month), centre - group / 2, plotBottom + 3, { width: group, align: 'center', lineBreak: false });
      doc.fillColor(COLOUR.muted).fontSize(SIZE.small);
      doc.text(m.month.slice(0, 4), centre - group / 2, plotBottom + 13, { width: group, align: 'center', lineBreak: false });
    });
    doc.save().lineWidth(1.5).strokeColor(COLOUR.backlog);
    points.forEach(([x, y], i) => (i === 0 ? doc.moveTo(x, y) : doc.lineTo(x, y)));
    doc.stroke();
    points.forEach(([x, y]) => doc.circle(x, y, 2.2).fill(COLOUR.backlog));
    doc.restore();
    // The backlog's values sit on the bars: a white label keeps them readable.
    doc.font(FONT.bold).fontSize(SIZE.small);
    trend.forEach((m, i) => {
      const [x, y] = points[i]!;
      const label = text.integer(m.backlog);
      const w = doc.widthOfString(label) + 4;
      doc.save().roundedRect(x + 4, y - 11, w, 9, 2).fillAndStroke('#ffffff', COLOUR.backlog).restore();
      doc.fillColor(COLOUR.backlog).text(label, x + 6, y - 10, { lineBreak: false });
    });
    doc.x = MARGIN.left;
    doc.y = top + height;
  }

  /** "Customer · month" and "Page n of m" under every page; drawn last, when the page count is known. */
  footers(label: string) {
    const { doc } = this;
    const { start, count } = doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would make pdfkit start a new page.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - MARGIN.bottom + 18;
      doc.save().moveTo(MARGIN.left, y - 6).lineTo(MARGIN.left + this.width, y - 6).lineWidth(0.5).strokeColor(COLOUR.rule).stroke().restore();
      doc.font(FONT.regular).fontSize(SIZE.small).fillColor(COLOUR.muted);
      const page = this.text.t('serviceReport.footer.page', { page: i - start + 1, pages: count });
      const pageW = doc.widthOfString(page) + 2;
      doc.text(label, MARGIN.left, y, { width: this.width - pageW - 20, height: doc.currentLineHeight(true), ellipsis: true });
      doc.text(page, MARGIN.left + this.width - pageW, y, { width: pageW, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
  }

  finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    return new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
      this.doc.end();
    });
  }
}

export function renderServiceReportPdf(source: ReportDocument): Promise<Buffer> {
  const { figures } = source;
  const text = reportText(source.language, figures.timeZone);
  const { t } = text;
  const pdf = new ReportPdf(source, text);
  const customer = oneLine(source.customer.name);
  const month = text.month(figures.month);
  const kind = (k: 'plan' | 'contract') => t(k === 'plan' ? 'serviceReport.terms.plan' : 'serviceReport.terms.contract');

  pdf.doc.y = MARGIN.top;
  pdf.paragraph(t('serviceReport.title'), COLOUR.muted);
  pdf.title(customer, month);
  pdf.facts([
    [t('serviceReport.period'), text.localDays(figures.period.start, figures.period.end)],
    [t('serviceReport.timeZone'), figures.timeZone],
    [t('serviceReport.generatedAt'), text.longInstant(source.generatedAt)],
    [t('serviceReport.revision'), String(source.revision)],
  ]);

  pdf.heading(t('serviceReport.section.terms'));
  pdf.table(
    [
      { header: t('serviceReport.col.terms'), width: 0.5 },
      { header: t('serviceReport.col.from'), width: 0.25 },
      { header: t('serviceReport.col.to'), width: 0.25 },
    ],
    figures.terms.map((s) => [`${oneLine(s.name)} (${kind(s.kind)})`, text.day(s.from), text.day(s.to)]),
  );

  pdf.heading(t('serviceReport.section.compliance'));
  pdf.complianceTable(figures.compliance);
  pdf.subheading(t('serviceReport.section.byPriority'));
  pdf.targetMatrix(
    t('serviceReport.col.priority'),
    PRIORITIES.map((p) => [p, figures.byPriority[p]]),
  );
  if (figures.byTerms.length > 1) {
    pdf.subheading(t('serviceReport.section.byTerms'));
    pdf.targetMatrix(
      t('serviceReport.col.terms'),
      figures.byTerms.map((b) => [`${oneLine(b.name)} (${kind(b.kind)})`, b.compliance]),
    );
  }

  pdf.heading(t('serviceReport.section.breaches'));
  if (figures.breaches.length === 0) pdf.paragraph(t('serviceReport.breaches.none'));
  else pdf.breaches(figures.breaches);

  pdf.heading(t('serviceReport.section.times'));
  pdf.table(
    [
      { header: t('serviceReport.col.target'), width: 0.34 },
      { header: t('serviceReport.col.count'), width: 0.18, align: 'right' },
      { header: t('serviceReport.col.median'), width: 0.24, align: 'right' },
      { header: t('serviceReport.col.p90'), width: 0.24, align: 'right' },
    ],
    (['firstResponse', 'resolution'] as const).map((k) => {
      const d = figures.times[k];
      return [t(`serviceReport.target.${k}`), text.integer(d.count), text.clockTime(d.medianMs), text.clockTime(d.p90Ms)];
    }),
  );
  pdf.paragraph(t('serviceReport.times.note'), COLOUR.muted);

  pdf.heading(t('serviceReport.section.volume'), 230);
  pdf.facts([
    [t('serviceReport.volume.opened'), text.integer(figures.volume.opened)],
    [t('serviceReport.volume.resolved'), text.integer(figures.volume.resolved)],
    [t('serviceReport.volume.backlog'), text.integer(figures.volume.backlog)],
  ]);
  pdf.subheading(t('serviceReport.trend.title', { months: figures.trend.length || TREND_MONTHS }), 170);
  pdf.trendChart(figures.trend);

  pdf.heading(t('serviceReport.section.escalations'));
  pdf.facts([
    [t('serviceReport.escalations.manual'), text.integer(figures.escalations.manual)],
    [t('serviceReport.escalations.automatic'), text.integer(figures.escalations.automatic)],
  ]);

  pdf.heading(t('serviceReport.section.defects'));
  const { confirmed, fixScheduled, released } = figures.defects;
  const ticket = { header: t('serviceReport.col.ticket'), width: 0.13 };
  const title = (w: number) => ({ header: t('serviceReport.col.title'), width: w });
  const defectList = (label: string, count: number, draw: () => void) => {
    pdf.subheading(`${label} (${count})`);
    if (count === 0) pdf.paragraph(t('serviceReport.defects.none'), COLOUR.muted);
    else draw();
  };
  defectList(t('serviceReport.defects.confirmed'), confirmed.length, () =>
    pdf.table(
      [ticket, title(0.62), { header: t('serviceReport.col.date'), width: 0.25 }],
      confirmed.map((d) => [formatTicketNumber(d.number), oneLine(d.title), text.day(d.at)]),
    ),
  );
  defectList(t('serviceReport.defects.fixScheduled'), fixScheduled.length, () =>
    pdf.table(
      [ticket, title(0.47), { header: t('serviceReport.col.version'), width: 0.17 }, { header: t('serviceReport.col.plannedDate'), width: 0.23 }],
      fixScheduled.map((d) => [formatTicketNumber(d.number), oneLine(d.title), oneLine(d.version), text.day(d.plannedDate)]),
    ),
  );
  defectList(t('serviceReport.defects.released'), released.length, () =>
    pdf.table(
      [ticket, title(0.47), { header: t('serviceReport.col.version'), width: 0.17 }, { header: t('serviceReport.col.date'), width: 0.23 }],
      released.map((d) => [formatTicketNumber(d.number), oneLine(d.title), oneLine(d.version), text.day(d.releasedOn)]),
    ),
  );

  pdf.heading(t('serviceReport.section.changes'));
  pdf.facts((['submitted', 'approved', 'rejected', 'implemented'] as const).map((k) => [t(`serviceReport.changes.${k}`), text.integer(figures.changes[k])]));

  const s = figures.satisfaction;
  pdf.heading(t('serviceReport.section.satisfaction'), 150);
  pdf.facts([
    [t('serviceReport.satisfaction.ratings'), text.integer(s.ratings)],
    [t('serviceReport.satisfaction.average'), text.decimal(s.average)],
  ]);
  pdf.subheading(t('serviceReport.satisfaction.distribution'));
  const scores = (['5', '4', '3', '2', '1'] as const).map((k) => [k, s.distribution[k]] as const);
  pdf.table(
    [
      { header: t('serviceReport.col.score'), width: 0.15 },
      { header: t('serviceReport.col.count'), width: 0.15, align: 'right' },
      { header: '', width: 0.7, draw: (doc, box, row) => bar(doc, box, s.ratings ? scores[row]![1] / s.ratings : null, COLOUR.opened) },
    ],
    scores.map(([k, n]) => [k, text.integer(n), '']),
  );

  pdf.footers(`${customer} · ${month}`);
  return pdf.finish();
}
