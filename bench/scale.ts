/**
 * `npm run bench:scale` — open 10,000 tickets (through the API, none near a deadline) and report the worker's RSS and
 * event-loop delay while they are opened, at rest, and while staff open 1,000 of them (live query); then bulk-seed
 * the database to 100,000 tickets and measure the ticket list API (p50/p99 per list a desk uses), with the query
 * plan of each list query (EXPLAIN ANALYZE of the SQL db/tickets.ts issues).
 * SPEC §13: worker RSS < 1 GiB at 10,000 open tickets; list API p99 < 100 ms with 100,000 tickets in the database.
 *
 * BENCH_SCALE_TICKETS (10000 opened through the API), BENCH_SCALE_CONCURRENCY (8), BENCH_SCALE_IDLE_S (20),
 * BENCH_SCALE_QUERIES (1000 live queries), BENCH_SCALE_DB_TICKETS (100000 in the database),
 * BENCH_SCALE_LIST_REQUESTS (100 per list, one client), BENCH_SCALE_LIST_MIXED (1000 mixed, 8 clients).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client as PgClient } from 'pg';
import { listTicketsQuerySchema } from '../api/tickets';
import { parseInput } from '../api/validation';
import { listTickets } from '../db/tickets';
import { principalForToken } from '../db/users';
import { ASSIGNABLE_ROLES, ticketScope } from '../domain/access';
import { OPEN_STATUSES } from '../domain/tickets';
import { cpuDelta, cpuShares, cpuSnapshot, otherProcesses } from './lib/cpu';
import { JsonClient } from './lib/http';
import { runClosedLoop } from './lib/load';
import { progress, step } from './lib/progress';
import { envInt, writeResults } from './lib/results';
import { startStack, type BenchStack, type WorkerChild } from './lib/stack';
import { figure, mib, ms, summarise } from './lib/stats';
import { createTickets, waitUntilProcessed } from './lib/tickets';

const OPEN = envInt('BENCH_SCALE_TICKETS', 10_000);
const CONCURRENCY = envInt('BENCH_SCALE_CONCURRENCY', 8);
const IDLE_S = envInt('BENCH_SCALE_IDLE_S', 20);
const QUERIES = envInt('BENCH_SCALE_QUERIES', 1000);
const DB_TICKETS = envInt('BENCH_SCALE_DB_TICKETS', 100_000);
const LIST_REQUESTS = envInt('BENCH_SCALE_LIST_REQUESTS', 100);
const LIST_MIXED = envInt('BENCH_SCALE_LIST_MIXED', 1000);
const TITLE = 'Scale benchmark: report layout question';

const rssOf = (pid: number | undefined): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
};

function workerWindow(w: WorkerChild, from: number, to = w.stats.length) {
  const s = w.stats.slice(from, to);
  const p99s = s.map((x) => x.lag.p99).sort((a, b) => a - b);
  return {
    seconds: s.length,
    rssPeak: s.length ? Math.max(...s.map((x) => x.rss)) : NaN,
    rssLast: s.length ? s[s.length - 1].rss : NaN,
    heapUsedLast: s.length ? s[s.length - 1].heapUsed : NaN,
    lagP99Median: p99s.length ? Math.round(p99s[Math.floor(p99s.length / 2)] * 10) / 10 : NaN,
    lagP99Worst: p99s.length ? Math.round(p99s[p99s.length - 1] * 10) / 10 : NaN,
    lagMax: s.length ? Math.round(Math.max(...s.map((x) => x.lag.max)) * 10) / 10 : NaN,
  };
}

/** Adds tickets straight into PostgreSQL until the table holds `total`, with realistic spreads of every column. */
async function bulkSeed(stack: BenchStack, total: number): Promise<number> {
  const db = stack.db;
  const [{ n: existing }] = await db('tickets').count({ n: '*' });
  const missing = total - Number(existing);
  if (missing <= 0) return 0;
  // 48 more customers (one user each) beside Acme and Beta, so a customer filter is as selective as in real life.
  const extra: Array<{ customer_id: string; user_id: string; line: string | null }> = [];
  for (let i = 0; i < 48; i++) {
    const [c] = await db('customers').insert({ name: `Bench customer ${i}`, slug: `bench-${i}`, plan_id: i % 3 === 0 ? 'standard' : 'basic' }).returning('id');
    const [u] = await db('users').insert({ email: `user${i}@bench-${i}.test`, name: `Bench user ${i}`, role: 'customer_user', customer_id: c.id }).returning('id');
    extra.push({ customer_id: c.id, user_id: u.id, line: null });
  }
  const acme = await db('customers').where({ slug: 'acme' }).first('id');
  const beta = await db('customers').where({ slug: 'beta' }).first('id');
  const acmeUsers = await db('users').where({ customer_id: acme.id }).pluck('id');
  const betaUsers = await db('users').where({ customer_id: beta.id }).pluck('id');
  const acmeLines = await db('business_lines').where({ customer_id: acme.id }).pluck('id');
  // 100 parties, weighted: Acme 40 %, Beta 10 %, the others 50 %.
  const parties: Array<{ customer_id: string; user_id: string; line: string | null }> = [];
  for (let i = 0; i < 40; i++) parties.push({ customer_id: acme.id, user_id: acmeUsers[i % acmeUsers.length], line: i % 3 === 2 ? null : acmeLines[i % acmeLines.length] });
  for (let i = 0; i < 10; i++) parties.push({ customer_id: beta.id, user_id: betaUsers[i % betaUsers.length], line: null });
  for (let i = 0; i < 50; i++) parties.push(extra[i % extra.length]);
  const agents = await db('users').whereIn('role', ASSIGNABLE_ROLES).pluck('id');
  // The SLA columns of a real ticket, so the list computes live clocks exactly as for real rows.
  const template = await db('tickets').where({ title: TITLE }).whereNot({ sla: '{}' }).first('sla', 'sla_snapshot');
  if (!template) throw new Error('no processed ticket to copy the SLA columns from');

  const values = parties.map((_p, k) => `(${k}, ?::uuid, ?::uuid, ?::uuid)`).join(', ');
  const partyBindings = parties.flatMap((p) => [p.customer_id, p.user_id, p.line]);
  const chunk = 10_000;
  const started = Date.now();
  for (let done = 0; done < missing; done += chunk) {
    const n = Math.min(chunk, missing - done);
    await db.raw(
      `WITH parties(k, customer_id, user_id, line) AS (VALUES ${values}),
            g AS (SELECT i, random() AS rs, random() AS rp, random() AS rl, random() AS ra, random() AS rq FROM generate_series(1, ?) AS i)
       INSERT INTO tickets (id, number, title, description, type, status, priority, impact, urgency, level, customer_id, requester_id,
                            business_line_id, channel, assignee_id, sla_state, sla, sla_snapshot, created_by, created_at, updated_at, last_event_seq)
       SELECT gen_random_uuid(), nextval('ticket_number_seq'), 'Seeded ticket ' || g.i, 'Bulk-seeded for the list benchmark',
              (ARRAY['incident','question','service_request','problem','defect','change_request'])[1 + (g.i % 6)],
              CASE WHEN rs < 0.60 THEN 'closed' WHEN rs < 0.68 THEN 'resolved' WHEN rs < 0.72 THEN 'cancelled' WHEN rs < 0.77 THEN 'new'
                   WHEN rs < 0.82 THEN 'triaged' WHEN rs < 0.94 THEN 'in_progress' ELSE 'waiting_on_customer' END,
              CASE WHEN rp < 0.05 THEN 'P1' WHEN rp < 0.25 THEN 'P2' WHEN rp < 0.70 THEN 'P3' ELSE 'P4' END,
              'medium', 'medium',
              CASE WHEN rl < 0.70 THEN 'L1' WHEN rl < 0.92 THEN 'L2' ELSE 'L3' END,
              p.customer_id, p.user_id, p.line, 'portal',
              CASE WHEN ra < 0.5 THEN (?::uuid[])[1 + (g.i % ?)] END,
              CASE WHEN rq < 0.75 THEN 'ok' WHEN rq < 0.85 THEN 'met' WHEN rq < 0.95 THEN 'breached' ELSE 'at_risk' END,
              ?::jsonb, ?::jsonb, p.user_id,
              now() - (random() * interval '730 days'), now(), 1
       FROM g JOIN parties p ON p.k = g.i % ${parties.length}`,
      [...partyBindings, n, agents, agents.length, JSON.stringify(template.sla), JSON.stringify(template.sla_snapshot)],
    );
    progress(`bulk-seeding: ${done + n}/${missing} tickets (${((Date.now() - started) / 1000).toFixed(0)} s)`, true);
  }
  await db.raw('ANALYZE tickets');
  return missing;
}

