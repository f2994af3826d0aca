/**
 * The worker shares zod and domain/ between all workflows (scripts/lib/workflow-bundle.ts) and the SDK deep-freezes
 * what those modules export before the first workflow runs. A frozen zod schema cannot be used (zod completes a
 * schema on first use: "Cannot define property parse, object is not extensible") and neither can a frozen pattern
 * (zod resets lastIndex before each test), and either would fail only in a workflow, as a failed workflow task.
 * So: the product's bundle, loaded the way the worker loads it, exports no schema from any shared module, and every
 * schema a workflow builds (each action's input, command, replay command and received news; each event's data)
 * holds nothing frozen and validates.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { sharedWorkflowModules } from '../../scripts/lib/workflow-bundle';
import { requireEnv, TEST_ENV } from '../support/env';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own loader (internal class of @temporalio/worker 1.24)
const { ReusableVMWorkflowCreator } = require('@temporalio/worker/lib/workflow/reusable-vm') as {
  ReusableVMWorkflowCreator: { create(bundle: { code: string; filename: string; sourceMap: unknown }, timeoutMs: number, activities: Set<string>, cb: undefined): Promise<{ context: vm.Context; destroy(): Promise<void> }> };
};

/** Runs inside the worker's context, after the freeze: what is wrong, as paths. */
const PROBE = String.raw`(() => {
  const cache = globalThis.__webpack_module_cache__;
  const problems = [];
  const isSchema = (v) => v !== null && typeof v === 'object' && '_zod' in v;
  // What the SDK's deepFreeze reaches: own properties of objects (getters read), not functions' properties.
  const exported = (v, path, seen) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (isSchema(v)) return void problems.push('exported schema: ' + path);
    for (const k of Object.getOwnPropertyNames(v)) exported(v[k], path + '.' + k, seen);
  };
  // Everything a built schema holds: frozen parts are the ones it shares with an export.
  const frozenParts = (v, path, seen) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if ((v instanceof RegExp || isSchema(v)) && Object.isFrozen(v)) return void problems.push('frozen ' + (isSchema(v) ? 'schema' : 'pattern ' + v) + ' in ' + path);
    for (const k of Object.getOwnPropertyNames(v)) {
      let x;
      try { x = v[k]; } catch { continue; }
      frozenParts(x, path + '.' + k, seen);
    }
  };
  const samples = [undefined, null, {}, [], '', 'x', 0, { body: 'text', visibility: 'internal', note: 'n', plannedFor: '2030-02-29', plannedDate: '2030-13-01', releaseVersion: '4.2.0', releaseId: '8a2b8c1e-7f0a-4c55-9f71-4f0d7f9c1a10', targetId: 'T-000123', incidentId: '123', assigneeId: 'nope', duplicateId: 'x', duplicateNumber: 3, attachments: ['8a2b8c1e-7f0a-4c55-9f71-4f0d7f9c1a10'], files: [{ id: 'a', name: 'b', size: 1, contentType: 'text/plain' }], impact: 'high', urgency: 'low', level: 'L2', reason: 'r', rating: 5 }];
  const use = (schema, path) => {
    if (!isSchema(schema)) return void problems.push('not a schema: ' + path);
    for (const s of samples) {
      try { schema.safeParse(s); } catch (err) { problems.push(path + ' threw on ' + JSON.stringify(s) + ': ' + err.message); return; }
    }
    frozenParts(schema, path, new WeakSet());
  };
  const ids = Object.keys(JSON.parse(MODULE_IDS));
  for (const id of ids) {
    const mod = cache[id];
    if (!mod) { problems.push('not shared: ' + id); continue; }
    exported(mod.exports, id, new WeakSet());
  }
  const { ACTIONS } = cache['./domain/ticket/actions/index.ts'].exports;
  for (const [name, def] of Object.entries(ACTIONS)) {
    use(def.input, name + '.input');
    use(def.command, name + '.command');
    use(def.replayCommand, name + '.replayCommand');
    if (def.receive) use(def.receive.payload(), name + '.receive.payload');
  }
  const { TICKET_EVENTS } = cache['./domain/ticket/events.ts'].exports;
  for (const [type, ev] of Object.entries(TICKET_EVENTS)) use(ev.data(), type + '.data');
  return JSON.stringify({ problems, actions: Object.keys(ACTIONS).length, events: Object.keys(TICKET_EVENTS).length });
})()`;

test('shared modules export no schema, and every schema a workflow builds works after the freeze', async () => {
  const code = readFileSync(requireEnv(TEST_ENV.workflowBundle), 'utf8');
  const creator = await ReusableVMWorkflowCreator.create({ code, filename: 'workflows.js', sourceMap: { version: 3, sources: [], names: [], mappings: '' } }, 10_000, new Set(), undefined);
  try {
    // webpack names modules by their path from the project root
    const ids = Object.fromEntries(sharedWorkflowModules().map((p) => [`./${p.slice(p.indexOf('/domain/') >= 0 ? p.indexOf('/domain/') + 1 : p.indexOf('/workflows/') + 1)}`, true]));
    const out = JSON.parse(vm.runInContext(PROBE.replace('MODULE_IDS', JSON.stringify(JSON.stringify(ids))), creator.context) as string) as { problems: string[]; actions: number; events: number };
    expect(out.problems).toEqual([]);
    expect(out.actions).toBeGreaterThan(20);
    expect(out.events).toBeGreaterThan(40);
  } finally {
    await creator.destroy();
  }
});
