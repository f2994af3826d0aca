/** The portal's server-side SVG charts (api/portal/charts.ts): what a reader can tell apart at a glance. */
import { barChart, trendChart } from '../../api/portal/charts';

const rects = (svg: string) => [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" class="([^"]+)"/g)].map((m) => ({ width: Number(m[1]), cls: m[2] }));

describe('bar chart with a track', () => {
  const { svg } = barChart(
    [
      { label: 'full', value: 100, text: '100.0 %', tone: 'tone-full' },
      { label: 'near', value: 96, text: '96.0 %', tone: 'tone-near' },
      { label: 'zero', value: 0, text: '0.0 %', tone: 'tone-below' },
      { label: 'none', value: null, text: '—' },
    ],
    100,
    { track: true },
  );
  const bars = rects(svg).filter((r) => r.cls.startsWith('chart-bar'));

  test('100 % and 96 % differ in colour class and print their values', () => {
    expect(bars.map((b) => b.cls)).toEqual(['chart-bar tone-full', 'chart-bar tone-near', 'chart-bar tone-below']);
    expect(bars[0]!.width).toBeGreaterThan(bars[1]!.width);
    expect(svg).toContain('>100.0 %<');
    expect(svg).toContain('>96.0 %<');
  });

  test('a measured 0 % is a visible sliver; nothing measured is only the empty track', () => {
    expect(bars[2]!.width).toBeGreaterThanOrEqual(3);
    expect(rects(svg).filter((r) => r.cls === 'chart-track')).toHaveLength(4);
    expect(svg).toContain('>—<');
  });

  test('labels are escaped', () => {
    expect(barChart([{ label: '<b>&', value: 1 }]).svg).toContain('&#60;b&#62;&#38;');
  });
});

test('trend chart: a pair of columns per month, the backlog as one line, every value printed', () => {
  const svg = trendChart(
    [
      { label: 'Feb', sub: '2026', opened: 1, resolved: 0, backlog: 1 },
      { label: 'Mar', sub: '2026', opened: 8, resolved: 4, backlog: 5 },
    ],
    { opened: 'Opened', resolved: 'Resolved', backlog: 'Open at month end' },
  );
  expect(rects(svg).filter((r) => r.cls === 'trend-opened')).toHaveLength(3); // the legend's swatch too
  expect(svg.match(/<polyline /g)).toHaveLength(1);
  expect(svg.match(/<circle /g)).toHaveLength(2);
  for (const v of ['>8<', '>4<', '>5<', '>Mar<', '>Open at month end<']) expect(svg).toContain(v);
});
