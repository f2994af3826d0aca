/** `npm run worker` as a real child process on the test app's database and task queue, for SIGKILL tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import type { TestApp } from './app';
import { requireEnv, TEST_ENV } from './env';

const root = resolve(__dirname, '../..');

export async function startWorkerProcess(app: TestApp, env: Record<string, string> = {}): Promise<ChildProcess> {
  const dbUrl = (app.db.client.config.connection as { connectionString: string }).connectionString;
  // `node --import tsx`: the worker is this very process, so SIGKILL hits the worker and not a wrapper.
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: requireEnv(TEST_ENV.temporalAddress),
      TEMPORAL_TASK_QUEUE: app.taskQueue,
      WORKER_METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** SIGKILL, and wait until the process is gone. */
export async function killHard(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill('SIGKILL');
  await gone;
}
