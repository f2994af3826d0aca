import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundlerOptions, WORKFLOWS_PATH } from '../../scripts/lib/workflow-bundle';
import { TEST_ENV } from './env';

/** Bundles the production workflows once per jest run; every test worker then loads the same file. */
export async function ensureWorkflowBundle(): Promise<void> {
  if (process.env[TEST_ENV.workflowBundle] && existsSync(process.env[TEST_ENV.workflowBundle] as string)) return;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...workflowBundlerOptions(), logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => console.error(m) } });
  const file = join(tmpdir(), `ticketflow-workflows-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`);
  writeFileSync(file, code);
  process.env[TEST_ENV.workflowBundle] = file;
}
