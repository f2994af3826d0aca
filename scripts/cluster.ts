/**
 * `npm run cluster`: the production topology on one machine. The real Temporal server (not the dev server) on
 * PostgreSQL, two worker processes and two API processes started as separate OS processes from the production entry
 * points (scripts/worker.ts and scripts/api.ts, what `npm run worker` and `npm run api` run), the embedded PostgreSQL
 * for Temporal and ticketflow, the mail catcher, demo data and the Temporal Web UI. A process that dies is started
 * again, the Temporal server too (as a service manager would); Ctrl-C stops everything in order, APIs first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashPassword } from '../api/passwords';
import { createDb, migrateLatest } from '../db/connection';
import { seedDemoData } from '../db/seeds/demo';
import { seedReferenceData } from '../db/seeds/reference';
import { ConfigError, loadEmbeddedConfig } from './config';
import { demoLoginLines, maskedUrl } from './lib/banner';
import { startEmbeddedPostgres } from './lib/embedded-pg';
import { startMailCatcher } from './lib/mail-catcher';
import { assertPortFree, PortInUseError } from './lib/ports';
import { ensureTemporalServer, ensureTemporalUi } from './lib/provisioning';
import { clusterPortsFrom, startTemporalCluster, type TemporalClusterHandle } from './lib/temporal-cluster';
import { startTemporalUi } from './lib/temporal-ui';

const say = (m: string) => console.log(`[cluster] ${m}`);
const ROOT = resolve(__dirname, '..');

interface Member {
  name: string;
  script: 'api' | 'worker';
  env: Record<string, string>;
  /** where it is reachable, for the summary */
  where: string;
  child?: ChildProcess;
  startedAt?: number;
  restarts: number;
  stopping: boolean;
}

