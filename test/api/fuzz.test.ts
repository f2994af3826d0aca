/**
 * Hostile input on every documented endpoint: wrong types, unknown fields, huge strings, unicode, SQL and HTML
 * injection. Every answer is a 4xx problem+json (never a 5xx), and nothing in the database changes.
 */
import fc from 'fast-check';
import { OPERATIONS } from '../../api/openapi';
import { eventually, startTestApp, type TestApp } from '../support/app';

const hostile = fc.oneof(
  fc.constantFrom("' OR 1=1 --", "'; DROP TABLE tickets; --", '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '../../etc/passwd', '%00', '\u0000', '𝕿𝖎𝖈𝖐𝖊𝖙 💥', 'ﷺ‮', '{{constructor.constructor("x")()}}'),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constant('x'.repeat(300_000)),
);
const value = fc.oneof(hostile, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(hostile, { maxLength: 3 }), fc.dictionary(hostile, hostile, { maxKeys: 3 }));
/** A body that can never be valid: not an object, or an object with an unknown field (all schemas are strict). */
const invalidBody = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys: 4 }).map((o) => JSON.stringify({ ...o, "'; DROP TABLE users; --": true })),
  value.map((v) => JSON.stringify(Array.isArray(v) || typeof v !== 'object' || v === null ? v : [v])),
  fc.constantFrom('{', '{"title":', 'null', '[]', '"str"', '{"a":1}}', '\u0000'),
);

const COUNTED = [
  'tickets',
  'ticket_events',
  'contracts',
  'plans',
  'calendars',
  'users',
  'user_business_lines',
  'user_invitations',
  'customers',
  'business_lines',
  'modules',
  'customer_modules',
  'notifications',
  'settings',
  'idempotency_keys',
  'releases',
  'kb_articles',
  'kb_article_revisions',
  'text_modules',
];

describe('fuzzing every endpoint with hostile input', () => {
  let app: TestApp;
  let tokens: Record<string, string>;
  let ticketId: string;
  beforeAll(async () => {
    // The write rate limit would answer 429 long before 200 inputs per operation; the fuzz is about validation.
    app = await startTestApp({ app: { writesPerMinute: 1_000_000 } });
    tokens = { admin: await app.login('admin@demo.test'), customer: await app.login('user@acme.test') };
    const t = await app.request('POST', '/api/v1/tickets', { token: tokens.customer, body: { title: 'fuzz target', description: 'd', type: 'question', impact: 'low', urgency: 'low' } });
    ticketId = t.body.id;
    // The workflow writes its first event asynchronously; wait so the counts below are stable.
    await eventually(() => app.db('notifications').where({ ticket_id: ticketId }).first(), 'ticket.created and its notifications');
  });
  afterAll(async () => {
    await app?.stop();
  });

  const counts = async () => Object.fromEntries(await Promise.all(COUNTED.map(async (t) => [t, Number((await app.db(t).count('* as n').first())!.n)])));

  // DELETE /auth/token takes no input (and would revoke the token the fuzzing uses).
  const fuzzed = OPERATIONS.filter((o) => o.path.startsWith('/api/v1') && o.path !== '/api/v1/openapi.json' && !(o.method === 'delete' && o.path === '/api/v1/auth/token'));
  it('covers every documented API operation but the two without input', () => {
    expect(fuzzed.length).toBe(OPERATIONS.filter((o) => o.path.startsWith('/api/v1')).length - 2);
  });

  for (const op of fuzzed) {
    it(`${op.method.toUpperCase()} ${op.path}: 200 hostile inputs, all 4xx problem+json, nothing changes`, async () => {
      const before = await counts();
      await fc.assert(
        fc.asyncProperty(invalidBody, fc.dictionary(fc.string({ maxLength: 12 }), hostile, { maxKeys: 3 }), fc.oneof(hostile, fc.constant(ticketId)), fc.constantFrom('admin', 'customer'), async (body, query, id, who) => {
          const segment = encodeURIComponent(id.slice(0, 2000));
          const path = op.path.replace('{id}', segment).replace('{lineId}', segment).replace('{moduleId}', segment).replace('{version}', segment).replace('{action}', 'comment');
          const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, v.slice(0, 2000)])).toString();
          const res = await app.request(op.method.toUpperCase(), `${path}${qs ? `?${qs}` : ''}`, {
            token: tokens[who],
            ...(op.method === 'get' || op.method === 'delete' ? {} : { rawBody: body, headers: { 'content-type': 'application/json' } }),
          });
          if (res.status >= 500) throw new Error(`${res.status} for ${op.method} ${path}?${qs} body=${body.slice(0, 200)}: ${res.text.slice(0, 300)}`);
          if (op.method !== 'get' && op.method !== 'delete') {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
            expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
          }
        }),
        { numRuns: 200, seed: 20261125 },
      );
      expect(await counts()).toEqual(before);
    }, 120_000);
  }
});
