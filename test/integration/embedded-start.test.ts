/**
 * `npm start` as a new user runs it: everything comes up, a ticket survives a stop and a start, and mistakes
 * (a port in use, a bad setting) give a clear message instead of a stack trace.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { findDevServer } from '../../scripts/lib/provisioning';

const root = resolve(__dirname, '../..');
const tsxCli = require.resolve('tsx/cli');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startStack(env: Record<string, string>): Started {
  let out = '';
  const child = spawn(process.execPath, [tsxCli, 'scripts/start.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitForReady(s: Started, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!s.output().includes('ticketflow is ready')) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited early:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start not ready in time:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

describe('npm start (embedded default)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ticketflow-start-'));
  chmodSync(dataDir, 0o755);
  let env: Record<string, string>;
  let running: Started | undefined;

  beforeAll(async () => {
    env = {
      PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      PG_PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePort()),
      SMTP_PORT: String(await freePort()),
      INBOUND_SMTP_PORT: String(await freePort()),
      DATA_DIR: join(dataDir, 'data'),
      DEMO_PASSWORD: 'demo',
    };
  });
  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs everything, keeps tickets across a restart, and shuts down cleanly on SIGTERM', async () => {
    const api = `http://127.0.0.1:${env.PORT}`;
    running = startStack(env);
    await waitForReady(running);
    expect(running.output()).toContain(`http://localhost:${env.PORT}`);
    expect(running.output()).toContain(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
    expect(running.output()).toContain(`smtp://127.0.0.1:${env.INBOUND_SMTP_PORT}`);
    expect(running.output()).toContain('manager@demo.test');

    expect((await json(`${api}/healthz`)).status).toBe(200);
    expect((await json(`${api}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`)).status).toBe(200);

    const login = await json(`${api}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'user@acme.test', password: 'demo' }) });
    const auth = { authorization: `Bearer ${login.body.token}`, 'content-type': 'application/json' };
    const created = await json(`${api}/api/v1/tickets`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'Printer queue stuck', description: 'Nothing prints', type: 'incident', impact: 'low', urgency: 'medium' }),
    });
    expect(created.status).toBe(201);
    const number = Number(created.body.number.slice(2));

    // The customer's "we received your ticket" email reaches the built-in mail catcher, which admins can read.
    const adminLogin = await json(`${api}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.test', password: 'demo' }) });
    let caught: Array<{ subject: string; to: string[]; text: string }> = [];
    for (let i = 0; i < 150 && !caught.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      caught = (await json(`${api}/api/v1/admin/mail?to=user@acme.test`, { headers: { authorization: `Bearer ${adminLogin.body.token}` } })).body.items;
    }
    expect(caught[0]).toMatchObject({ to: ['user@acme.test'], subject: expect.stringContaining(created.body.number) });
    expect(running.output()).toContain('Caught mail');

    const cli = findDevServer()!.path;
    const listing = execFileSync(cli, ['workflow', 'list', '--address', `127.0.0.1:${env.TEMPORAL_PORT}`, '--query', "TicketStatus='new'"]).toString();
    expect(listing).toContain(`ticket-${number}`);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('stopped; all data kept');

    running = startStack(env);
    await waitForReady(running);
    const staffLogin = await json(`${api}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'l1@demo.test', password: 'demo' }) });
    const again = await json(`${api}/api/v1/tickets/${created.body.id}`, { headers: { authorization: `Bearer ${staffLogin.body.token}` } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: created.body.id, title: 'Printer queue stuck' });
    // The workflow survived the restart of the Temporal dev server (persistent database file).
    expect(again.body.workflow).toMatchObject({ number, status: 'new' });
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('names a port that is in use instead of printing a stack trace', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '0.0.0.0', () => r()));
    try {
      const s = startStack({ ...env, PORT: String(port) });
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`Port ${port} for the API and portal (PORT) is already in use`);
      expect(s.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('stops on a bad setting and names the variable', async () => {
    const s = startStack({ ...env, TEMPORAL_UI_PORT: 'eighty' });
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('TEMPORAL_UI_PORT');
    expect(s.output()).not.toMatch(/\n\s+at /);
  });
});
