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
}

/**
 * A horizontal bar chart. `scaleMax` fixes the full width (100 for percentages); otherwise the largest bar fills it.
 * With `track`, each bar runs on a grey track of the full width and a measured 0 still shows as a sliver.
 */
export function barChart(bars: Bar[], scaleMax?: number, opts: { track?: boolean } = {}): { svg: string; height: number } {
  const max = scaleMax ?? Math.max(1, ...bars.map((b) => b.value ?? 0));
  const rowH = 28;
  const labelW = Math.min(180, Math.max(40, 8 * Math.max(0, ...bars.map((b) => b.label.length)) + 8));
  const width = labelW + 300;
  const full = width - labelW - 60;
  const rows = bars
    .map((b, i) => {
      const scaled = Math.max(0, Math.round((full * Math.min(b.value ?? 0, max)) / max));
      const w = opts.track && b.value !== null ? Math.max(3, scaled) : scaled;
      const y = i * rowH;
      const track = opts.track ? `<rect x="${labelW}" y="${y + 4}" width="${full}" height="20" class="chart-track"></rect>` : '';
      const bar = b.value === null && opts.track ? '' : `<rect x="${labelW}" y="${y + 4}" width="${w}" height="20" class="chart-bar${b.tone ? ` ${esc(b.tone)}` : ''}"></rect>`;
      const textX = labelW + (opts.track ? full : w) + 6;
      return `<g><text x="0" y="${y + 19}" class="chart-label">${esc(b.label)}</text>${track}${bar}<text x="${textX}" y="${y + 19}" class="chart-value">${esc(b.text ?? String(b.value ?? ''))}</text></g>`;
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
