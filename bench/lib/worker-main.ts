/**
 * The ticket worker as a child process of a benchmark (scripts/worker.ts plus measurements): it reports its RSS and
 * event-loop delay to the parent over IPC every second. With BENCH_NOOP_TASK_QUEUE it also runs the trivial workflow
 * of the intake baseline, in the same process, so both are served under the same conditions.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createDb } from '../../db/connection';
import { loadConfigOrExit } from '../../scripts/config';
import { createLogger } from '../../scripts/logger';
import { startMailServices } from '../../scripts/lib/mail-services';
import { createTicketWorker, installWorkerRuntime } from '../../scripts/temporal';

export interface WorkerStats {
  type: 'stats';
  at: number;
  rss: number;
  heapUsed: number;
  external: number;
  /** Event-loop delay over the last interval, in ms. */
  lag: { p50: number; p99: number; max: number; mean: number };
}

/**
 * Candidate fixes, measured without changing the product: BENCH_WORKER_MAX_CACHED=<n> caps the workflow cache
 * (overriding WORKER_MAX_CACHED_WORKFLOWS).
 */
function candidateOptions(): Partial<WorkerOptions> | undefined {
  if (!process.env.BENCH_WORKER_MAX_CACHED) return undefined;
  return { maxCachedWorkflows: Number(process.env.BENCH_WORKER_MAX_CACHED) };
}

async function main(): Promise<void> {
  const cfg = loadConfigOrExit();
  const log = createLogger(cfg.LOG_LEVEL, 'bench-worker');
  installWorkerRuntime(undefined, log);
  const db = createDb(cfg.DATABASE_URL, cfg.DATABASE_POOL_MAX);
  const { worker, connection } = await createTicketWorker({ cfg, deps: { db, log }, extra: candidateOptions() });
  const workers = [worker];
  const noopQueue = process.env.BENCH_NOOP_TASK_QUEUE;
  if (noopQueue) {
    workers.push(await Worker.create({ connection, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: noopQueue, workflowsPath: require.resolve('../workflows/noop') }));
  }

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const report = setInterval(() => {
    const mem = process.memoryUsage();
    const stats: WorkerStats = {
      type: 'stats',
      at: Date.now(),
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      external: mem.external,
      lag: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, mean: delay.mean / 1e6 },
    };
    delay.reset();
    process.send?.(stats);
  }, 1000);
  // The parent going away (even by SIGKILL) must not leave a worker polling behind it.
  process.on('disconnect', () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()));

  // The same inbound mail services as `npm run worker` (SMTP when INBOUND_SMTP_ENABLED, IMAP when IMAP_URL).
  const mail = await startMailServices(cfg, db, connection, log);
  const running = Promise.all(workers.map((w) => w.run()));
  process.send?.({ type: 'ready' });
  await running;
  await mail.stop();
  clearInterval(report);
  await connection.close();
  await db.destroy();
  if (process.connected) process.disconnect();
}

main().catch((err: Error) => {
  console.error(`bench worker: ${err.message}`);
  process.exit(1);
});