interface ListShape {
  name: string;
  as: 'manager' | 'customerUser' | 'customerAdmin' | 'keyUser';
  query: Record<string, string>;
}

async function main(): Promise<void> {
  const stack = await startStack('scale');
  try {
    const taskQueue = `bench-scale-${randomBytes(4).toString('hex')}`;
    const worker = await stack.startWorker({ taskQueue });
    const api = await stack.startApi({ taskQueue });
    const http = new JsonClient(api.baseUrl, 16);
    const tokens = {
      manager: await http.login('manager@demo.test'),
      customerUser: await http.login('user@acme.test'),
      customerAdmin: await http.login('admin@acme.test'),
      keyUser: await http.login('keyuser@acme.test'),
      beta: await http.login('user@beta.test'),
    };
    const pids = { bench: stack.pids.bench, temporal: stack.pids.temporal, api: api.process.pid, worker: worker.process.pid };
    const baseline = workerWindow(worker, Math.max(0, worker.stats.length - 3));

    // 1. Open tickets through the API. Low impact and urgency (P4, business-hours targets): nothing breaches meanwhile.
    const openFrom = worker.stats.length;
    const cpu0 = cpuSnapshot(pids);
    const t0 = Date.now();
    const opened = await createTickets(
      http,
      [tokens.customerUser, tokens.beta, tokens.customerAdmin],
      OPEN,
      CONCURRENCY,
      (i) => ({ title: TITLE, description: 'Where do I change the invoice layout?', type: i % 2 ? 'question' : 'service_request', impact: 'low', urgency: 'low' }),
      { label: `opening ${OPEN} tickets` },
    );
    const w = () => {
      const l = worker.latest();
      return l ? `worker ${mib(l.rss)}, lag p99 ${ms(l.lag.p99)}` : '';
    };
    await waitUntilProcessed(stack.db, TITLE, 900_000, w);
    const openS = (Date.now() - t0) / 1000;
    const cpu1 = cpuSnapshot(pids);
    const during = workerWindow(worker, openFrom);
    step(`${OPEN} tickets open and processed in ${openS.toFixed(0)} s; worker RSS peak ${mib(during.rssPeak)}; cpu ${cpuShares(cpuDelta(cpu0, cpu1), openS)}`);

    // 2. At rest with every workflow open (each holds its SLA timers).
    const idleFrom = worker.stats.length;
    for (let s = 0; s < IDLE_S; s++) {
      progress(`at rest with ${OPEN} open tickets: ${s}/${IDLE_S} s ${w()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const idle = workerWindow(worker, idleFrom);
    const [{ n: running }] = await stack.db('tickets').where({ title: TITLE }).whereIn('status', OPEN_STATUSES).count({ n: '*' });

    // 3. Staff open tickets (GET /tickets/:id answers with the workflow's live query): the worker replays any ticket
    //    no longer in its cache.
    const queryFrom = worker.stats.length;
    const qr = await runClosedLoop({
      concurrency: 4,
      count: QUERIES,
      op: async (_c, i) => {
        const t = opened[(i * 7919) % opened.length];
        const res = await http.call('GET', `/api/v1/tickets/${t.id}`, { token: tokens.manager });
        if (res.status !== 200 || !(res.body as { workflow?: unknown }).workflow) throw new Error(`GET /tickets/${t.number}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      },
      onProgress: (done, errors) => progress(`staff opening tickets (live query): ${done}/${QUERIES}, ${errors} errors ${w()}`),
    });
    const queried = workerWindow(worker, queryFrom);
    const temporalRss = rssOf(stack.pids.temporal);
    step(`live queries: p50 ${ms(summarise(qr.latenciesMs).p50)} p99 ${ms(summarise(qr.latenciesMs).p99)}; worker RSS ${mib(queried.rssLast)}`);

    // 4. 100,000 tickets in the database, then the list API.
    const seeded = await bulkSeed(stack, DB_TICKETS);
    const [{ n: inDb }] = await stack.db('tickets').count({ n: '*' });
    step(`bulk-seeded ${seeded} tickets: ${inDb} in the database`);
    const acme = await stack.db('customers').where({ slug: 'acme' }).first('id');
    const agent = await stack.db('users').where({ email: 'l1@demo.test' }).first('id');
    // A cursor 20 pages deep, as the API hands it out.
    let cursor: string | undefined;
    for (let p = 0; p < 20; p++) {
      const res = await http.call('GET', `/api/v1/tickets?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { token: tokens.manager });
      cursor = (res.body as { nextCursor: string }).nextCursor;
    }
    const shapes: ListShape[] = [
      { name: 'staff: newest', as: 'manager', query: {} },
      { name: 'staff: open queue', as: 'manager', query: { status: 'new,triaged,in_progress,waiting_on_customer' } },
      { name: 'staff: L2 in progress', as: 'manager', query: { level: 'L2', status: 'in_progress' } },
      { name: 'staff: breached', as: 'manager', query: { slaState: 'breached' } },
      { name: 'staff: P1 open', as: 'manager', query: { priority: 'P1', status: 'new,triaged,in_progress' } },
      { name: 'staff: one customer', as: 'manager', query: { customerId: acme.id } },
      { name: 'staff: assigned to me', as: 'manager', query: { assigneeId: agent.id } },
      { name: 'staff: rare combination', as: 'manager', query: { type: 'problem', priority: 'P1', status: 'new' } },
      { name: 'staff: page 21 (cursor)', as: 'manager', query: { cursor: cursor ?? '' } },
      { name: 'staff: 200 per page', as: 'manager', query: { limit: '200' } },
      { name: 'customer: own tickets', as: 'customerUser', query: {} },
      { name: 'customer admin: organisation', as: 'customerAdmin', query: {} },
      { name: 'key user: business lines', as: 'keyUser', query: {} },
    ];
    const path = (s: ListShape) => `/api/v1/tickets${Object.keys(s.query).length ? `?${new URLSearchParams(s.query).toString()}` : ''}`;
    const lists: Array<Record<string, unknown>> = [];
    const explainer = new PgClient({ connectionString: stack.dbUrl });
    await explainer.connect();
    for (const s of shapes) {
      const lat: number[] = [];
      let rows = 0;
      for (let i = 0; i < LIST_REQUESTS; i++) {
        const res = await http.call('GET', path(s), { token: tokens[s.as] });
        if (res.status !== 200) throw new Error(`${s.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        rows = (res.body as { items: unknown[] }).items.length;
        lat.push(res.ms);
        progress(`list "${s.name}": ${i + 1}/${LIST_REQUESTS}`);
      }
      const plan = await explainList(stack, explainer, tokens[s.as], s.query);
      const l = summarise(lat);
      lists.push({ name: s.name, path: path(s), as: s.as, rows, latency: l, sqlExecutionMs: plan.executionMs, planSummary: plan.summary, plan: plan.text, sql: plan.sql });
      step(`${s.name.padEnd(30)} p50 ${ms(l.p50)}  p99 ${ms(l.p99)}  ${rows} rows; SQL ${ms(plan.executionMs)}: ${plan.summary}`);
    }
    await explainer.end();
    const mixedCpu0 = cpuSnapshot(pids);
    const mixedT0 = Date.now();
    const mixed = await runClosedLoop({
      concurrency: 8,
      count: LIST_MIXED,
      op: async (_c, i) => {
        const s = shapes[i % shapes.length];
        const res = await http.call('GET', path(s), { token: tokens[s.as] });
        if (res.status !== 200) throw new Error(`${s.name}: ${res.status}`);
      },
      onProgress: (done) => progress(`mixed lists, 8 clients: ${done}/${LIST_MIXED}`),
    });
    const mixedCpu = cpuDelta(mixedCpu0, cpuSnapshot(pids));
    const mixedS = (Date.now() - mixedT0) / 1000;
    http.close();

    console.log('');
    figure('open tickets (workflows running)', `${running} (opened ${OPEN} through the API in ${openS.toFixed(0)} s)`);
    figure('worker RSS', `before ${mib(baseline.rssLast)} · peak while opening ${mib(during.rssPeak)} · at rest ${mib(idle.rssLast)} · after ${QUERIES} live queries ${mib(queried.rssLast)} (peak ${mib(queried.rssPeak)})  (SPEC §13: < 1 GiB) ${Math.max(during.rssPeak, queried.rssPeak, idle.rssPeak) < 1024 ** 3 ? 'met' : 'MISSED'}`);
    figure('worker heap used', `at rest ${mib(idle.heapUsedLast)}`);
    figure('worker event-loop delay p99', `opening: median second ${ms(during.lagP99Median)}, worst ${ms(during.lagP99Worst)} · at rest: ${ms(idle.lagP99Median)} / ${ms(idle.lagP99Worst)} · live queries: ${ms(queried.lagP99Median)} / ${ms(queried.lagP99Worst)}`);
    figure('live query GET /tickets/:id', `p50 ${ms(summarise(qr.latenciesMs).p50)}  p99 ${ms(summarise(qr.latenciesMs).p99)} over ${qr.count} (errors ${qr.errors})`);
    figure('Temporal dev server RSS', mib(temporalRss));
    const worstP99 = Math.max(...lists.map((l) => (l.latency as { p99: number }).p99));
    for (const l of lists) {
      const lat = l.latency as { p50: number; p99: number };
      figure(`list ${l.name}`, `p50 ${ms(lat.p50)}  p99 ${ms(lat.p99)}  (${l.rows} rows; SQL ${ms(l.sqlExecutionMs as number)})`);
    }
    const m = summarise(mixed.latenciesMs);
    figure('list API, mixed, 8 clients', `p50 ${ms(m.p50)}  p99 ${ms(m.p99)}  ${(mixed.count / mixedS).toFixed(0)} lists/s  cpu ${cpuShares(mixedCpu, mixedS)}`);
    figure(`list API p99 at ${inDb} tickets`, `worst list, one client: ${ms(worstP99)}  (SPEC §13: < 100 ms) ${worstP99 < 100 ? 'met' : 'MISSED'}; mixed with 8 clients: ${ms(m.p99)}`);
    if (mixedCpu.other > 0.1 * mixedS) step(`other processes on the machine used CPU meanwhile: ${otherProcesses(mixedCpu0, cpuSnapshot(pids)).join('; ')}`);

    const file = writeResults('scale', {
      config: { openTickets: OPEN, concurrency: CONCURRENCY, idleSeconds: IDLE_S, queries: QUERIES, dbTickets: DB_TICKETS, listRequests: LIST_REQUESTS, listMixed: LIST_MIXED, servers: stack.servers },
      openTicketsRunning: Number(running),
      openSeconds: openS,
      worker: { baseline, opening: during, idle, liveQueries: queried },
      liveQuery: { latency: summarise(qr.latenciesMs), errors: qr.errors, errorSamples: qr.errorSamples },
      temporalServerRssBytes: temporalRss,
      ticketsInDatabase: Number(inDb),
      lists,
      mixed: { concurrency: 8, latency: m, perSecond: mixed.count / mixedS, errors: mixed.errors, cpuShares: cpuShares(mixedCpu, mixedS) },
    });
    console.log(`results: ${file}`);
  } finally {
    await stack.stop();
  }
}

