/**
 * `npm run bench:intake` — sustained ticket creations per second through POST /api/v1/tickets at 1, 8 and 32
 * concurrent clients (p50/p99), and, against the same servers in the same run, the two things intake is built from:
 * raw `client.workflow.start` of a trivial workflow and raw PostgreSQL inserts of the same ticket row.
 * SPEC §13: intake ≥ 70 % of raw start.
 *
 * Each level is measured twice: with no worker at all (the start path alone) and sustained (the worker runs every
 * new workflow meanwhile, as in production). Then BENCH_INTAKE_BREAKDOWN creations run in-process with each SQL
 * statement and the workflow start timed, which says where one creation's time goes.
 *
 * BENCH_INTAKE_CONCURRENCY (1,8,32), BENCH_INTAKE_SECONDS (20 per measurement), BENCH_INTAKE_WARMUP_SECONDS (3),
 * BENCH_INTAKE_BREAKDOWN (200).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createDb } from '../db/connection';
import { loadSlaSnapshot } from '../db/reference';
import { cpuDelta, cpuShares, cpuSnapshot, otherProcesses, type CpuGroups } from './lib/cpu';
import { JsonClient } from './lib/http';
import { BREAKDOWN_TITLE, intakeBreakdown } from './lib/intake-breakdown';
import { runClosedLoop, type LoadResult } from './lib/load';
import { progress, step } from './lib/progress';
import { envInt, envIntList, writeResults } from './lib/results';
import { startStack, waitFor, type BenchStack, type WorkerChild } from './lib/stack';
import { figure, ms, summarise } from './lib/stats';

const LEVELS = envIntList('BENCH_INTAKE_CONCURRENCY', [1, 8, 32]);
const SECONDS = envInt('BENCH_INTAKE_SECONDS', 20);
const WARMUP_S = envInt('BENCH_INTAKE_WARMUP_SECONDS', 3);
const BREAKDOWN_N = envInt('BENCH_INTAKE_BREAKDOWN', 200);
const TITLE = 'Intake benchmark: invoices cannot be posted';

type Kind = 'api' | 'rawStart' | 'rawInsert';
type Mode = 'sustained' | 'noWorker';

interface Measured {
  kind: Kind;
  /** sustained: the worker runs the new workflows meanwhile; noWorker: no worker at all (the start path alone). */
  mode: Mode;
  concurrency: number;
  perSecond: number;
  count: number;
  errors: number;
  errorSamples: string[];
  latency: ReturnType<typeof summarise>;
  cpuSeconds: CpuGroups;
  cpuShares: string;
  otherProcesses: string[];
  workerLagP99Ms: number | null;
}

interface Ctx {
  stack: BenchStack;
  worker?: WorkerChild;
  apiPid: number;
}

async function measure(ctx: Ctx, kind: Kind, mode: Mode, concurrency: number, op: () => Promise<void>): Promise<Measured> {
  const { stack, worker } = ctx;
  const pids = { bench: stack.pids.bench, temporal: stack.pids.temporal, api: ctx.apiPid, worker: worker?.process.pid };
  let cpuBefore: CpuGroups | undefined;
  let statsFrom = 0;
  const startedAt = Date.now();
  // CPU is read at the end of warm-up, so it covers the measured window.
  const warmTimer = setTimeout(() => {
    cpuBefore = cpuSnapshot(pids);
    statsFrom = worker?.stats.length ?? 0;
  }, WARMUP_S * 1000);
  const r: LoadResult = await runClosedLoop({
    concurrency,
    durationMs: SECONDS * 1000,
    warmupMs: WARMUP_S * 1000,
    op: () => op(),
    onProgress: (done, errors) => progress(`${kind} (${mode}) c=${concurrency}: ${done} done, ${errors} errors, ${((Date.now() - startedAt) / 1000).toFixed(0)}/${SECONDS + WARMUP_S} s`),
  });
  clearTimeout(warmTimer);
  const cpuAfter = cpuSnapshot(pids);
  const cpu = cpuDelta(cpuBefore ?? cpuAfter, cpuAfter);
  const lag = (worker?.stats ?? []).slice(statsFrom).map((s) => s.lag.p99);
  const m: Measured = {
    kind,
    mode,
    concurrency,
    perSecond: r.perSecond,
    count: r.count,
    errors: r.errors,
    errorSamples: r.errorSamples,
    latency: summarise(r.latenciesMs),
    cpuSeconds: cpu,
    cpuShares: cpuShares(cpu, r.measuredS),
    otherProcesses: otherProcesses(cpuBefore ?? cpuAfter, cpuAfter),
    workerLagP99Ms: lag.length ? Math.round(Math.max(...lag) * 10) / 10 : null,
  };
  step(`${kind.padEnd(9)} ${mode.padEnd(9)} c=${String(concurrency).padEnd(2)} ${m.perSecond}/s  p50 ${ms(m.latency.p50)}  p99 ${ms(m.latency.p99)}  errors ${m.errors}  cpu: ${m.cpuShares}`);
  if (m.errors) step(`  errors, e.g. ${m.errorSamples.join(' | ')}`);
  if (cpu.other > 0.1 * r.measuredS) step(`  other processes on the machine used CPU meanwhile: ${m.otherProcesses.join('; ')}`);
  return m;
}

