/**
 * Charts for portal pages as inline SVG, drawn on the server (no script). Every chart prints its figures as text
 * too, and pages list them for screen readers, so a chart is never the only place a number is.
 */

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const svg = (width: number, height: number, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" focusable="false" aria-hidden="true">${body}</svg>`;

export interface Bar {
  label: string;
  /** null: nothing measured (with `track`, only the empty track is drawn) */
  value: number | null;
  text?: string;
  /** an extra class of the bar (e.g. a colour by threshold) */
  tone?: string;
  /** names the bar's group (`data-key`), for pages and tests that find one bar */
  key?: string;
}

/**
 * A horizontal bar chart. `scaleMax` fixes the full width (100 for percentages); otherwise the largest bar fills it.
 * With `track`, each bar runs on a grey track of the full width and a measured 0 still shows as a sliver.
 */
export function barChart(bars: Bar[], scaleMax?: number, opts: { track?: boolean } = {}): { svg: string; height: number } {
  const max = scaleMax ?? Math.max(1, ...bars.map((b) => b.value ?? 0));
  const rowH = 28;
  const labelW = Math.min(180, Math.max(40, 8 * Math.max(0, ...bars.map((b) => b.label.length)) + 8));
  // The printed value stands right of the full track: room for the longest one ("96.2 % · Below target").
  const textW = Math.max(60, Math.ceil(7.5 * Math.max(0, ...bars.map((b) => (b.text ?? String(b.value ?? '')).length))) + 8);
  const full = 240;
  const width = labelW + full + textW;
  const rows = bars
    .map((b, i) => {
      const scaled = Math.max(0, Math.round((full * Math.min(b.value ?? 0, max)) / max));
      const w = opts.track && b.value !== null ? Math.max(3, scaled) : scaled;
      const y = i * rowH;
      const track = opts.track ? `<rect x="${labelW}" y="${y + 4}" width="${full}" height="20" class="chart-track"></rect>` : '';
      const bar = b.value === null && opts.track ? '' : `<rect x="${labelW}" y="${y + 4}" width="${w}" height="20" class="chart-bar${b.tone ? ` ${esc(b.tone)}` : ''}"></rect>`;
      const textX = labelW + (opts.track ? full : w) + 6;
      return `<g${b.key ? ` data-key="${esc(b.key)}"` : ''}><text x="0" y="${y + 19}" class="chart-label">${esc(b.label)}</text>${track}${bar}<text x="${textX}" y="${y + 19}" class="chart-value">${esc(b.text ?? String(b.value ?? ''))}</text></g>`;
    })
    .join('');
  const height = Math.max(1, bars.length) * rowH;
  return { svg: svg(width, height, rows), height };
}

export interface TrendPoint {
  /** the month's label under its group, e.g. "Mar" */
  label: string;
  /** a second, smaller line under it, e.g. the year */
  sub: string;
  opened: number;
  resolved: number;
  backlog: number;
}

/**
 * Monthly volume: opened and resolved as a pair of columns per month, the open backlog at each month's end as a
 * line with dots, every value printed. `legend` names the three series.
 */
export function trendChart(points: TrendPoint[], legend: { opened: string; resolved: string; backlog: string }): string {
  const width = 560;
  const legendH = 22;
  const plotTop = legendH + 18;
  const plotBottom = 200;
  const height = plotBottom + 36;
  const max = Math.max(1, ...points.flatMap((p) => [p.opened, p.resolved, p.backlog]));
  const y = (v: number) => plotBottom - ((plotBottom - plotTop) * v) / max;
  const group = width / Math.max(1, points.length);
  const barW = Math.min(26, group / 4);
  const parts: string[] = [];
  let lx = 0;
  for (const [key, label] of [['opened', legend.opened], ['resolved', legend.resolved], ['backlog', legend.backlog]] as const) {
    parts.push(key === 'backlog' ? `<line x1="${lx}" y1="8" x2="${lx + 14}" y2="8" class="trend-line"></line>` : `<rect x="${lx}" y="2" width="12" height="12" class="trend-${key}"></rect>`);
    parts.push(`<text x="${lx + 18}" y="13" class="chart-label">${esc(label)}</text>`);
    lx += 18 + 7.5 * label.length + 22;
  }
  parts.push(`<line x1="0" y1="${plotBottom}" x2="${width}" y2="${plotBottom}" class="trend-axis"></line>`);
  const line: string[] = [];
  points.forEach((p, i) => {
    const centre = group * i + group / 2;
    for (const [key, v, x] of [['opened', p.opened, centre - barW - 1], ['resolved', p.resolved, centre + 1]] as const) {
      parts.push(`<rect x="${x}" y="${y(v)}" width="${barW}" height="${plotBottom - y(v)}" class="trend-${key}"></rect>`);
      parts.push(`<text x="${x + barW / 2}" y="${y(v) - 4}" text-anchor="middle" class="chart-value">${v}</text>`);
    }
    line.push(`${centre},${y(p.backlog)}`);
    parts.push(`<text x="${centre}" y="${plotBottom + 16}" text-anchor="middle" class="chart-label">${esc(p.label)}</text>`);
    parts.push(`<text x="${centre}" y="${plotBottom + 30}" text-anchor="middle" class="chart-sub">${esc(p.sub)}</text>`);
  });
  parts.push(`<polyline points="${line.join(' ')}" class="trend-line"></polyline>`);
  points.forEach((p, i) => {
    const [cx, cy] = line[i]!.split(',');
    parts.push(`<circle cx="${cx}" cy="${cy}" r="4" class="trend-dot"></circle><text x="${Number(cx) + 7}" y="${Number(cy) - 6}" class="chart-value trend-backlog-value">${p.backlog}</text>`);
  });
  return svg(width, height, parts.join(''));
}

export interface DailyPoint {
  /** the day as people read it, e.g. "3 Dec" */
  label: string;
  created: number;
  resolved: number;
}

/**
 * Created and resolved tickets per day as two lines with a dot per day. Unlike the other charts this one is an
 * image for assistive technology (role="img", a title and a description), and each dot has its own <title> with
 * the day's figures; the page prints the same figures in a table.
 */
export function dailyTrendChart(points: DailyPoint[], text: { title: string; desc: string; created: string; resolved: string; point: (p: DailyPoint) => string }, id = 'trend'): string {
  const width = 640;
  const top = 30;
  const bottom = 190;
  const left = 28;
  const height = bottom + 30;
  const max = Math.max(1, ...points.flatMap((p) => [p.created, p.resolved]));
  const step = (width - left - 10) / Math.max(1, points.length - 1);
  const x = (i: number) => Math.round((left + step * i) * 10) / 10;
  const y = (v: number) => Math.round((bottom - ((bottom - top) * v) / max) * 10) / 10;
  const parts: string[] = [`<title id="${id}-title">${esc(text.title)}</title><desc id="${id}-desc">${esc(text.desc)}</desc>`];
  let lx = left;
  for (const [key, label] of [['created', text.created], ['resolved', text.resolved]] as const) {
    parts.push(`<line x1="${lx}" y1="10" x2="${lx + 16}" y2="10" class="daily-${key}"></line><text x="${lx + 22}" y="14" class="chart-label">${esc(label)}</text>`);
    lx += 22 + 7.5 * label.length + 24;
  }
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" class="trend-axis"></line>`);
  parts.push(`<text x="${left - 6}" y="${top + 4}" text-anchor="end" class="chart-sub">${max}</text><text x="${left - 6}" y="${bottom + 4}" text-anchor="end" class="chart-sub">0</text>`);
  for (const key of ['created', 'resolved'] as const) {
    parts.push(`<polyline points="${points.map((p, i) => `${x(i)},${y(p[key])}`).join(' ')}" class="daily-${key}"></polyline>`);
  }
  points.forEach((p, i) => {
    parts.push(
      `<g class="daily-point" data-day="${i}"><title>${esc(text.point(p))}</title>` +
        `<circle cx="${x(i)}" cy="${y(p.created)}" r="3.5" class="daily-created-dot"></circle>` +
        `<rect x="${x(i) - 3}" y="${y(p.resolved) - 3}" width="6" height="6" class="daily-resolved-dot"></rect></g>`,
    );
    if (i % 7 === points.length % 7 || i === points.length - 1) parts.push(`<text x="${x(i)}" y="${bottom + 16}" text-anchor="middle" class="chart-sub">${esc(p.label)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" data-chart-svg="${id}">${parts.join('')}</svg>`;
}
