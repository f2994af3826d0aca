/**
 * The real Temporal server (not the dev server) on PostgreSQL: `npm run cluster` and the integration suite.
 *
 * Its two databases, `temporal` and `temporal_visibility` (SQL advanced visibility), are created and brought to the
 * schema of the server's own module with its schema tool (`setup-schema -v 0.0` on a new database, then
 * `update-schema` over the versioned directories; a second start only applies what is newer). The server runs its
 * four services (frontend, history, matching, worker) in one process from a configuration written here: the
 * module's `config/development-postgres12.yaml` with our ports, credentials and no archival. Then the namespace is
 * registered and the ticket search attributes are added, as the dev server does for itself.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { Client } from 'pg';
import { TICKET_SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { assertPortFree } from './ports';
import type { TemporalServerKit } from './provisioning';

const execFileAsync = promisify(execFile);
const { IndexedValueType } = temporal.api.enums.v1;

/** The ports the four services bind on 127.0.0.1 (gRPC, membership) plus the frontend's HTTP API and metrics. */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

/** Consecutive ports from the frontend's gRPC port, as in the module's development configuration (7233 → …). */
export function clusterPortsFrom(frontend: number): ClusterPorts {
  return {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    frontendHttp: frontend + 10,
    frontendMembership: frontend - 300,
    historyMembership: frontend - 299,
    matchingMembership: frontend - 298,
    workerMembership: frontend - 294,
    metrics: frontend + 767,
  };
}

/**
 * A free set of the consecutive layout for tests that run beside other servers. Not the OS's ephemeral ports: the
 * server stores membership ports in a smallint column, so they must stay under 32768 (the ephemeral range starts
 * there), and a random base in 21000–31000 rarely meets another run.
 */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  for (let attempt = 0; ; attempt++) {
    const ports = clusterPortsFrom(21_000 + Math.floor(Math.random() * 10_000));
    const free = await Promise.all(Object.values(ports).map((p) => assertPortFree(p, 'probe').then(() => true, () => false)));
    if (free.every(Boolean)) return ports;
    if (attempt > 50) throw new Error('no free set of ports for the Temporal server in 20700-31767');
  }
}

export interface PgServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalClusterOptions {
  kit: TemporalServerKit;
  pg: PgServer;
  /** where the configuration and the log are written */
  dir: string;
  ports: ClusterPorts;
  namespace?: string;
  /** history shards: fixed for the life of the database (4, as the module's development configuration) */
  historyShards?: number;
  log?: (message: string) => void;
}

export interface TemporalClusterHandle {
  address: string;
  namespace: string;
  metricsUrl: string;
  logFile: string;
  process: ChildProcess;
  /** SIGTERM, SIGKILL after 15 s */
  stop(): Promise<void>;
  /** kill -9 (fault benchmarks) */
  kill(): void;
}

const DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' } as const;

/** Every type of the ticket search attributes, as the operator API names it. */
const INDEXED: Record<string, number> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

async function databaseState(pg: PgServer, database: string): Promise<'absent' | 'empty' | 'schema'> {
  const admin = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) return 'absent';
  } finally {
    await admin.end();
  }
  const db = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database });
  await db.connect();
  try {
    const { rows } = await db.query<{ present: boolean }>("SELECT to_regclass('public.schema_version') IS NOT NULL AS present");
    return rows[0]?.present ? 'schema' : 'empty';
  } finally {
    await db.end();
  }
}

/** Creates the database if needed and brings it to the newest schema version the module ships (idempotent). */
async function prepareDatabase(opts: TemporalClusterOptions, database: string, versionedDir: string): Promise<string> {
  const { pg, kit } = opts;
  // Credentials through the tool's environment variables, not its command line (visible in ps).
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '--db', database];
  const env = { ...process.env, SQL_USER: pg.user, SQL_PASSWORD: pg.password };
  const tool = (args: string[]) => execFileAsync(kit.sqlTool, [...base, ...args], { timeout: 120_000, maxBuffer: 8 << 20, env });
  const state = await databaseState(pg, database);
  if (state === 'absent') await tool(['create-database']);
  if (state !== 'schema') await tool(['setup-schema', '-v', '0.0']);
  await tool(['update-schema', '-d', versionedDir]);
  return state === 'schema' ? 'up to date' : 'created';
}

