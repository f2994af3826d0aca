import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { buildOpenApi } from '../../api/openapi';
import type { Db } from '../../db/connection';
import { createLogger } from '../../scripts/logger';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  matchers?: unknown[];
  name?: string;
}

/** Every (METHOD, path) the express app serves, with nested routers flattened. */
function routesOf(stack: Layer[], prefix: string, mounts: Map<Layer, string>): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}'));
    } else if (layer.handle?.stack) {
      out.push(...routesOf(layer.handle.stack, prefix + (mounts.get(layer) ?? ''), mounts));
    }
  }
  return out;
}

describe('OpenAPI 3.1 document', () => {
  const app = createApp({ db: {} as Db, temporal: {} as Client, namespace: 'default', taskQueue: 'q', log: createLogger('silent', 'test') });
  const doc = buildOpenApi() as { openapi: string; paths: Record<string, Record<string, unknown>> };

  it('is OpenAPI 3.1 with JSON Schemas generated from the zod schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/api/v1/tickets'].post as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; additionalProperties: boolean; required: string[] } } } } };
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['title', 'description', 'type', 'impact', 'urgency']));
    expect(schema.properties.impact).toEqual({ type: 'string', enum: ['high', 'medium', 'low'] });
  });

  it('documents every route the app serves', () => {
    const router = (app as unknown as { router: { stack: Layer[] } }).router;
    // The API router is mounted at /api/v1; every other router at the root.
    const mounts = new Map<Layer, string>();
    for (const layer of router.stack) if (layer.handle?.stack && layer.handle.stack.some((l) => l.route?.path === '/openapi.json')) mounts.set(layer, '/api/v1');
    // The portal's HTML pages (api/portal, incl. /satisfaction from the closing e-mail) are not part of the JSON API; everything else the app serves is.
    const OPERATIONS_AT_ROOT = ['/healthz', '/readyz', '/metrics'];
    const all = routesOf(router.stack, '', mounts);
    const served = all.filter((r) => r.split(' ')[1].startsWith('/api/') || OPERATIONS_AT_ROOT.includes(r.split(' ')[1]));
    expect(served.length).toBeGreaterThan(15);
    expect(all.filter((r) => !served.includes(r)).every((r) => /^(GET|POST) \/(portal|desk|kb|admin|login|logout|language|satisfaction|$)/.test(r))).toBe(true);
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.includes(r))).toEqual([]);
  });
});
