import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows } from '../../scripts/lib/workflow-bundle';
import { TEST_ENV } from './env';

/** Bundles the production workflows once per jest run (as the worker does); every test worker then loads the same file. */
export async function ensureWorkflowBundle(): Promise<void> {
  if (process.env[TEST_ENV.workflowBundle] && existsSync(process.env[TEST_ENV.workflowBundle] as string)) return;
  const code = await bundleWorkflows();
  const file = join(tmpdir(), `ticketflow-workflows-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`);
  writeFileSync(file, code);
  process.env[TEST_ENV.workflowBundle] = file;
}