/** The SQL db/tickets.ts issues for this caller and query string, and its EXPLAIN (ANALYZE, BUFFERS). */
async function explainList(stack: BenchStack, pg: PgClient, token: string, query: Record<string, string>): Promise<{ sql: string; text: string; summary: string; executionMs: number }> {
  const found = await principalForToken(stack.db, token, 'api');
  if (!found) throw new Error('token not valid');
  const q = parseInput(listTicketsQuerySchema, query, 'query');
  let captured: { sql: string; bindings: unknown[] } | undefined;
  const listener = (e: { sql: string; bindings: unknown[] }) => {
    if (!captured && /from "tickets"/.test(e.sql)) captured = e;
  };
  stack.db.on('query', listener);
  try {
    await listTickets(stack.db, ticketScope(found.principal), q, { limit: q.limit, cursor: q.cursor });
  } finally {
    stack.db.removeListener('query', listener);
  }
  if (!captured) throw new Error('listTickets issued no query');
  let n = 0;
  const sql = captured.sql.replace(/\?/g, () => `$${++n}`);
  const res = await pg.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, captured.bindings as unknown[]);
  const lines = res.rows.map((r: Record<string, string>) => r['QUERY PLAN']);
  const text = lines.join('\n');
  const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN);
  // The nodes that matter: how tickets are reached (index or scan) and whether a sort was needed.
  const nodes = lines
    .filter((l, i) => i === 0 || /->/.test(l))
    .map((l) => l.trim().replace(/^->\s*/, '').replace(/\s+\(cost=.*$/, ''))
    .filter((l) => /(Sort|Scan)/.test(l) && /(tickets|Sort$)/.test(l));
  const removed = /Rows Removed by Filter: (\d+)/.exec(text)?.[1];
  return { sql, text, summary: `${nodes.slice(0, 3).join(' → ')}${removed ? ` (rows removed by filter: ${removed})` : ''}`, executionMs };
}

main().catch((err: Error) => {
  console.error(`bench:scale failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