/** A persisted random session secret: both API processes must sign and read the same cookies, across restarts too. */
function authSecret(dir: string): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  const file = join(dir, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Resolves when the process printed `ready` in its log, rejects when it exits first. */
function startMember(m: Member, logDir: string, onExit: (m: Member, code: number | null, signal: string | null) => void, children: Set<ChildProcess>): Promise<void> {
  const out = createWriteStream(join(logDir, `${m.name}.log`), { flags: 'a' });
  // node --import tsx: one OS process per member (the tsx CLI would put a second one in front of it).
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', `${m.script}.ts`)], {
    cwd: ROOT,
    env: { ...process.env, ...m.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which stops things in order.
    detached: true,
  });
  m.child = child;
  children.add(child);
  m.startedAt = Date.now();
  const ready = m.script === 'api' ? '"API listening"' : '"worker running"';
  return new Promise((resolvePromise, reject) => {
    let seen = false;
    let recent = ''; // the line may arrive split over chunks
    // A process that neither says it is ready nor exits within two minutes is killed (and so started again).
    const startup = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const watch = (chunk: Buffer) => {
      out.write(chunk);
      if (seen) return;
      recent = (recent + chunk.toString()).slice(-4096);
      if (recent.includes(ready)) {
        seen = true;
        clearTimeout(startup);
        resolvePromise();
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', (c: Buffer) => out.write(c));
    child.on('exit', (code, signal) => {
      clearTimeout(startup);
      out.end();
      if (!seen) reject(new Error(`${m.name} exited (${signal ?? code}) before it was ready; see ${join(logDir, `${m.name}.log`)}`));
      onExit(m, code, signal);
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  let emb: ReturnType<typeof loadEmbeddedConfig>;
  try {
    emb = loadEmbeddedConfig();
  } catch (err) {
    console.error(`[cluster] ${(err as Error).message}`);
    process.exit(1);
  }
  // Its own data: the Temporal state on PostgreSQL belongs with this ticketflow database, not with npm start's.
  const dir = resolve(emb.DATA_DIR, 'cluster');
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const apiPorts = [emb.PORT, emb.PORT + 1];
  const workerMetrics = [emb.WORKER_METRICS_PORT, emb.WORKER_METRICS_PORT + 1];
  const inboundPort = Number(process.env.INBOUND_SMTP_PORT ?? 2525);
  const temporalPorts = clusterPortsFrom(emb.TEMPORAL_PORT);

  const cleanup: Array<() => Promise<void>> = [];
  const members: Member[] = [];
  let stopping = false;
  /** Rewrites cluster.json (what runs where, with pids) once everything runs and after every restart. */
  let writeState = () => undefined as void;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('shutting down…');
    for (const m of members) m.stopping = true;
    for (const step of cleanup.reverse()) await step().catch((err: Error) => say(`  during shutdown: ${err.message}`));
    say(`stopped; all data kept in ${dir}`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // The children run in their own process groups; whatever way this process ends, none of them outlives it.
  const children = new Set<ChildProcess>();
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  try {
    for (const p of apiPorts) await assertPortFree(p, `an API process (PORT ${p})`, '0.0.0.0');
    for (const p of workerMetrics) await assertPortFree(p, `worker metrics (${p})`);
    for (const [name, p] of Object.entries(temporalPorts)) await assertPortFree(p, `the Temporal server (${name}; TEMPORAL_PORT=${emb.TEMPORAL_PORT} sets them all)`);
    await assertPortFree(emb.TEMPORAL_UI_PORT, 'the Temporal Web UI (TEMPORAL_UI_PORT)');
    await assertPortFree(emb.PG_PORT, 'PostgreSQL (PG_PORT)');
    await assertPortFree(emb.SMTP_PORT, 'the mail catcher (SMTP_PORT)');
    await assertPortFree(inboundPort, 'inbound mail (INBOUND_SMTP_PORT)');

    const kit = await ensureTemporalServer(say);
    const ui = await ensureTemporalUi(say).catch((err: Error) => {
      say(`Temporal Web UI not available: ${err.message}`);
      return undefined;
    });

    say(`starting PostgreSQL on 127.0.0.1:${emb.PG_PORT} (data in ${join(dir, 'postgres')})`);
    const pgPassword = 'ticketflow';
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: emb.PG_PORT, database: 'ticketflow', password: pgPassword, log: say });
    cleanup.push(() => pg.stop());

    say(`starting the Temporal server ${kit.server} on 127.0.0.1:${emb.TEMPORAL_PORT} (state in PostgreSQL)`);
    const temporalOptions = { kit, pg: { host: '127.0.0.1', port: emb.PG_PORT, user: 'postgres', password: pgPassword }, dir, ports: temporalPorts, log: say };
    let temporal = await startTemporalCluster(temporalOptions);
    children.add(temporal.process);
    // Like the workers and APIs, a Temporal server that dies is started again (every 5 s until it answers).
    const watchTemporal = (t: TemporalClusterHandle) =>
      t.process.once('exit', (code, signal) => {
        if (stopping) return;
        say(`the Temporal server (pid ${t.process.pid}) exited (${signal ?? `code ${code}`}); starting it again`);
        const again = () => {
          if (stopping) return;
          startTemporalCluster(temporalOptions).then(
            (next) => {
              if (stopping) return void next.stop();
              temporal = next;
              children.add(next.process);
              watchTemporal(next);
              say(`the Temporal server is running again (pid ${next.process.pid})`);
              writeState();
            },
            (err: Error) => {
              say(`the Temporal server did not start: ${err.message.split('\n')[0]}; trying again in 5 s`);
              setTimeout(again, 5000).unref();
            },
          );
        };
        setTimeout(again, 1000).unref();
      });
    watchTemporal(temporal);
    cleanup.push(() => temporal.stop());

    const webUi = ui ? await startTemporalUi({ binary: ui.path, dir, temporalAddress: temporal.address, port: emb.TEMPORAL_UI_PORT }) : undefined;
    if (webUi) {
      children.add(webUi.process);
      cleanup.push(() => webUi.stop());
    }

    const catcher = await startMailCatcher({ port: emb.SMTP_PORT, onMail: (m) => say(`mail caught: "${m.subject}" to ${m.to.join(', ')}`) });
    cleanup.push(() => catcher.close());

    const db = createDb(pg.url, 4);
    const applied = await migrateLatest(db);
    say(`database migrated (${applied.length ? applied.join(', ') : 'up to date'})`);
    await seedReferenceData(db);
    const logins = await seedDemoData(db, await hashPassword(emb.DEMO_PASSWORD));
    await db.destroy();
    say('reference and demo data in place');

    const common = {
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      // At least info: the cluster knows a process is up by its "API listening" / "worker running" line.
      LOG_LEVEL: ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL! : 'info',
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      SMTP_URL: catcher.url,
      AUTH_SECRET: authSecret(dir),
      PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${apiPorts[0]}`,
    };
    members.push(
      // worker-1 also receives mail for the support address on loopback; both run the recovery sweep and the schedules.
      { name: 'worker-1', script: 'worker', env: { ...common, WORKER_METRICS_PORT: String(workerMetrics[0]), INBOUND_SMTP_ENABLED: 'true', INBOUND_SMTP_PORT: String(inboundPort) }, where: `metrics http://127.0.0.1:${workerMetrics[0]}/metrics, inbound mail smtp://127.0.0.1:${inboundPort}`, restarts: 0, stopping: false },
      { name: 'worker-2', script: 'worker', env: { ...common, WORKER_METRICS_PORT: String(workerMetrics[1]) }, where: `metrics http://127.0.0.1:${workerMetrics[1]}/metrics`, restarts: 0, stopping: false },
      { name: 'api-1', script: 'api', env: { ...common, PORT: String(apiPorts[0]), HOST: '0.0.0.0' }, where: `http://localhost:${apiPorts[0]}`, restarts: 0, stopping: false },
      { name: 'api-2', script: 'api', env: { ...common, PORT: String(apiPorts[1]), HOST: '0.0.0.0' }, where: `http://localhost:${apiPorts[1]}`, restarts: 0, stopping: false },
    );

    const onExit = (m: Member, code: number | null, signal: string | null) => {
      if (m.stopping || stopping) return;
      // Backoff for a process that keeps dying at start; one that ran for a minute starts again at once.
      if (Date.now() - (m.startedAt ?? 0) > 60_000) m.restarts = 0;
      m.restarts++;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(m.restarts - 1, 5));
      say(`${m.name} (pid ${m.child?.pid}) exited (${signal ?? `code ${code}`}); starting it again in ${delay / 1000} s`);
      setTimeout(() => {
        if (m.stopping || stopping) return;
        startMember(m, logDir, onExit, children).then(
          () => {
            say(`${m.name} is running again (pid ${m.child?.pid})`);
            writeState();
          },
          (err: Error) => say(err.message),
        );
      }, delay).unref();
    };
    // Stopped in reverse: the APIs first (no new work), then the workers drain their tasks.
    for (const m of members) {
      cleanup.push(async () => {
        m.stopping = true;
        const child = m.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await gone;
        clearTimeout(timer);
      });
    }
    say('starting two workers and two API processes…');
    await Promise.all(members.map((m) => startMember(m, logDir, onExit, children)));

    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const state = join(dir, 'cluster.json');
    writeState = () =>
      writeFileSync(
        state,
        JSON.stringify({ supervisor: process.pid, temporal: { pid: temporal.process.pid, address: temporal.address }, postgres: { port: emb.PG_PORT, dataDir: join(dir, 'postgres') }, members: members.map((m) => ({ name: m.name, pid: m.child?.pid, where: m.where })) }, null, 2),
      );
    writeState();
    console.log(
      [
        '',
        `ticketflow cluster is ready (${secs} s)`,
        ...members.map((m) => `  ${m.name.padEnd(9)} pid ${String(m.child?.pid).padEnd(8)} ${m.where}   (log ${join(logDir, `${m.name}.log`)})`),
        `  Temporal  pid ${String(temporal.process.pid).padEnd(8)} gRPC ${temporal.address}, namespace ${temporal.namespace}, metrics ${temporal.metricsUrl}   (log ${temporal.logFile})`,
        webUi ? `  Web UI    pid ${String(webUi.process.pid).padEnd(8)} ${webUi.url}` : '  Web UI    not built (see the line above); or run the temporalio/ui image against the gRPC address',
        `  PostgreSQL ${maskedUrl(pg.url)} (databases ticketflow, temporal, temporal_visibility; data in ${join(dir, 'postgres')})`,
        `  Mail      caught by ${catcher.url} and listed in this log`,
        `  Processes and pids: ${state}`,
        ...demoLoginLines(logins, emb.DEMO_PASSWORD),
        'A process that dies is started again. Press Ctrl-C to stop; data is kept for the next start.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    if (err instanceof PortInUseError || err instanceof ConfigError) console.error(`[cluster] ${err.message}`);
    else console.error(`[cluster] start-up failed: ${(err as Error).message}`);
    await shutdown(1);
  }
}

void main();
