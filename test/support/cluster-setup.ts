/**
 * Global setup of the integration project: the shared stack (stack-setup.ts), then the production topology's
 * Temporal — the real server (`go.temporal.io/server`, as `npm run cluster` runs it) on the same PostgreSQL, in its own
 * `temporal` and `temporal_visibility` databases. Every integration test talks to it (cluster-env.ts), while the api
 * and e2e projects keep the dev server of `npm start`. TICKETFLOW_TEST_TEMPORAL=dev runs the suite on the dev server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTemporalServer } from '../../scripts/lib/provisioning';
import { freeClusterPorts, startTemporalCluster, type TemporalClusterHandle } from '../../scripts/lib/temporal-cluster';
import { TEST_ENV } from './env';
import stackSetup from './stack-setup';

const g = globalThis as typeof globalThis & { __ticketflowCluster?: TemporalClusterHandle };

export const clusterWanted = (): boolean => process.env.TICKETFLOW_TEST_TEMPORAL !== 'dev';

export default async function clusterSetup(): Promise<void> {
  await stackSetup();
  if (!clusterWanted()) return;
  const started = Date.now();
  const kit = await ensureTemporalServer(() => undefined);
  const pg = new URL(process.env[TEST_ENV.pgUrl]!);
  g.__ticketflowCluster = await startTemporalCluster({
    kit,
    pg: { host: pg.hostname, port: Number(pg.port), user: decodeURIComponent(pg.username), password: decodeURIComponent(pg.password) },
    dir: mkdtempSync(join(tmpdir(), 'ticketflow-cluster-')),
    ports: await freeClusterPorts(),
  });
  process.env[TEST_ENV.clusterAddress] = g.__ticketflowCluster.address;
  if (process.env.CI || process.env.TICKETFLOW_TEST_VERBOSE) {
    console.log(`\n[test stack] Temporal server ${g.__ticketflowCluster.address} (log ${g.__ticketflowCluster.logFile}) ready in ${Date.now() - started} ms`);
  }
}
