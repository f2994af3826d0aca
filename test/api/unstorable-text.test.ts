/**
 * Text PostgreSQL cannot store (SPEC: no input may leave a ticket stuck): a NUL or an unpaired surrogate in any text
 * field of any documented operation that takes input is refused with a 400 naming that field, never a 500, and
 * nothing is written. The fields come from the operations' own schemas, so a new operation or field is covered.
 */
import { z } from 'zod';
import { actionOperations, OPERATIONS, type Operation } from '../../api/openapi';
import { startTestApp, type TestApp } from '../support/app';

const BAD = { nul: 'a\u0000b', loneHigh: 'a\ud800b', loneLow: '\udc00ab', highAtEnd: 'ab\udbff' } as const;

type Json = Record<string, any>;
/** A list item in a path (list items are index 0; object keys may be digits too, as weekdays are). */
const ITEM = '[]';
/** Every path to a string in a JSON schema: object properties and list items, refs and unions followed. */
function stringPaths(schema: Json, defs: Json, path: string[] = [], depth = 0): string[][] {
  if (depth > 6 || !schema || typeof schema !== 'object') return [];
  if (schema.$ref) return stringPaths(defs[String(schema.$ref).split('/').pop()!], defs, path, depth + 1);
  const out: string[][] = [];
  const types = ([] as string[]).concat(schema.type ?? []);
  if (types.includes('string') && schema.enum === undefined && schema.const === undefined && schema.format !== 'binary') out.push(path);
  for (const sub of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) out.push(...stringPaths(sub, defs, path, depth + 1));
  for (const [k, sub] of Object.entries<Json>(schema.properties ?? {})) out.push(...stringPaths(sub, defs, [...path, k], depth + 1));
  if (schema.items) out.push(...stringPaths(schema.items, defs, [...path, ITEM], depth + 1));
  return out;
}
const jsonSchema = (s: z.ZodType): Json => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
const pathsOf = (s: z.ZodType): string[][] => {
  const js = jsonSchema(s);
  const seen = new Set<string>();
  return stringPaths(js, js.$defs ?? {}).filter((p) => p.length > 0 && !seen.has(p.join('.')) && seen.add(p.join('.')));
};
/** A value with `bad` at `path`: objects for names, lists for indexes. */
function placed(path: string[], bad: string): unknown {
  if (path.length === 0) return bad;
  const [head, ...rest] = path;
  return head === ITEM ? [placed(rest, bad)] : { [head!]: placed(rest, bad) };
}
const fieldName = (path: string[]) => path.map((p) => (p === ITEM ? '0' : p)).join('.');

const ALL: Operation[] = [...OPERATIONS, ...actionOperations()].filter((o, i, a) => o.path.startsWith('/api/v1') && a.findIndex((x) => x.operationId === o.operationId) === i);
const pathFor = (op: Operation) => op.path.replace(/\{[^}]+\}/g, (m) => (m === '{action}' ? 'comment' : '00000000-0000-4000-8000-000000000000'));

let app: TestApp;
let admin: string;
let before: Record<string, number>;
const TABLES = ['tickets', 'ticket_events', 'audit_log', 'customers', 'users', 'contracts', 'plans', 'releases', 'kb_articles', 'service_reports', 'notifications'];
const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, Number((await app.db(t).count('* as n').first())!.n)])));

beforeAll(async () => {
  app = await startTestApp({ app: { writesPerMinute: 1_000_000 } });
  admin = await app.login('admin@demo.test');
  before = await counts();
}, 120_000);
afterAll(async () => app?.stop());

const withBody = ALL.filter((o) => o.body && o.method !== 'get');
const cases = withBody.flatMap((op) => pathsOf(op.body!).map((p) => [`${op.method.toUpperCase()} ${op.path}`, fieldName(p), op, p] as const));

describe('text that cannot be stored', () => {
  it('finds text fields in every operation that takes a body (the cases below are not empty)', () => {
    expect(withBody.length).toBeGreaterThan(30);
    expect(cases.length).toBeGreaterThan(60);
    expect(cases.map((c) => `${c[0]} ${c[1]}`)).toEqual(expect.arrayContaining(['POST /api/v1/tickets title', 'POST /api/v1/tickets description']));
  });

  it.each(cases)('%s: %s with a NUL or an unpaired surrogate is a 400 naming it', async (_op, field, op, path) => {
    for (const [kind, bad] of Object.entries(BAD)) {
      const res = await app.request(op.method.toUpperCase(), pathFor(op), { token: admin, body: placed(path, bad) });
      expect({ kind, status: res.status, fields: res.body?.errors?.map((e: { field: string }) => e.field) }).toEqual({ kind, status: 400, fields: [`body.${field}`] });
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });

  it('names a bad field name too, and every bad field of one body', async () => {
    const res = await app.request('POST', '/api/v1/tickets', { token: admin, body: { title: 'x\ud800', description: 'y\u0000', ['k\udc00']: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.description', 'body.k\ufffd', 'body.title']);
  });

  const withQuery = ALL.filter((o) => o.query).flatMap((op) => pathsOf(op.query!).map((p) => [`${op.method.toUpperCase()} ${op.path}`, fieldName(p), op] as const));
  it.each(withQuery)('%s: the query field %s with a NUL is a 400 naming it', async (_op, field, op) => {
    const res = await app.request(op.method.toUpperCase(), `${pathFor(op)}?${encodeURIComponent(field)}=${encodeURIComponent('a\u0000b')}`, { token: admin });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([`query.${field}`]);
  });

  it('refuses a form field with such text in an upload', async () => {
    const customer = await app.login('user@acme.test');
    const ticket = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'Upload target', description: 'd', type: 'question', impact: 'low', urgency: 'low' } });
    expect(ticket.status).toBe(201);
    const upload = (form: FormData) => fetch(`${app.baseUrl}/api/v1/tickets/${ticket.body.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${customer}` }, body: form });
    const bad = new FormData();
    bad.append('body', 'a\u0000b');
    bad.append('file', new Blob([Buffer.from('x')]), 'x.txt');
    const refused = await upload(bad);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['body.body']);
    // the ticket made here is the one row this suite writes
    before = await counts();
  });

  it('changed nothing for any refused request: no ticket, event, audit record or anything else', async () => {
    expect(await counts()).toEqual(before);
  });
});
