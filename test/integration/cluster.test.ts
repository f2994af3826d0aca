/**
 * `npm run cluster` as a new user runs it: the real Temporal server on PostgreSQL, two workers and two API processes
 * as separate OS processes sharing one database, one namespace and one session secret; a worker killed with -9 is
 * started again; SIGTERM stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { assertPortFree, freePort } from '../../scripts/lib/ports';
import { freeClusterPorts } from '../../scripts/lib/temporal-cluster';

const root = resolve(__dirname, '../..');

/** A free port whose next port is free too (the cluster takes PORT and PORT+1). */
async function freePair(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (await assertPortFree(p + 1, 'probe').then(() => true, () => false)) return p;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, out: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s; output:\n${out().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm run cluster (the production topology on one machine)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ticketflow-cluster-test-'));
  chmodSync(dataDir, 0o755);
  let child: ChildProcess | undefined;
  let out = '';

  afterAll(async () => {
    // A failed test leaves nothing running: the supervisor is asked to stop, then everything it started is killed.
    if (child?.pid && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 60_000))]);
      try {
        const state = JSON.parse(readFileSync(join(dataDir, 'data', 'cluster', 'cluster.json'), 'utf8')) as { temporal: { pid: number }; members: Array<{ pid: number }> };
        for (const pid of [state.temporal.pid, ...state.members.map((m) => m.pid)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // it never got as far as writing what runs where
      }
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs two workers and two APIs on the real Temporal server, restarts a killed worker, and stops on SIGTERM', async () => {
    const temporalPorts = await freeClusterPorts();
    const env = {
      PORT: String(await freePair()),
      TEMPORAL_PORT: String(temporalPorts.frontend),
      TEMPORAL_UI_PORT: String(await freePort()),
      PG_PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePair()),
      SMTP_PORT: String(await freePort()),
      INBOUND_SMTP_PORT: String(await freePort()),
      DATA_DIR: join(dataDir, 'data'),
    };
    const apis = [`http://127.0.0.1:${env.PORT}`, `http://127.0.0.1:${Number(env.PORT) + 1}`];
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    await until('the cluster to be ready', () => child!.exitCode === null ? out.includes('ticketflow cluster is ready') : Promise.reject(new Error(`exited:\n${out}`)), 240_000, () => out);

    // What runs where, as separate processes.
    const state = JSON.parse(readFileSync(join(env.DATA_DIR, 'cluster', 'cluster.json'), 'utf8')) as { temporal: { pid: number; address: string }; members: Array<{ name: string; pid: number }> };
    expect(state.members.map((m) => m.name)).toEqual(['worker-1', 'worker-2', 'api-1', 'api-2']);
    const pids = [state.temporal.pid, ...state.members.map((m) => m.pid)];
    expect(new Set(pids).size).toBe(5);
    expect(pids.every(alive)).toBe(true);
    for (const m of state.members) expect(out).toContain(`${m.name.padEnd(9)} pid ${m.pid}`);

    // The real server, with PostgreSQL persistence and SQL visibility.
    const conn = await Connection.connect({ address: state.temporal.address });
    const info = await conn.workflowService.getClusterInfo({});
    await conn.close();
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');

    // Signed in on one API, a ticket created through the other, read back on the first: one database, one secret.
    const login = await fetch(`${apis[0]}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'user@acme.test', password: 'demo' }) });
    expect(login.status).toBe(201);
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${apis[1]}/api/v1/tickets`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Cluster: export fails', description: 'd', type: 'incident', impact: 'medium', urgency: 'high' }) });
    expect(created.status).toBe(201);
    const ticket = (await created.json()) as { id: string };
    // The timeline is written by one of the workers: the creation event shows on the other API.
    await until('the creation event', async () => {
      const r = await fetch(`${apis[0]}/api/v1/tickets/${ticket.id}/events`, { headers: auth });
      const body = (await r.json().catch(() => ({}))) as { items?: Array<{ type: string }> };
      return r.status === 200 && body.items?.some((e) => e.type === 'ticket.created');
    }, 60_000, () => out);

    // kill -9 of a worker: the cluster starts it again.
    const worker1 = state.members.find((m) => m.name === 'worker-1')!.pid;
    process.kill(worker1, 'SIGKILL');
    await until('worker-1 to run again', () => out.includes('worker-1 is running again'), 120_000, () => out);
    const after = JSON.parse(readFileSync(join(env.DATA_DIR, 'cluster', 'cluster.json'), 'utf8')) as typeof state;
    const again = after.members.find((m) => m.name === 'worker-1')!.pid;
    expect(again).not.toBe(worker1);
    expect(alive(again)).toBe(true);

    // SIGTERM: everything stops, in order, and the supervisor exits 0.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('stopped; all data kept in');
    expect([after.temporal.pid, ...after.members.map((m) => m.pid)].filter(alive)).toEqual([]);
  }, 420_000);
});
