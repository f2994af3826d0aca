/**
 * `npm run bench:action` — a staff action through the API until its new state is visible through the workflow's
 * query (GET /api/v1/tickets/:id/workflow): p50/p99 over 1,000 actions on 100 tickets (10 actions each, a realistic
 * cycle: triage, assign, internal note, public reply, request info, note, resolve, reopen, escalate, reply).
 * SPEC §13: p99 < 150 ms.
 *
 * BENCH_ACTION_TICKETS (100), BENCH_ACTION_PER_TICKET (10), BENCH_ACTION_CONCURRENCY (1,10: agents acting at
 * once; each level gets its own fresh tickets).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { parseTicketNumber } from '../domain/tickets';
import { ticketWorkflowId } from '../workflows/definitions';
import { cpuDelta, cpuShares, cpuSnapshot, otherProcesses } from './lib/cpu';
import { updateTimelines } from './lib/history';
import { JsonClient } from './lib/http';
import { progress, step } from './lib/progress';
import { envInt, envIntList, writeResults } from './lib/results';
import { startStack } from './lib/stack';
import { figure, ms, summarise } from './lib/stats';
import { createTickets, waitUntilProcessed } from './lib/tickets';

const TICKETS = envInt('BENCH_ACTION_TICKETS', 100);
const PER_TICKET = envInt('BENCH_ACTION_PER_TICKET', 10);
const LEVELS = envIntList('BENCH_ACTION_CONCURRENCY', [1, 10]);
const TITLE = 'Action benchmark: stock transfer stuck';

/** The cycle each ticket goes through; every step is allowed in the status the previous one left. */
const cycle = (agentId: string): Array<{ action: string; body: Record<string, unknown> }> => [
  { action: 'triage', body: { note: 'Reproduced on the test system' } },
  { action: 'assign', body: { assigneeId: agentId } },
  { action: 'comment', body: { body: 'Checking the transfer log', visibility: 'internal' } },
  { action: 'comment', body: { body: 'We are looking into it.', visibility: 'public' } },
  { action: 'request-info', body: { body: 'Which warehouse was the transfer from?' } },
  { action: 'comment', body: { body: 'Waiting for the warehouse name', visibility: 'internal' } },
  { action: 'resolve', body: { resolution: 'Transfer released manually.' } },
  { action: 'reopen', body: { reason: 'The customer reports it again' } },
  { action: 'escalate', body: { toLevel: 'L2', reason: 'Needs a database fix' } },
  { action: 'comment', body: { body: 'Escalated to second level.', visibility: 'public' } },
];

interface Sample {
  action: string;
  ticket: string;
  /** Epoch ms when the POST was sent and answered (for matching with the history's server times). */
  sentAt: number;
  answeredAt: number;
  totalMs: number;
  postMs: number;
  queryMs: number;
  /** Queries needed until the new state showed (1 = visible at once). */
  polls: number;
}

/**
 * Splits each POST into the stretches the workflow history shows: request → update accepted (API, update RPC,
 * workflow task on the worker), the projection activity waiting and running, its completion → update completed
 * (a second workflow task), and → the API's answer.
 */
async function updatePhases(client: Client, samples: Sample[]): Promise<Record<string, ReturnType<typeof summarise>>> {
  const acc: Record<string, number[]> = { sendToAccepted: [], acceptedToLocalRecorded: [], localRecordedToCompleted: [], activityQueue: [], activityRun: [], activityToCompleted: [], taskDispatch: [], taskRun: [], completedToAnswer: [] };
  const byTicket = new Map<string, Sample[]>();
  for (const s of samples) byTicket.set(s.ticket, [...(byTicket.get(s.ticket) ?? []), s]);
  for (const [number, own] of byTicket) {
    const timelines = await updateTimelines(client, ticketWorkflowId(parseTicketNumber(number)!));
    if (timelines.length !== own.length) continue; // a refused action leaves no update in the history: no matching
    own.forEach((s, i) => {
      const t = timelines[i];
      if (t.localRecordedAt !== undefined && t.completedAt !== undefined) {
        // Local activity: written inside the workflow task that accepted the update (or the next one).
        acc.sendToAccepted.push(t.acceptedAt - s.sentAt);
        acc.acceptedToLocalRecorded.push(t.localRecordedAt - t.acceptedAt);
        acc.localRecordedToCompleted.push(t.completedAt - t.localRecordedAt);
        acc.completedToAnswer.push(s.answeredAt - t.completedAt);
        return;
      }
      if (t.activityScheduledAt === undefined || t.activityStartedAt === undefined || t.activityCompletedAt === undefined || t.completedAt === undefined) return;
      acc.sendToAccepted.push(t.acceptedAt - s.sentAt);
      acc.activityQueue.push(t.activityStartedAt - t.activityScheduledAt);
      acc.activityRun.push(t.activityCompletedAt - t.activityStartedAt);
      acc.activityToCompleted.push(t.completedAt - t.activityCompletedAt);
      if (t.taskStartedAt !== undefined && t.taskCompletedAt !== undefined) {
        acc.taskDispatch.push(t.taskStartedAt - t.activityCompletedAt);
        acc.taskRun.push(t.taskCompletedAt - t.taskStartedAt);
      }
      acc.completedToAnswer.push(s.answeredAt - t.completedAt);
    });
  }
  return Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, summarise(v)]));
}

