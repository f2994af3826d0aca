/** A real API + worker against the shared test PostgreSQL and Temporal dev server, on a private database and task queue. */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp, type AppDeps } from '../../api/app';
import { hashPassword } from '../../api/passwords';
import type { Db } from '../../db/connection';
import { seedDemoData } from '../../db/seeds/demo';
import { closeServer, listen } from '../../scripts/http-server';
import { createLogger } from '../../scripts/logger';
import { connectClient, createTicketWorker } from '../../scripts/temporal';
import { createTestDb } from './db';
import { requireEnv, TEST_ENV } from './env';

export interface TestApp {
  db: Db;
  temporal: Client;
  baseUrl: string;
  taskQueue: string;
  login(email: string, password?: string): Promise<string>;
  request(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  stop(): Promise<void>;
}

export async function startTestApp(opts: { worker?: boolean; app?: Partial<Pick<AppDeps, 'writesPerMinute' | 'publicUrl' | 'mailbox' | 'attachments'>> } = {}): Promise<TestApp> {
  const tdb = await createTestDb();
  await seedDemoData(tdb.db, await hashPassword('demo'));
  const log = createLogger(process.env.TICKETFLOW_TEST_LOG_LEVEL ?? 'silent', 'test');
  const taskQueue = `tq-${randomUUID()}`;
  const cfg = { TEMPORAL_ADDRESS: requireEnv(TEST_ENV.temporalAddress), TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_API_KEY: undefined, temporalTls: undefined };
  const stops: Array<() => Promise<void>> = [];
  if (opts.worker !== false) {
    const { worker, connection } = await createTicketWorker({ cfg, deps: { db: tdb.db, log }, workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) } });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
      await connection.close();
    });
  }
  const temporal = await connectClient(cfg);
  // An empty mail catcher, as `npm start` has one (tests that need real SMTP start their own).
  const app = createApp({ db: tdb.db, temporal, namespace: 'default', taskQueue, log, mailbox: { list: () => [] }, ...opts.app });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: TestApp['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON; callers look at .text
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    db: tdb.db,
    temporal,
    baseUrl,
    taskQueue,
    request,
    async login(email, password = 'demo') {
      const res = await request('POST', '/api/v1/auth/token', { body: { email, password } });
      if (res.status !== 201) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
      return res.body.token as string;
    },
    async stop() {
      await closeServer(server, 1000);
      for (const s of stops) await s();
      await temporal.connection.close();
      await tdb.drop();
    },
  };
}

/** Polls until fn returns a truthy value (eventually-consistent things: projections, visibility). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
