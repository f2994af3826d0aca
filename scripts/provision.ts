/**
 * `npm run provision`: make sure the three Temporal servers (dev, time-skipping, and the real server of
 * `npm run cluster` with its schema tool), the Schemathesis CLI (API conformance check) and the moto S3 server
 * (object-storage tests) are available; a second run finds them and does nothing.
 */
import { ensureDevServer, ensureMotoServer, ensureSchemathesis, ensureTemporalServer, ensureTestServer } from './lib/provisioning';

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const started = Date.now();
  const log = (m: string) => console.log(`[provision] ${m}`);
  const dev = await ensureDevServer(log);
  const test = await ensureTestServer(log);
  const server = await ensureTemporalServer(log);
  const schemathesis = await ensureSchemathesis(log);
  const moto = await ensureMotoServer(log);
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  if (!quiet || dev.source === 'built' || test.source === 'built' || server.source === 'built' || schemathesis.source === 'pypi' || moto.source === 'pypi') log(`ready in ${elapsed} s`);
}

main().catch((err: unknown) => {
  console.error(`[provision] ${(err as Error).message}`);
  process.exit(1);
});
