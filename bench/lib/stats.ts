/** Percentiles and the small summaries every benchmark prints. */

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (q in 0..100) of an already sorted array. */
export function percentileOfSorted(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarise(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentileOfSorted(sorted, 50)),
    p90: round(percentileOfSorted(sorted, 90)),
    p99: round(percentileOfSorted(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

export const ms = (v: number): string => (Number.isFinite(v) ? `${v >= 100 ? Math.round(v) : v.toFixed(1)} ms` : 'n/a');

export const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

/** One line per figure on stdout, so `npm run bench:x | grep` works. */
export function figure(name: string, text: string): void {
  console.log(`${name.padEnd(34)} ${text}`);
}
