/**
 * `npm run bench:workflow-cost` — what one workflow execution costs the worker before it does anything: the modules
 * of the workflow bundle that are instantiated for each workflow in the worker's shared V8 context (the SDK's
 * `reuseV8Context`, on by default), their heap and the time to import them. Every cached ticket holds these, and
 * every replay of an evicted ticket (a breach storm larger than the cache) pays the import again.
 *
 * The bundles: the product's (workflows/) as the worker builds it (zod and domain/ preloaded into the shared context,
 * scripts/lib/workflow-bundle.ts), the same with nothing or only zod shared, and for comparison entry points under
 * bench/lib/workflow-cost/ that import nothing, zod alone, the zod-free rules (calendar, SLA clocks, transitions) and
 * the action registry alone.
 * Each is instantiated BENCH_WORKFLOW_COST_N times (200) the way the SDK does it (a module cache per workflow,
 * through `ReusableVMWorkflowCreator`, an internal class of @temporalio/worker 1.24), with every instance kept alive;
 * heap is measured after a full GC (node is restarted with --expose-gc when needed).
 */
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';
import { bundleWorkflowCode } from '@temporalio/worker';
import { sharedWorkflowModules, WORKFLOWS_PATH } from '../scripts/lib/workflow-bundle';
import { step } from './lib/progress';
import { envInt, writeResults } from './lib/results';
import { figure } from './lib/stats';

if (typeof global.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const N = envInt('BENCH_WORKFLOW_COST_N', 200);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal class of the SDK, not in its typed API
const { ReusableVMWorkflowCreator } = require('@temporalio/worker/lib/workflow/reusable-vm') as {
  ReusableVMWorkflowCreator: { create(bundle: { code: string; filename: string; sourceMap: unknown }, timeoutMs: number, activities: Set<string>, cb: undefined): Promise<{ context: vm.Context; destroy(): Promise<void> }> };
};

interface Cost {
  bundleBytes: number;
  modulesPerWorkflow: number;
  zodModulesPerWorkflow: number;
  heapPerWorkflowKiB: number;
  importMsPerWorkflow: number;
}

async function measure(label: string, workflowsPath: string, preloadModules?: string[]): Promise<Cost> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet, preloadModules });
  const creator = await ReusableVMWorkflowCreator.create({ code, filename: `${label}.js`, sourceMap: { version: 3, sources: [], names: [], mappings: '' } }, 10_000, new Set(), undefined);
  const ctx = creator.context;
  const caches: Array<Map<string, unknown>> = [];
  global.gc!();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    // What the SDK's activator holds for one workflow: the modules it instantiated for it.
    const moduleCache = new Map<string, unknown>();
    ctx.__TEMPORAL_ACTIVATOR__ = { moduleCache };
    vm.runInContext('__TEMPORAL__.importWorkflows()', ctx);
    caches.push(moduleCache);
  }
  const importMs = Number(process.hrtime.bigint() - t0) / 1e6;
  global.gc!();
  const heapAfter = process.memoryUsage().heapUsed;
  const ids = [...(caches[0]?.keys() ?? [])];
  const cost: Cost = {
    bundleBytes: code.length,
    modulesPerWorkflow: ids.length,
    zodModulesPerWorkflow: ids.filter((id) => id.includes('node_modules/zod/')).length,
    heapPerWorkflowKiB: Math.round((heapAfter - heapBefore) / N / 1024),
    importMsPerWorkflow: Math.round((importMs / N) * 100) / 100,
  };
  caches.length = 0;
  delete ctx.__TEMPORAL_ACTIVATOR__;
  await creator.destroy();
  step(`${label}: ${cost.modulesPerWorkflow} modules per workflow, ${cost.heapPerWorkflowKiB} KiB, ${cost.importMsPerWorkflow} ms`);
  return cost;
}

async function main(): Promise<void> {
  const shared = sharedWorkflowModules();
  const entries: Array<[string, string, string[]?]> = [
    ['ticketflow workflows/ (zod and domain/ shared)', WORKFLOWS_PATH, shared],
    ['ticketflow workflows/, nothing shared', WORKFLOWS_PATH],
    ['ticketflow workflows/, zod shared', WORKFLOWS_PATH, shared.slice(0, 1)],
    ['empty workflow', require.resolve('./lib/workflow-cost/empty')],
    ['zod alone', require.resolve('./lib/workflow-cost/zod-only')],
    ['rules (calendar, SLA clocks, transitions)', require.resolve('./lib/workflow-cost/rules')],
    ['action registry alone', require.resolve('./lib/workflow-cost/actions')],
  ];
  const out: Record<string, Cost> = {};
  for (const [label, path, preload] of entries) out[label] = await measure(label, path, preload);
  const product = out['ticketflow workflows/, nothing shared']!;
  console.log('');
  for (const [label, c] of Object.entries(out)) {
    figure(label, `${c.modulesPerWorkflow} modules (${c.zodModulesPerWorkflow} of zod) · ${c.heapPerWorkflowKiB} KiB heap · import ${c.importMsPerWorkflow} ms per workflow · bundle ${(c.bundleBytes / 1e6).toFixed(2)} MB · ${product.heapPerWorkflowKiB ? ((100 * c.heapPerWorkflowKiB) / product.heapPerWorkflowKiB).toFixed(0) : 'n/a'} % of the product's heap`);
  }
  console.log(`results: ${writeResults('workflow-cost', { config: { instances: N }, costs: out })}`);
}

main().catch((err: Error) => {
  console.error(`bench:workflow-cost failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
