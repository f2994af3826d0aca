/** Closed-loop load: `concurrency` clients each run the operation back to back, for a duration or a count. */

export interface LoadResult {
  concurrency: number;
  /** Operations that completed inside the measured window (after warm-up). */
  count: number;
  errors: number;
  errorSamples: string[];
  measuredS: number;
  perSecond: number;
  latenciesMs: number[];
}

export interface LoadOptions {
  concurrency: number;
  /** Measure for this long after warm-up (duration mode)… */
  durationMs?: number;
  /** …or run exactly this many operations (count mode; no warm-up). */
  count?: number;
  warmupMs?: number;
  /** One operation; throws on failure. `i` is a global sequence number. */
  op: (client: number, i: number) => Promise<void>;
  onProgress?: (done: number, errors: number) => void;
}

export async function runClosedLoop(o: LoadOptions): Promise<LoadResult> {
  const warmup = o.count === undefined ? (o.warmupMs ?? 2000) : 0;
  const started = performance.now();
  const measureFrom = started + warmup;
  const measureTo = o.count === undefined ? measureFrom + (o.durationMs ?? 20_000) : Infinity;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let next = 0;
  let errors = 0;
  let done = 0;
  let lastEnd = started;

  const client = async (c: number) => {
    for (;;) {
      if (o.count !== undefined ? next >= o.count : performance.now() >= measureTo) return;
      const i = next++;
      const t0 = performance.now();
      try {
        await o.op(c, i);
        const t1 = performance.now();
        // Throughput counts completions inside the window, which is unbiased at any concurrency.
        if (t1 >= measureFrom && t1 <= measureTo) {
          latencies.push(t1 - t0);
          lastEnd = Math.max(lastEnd, t1);
        }
      } catch (err) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((err as Error).message.split('\n')[0]);
      }
      done++;
      o.onProgress?.(done, errors);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, c) => client(c)));
  const measuredS = ((o.count === undefined ? measureTo : lastEnd) - measureFrom) / 1000;
  return {
    concurrency: o.concurrency,
    count: latencies.length,
    errors,
    errorSamples,
    measuredS: Math.round(measuredS * 100) / 100,
    perSecond: Math.round((latencies.length / measuredS) * 10) / 10,
    latenciesMs: latencies,
  };
}
