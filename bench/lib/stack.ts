/**
 * The stack a benchmark runs against. By default it starts its own, exactly as the tests do (embedded PostgreSQL
 * and the Temporal dev server on free ports in a temp dir, through scripts/lib); with DATABASE_URL and/or
 * TEMPORAL_ADDRESS it uses those servers instead. Either way the benchmark gets a private database (migrated,
 * reference and demo data) and private task queues, and the worker and API run as child processes
 * (scripts/api.ts, and bench/lib/worker-main.ts for the worker, which reports its RSS and event-loop delay).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { hashPassword } from '../../api/passwords';
import { createDb, migrateLatest, type Db } from '../../db/connection';
import { seedDemoData } from '../../db/seeds/demo';
import { seedReferenceData } from '../../db/seeds/reference';
import { startDevServer, type DevServerHandle } from '../../scripts/lib/dev-server';
import { startEmbeddedPostgres, type EmbeddedPgHandle } from '../../scripts/lib/embedded-pg';
import { freePort } from '../../scripts/lib/ports';
import { ensureDevServer, ensureTemporalServer } from '../../scripts/lib/provisioning';
import { freeClusterPorts, startTemporalCluster, type TemporalClusterHandle } from '../../scripts/lib/temporal-cluster';
import { step } from './progress';
import { RESULTS_DIR } from './results';
import type { WorkerStats } from './worker-main';

const ROOT = resolve(__dirname, '../..');
/** Settings that change what is measured (candidate fixes); recorded with the results. */
const VARIANT_VARS = ['BENCH_TEMPORAL_DB', 'BENCH_TEMPORAL_SQLITE_PRAGMAS', 'BENCH_WORKER_MAX_CACHED', 'BENCH_WORKER_NODE_FLAGS'];
/** Node flags for the worker child, e.g. BENCH_WORKER_NODE_FLAGS=--max-old-space-size=256 (a variant: recorded with the results). */
const workerNodeFlags = (): string[] => (process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export interface ChildHandle {
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface WorkerChild extends ChildHandle {
  /** Every stats message since start (one a second). */
  stats: WorkerStats[];
  latest(): WorkerStats | undefined;
}

export interface ApiChild extends ChildHandle {
  baseUrl: string;
}

export interface BenchStack {
  db: Db;
  dbUrl: string;
  temporal: Client;
  temporalAddress: string;
  namespace: string;
  /** 'embedded' when this run started the servers, else what it connected to; and any candidate-fix settings. */
  servers: { postgres: string; temporal: string; variant: Record<string, string> };
  dir: string;
  /** Pids for CPU accounting (bench/lib/cpu.ts): this process and, when started here, the Temporal server. */
  pids: { bench: number; temporal?: number };
  startWorker(opts: { taskQueue: string; noopTaskQueue?: string; env?: Record<string, string> }): Promise<WorkerChild>;
  startApi(opts: { taskQueue: string; env?: Record<string, string> }): Promise<ApiChild>;
  stop(): Promise<void>;
}

/** `BENCH_PROFILE=worker,api` runs those children with --cpu-prof; profiles land in bench/results/profiles/<bench>. */
function profileFlags(bench: string, child: 'worker' | 'api'): string[] {
  const wanted = (process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim());
  if (!wanted.includes(child)) return [];
  // One file per thread (the worker runs workflows in a worker thread): CPU.<date>.<pid>.<thread>.<seq>.cpuprofile
  const dir = join(RESULTS_DIR, 'profiles', bench, child);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}

function stopChild(child: ChildProcess, what: string, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      step(`${what} did not stop within ${graceMs / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/**
 * BENCH_TEMPORAL_SQLITE_PRAGMAS=journal_mode=wal,synchronous=normal measures the dev server with those SQLite
 * pragmas (what scripts/lib/dev-server.ts would pass with a fix), through a wrapper that adds the flags.
 */
function withSqlitePragmas(found: { path: string }, dir: string): string {
  const pragmas = (process.env.BENCH_TEMPORAL_SQLITE_PRAGMAS ?? '').split(',').filter(Boolean);
  if (!pragmas.length) return found.path;
  const wrapper = join(dir, 'temporal-with-pragmas.sh');
  const flags = pragmas.map((p) => `--sqlite-pragma '${p.replace(/[^a-z_=]/gi, '')}'`).join(' ');
  writeFileSync(wrapper, `#!/bin/sh\nexec '${found.path}' "$@" ${flags}\n`, { mode: 0o755 });
  return wrapper;
}

async function createPrivateDatabase(serverUrl: string, bench: string): Promise<string> {
  const name = `bench_${bench}_${randomBytes(4).toString('hex')}`;
  const admin = new PgClient({ connectionString: serverUrl.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new PgClient({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function startStack(bench: string): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), `ticketflow-bench-${bench}-`));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres', which must traverse into it
  const cleanup: Array<() => Promise<void>> = [];
  const keep = process.env.BENCH_KEEP === '1';
  let pg: EmbeddedPgHandle | undefined;
  let dev: DevServerHandle | undefined;

  const stopAll = async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch((err: Error) => step(`cleanup: ${err.message}`));
  };
  // Ctrl-C during a long run still stops the children and the servers this run started.
  const onSignal = () => {
    step('interrupted: stopping the stack');
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  cleanup.push(async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });

  try {
    let serverUrl = process.env.DATABASE_URL;
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    const started = Date.now();
    const temporalDb = process.env.BENCH_TEMPORAL_DB ?? 'file';
    if (temporalDb !== 'file' && temporalDb !== 'memory') throw new Error(`BENCH_TEMPORAL_DB must be file or memory, got "${temporalDb}"`);
    // BENCH_TEMPORAL=cluster: the real Temporal server on the embedded PostgreSQL (npm run cluster's), not the dev server.
    const onCluster = process.env.BENCH_TEMPORAL === 'cluster';
    if (process.env.BENCH_TEMPORAL && !onCluster) throw new Error(`BENCH_TEMPORAL must be cluster (or unset for the dev server), got "${process.env.BENCH_TEMPORAL}"`);
    if (onCluster && (temporalAddress || serverUrl)) throw new Error('BENCH_TEMPORAL=cluster starts its own PostgreSQL and Temporal server: unset DATABASE_URL and TEMPORAL_ADDRESS');
    const binary = temporalAddress || onCluster ? undefined : withSqlitePragmas(await ensureDevServer(() => undefined), dir);
    const [pgPort, temporalPort] = [await freePort(), await freePort()];
    // Each server joins the clean-up as soon as it is up, so a failure of the other still stops it.
    const stopLater = <T extends { stop(): Promise<void> }>(h: T): T => {
      cleanup.push(() => h.stop());
      return h;
    };
    [pg, dev] = await Promise.all([
      serverUrl ? undefined : startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, database: 'postgres', password: 'bench', log: step }).then(stopLater),
      // A database file like `npm start` (the embedded default is what is measured); BENCH_TEMPORAL_DB=memory for comparison.
      binary ? startDevServer({ binary, port: temporalPort, dbFile: temporalDb === 'file' ? join(dir, 'temporal.db') : undefined, logFile: join(dir, 'temporal.log') }).then(stopLater) : undefined,
    ]);
    serverUrl ??= pg!.url;
    let cluster: TemporalClusterHandle | undefined;
    if (onCluster) {
      const url = new URL(pg!.url);
      cluster = stopLater(
        await startTemporalCluster({ kit: await ensureTemporalServer(step), pg: { host: url.hostname, port: Number(url.port), user: 'postgres', password: 'bench' }, dir: join(dir, 'temporal-cluster'), ports: await freeClusterPorts() }),
      );
    }
    temporalAddress ??= cluster?.address ?? dev!.address;
    step(`servers ready in ${((Date.now() - started) / 1000).toFixed(1)} s: PostgreSQL ${pg ? 'embedded' : 'from DATABASE_URL'}, Temporal ${dev ? `dev server ${temporalAddress}` : cluster ? `server v1.29.1 on PostgreSQL ${temporalAddress}` : temporalAddress}`);

    const dbUrl = await createPrivateDatabase(serverUrl, bench);
    if (!keep) cleanup.push(() => dropDatabase(dbUrl));
    const db = createDb(dbUrl, 20);
    cleanup.push(() => db.destroy());
    await migrateLatest(db);
    // A shared Temporal server may hold ticket-<n> workflows already: start numbering somewhere unused.
    await db.raw(`ALTER SEQUENCE ticket_number_seq RESTART WITH ${1_000_000 + (randomBytes(4).readUInt32BE() % 1_000_000_000)}`);
    await seedReferenceData(db);
    await seedDemoData(db, await hashPassword('demo'));
    step(`private database ${new URL(dbUrl).pathname.slice(1)} migrated with reference and demo data`);

    const connection = await Connection.connect({ address: temporalAddress });
    cleanup.push(() => connection.close());
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    const temporal = new Client({ connection, namespace });

    const baseEnv = (taskQueue: string): NodeJS.ProcessEnv => ({
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    });

    const stack: BenchStack = {
      db,
      dbUrl,
      temporal,
      temporalAddress,
      namespace,
      servers: {
        variant: Object.fromEntries(VARIANT_VARS.filter((v) => process.env[v]).map((v) => [v, process.env[v] as string])),
        postgres: pg ? 'embedded' : 'DATABASE_URL',
        temporal: cluster ? 'Temporal server v1.29.1 on the embedded PostgreSQL (npm run cluster)' : dev ? `embedded dev server (sqlite ${temporalDb}${process.env.BENCH_TEMPORAL_SQLITE_PRAGMAS ? `, pragmas ${process.env.BENCH_TEMPORAL_SQLITE_PRAGMAS}` : ''})` : 'TEMPORAL_ADDRESS',
      },
      dir,
      pids: { bench: process.pid, temporal: dev?.process.pid ?? cluster?.process.pid },
      async startWorker(opts) {
        // The worker's JSON log (warnings and errors) goes to a file, so stdout keeps only the figures.
        mkdirSync(join(RESULTS_DIR, 'logs'), { recursive: true });
        const logFd = openSync(join(RESULTS_DIR, 'logs', `${bench}-worker.log`), 'a');
        const child = spawn(process.execPath, [...profileFlags(bench, 'worker'), ...workerNodeFlags(), '--import', 'tsx', 'bench/lib/worker-main.ts'], {
          cwd: ROOT,
          env: { ...baseEnv(opts.taskQueue), ...(opts.noopTaskQueue ? { BENCH_NOOP_TASK_QUEUE: opts.noopTaskQueue } : {}), ...opts.env },
          stdio: ['ignore', logFd, 'inherit', 'ipc'],
        });
        closeSync(logFd);
        const stats: WorkerStats[] = [];
        const ready = new Promise<void>((ok, fail) => {
          child.on('message', (m: { type: string }) => {
            if (m.type === 'ready') ok();
            if (m.type === 'stats') stats.push(m as WorkerStats);
          });
          child.once('exit', (code) => fail(new Error(`the bench worker exited with code ${code} during start-up`)));
        });
        const handle: WorkerChild = { process: child, stats, latest: () => stats[stats.length - 1], stop: () => stopChild(child, 'the worker', 40_000) };
        cleanup.push(handle.stop);
        await ready;
        return handle;
      },
      async startApi(opts) {
        const port = await freePort();
        mkdirSync(join(RESULTS_DIR, 'logs'), { recursive: true });
        const apiLogFd = openSync(join(RESULTS_DIR, 'logs', `${bench}-api.log`), 'a');
        const child = spawn(process.execPath, [...profileFlags(bench, 'api'), '--import', 'tsx', 'scripts/api.ts'], {
          cwd: ROOT,
          // The write limit is per user per minute; a load generator is one user, so it is lifted to the maximum.
          env: { ...baseEnv(opts.taskQueue), HOST: '127.0.0.1', PORT: String(port), WRITE_RATE_LIMIT_PER_MINUTE: '100000', ...opts.env },
          stdio: ['ignore', apiLogFd, 'inherit'],
        });
        closeSync(apiLogFd);
        const handle: ApiChild = { process: child, baseUrl: `http://127.0.0.1:${port}`, stop: () => stopChild(child, 'the API', 20_000) };
        cleanup.push(handle.stop);
        const deadline = Date.now() + 60_000;
        for (;;) {
          if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode} during start-up`);
          const ok = await fetch(`${handle.baseUrl}/readyz`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (ok) break;
          if (Date.now() > deadline) throw new Error('the API did not become ready within 60 s');
          await new Promise((r) => setTimeout(r, 200));
        }
        return handle;
      },
      async stop() {
        await stopAll();
        if (!keep) rmSync(dir, { recursive: true, force: true });
        else step(`kept ${dir} and database ${dbUrl.replace(/:[^:@/]*@/, ':***@')}`);
      },
    };
    return stack;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Waits until check() is truthy, polling; returns false on timeout. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 250, onPoll?: () => void): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    onPoll?.();
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