function datastore(pg: PgServer, database: string, maxConns: number): Record<string, unknown> {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/**
 * The server's configuration (YAML is a superset of JSON, so it is written as JSON): development-postgres12.yaml with
 * our ports and credentials, archival off, connection pools sized for PostgreSQL's 200 connections shared with the
 * API and worker processes (each service of the process opens its own pool).
 */
export function clusterConfig(opts: TemporalClusterOptions, dynamicConfigFile: string): Record<string, unknown> {
  const { ports, pg } = opts;
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: opts.historyShards ?? 4,
      datastores: {
        'postgres-default': datastore(pg, DATABASES.persistence, 10),
        'postgres-visibility': datastore(pg, DATABASES.visibility, 4),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics}` } },
    },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/** As the dev server is started: search attributes visible at once; IDs as long as the module's SQL config allows. */
const DYNAMIC_CONFIG = {
  'limit.maxIDLength': [{ value: 255, constraints: {} }],
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
  'frontend.enableUpdateWorkflowExecution': [{ value: true, constraints: {} }],
  'frontend.enableExecuteMultiOperation': [{ value: true, constraints: {} }],
};

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** grpc.health.v1 HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers the namespace (once) and the ticket search attributes it lacks, then waits until both are served. */
async function prepareNamespace(address: string, namespace: string, deadline: number): Promise<void> {
  const conn = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    try {
      await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('7 days') });
    } catch (err) {
      if ((err as { code?: number }).code !== 6) throw err; // ALREADY_EXISTS: a second start
    }
    // A new namespace reaches every service's namespace cache within its refresh interval (10 s).
    for (;;) {
      try {
        const have = await conn.operatorService.listSearchAttributes({ namespace });
        const missing = TICKET_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (have.customAttributes ?? {})));
        if (missing.length) await conn.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type]])) });
        await conn.workflowService.countWorkflowExecutions({ namespace, query: `${TICKET_SEARCH_ATTRIBUTES[0].name} = 'ready'` });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await pause(500);
      }
    }
  } finally {
    await conn.close();
  }
}

export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalClusterHandle> {
  const say = opts.log ?? (() => undefined);
  const namespace = opts.namespace ?? 'default';
  const { ports } = opts;
  for (const [name, port] of Object.entries(ports)) await assertPortFree(port, `the Temporal server (${name})`);
  mkdirSync(join(opts.dir, 'config'), { recursive: true });

  const schema = await prepareDatabase(opts, DATABASES.persistence, join(opts.kit.schemaDir, 'temporal', 'versioned'));
  const visibility = await prepareDatabase(opts, DATABASES.visibility, join(opts.kit.schemaDir, 'visibility', 'versioned'));
  say(`Temporal databases ${DATABASES.persistence} (${schema}) and ${DATABASES.visibility} (${visibility}) on ${opts.pg.host}:${opts.pg.port}`);

  const dynamicConfigFile = join(opts.dir, 'config', 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, JSON.stringify(DYNAMIC_CONFIG, null, 2));
  // It holds the database password: readable by its owner only.
  writeFileSync(join(opts.dir, 'config', 'cluster.yaml'), JSON.stringify(clusterConfig(opts, dynamicConfigFile), null, 2), { mode: 0o600 });

  const logFile = join(opts.dir, 'temporal-server.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  // Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which stops things in order.
  const child = spawn(opts.kit.server, ['--root', opts.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? -1 : null);
  });

  const address = `127.0.0.1:${ports.frontend}`;
  const deadline = Date.now() + 120_000;
  try {
    let last = 'no answer';
    for (;;) {
      if (exited !== undefined) throw new Error(`the Temporal server exited with code ${exited} during start-up; its log (${logFile}) ends with:\n${tail(logFile)}`);
      try {
        const conn = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          const health = await conn.healthService.check({});
          if (health.status === SERVING) break;
          last = `health status ${health.status}`;
        } finally {
          await conn.close();
        }
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`the Temporal server did not answer SERVING on ${address} within 120 s (${last}); log: ${logFile}`);
      await pause(250);
    }
    await prepareNamespace(address, namespace, deadline);
  } catch (err) {
    // Never leave a half-started server holding the ports and connections.
    if (exited === undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
    }
    throw err;
  }

  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
    out.end();
  };
  return { address, namespace, metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`, logFile, process: child, stop, kill: () => child.kill('SIGKILL') };
}
