/** The portal's server-side SVG charts (api/portal/charts.ts): what a reader can tell apart at a glance. */
import { barChart, dailyTrendChart, trendChart } from '../../api/portal/charts';
import { complianceStateOf } from '../../api/dashboard';

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

test('daily trend: an image with a title and a description, a point per day whose <title> carries its figures', () => {
  const points = Array.from({ length: 30 }, (_, i) => ({ label: `${i + 1} Nov`, created: i % 4, resolved: i % 3 }));
  const svg = dailyTrendChart(points, { title: 'Created and resolved', desc: 'Created: 45, resolved: 29', created: 'Created', resolved: 'Resolved', point: (p) => `${p.label}: created ${p.created}, resolved ${p.resolved}` });
  expect(svg).toContain('role="img"');
  expect(svg).toContain('aria-labelledby="trend-title trend-desc"');
  expect(svg).toContain('<title id="trend-title">Created and resolved</title>');
  expect([...svg.matchAll(/<g class="daily-point"/g)]).toHaveLength(30);
  expect(svg).toContain('<title>7 Nov: created 2, resolved 0</title>');
  expect([...svg.matchAll(/<polyline /g)]).toHaveLength(2);
});

test.each([
  [1, 'full', 'onTarget'],
  [0.96, 'near', 'atRisk'],
  [0, 'below', 'belowTarget'],
  [null, 'none', 'none'],
] as const)('compliance %p reads as %s (%s) on the dashboard', (rate, band, state) => {
  expect(complianceStateOf(rate)).toEqual({ band, state });
});
