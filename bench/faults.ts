/**
 * `npm run bench:faults` — faults under load on the production topology (`npm run cluster`: the real Temporal server
 * on PostgreSQL, two workers, two API processes). While BENCH_FAULTS_TICKETS (200) tickets are created, one a second
 * through both APIs, each commented on by its customer, and their 24x7 first-response deadlines (20 s after creation,
 * from a contract) fire:
 *
 *   1. kill -9 one worker (the cluster starts it again after 1 s);
 *   2. kill -9 one API process in the middle of a burst of requests to it;
 *   3. kill -9 the Temporal server (started again by the cluster);
 *   4. stop PostgreSQL for BENCH_FAULTS_PG_OUTAGE_S (30) seconds (pg_ctl stop -m fast, then start).
 *
 * Clients behave as the API asks: every create and comment carries an Idempotency-Key and is retried with it (on the
 * other API) after a network error, a 409 "in progress", a 503 (after its Retry-After) or no answer in 15 s.
 * Afterwards, per fault (tickets grouped by the fault window they were created in) and overall: lost (an acknowledged
 * ticket or comment missing, a breach never recorded), duplicated (anything recorded twice: ticket, created event,
 * comment, breach, manager notification), ticket rows without their workflow and workflows without their row, the
 * latest breach (recorded_at − deadline) and the recovery time (fault → the component answers again). Every answer is
 * counted by status: a 500 or a request that hangs is a failure. Figures print one line per fault.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createDb } from '../db/connection';
import { postgresBinDir } from '../scripts/lib/embedded-pg';
import { ticketWorkflowId } from '../workflows/definitions';
import { progress, step } from './lib/progress';
import { envInt, writeResults } from './lib/results';
import { figure } from './lib/stats';

const N = envInt('BENCH_FAULTS_TICKETS', 200);
const OUTAGE_S = envInt('BENCH_FAULTS_PG_OUTAGE_S', 30);
const DEADLINE_S = 20;
const BASE = envInt('BENCH_FAULTS_PORT_BASE', 23000);
const ports = { api: BASE + 300, temporal: BASE + 1233, ui: BASE + 2233, pg: BASE + 3433, metrics: BASE + 4464, smtp: BASE + 5025, inbound: BASE + 5525 };
const apis = [`http://127.0.0.1:${ports.api}`, `http://127.0.0.1:${ports.api + 1}`];
const run = randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface ClusterState {
  temporal: { pid: number; address: string };
  postgres: { port: number; dataDir: string };
  members: Array<{ name: string; pid: number }>;
}

/** Every answer by kind; a 500 or a hang is what must never happen. */
const answers = { ok: 0, status503: 0, status503WithoutRetryAfter: 0, status500: 0, status409: 0, other4xx: 0, networkError: 0, hung: 0 };
/** The requests behind a 500 or a hang, to say which they were. */
const failures: string[] = [];

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; retryAfter?: string } | 'network' | 'hung'> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status >= 500 && res.status !== 503) {
      answers.status500++;
      failures.push(`${new Date().toISOString()} ${method} ${base}${path} → ${res.status} ${text.slice(0, 200)}`);
    }
    else if (res.status === 503) {
      answers.status503++;
      if (!res.headers.get('retry-after')) answers.status503WithoutRetryAfter++;
    } else if (res.status === 409) answers.status409++;
    else if (res.status >= 400) answers.other4xx++;
    else answers.ok++;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') ?? undefined };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') {
      answers.hung++;
      failures.push(`${new Date().toISOString()} ${method} ${base}${path} → no answer in 15 s`);
      return 'hung';
    }
    answers.networkError++;
    return 'network';
  }
}

/** POST with an Idempotency-Key until it is acknowledged (2xx) or 200 s pass; alternates between the two APIs. */
async function postUntilDone(path: string, token: string, body: unknown, key: string, first: number): Promise<{ ok: boolean; body?: any; attempts: number }> {
  const until = Date.now() + 200_000;
  for (let attempt = 0; Date.now() < until; attempt++) {
    const r = await call(apis[(first + attempt) % 2], 'POST', path, body, { authorization: `Bearer ${token}`, 'idempotency-key': key });
    if (typeof r !== 'string' && r.status < 300) return { ok: true, body: r.body, attempts: attempt + 1 };
    if (typeof r !== 'string' && r.status >= 400 && r.status < 500 && r.status !== 409 && r.status !== 429) return { ok: false, attempts: attempt + 1 };
    const wait = typeof r !== 'string' && r.retryAfter ? Number(r.retryAfter) * 1000 : NaN;
    await sleep(Number.isFinite(wait) ? Math.min(5000, Math.max(200, wait)) : 1000);
  }
  return { ok: false, attempts: -1 };
}

