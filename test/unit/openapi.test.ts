import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { actionOperations, buildOpenApi, OPERATIONS } from '../../api/openapi';
import { TICKET_ACTIONS } from '../../domain/ticket/actions';
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
    // The express route /tickets/:id/actions/:action serves one documented operation per action.
    const ACTION_ROUTE = 'POST /api/v1/tickets/{id}/actions/{action}';
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`.replace(/\/actions\/[a-z-]+$/, '/actions/{action}'))));
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.includes(r))).toEqual([]);
    expect(served).toContain(ACTION_ROUTE);
  });

  it('has one operation per ticket action, each with its own input schema and the action result', () => {
    const paths = Object.keys(doc.paths).filter((p) => p.includes('/actions/'));
    expect(paths.map((p) => p.split('/').pop()).sort()).toEqual([...TICKET_ACTIONS].sort());
    const triage = doc.paths['/api/v1/tickets/{id}/actions/triage'].post as { operationId: string; requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } }; responses: Record<string, unknown> };
    expect(triage.operationId).toBe('runTicketActionTriage');
    expect(Object.keys(triage.requestBody.content['application/json'].schema.properties).sort()).toEqual(['impact', 'note', 'urgency']);
    expect(triage.responses['200']).toEqual(expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/TicketActionResult' } } } }));
    expect(actionOperations()).toHaveLength(TICKET_ACTIONS.length);
  });

  it('gives every operation a unique camelCase operationId, a tag, a success schema and its error statuses', () => {
    const ids = OPERATIONS.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    const schemas = (doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { tags: string[]; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>)) {
        expect({ path, method, tags: op.tags.length }).toEqual({ path, method, tags: 1 });
        for (const [code, r] of Object.entries(op.responses)) {
          const ref = r.content?.['application/json']?.schema.$ref ?? r.content?.['application/problem+json']?.schema.$ref;
          if (ref) expect({ path, code, known: ref.replace('#/components/schemas/', '') in schemas }).toEqual({ path, code, known: true });
        }
        if (path.startsWith('/api/v1/') && !path.endsWith('openapi.json')) expect(Object.keys(op.responses)).toContain('401');
        if ((op as { parameters?: unknown[] }).parameters || method !== 'get') expect(Object.keys(op.responses)).toContain('400');
        if (method !== 'get' && path.startsWith('/api/v1/')) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['413', '415', '429']));
      }
    }
  });

  it('states parameters as they are validated: ticket ids, comma lists, release versions, dates', () => {
    const params = (path: string, method = 'get') => (doc.paths[path][method] as { parameters: Array<{ name: string; in: string; schema: Record<string, unknown>; style?: string; explode?: boolean }> }).parameters;
    const ticketId = params('/api/v1/tickets/{id}').find((p) => p.name === 'id')!;
    expect(new RegExp(ticketId.schema.pattern as string).test('T-000123')).toBe(true);
    expect(new RegExp(ticketId.schema.pattern as string).test('00000000-0000-4000-8000-000000000000')).toBe(true);
    expect(new RegExp(ticketId.schema.pattern as string).test('nope')).toBe(false);
    const status = params('/api/v1/tickets').find((p) => p.name === 'status')!;
    expect(status).toEqual(expect.objectContaining({ in: 'query', style: 'form', explode: false, schema: { type: 'array', items: expect.objectContaining({ enum: expect.arrayContaining(['new', 'closed']) }) } }));
    expect(params('/api/v1/releases/{version}')[0].schema.pattern).toBe('^[0-9A-Za-z][0-9A-Za-z.+-]{0,49}$');
    const move = doc.paths['/api/v1/releases/{version}/move'].post as { requestBody: { content: { 'application/json': { schema: { properties: { plannedDate: Record<string, unknown> } } } } } };
    expect(move.requestBody.content['application/json'].schema.properties.plannedDate.format).toBe('date');
  });
});
