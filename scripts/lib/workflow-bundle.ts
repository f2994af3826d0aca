/**
 * How the worker bundles its workflows, in one place for the worker (scripts/temporal.ts), the tests' shared bundle
 * (test/support/bundle.ts) and bench:workflow-cost.
 *
 * The SDK runs every workflow of a worker in one V8 context and gives each workflow its own instance of every module
 * of the bundle, except the modules preloaded into the context before the first workflow: those are shared, and the
 * SDK deep-freezes what they export. Shared here: zod and all of domain/ — pure rules and tables without state of
 * their own (lint keeps domain/ deterministic and free of I/O). Per workflow that takes what a ticket costs before it
 * runs from ~820 KiB and ~43 ms of imports to ~30 KiB and ~1.5 ms (bench:workflow-cost, bench/README.md), which is what a cached ticket
 * holds and what every replay of an evicted ticket pays.
 *
 * The freeze has two consequences: nothing a shared module exports may be a zod schema, nor a pattern a schema uses
 * (zod completes schemas and resets patterns on use), which test/workflows/shared-modules.test.ts checks in the SDK's
 * own loader; and zod's configuration on globalThis is set before the freeze (workflows/shared-modules.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../../workflows');
const DOMAIN_DIR = join(__dirname, '../../domain');

/** Every module of domain/ (as .ts under tsx, as .js when built), in a stable order. */
export function domainModules(dir = DOMAIN_DIR): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return domainModules(path);
      return ['.ts', '.js'].includes(extname(name)) && !name.endsWith('.d.ts') ? [path] : [];
    });
}

/** The modules every workflow shares: zod (configured first) and domain/. */
export function sharedWorkflowModules(): string[] {
  return [require.resolve('../../workflows/shared-modules'), ...domainModules()];
}

/** The bundler options of every workflow bundle the product and its tests build. */
export const workflowBundlerOptions = (): { preloadModules: string[] } => ({ preloadModules: sharedWorkflowModules() });

/** Bundles the workflows with the options above (webpack, in this process); errors are printed. */
export async function bundleWorkflows(): Promise<string> {
  const quiet = () => undefined;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...workflowBundlerOptions(), logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m) => console.error(m) } });
  return code;
}

/**
 * The worker's bundle, built in a child process (scripts/bundle-workflows.ts) and handed to the worker as a file: a
 * worker that bundles for itself keeps webpack's memory for the rest of its life (~110 MiB of RSS here).
 */
export async function buildWorkflowBundle(): Promise<{ codePath: string }> {
  const codePath = join(mkdtempSync(join(tmpdir(), 'ticketflow-workflows-')), 'workflows.js');
  const script = join(__dirname, '..', `bundle-workflows${extname(__filename)}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, codePath], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`bundling the workflows failed (${signal ?? `exit code ${code}`})`))));
  });
  return { codePath };
}