async function main(): Promise<void> {
  const stack = await startStack('intake');
  const results: Measured[] = [];
  try {
    const suffix = randomBytes(4).toString('hex');
    const taskQueue = `bench-intake-${suffix}`;
    const noopTaskQueue = `bench-noop-${suffix}`;
    const api = await stack.startApi({ taskQueue });
    const ctx: Ctx = { stack, apiPid: api.process.pid! };
    step(`API running; ${SECONDS} s per measurement after ${WARMUP_S} s warm-up; levels ${LEVELS.join(', ')}`);

    const http = new JsonClient(api.baseUrl, Math.max(...LEVELS) + 4);
    const token = await http.login('user@acme.test');
    const acme = await stack.db('customers').where({ slug: 'acme' }).first('id');
    const requester = await stack.db('users').where({ email: 'user@acme.test' }).first('id');
    // The raw insert writes the same row intake writes, with a pool as large as the API's (DATABASE_POOL_MAX, 10).
    const rawDb = createDb(stack.dbUrl, 10);
    const snapshot = JSON.stringify(await loadSlaSnapshot(stack.db, acme.id, new Date()));

    const createTicket = async () => {
      const res = await http.call('POST', '/api/v1/tickets', {
        token,
        body: { title: TITLE, description: 'Posting an invoice fails with error 500 since this morning.', type: 'incident', impact: 'medium', urgency: 'medium' },
      });
      if (res.status !== 201) throw new Error(`POST /tickets answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
    };
    let started = 0;
    const rawStart = async () => {
      await stack.temporal.workflow.start('noopWorkflow', { taskQueue: noopTaskQueue, workflowId: `bench-noop-${suffix}-${started++}`, workflowIdReusePolicy: 'REJECT_DUPLICATE', workflowIdConflictPolicy: 'FAIL' });
    };
    const rawInsert = async () => {
      await rawDb.transaction(async (trx) => {
        const { rows } = await trx.raw<{ rows: Array<{ n: string }> }>("SELECT nextval('ticket_number_seq') AS n");
        const now = new Date();
        await trx('tickets').insert({
          id: randomUUID(),
          number: Number(rows[0].n),
          title: 'Raw insert baseline',
          description: 'Posting an invoice fails with error 500 since this morning.',
          type: 'incident',
          status: 'new',
          priority: 'P3',
          impact: 'medium',
          urgency: 'medium',
          level: 'L1',
          customer_id: acme.id,
          requester_id: requester.id,
          channel: 'portal',
          sla_state: 'ok',
          sla_snapshot: snapshot,
          created_by: requester.id,
          created_at: now,
          updated_at: now,
        });
      });
    };
    // Before the next measurement the worker catches up on everything started so far (it shares the CPUs): tickets
    // without their first event, and no-op workflows still running (visibility lags a little; good enough here).
    const runningNoops = async (): Promise<number> => {
      try {
        return (await stack.temporal.workflow.count(`TaskQueue = '${noopTaskQueue}' AND ExecutionStatus = 'Running'`)).count;
      } catch {
        return 0; // a server without count support: the no-op backlog is not waited for
      }
    };
    const drain = async () => {
      const t0 = Date.now();
      const caughtUp = await waitFor(
        async () => {
          const [{ n }] = await stack.db('tickets').whereIn('title', [TITLE, BREAKDOWN_TITLE]).where({ last_event_seq: 0 }).count({ n: '*' });
          const noops = await runningNoops();
          progress(`waiting for the worker to catch up: ${n} tickets without their first event, ${noops} no-op workflows running (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
          return Number(n) === 0 && noops === 0;
        },
        600_000,
        500,
      );
      if (!caughtUp) step('the worker did not catch up within 10 minutes; continuing');
      else if (Date.now() - t0 > 1000) step(`worker caught up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    };

    // 1. The start path alone: no worker runs, so nothing but intake (or the raw operation) uses the machine.
    for (const c of LEVELS) {
      results.push(await measure(ctx, 'api', 'noWorker', c, createTicket));
      results.push(await measure(ctx, 'rawStart', 'noWorker', c, rawStart));
      results.push(await measure(ctx, 'rawInsert', 'noWorker', c, rawInsert));
    }
    // Where one creation's time goes (in-process, one at a time, nothing else running).
    step(`timing the parts of ${BREAKDOWN_N} creations in-process`);
    const breakdown = await intakeBreakdown(stack, taskQueue, noopTaskQueue, token, BREAKDOWN_N);
    // 2. Sustained: the worker runs every new ticket workflow meanwhile (and the no-op baseline's), as in production.
    step('starting the worker (ticket workflows and the no-op baseline, one process) and letting it catch up');
    ctx.worker = await stack.startWorker({ taskQueue, noopTaskQueue });
    await drain();
    for (const c of LEVELS) {
      results.push(await measure(ctx, 'api', 'sustained', c, createTicket));
      await drain();
      results.push(await measure(ctx, 'rawStart', 'sustained', c, rawStart));
      await drain();
    }
    await drain();
    await rawDb.destroy();
    http.close();

    const [{ n: processed }] = await stack.db('ticket_events').where({ type: 'ticket.created' }).count({ n: '*' });
    console.log('');
    const find = (kind: Kind, mode: Mode, c: number) => results.find((r) => r.kind === kind && r.mode === mode && r.concurrency === c)!;
    const ratios: Record<string, Record<number, number>> = { sustained: {}, noWorker: {} };
    for (const mode of ['sustained', 'noWorker'] as const) {
      for (const c of LEVELS) {
        const a = find('api', mode, c);
        const s = find('rawStart', mode, c);
        ratios[mode][c] = Math.round((a.perSecond / s.perSecond) * 1000) / 10;
        figure(`intake ${mode} c=${c}`, `${a.perSecond} tickets/s  p50 ${ms(a.latency.p50)}  p99 ${ms(a.latency.p99)}  (errors ${a.errors})`);
        figure(`raw workflow.start ${mode} c=${c}`, `${s.perSecond} starts/s  p50 ${ms(s.latency.p50)}  p99 ${ms(s.latency.p99)}`);
        if (mode === 'noWorker') {
          const i = find('rawInsert', mode, c);
          figure(`raw PostgreSQL insert c=${c}`, `${i.perSecond} rows/s  p50 ${ms(i.latency.p50)}  p99 ${ms(i.latency.p99)}`);
        }
        figure(`intake / raw start ${mode} c=${c}`, `${ratios[mode][c]} %  (SPEC §13: ≥ 70 %) ${ratios[mode][c] >= 70 ? 'met' : 'MISSED'}`);
      }
    }
    const b = breakdown;
    figure('one creation in-process (p50)', `${ms(b.total.p50)} = token lookup ${ms(b.authLookup.p50)} + SQL ${ms(b.sql.p50)} + workflow.start ${ms(b.workflowStart.p50)} + rest ${ms(b.rest.p50)}`);
    figure('ticket start vs trivial start (p50)', `${ms(b.workflowStart.p50)} vs ${ms(b.trivialStart.p50)} (p99 ${ms(b.workflowStart.p99)} vs ${ms(b.trivialStart.p99)})`);
    figure('SQL statements per creation', `${b.sqlStatementsPerTicket} (token lookup included); workflow input ${b.workflowInputBytes} bytes`);
    figure('tickets processed by the worker', `${processed} ticket.created events`);
    const file = writeResults('intake', {
      config: { levels: LEVELS, seconds: SECONDS, warmupSeconds: WARMUP_S, servers: stack.servers },
      results,
      ratioIntakeToRawStartPercent: ratios,
      breakdown,
      ticketsProcessed: Number(processed),
    });
    console.log(`results: ${file}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench:intake failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