async function main(): Promise<void> {
  const stack = await startStack('action');
  try {
    const taskQueue = `bench-action-${randomBytes(4).toString('hex')}`;
    const worker = await stack.startWorker({ taskQueue });
    const api = await stack.startApi({ taskQueue });
    const http = new JsonClient(api.baseUrl, Math.max(...LEVELS) + 4);
    const customer = await http.login('user@acme.test');
    const agentToken = await http.login('l1@demo.test');
    const agent = await stack.db('users').where({ email: 'l1@demo.test' }).first('id');
    const steps = cycle(agent.id);
    if (PER_TICKET > steps.length) throw new Error(`BENCH_ACTION_PER_TICKET is at most ${steps.length}`);
    const pids = { bench: stack.pids.bench, temporal: stack.pids.temporal, api: api.process.pid, worker: worker.process.pid };

    const levels: Array<Record<string, unknown>> = [];
    for (const concurrency of LEVELS) {
      const tickets = await createTickets(http, [customer], TICKETS, 8, () => ({ title: TITLE, description: 'A stock transfer has been pending since yesterday.', type: 'incident', impact: 'medium', urgency: 'medium' }), { label: `c=${concurrency}: creating ${TICKETS} tickets` });
      await waitUntilProcessed(stack.db, TITLE, 300_000);

      // Each client owns every concurrency-th ticket and runs the cycle on one ticket after the other.
      const samples: Sample[] = [];
      const total = TICKETS * PER_TICKET;
      const perClient = Array.from({ length: concurrency }, (_, c) => tickets.filter((_t, i) => i % concurrency === c));
      const statsFrom = worker.stats.length;
      const cpuBefore = cpuSnapshot(pids);
      const started = Date.now();
      const errorSamples: string[] = [];
      let errors = 0;
      const act = async (ticket: { id: string; number: string }, action: string, body: Record<string, unknown>) => {
        const t0 = performance.now();
        const sentAt = Date.now();
        const post = await http.call('POST', `/api/v1/tickets/${ticket.id}/actions/${action}`, { token: agentToken, body });
        if (post.status !== 200) throw new Error(`${action} answered ${post.status}: ${JSON.stringify(post.body).slice(0, 200)}`);
        const answeredAt = Date.now();
        const { seq, status } = post.body as { seq: number; status: string };
        let polls = 0;
        let queryMs = 0;
        for (;;) {
          polls++;
          const q = await http.call('GET', `/api/v1/tickets/${ticket.id}/workflow`, { token: agentToken });
          queryMs += q.ms;
          const state = (q.body as { state?: { status: string; lastEvents: Array<{ seq: number }> } }).state;
          if (state && state.status === status && state.lastEvents.some((e) => e.seq >= seq)) break;
          if (performance.now() - t0 > 10_000) throw new Error(`${action} on ${ticket.number}: not visible in the query after 10 s`);
        }
        samples.push({ action, ticket: ticket.number, sentAt, answeredAt, totalMs: performance.now() - t0, postMs: post.ms, queryMs, polls });
      };
      // Each client (an agent) owns every concurrency-th ticket and works through the cycle on one after the other.
      await Promise.all(
        perClient.map(async (own) => {
          for (const ticket of own) {
            for (const { action, body } of steps.slice(0, PER_TICKET)) {
              try {
                await act(ticket, action, body);
              } catch (err) {
                errors++;
                if (errorSamples.length < 5) errorSamples.push((err as Error).message.split('\n')[0]);
              }
              const lat = summarise(samples.slice(-200).map((x) => x.totalMs));
              progress(`c=${concurrency}: ${samples.length + errors}/${total} actions, ${errors} errors, recent p50 ${ms(lat.p50)} p99 ${ms(lat.p99)}`);
            }
          }
        }),
      );
      const wallS = (Date.now() - started) / 1000;
      const cpuAfter = cpuSnapshot(pids);
      const cpu = cpuDelta(cpuBefore, cpuAfter);
      const lag = worker.stats.slice(statsFrom).map((s) => s.lag.p99);
      const phases = await updatePhases(stack.temporal, samples);
      const byAction: Record<string, ReturnType<typeof summarise>> = {};
      for (const a of new Set(samples.map((s) => s.action))) byAction[a] = summarise(samples.filter((s) => s.action === a).map((s) => s.totalMs));
      const level = {
        concurrency,
        actions: samples.length,
        errors,
        errorSamples,
        actionsPerSecond: Math.round((samples.length / wallS) * 10) / 10,
        actionToVisible: summarise(samples.map((s) => s.totalMs)),
        post: summarise(samples.map((s) => s.postMs)),
        query: summarise(samples.map((s) => s.queryMs / s.polls)),
        visibleAtFirstQuery: samples.filter((s) => s.polls === 1).length,
        byAction,
        phases,
        cpuShares: cpuShares(cpu, wallS),
        otherProcesses: otherProcesses(cpuBefore, cpuAfter),
        workerLagP99Ms: lag.length ? Math.round(Math.max(...lag) * 10) / 10 : null,
      };
      levels.push(level);
      step(`c=${concurrency}: ${level.actions} actions, action→visible p50 ${ms(level.actionToVisible.p50)} p99 ${ms(level.actionToVisible.p99)}; cpu: ${level.cpuShares}`);
      if (cpu.other > 0.1 * wallS) step(`  other processes on the machine used CPU meanwhile: ${level.otherProcesses.join('; ')}`);
    }
    http.close();

    console.log('');
    for (const l of levels as Array<{ concurrency: number; actions: number; errors: number; actionToVisible: ReturnType<typeof summarise>; post: ReturnType<typeof summarise>; query: ReturnType<typeof summarise>; visibleAtFirstQuery: number; byAction: Record<string, ReturnType<typeof summarise>> }>) {
      const c = l.concurrency;
      figure(`action → visible c=${c}`, `p50 ${ms(l.actionToVisible.p50)}  p99 ${ms(l.actionToVisible.p99)}  max ${ms(l.actionToVisible.max)}  over ${l.actions} actions (errors ${l.errors})  (SPEC §13: p99 < 150 ms) ${l.actionToVisible.p99 < 150 ? 'met' : 'MISSED'}`);
      figure(`  POST action (update) c=${c}`, `p50 ${ms(l.post.p50)}  p99 ${ms(l.post.p99)}`);
      figure(`  GET workflow (query) c=${c}`, `p50 ${ms(l.query.p50)}  p99 ${ms(l.query.p99)}; visible at the first query: ${l.visibleAtFirstQuery}/${l.actions}`);
      const p = (l as unknown as { phases: Record<string, ReturnType<typeof summarise>> }).phases;
      figure(`  where the time goes c=${c} (p50)`, p.acceptedToLocalRecorded.count > 0
        ? `to accepted ${ms(p.sendToAccepted.p50)} · accepted to timeline written (local activity) ${ms(p.acceptedToLocalRecorded.p50)} · to update completed ${ms(p.localRecordedToCompleted.p50)} · to answer ${ms(p.completedToAnswer.p50)}`
        : `to accepted ${ms(p.sendToAccepted.p50)} · activity queue ${ms(p.activityQueue.p50)} · activity run ${ms(p.activityRun.p50)} · to update completed ${ms(p.activityToCompleted.p50)} (task dispatch ${ms(p.taskDispatch.p50)}, run ${ms(p.taskRun.p50)}) · to answer ${ms(p.completedToAnswer.p50)}`);
      figure(`  where the time goes c=${c} (p99)`, p.acceptedToLocalRecorded.count > 0
        ? `to accepted ${ms(p.sendToAccepted.p99)} · accepted to timeline written (local activity) ${ms(p.acceptedToLocalRecorded.p99)} · to update completed ${ms(p.localRecordedToCompleted.p99)} · to answer ${ms(p.completedToAnswer.p99)}`
        : `to accepted ${ms(p.sendToAccepted.p99)} · activity queue ${ms(p.activityQueue.p99)} · activity run ${ms(p.activityRun.p99)} · to update completed ${ms(p.activityToCompleted.p99)} (task dispatch ${ms(p.taskDispatch.p99)}, run ${ms(p.taskRun.p99)}) · to answer ${ms(p.completedToAnswer.p99)}`);
      const slowest = Object.entries(l.byAction).sort((a, b) => b[1].p99 - a[1].p99)[0];
      if (slowest) figure(`  slowest action c=${c}`, `${slowest[0]}: p50 ${ms(slowest[1].p50)}  p99 ${ms(slowest[1].p99)}`);
    }
    const file = writeResults('action', { config: { tickets: TICKETS, perTicket: PER_TICKET, levels: LEVELS, servers: stack.servers }, levels });
    console.log(`results: ${file}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench:action failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
