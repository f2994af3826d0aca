/**
 * PostgreSQL out of reach: every answer is a 503 problem+json with Retry-After within seconds (no 500, no hang), and
 * /readyz says not ready — here against a database address where nothing listens, as during an outage.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../db/connection';
import { closeServer, listen } from '../../scripts/http-server';
import { createLogger } from '../../scripts/logger';
import { connectClient } from '../../scripts/temporal';
import { requireEnv, TEST_ENV } from '../support/env';

/** A port nobody listens on: taken, then released. */
async function freePort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let db: Db;
let baseUrl: string;
let close: () => Promise<void>;
beforeAll(async () => {
  db = createDb(`postgres://ticketflow:x@127.0.0.1:${await freePort()}/ticketflow`);
  const cfg = { TEMPORAL_ADDRESS: requireEnv(TEST_ENV.temporalAddress), TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'tq-outage', TEMPORAL_API_KEY: undefined, temporalTls: undefined };
  const temporal = await connectClient(cfg);
  const app = createApp({ db, temporal, namespace: 'default', taskQueue: 'tq-outage', log: createLogger('silent', 'test'), mailbox: { list: () => [] } });
  const server = await listen(app, 0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    await closeServer(server, 1000);
    await temporal.connection.close();
    await db.destroy();
  };
});
afterAll(async () => close?.());

it.each([
  ['POST', '/api/v1/auth/token', { email: 'user@acme.test', password: 'demo' }],
  ['GET', '/api/v1/tickets', undefined],
  ['POST', '/api/v1/tickets', { title: 'During the outage', description: 'd', type: 'incident', impact: 'low', urgency: 'low' }],
  ['GET', '/portal', undefined],
] as const)('%s %s answers 503 with Retry-After, not 500, and at once', async (method, path, body) => {
  const started = Date.now();
  const res = await fetch(baseUrl + path, {
    method,
    headers: { authorization: 'Bearer not-checked-without-a-database', cookie: 'tf_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ...(body ? { 'content-type': 'application/json' } : {}) },
    redirect: 'manual',
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  if (path.startsWith('/api/')) expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
});

it('reports not ready on /readyz, naming PostgreSQL', async () => {
  const res = await fetch(`${baseUrl}/readyz`);
  expect(res.status).toBe(503);
  const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean }> };
  expect(body.checks.find((c) => c.name === 'postgres')).toMatchObject({ ok: false });
  expect(body.checks.find((c) => c.name === 'temporal')).toMatchObject({ ok: true });
});
