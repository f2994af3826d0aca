/**
 * `npm run provision`: make sure the three Temporal servers (dev, time-skipping, and the real server of
 * `npm run cluster` with its schema tool), the Schemathesis CLI (API conformance check) and the moto S3 server
 * (object-storage tests) are available; a second run finds them and does nothing.
 */
import { ensureDevServer, ensureMotoServer, ensureSchemathesis, ensureTemporalServer, ensureTemporalUi, ensureTestServer } from './lib/provisioning';

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const started = Date.now();
  const log = (m: string) => console.log(`[provision] ${m}`);
  // Three chains at once: the Go builds (one after the other: both would compile the same packages), Maven, PyPI.
  // On a new machine the downloads of one overlap the compiling of another.
  const [[dev, server], test, [schemathesis, moto]] = await Promise.all([
    ensureDevServer(log).then(async (d) => {
      const kit = await ensureTemporalServer(log);
      // The cluster's Web UI; without it `npm run cluster` still runs (and says so).
      await ensureTemporalUi(log).then(
        (ui) => log(`temporal web ui: ${ui.path} (${ui.source})`),
        (err: Error) => log(`temporal web ui: not available (${err.message.split('\n')[0]})`),
      );
      return [d, kit] as const;
    }),
    ensureTestServer(log),
    ensureSchemathesis(log).then(async (s) => [s, await ensureMotoServer(log)] as const),
  ]);
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  if (!quiet || dev.source === 'built' || test.source === 'built' || server.source === 'built' || schemathesis.source === 'pypi' || moto.source === 'pypi') log(`ready in ${elapsed} s`);
}

main().catch((err: unknown) => {
  console.error(`[provision] ${(err as Error).message}`);
  process.exit(1);
});