async function login(email: string): Promise<string> {
  for (;;) {
    const r = await call(apis[0], 'POST', '/api/v1/auth/token', { email, password: 'demo' });
    if (typeof r !== 'string' && r.status === 201) return r.body.token as string;
    await sleep(1000);
  }
}

/** Until check() is true (a check that throws counts as "not yet"); abort() ends the wait at once with its error. */
let abort: () => string | undefined = () => undefined;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    const fatal = abort();
    if (fatal) throw new Error(`${what}: ${fatal}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
  return Date.now() - started;
}

const healthy = async (base: string, path = '/readyz') => {
  const r = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return r?.status === 200;
};

async function temporalServing(address: string): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    return (await conn.healthService.check({})).status === 1;
  } finally {
    await conn.close();
  }
}

function pgCtl(state: ClusterState, args: string[]): void {
  const pgCtlBin = join(postgresBinDir(), 'pg_ctl');
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', pgCtlBin] : [pgCtlBin];
  execFileSync(asPostgres[0], [...asPostgres.slice(1), '-D', state.postgres.dataDir, ...args], { stdio: 'ignore', timeout: 60_000 });
}

interface Fault {
  name: string;
  at: number;
  recoveryMs?: number;
  note?: string;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ticketflow-faults-'));
  chmodSync(dir, 0o755);
  step(`starting npm run cluster in ${dir} (APIs on ${ports.api} and ${ports.api + 1}, Temporal on ${ports.temporal})`);
  const cluster: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'scripts', 'cluster.ts')], {
    env: {
      ...process.env,
      DATA_DIR: dir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      PG_PORT: String(ports.pg),
      WORKER_METRICS_PORT: String(ports.metrics),
      SMTP_PORT: String(ports.smtp),
      INBOUND_SMTP_PORT: String(ports.inbound),
      DEMO_PASSWORD: 'demo',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let clusterOut = '';
  cluster.stdout?.on('data', (c: Buffer) => (clusterOut += c.toString()));
  cluster.stderr?.on('data', (c: Buffer) => (clusterOut += c.toString()));
  const readState = (): ClusterState => JSON.parse(readFileSync(join(dir, 'cluster', 'cluster.json'), 'utf8')) as ClusterState;
  let pgStopped = false;
  let state: ClusterState | undefined;
  const db = createDb(`postgres://postgres:ticketflow@127.0.0.1:${ports.pg}/ticketflow`, 4);
  try {
    abort = () => (cluster.exitCode !== null ? `npm run cluster exited (${cluster.exitCode}):\n${clusterOut.slice(-3000)}` : undefined);
    await until('the cluster to be ready', async () => clusterOut.includes('cluster is ready'), 600_000);
    state = readState();
    step(`cluster ready in ${s1(Date.now() - started)}: ${state.members.map((m) => `${m.name} pid ${m.pid}`).join(', ')}, Temporal pid ${state.temporal.pid}`);
    const temporal = new Client({ connection: await Connection.connect({ address: state.temporal.address }), namespace: 'default' });

    const acme = await db('customers').where({ slug: 'acme' }).first('id');
    await db('contracts').insert({ customer_id: acme.id, name: `Fault bench ${run}`, valid_from: '2020-01-01', targets: JSON.stringify({ P2: { firstResponse: { ms: DEADLINE_S * 1000, coverage: '24x7' } } }) });
    const token = await login('user@acme.test');

    // The load: ticket k is scheduled at k seconds; its comment follows 3 s after it was acknowledged.
    const title = (k: number) => `Fault bench ${run} #${k}`;
    const commentBody = (k: number) => `Fault bench ${run} comment ${k}`;
    const outcome: Array<{ k: number; scheduledAt: number; ticket?: { ok: boolean; id?: string; attempts: number }; comment?: { ok: boolean; attempts: number } }> = [];
    const loadStart = Date.now() + 2000;
    const lives: Array<Promise<void>> = [];
    for (let k = 0; k < N; k++) {
      const o: (typeof outcome)[number] = { k, scheduledAt: loadStart + k * 1000 };
      outcome.push(o);
      lives.push(
        (async () => {
          await sleep(o.scheduledAt - Date.now());
          const t = await postUntilDone('/api/v1/tickets', token, { title: title(k), description: 'Fault bench: the export aborts.', type: 'incident', impact: 'medium', urgency: 'high' }, `fb-${run}-t${k}`, k % 2);
          o.ticket = { ok: t.ok, id: t.body?.id, attempts: t.attempts };
          if (!t.ok || !t.body?.id) return;
          await sleep(3000);
          const c = await postUntilDone(`/api/v1/tickets/${t.body.id}/comments`, token, { body: commentBody(k), visibility: 'public' }, `fb-${run}-c${k}`, (k + 1) % 2);
          o.comment = { ok: c.ok, attempts: c.attempts };
        })(),
      );
    }
    const loadEnd = loadStart + N * 1000;
    const ticker = setInterval(() => {
      const acked = outcome.filter((o) => o.ticket?.ok).length;
      progress(`load: ${acked}/${N} tickets acknowledged; answers ok ${answers.ok}, 503 ${answers.status503}, 500 ${answers.status500}, network errors ${answers.networkError}, hung ${answers.hung}`);
    }, 1000);

    // The faults, spread over the load (each at its share of it, the PostgreSQL outage with room after it).
    const faults: Fault[] = [];
    const at = (share: number) => loadStart + share * N * 1000;
    const member = (name: string) => readState().members.find((m) => m.name === name)!;

    await sleep(at(0.2) - Date.now());
    {
      const f: Fault = { name: 'kill -9 worker-1', at: Date.now() };
      const before = member('worker-1').pid;
      process.kill(before, 'SIGKILL');
      f.recoveryMs = await until('worker-1 to run again', async () => member('worker-1').pid !== before && clusterOut.includes('worker-1 is running again'), 120_000);
      faults.push(f);
      step(`${f.name}: running again after ${s1(f.recoveryMs)}`);
    }
    await sleep(at(0.35) - Date.now());
    {
      // Mid-request: a burst of keyed creations and of reads to api-1, killed while they are in flight. The creations
      // are retried with their keys like the load's and counted in this fault's window.
      const f: Fault = { name: 'kill -9 api-1 (mid-request)', at: Date.now() };
      const burstAt = f.at;
      for (let i = 0; i < 5; i++) {
        const k = N + i;
        const o: (typeof outcome)[number] = { k, scheduledAt: burstAt };
        outcome.push(o);
        lives.push(
          postUntilDone('/api/v1/tickets', token, { title: title(k), description: 'Fault bench: cut off mid-request.', type: 'incident', impact: 'medium', urgency: 'high' }, `fb-${run}-t${k}`, 0).then((t) => {
            o.ticket = { ok: t.ok, id: t.body?.id, attempts: t.attempts };
          }),
        );
      }
      const burst = Array.from({ length: 5 }, (_, i) => call(apis[0], 'GET', `/api/v1/tickets?limit=50&i=${i}`, undefined, { authorization: `Bearer ${token}` }));
      await sleep(30);
      const before = member('api-1').pid;
      process.kill(before, 'SIGKILL');
      const cut = (await Promise.all(burst)).filter((r) => typeof r === 'string').length;
      f.recoveryMs = await until('api-1 to answer again', () => healthy(apis[0]), 120_000);
      f.note = `${cut} of 5 reads in flight cut off; 5 keyed creations sent with them`;
      faults.push(f);
      step(`${f.name}: ${f.note}; answering again after ${s1(f.recoveryMs)}`);
    }
    await sleep(at(0.55) - Date.now());
    {
      const f: Fault = { name: 'kill -9 the Temporal server', at: Date.now() };
      const before = readState().temporal.pid;
      process.kill(before, 'SIGKILL');
      await sleep(500);
      await until('Temporal to serve again', async () => readState().temporal.pid !== before && (await temporalServing(state!.temporal.address)), 180_000);
      f.recoveryMs = Date.now() - f.at;
      faults.push(f);
      step(`${f.name}: SERVING again after ${s1(f.recoveryMs)}`);
    }
    await sleep(at(0.7) - Date.now());
    {
      const f: Fault = { name: `stop PostgreSQL for ${OUTAGE_S} s`, at: Date.now() };
      pgCtl(state, ['stop', '-m', 'fast']);
      pgStopped = true;
      const red = await until('/readyz to go red', async () => !(await healthy(apis[0])) && !(await healthy(apis[1])), 30_000);
      await sleep(f.at + OUTAGE_S * 1000 - Date.now());
      pgCtl(state, ['start', '-w', '-l', join(state.postgres.dataDir, 'restarted.log'), '-o', `-p ${ports.pg} -c listen_addresses=127.0.0.1 -c max_connections=200`]);
      pgStopped = false;
      const back = Date.now();
      const green = await until('/readyz green on both APIs', async () => (await healthy(apis[0])) && (await healthy(apis[1])), 180_000);
      f.recoveryMs = Date.now() - back;
      f.note = `/readyz red ${s1(red)} after the stop, green ${s1(green)} after the start`;
      faults.push(f);
      step(`${f.name}: ${f.note}`);
    }

    await Promise.all(lives);
    clearInterval(ticker);
    step(`load done ${s1(Date.now() - loadEnd)} after its last scheduled ticket`);

    // Every acknowledged ticket's deadline has passed and its breach had time to be recorded; then count.
    const ids = outcome.flatMap((o) => (o.ticket?.id ? [o.ticket.id] : []));
    await until(
      'every breach to be recorded',
      async () => {
        const [{ n }] = await db('ticket_events').whereIn('ticket_id', ids).where({ type: 'sla.breached' }).whereRaw("data->>'clock' = 'firstResponse'").countDistinct({ n: 'ticket_id' });
        progress(`breaches recorded for ${n}/${ids.length} tickets`);
        return Number(n) >= ids.length;
      },
      300_000,
    ).catch((err: Error) => step(err.message));
    await sleep(5000);

    const rows: Array<{ id: string; number: number; title: string }> = await db('tickets').where('title', 'like', `Fault bench ${run} #%`).select('id', 'number', 'title');
    const byTitle = new Map<string, typeof rows>();
    for (const r of rows) byTitle.set(r.title, [...(byTitle.get(r.title) ?? []), r]);
    const count = async (q: ReturnType<typeof db>) => {
      const out = new Map<string, number>();
      for (const r of (await q) as Array<{ ticket_id: string; n: string }>) out.set(r.ticket_id, Number(r.n));
      return out;
    };
    const allIds = rows.map((r) => r.id);
    const created = await count(db('ticket_events').whereIn('ticket_id', allIds).where({ type: 'ticket.created' }).groupBy('ticket_id').select('ticket_id').count({ n: '*' }));
    const comments = await count(db('ticket_events').whereIn('ticket_id', allIds).where({ type: 'comment.public' }).whereRaw("data->>'body' like ?", [`Fault bench ${run} comment %`]).groupBy('ticket_id').select('ticket_id').count({ n: '*' }));
    const breaches: Array<{ ticket_id: string; seq: number; deadline: string; recorded_at: Date }> = await db('ticket_events').whereIn('ticket_id', allIds).where({ type: 'sla.breached' }).whereRaw("data->>'clock' = 'firstResponse'").select('ticket_id', 'seq', 'recorded_at', db.raw("data->>'deadline' as deadline"));
    const managerNotes = await count(
      db('notifications as n').join('users as u', 'u.id', 'n.recipient_id').join('ticket_events as e', (j) => j.on('e.ticket_id', 'n.ticket_id').andOn('e.seq', 'n.event_seq')).whereIn('n.ticket_id', allIds).where({ 'u.role': 'manager', 'e.type': 'sla.breached' }).groupBy('n.ticket_id').select('n.ticket_id as ticket_id').count({ n: '*' }),
    );
    const [{ n: notificationDuplicates }] = await db.from(db('notifications').whereIn('ticket_id', allIds).groupBy('ticket_id', 'event_seq', 'recipient_id', 'template').havingRaw('count(*) > 1').select('ticket_id').as('d')).count({ n: '*' });

    // Rows without their workflow, and workflows without their row.
    let rowsWithoutWorkflow = 0;
    for (const r of rows) {
      try {
        await temporal.workflow.getHandle(ticketWorkflowId(r.number)).describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) rowsWithoutWorkflow++;
        else throw err;
      }
    }
    const known = new Set((await db('tickets').select('number')).map((r: { number: number }) => ticketWorkflowId(r.number)));
    let workflowsWithoutRow = 0;
    for await (const w of temporal.workflow.list({ query: `WorkflowType = 'ticketWorkflow' AND StartTime > '${new Date(started).toISOString()}'` })) {
      if (!known.has(w.workflowId)) workflowsWithoutRow++;
    }

    // Per window: the baseline before the first fault, then each fault until the next one.
    const windows = [{ name: 'no fault (baseline)', at: loadStart } as Fault, ...faults];
    const lines = windows.map((w, i) => {
      const end = windows[i + 1]?.at ?? Infinity;
      const mine = outcome.filter((o) => o.scheduledAt >= w.at && o.scheduledAt < end);
      let lost = 0;
      let duplicated = 0;
      let refused = 0;
      for (const o of mine) {
        if (o.comment && !o.comment.ok) refused++;
        const found = byTitle.get(title(o.k)) ?? [];
        if (!o.ticket?.ok) {
          refused++;
          if (found.length > 1) duplicated += found.length - 1;
          continue;
        }
        if (found.length === 0) lost++;
        if (found.length > 1) duplicated += found.length - 1;
        const id = found[0]?.id;
        if (!id) continue;
        const c = created.get(id) ?? 0;
        if (c === 0) lost++;
        if (c > 1) duplicated += c - 1;
        const cm = comments.get(id) ?? 0;
        if (o.comment?.ok && cm === 0) lost++;
        if (cm > 1) duplicated += cm - 1;
        const b = breaches.filter((x) => x.ticket_id === id).length;
        if (b === 0) lost++;
        if (b > 1) duplicated += b - 1;
        const m = managerNotes.get(id) ?? 0;
        if (b > 0 && m === 0) lost++;
        if (m > b) duplicated += m - b;
      }
      // Lateness of the breaches whose deadline fell in this window.
      const late = breaches.filter((b) => Date.parse(b.deadline) >= w.at && Date.parse(b.deadline) < end).map((b) => new Date(b.recorded_at).getTime() - Date.parse(b.deadline));
      const maxLate = late.length ? Math.max(...late) : NaN;
      return { window: w.name, tickets: mine.length, refused, lost, duplicated, breachesInWindow: late.length, maxBreachLatenessMs: maxLate, recoveryMs: w.recoveryMs ?? null, note: w.note ?? null };
    });

    console.log('');
    for (const l of lines) {
      figure(l.window, `tickets ${l.tickets}; lost ${l.lost}; duplicated ${l.duplicated}; max breach lateness ${Number.isFinite(l.maxBreachLatenessMs) ? s1(l.maxBreachLatenessMs) : 'n/a'} (${l.breachesInWindow} deadlines in the window); recovery ${l.recoveryMs === null ? '—' : s1(l.recoveryMs)}${l.refused ? `; NEVER ACKNOWLEDGED (ticket or comment) ${l.refused}` : ''}${l.note ? `; ${l.note}` : ''}`);
    }
    figure('rows ↔ workflows', `ticket rows without their workflow ${rowsWithoutWorkflow}; workflows without their row ${workflowsWithoutRow}; notifications recorded twice ${notificationDuplicates}`);
    figure('answers', `ok ${answers.ok}; 503 ${answers.status503} (without Retry-After ${answers.status503WithoutRetryAfter}); 500 ${answers.status500}; 409 (a retry while the first try's key is held: its process died, the key is freed after 120 s) ${answers.status409}; other 4xx ${answers.other4xx}; network errors ${answers.networkError}; hung (no answer in 15 s) ${answers.hung}`);
    const totalLost = lines.reduce((s, l) => s + l.lost, 0);
    const totalDup = lines.reduce((s, l) => s + l.duplicated, 0);
    const totalRefused = lines.reduce((s, l) => s + l.refused, 0);
    const verdict = totalLost === 0 && totalDup === 0 && totalRefused === 0 && rowsWithoutWorkflow === 0 && workflowsWithoutRow === 0 && answers.status500 === 0 && answers.hung === 0 && Number(notificationDuplicates) === 0;
    for (const f of failures) step(`failed request: ${f}`);
    figure('verdict', verdict ? 'lost 0, duplicated 0, every request acknowledged in the end, no orphans, no 500, no hang' : 'FAILED (see the lines above)');
    const file = writeResults('faults', { config: { tickets: N, deadlineSeconds: DEADLINE_S, pgOutageSeconds: OUTAGE_S, topology: 'npm run cluster: Temporal server v1.29.1 on PostgreSQL, 2 workers, 2 APIs' }, windows: lines, rowsWithoutWorkflow, workflowsWithoutRow, notificationDuplicates: Number(notificationDuplicates), answers, failures, verdict });
    console.log(`results: ${file}`);
    await temporal.connection.close();
    process.exitCode = verdict ? 0 : 1;
  } finally {
    await db.destroy().catch(() => undefined);
    if (state && pgStopped) {
      try {
        pgCtl(state, ['start', '-w', '-o', `-p ${ports.pg} -c listen_addresses=127.0.0.1`]);
      } catch {
        // stopped for good below
      }
    }
    if (cluster.exitCode === null && cluster.pid) {
      cluster.kill('SIGINT'); // the supervisor stops its processes in order
      const gone = await until('the cluster to stop', async () => cluster.exitCode !== null, 90_000).catch(() => false);
      if (gone === false) process.kill(-cluster.pid, 'SIGKILL');
    }
    // A PostgreSQL started again by pg_ctl is not the cluster's child: stop it by its data directory.
    if (state) {
      try {
        pgCtl(state, ['stop', '-m', 'fast']);
      } catch {
        // already stopped
      }
    }
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`[bench] ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
