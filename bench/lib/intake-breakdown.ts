/**
 * Where one ticket creation spends its time: the intake service (api/services/ticket-intake.ts) run in-process,
 * one ticket at a time, with every SQL statement and the workflow start timed (knex query events and a client
 * interceptor), plus the bearer-token lookup every API request makes.
 */
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { createTicket } from '../../api/services/ticket-intake';
import { createDb } from '../../db/connection';
import { principalForToken } from '../../db/users';
import type { BenchStack } from './stack';
import { summarise } from './stats';

export const BREAKDOWN_TITLE = 'Intake breakdown';

export interface IntakeBreakdown {
  tickets: number;
  /** Per ticket, ms (p50/p99 over the tickets). */
  total: ReturnType<typeof summarise>;
  authLookup: ReturnType<typeof summarise>;
  sql: ReturnType<typeof summarise>;
  /** Statements per ticket, the token lookup included. */
  sqlStatementsPerTicket: number;
  workflowStart: ReturnType<typeof summarise>;
  /** A bare client.workflow.start of the no-op workflow, one at a time, right after. */
  trivialStart: ReturnType<typeof summarise>;
  /** Time in the service that is neither SQL nor the start (JS, pool waits, event loop). */
  rest: ReturnType<typeof summarise>;
  /** Mean ms per distinct statement (its SQL text, shortened), most expensive first. */
  statements: Array<{ sql: string; perTicket: number; meanMs: number }>;
  workflowInputBytes: number;
}

export async function intakeBreakdown(stack: BenchStack, taskQueue: string, noopTaskQueue: string, token: string, n: number): Promise<IntakeBreakdown> {
  const db = createDb(stack.dbUrl, 10);
  const started = new Map<string, number>();
  let sqlMs = 0;
  let sqlCount = 0;
  const bySql = new Map<string, { n: number; ms: number }>();
  db.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, performance.now()));
  const done = (q: { __knexQueryUid: string; sql: string }) => {
    const t0 = started.get(q.__knexQueryUid);
    if (t0 === undefined) return;
    started.delete(q.__knexQueryUid);
    const d = performance.now() - t0;
    sqlMs += d;
    sqlCount++;
    const key = q.sql.replace(/\s+/g, ' ').slice(0, 90);
    const s = bySql.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += d;
    bySql.set(key, s);
  };
  db.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => done(q));
  db.on('query-error', (_e: unknown, q: { __knexQueryUid: string; sql: string }) => done(q));

  let startMs = 0;
  let inputBytes = 0;
  const timing: WorkflowClientInterceptor = {
    async start(input, next) {
      inputBytes = Buffer.byteLength(JSON.stringify(input.options.args ?? []));
      const t0 = performance.now();
      try {
        return await next(input);
      } finally {
        startMs += performance.now() - t0;
      }
    },
  };
  const temporal = new Client({ connection: stack.temporal.connection, namespace: stack.namespace, interceptors: { workflow: [timing] } });

  const totals: number[] = [];
  const auth: number[] = [];
  const sql: number[] = [];
  const starts: number[] = [];
  const rest: number[] = [];
  const trivial: number[] = [];
  const body = { title: BREAKDOWN_TITLE, description: 'Posting an invoice fails with error 500.', type: 'incident' as const, impact: 'medium' as const, urgency: 'medium' as const };
  try {
    for (let i = 0; i < n; i++) {
      sqlMs = 0;
      startMs = 0;
      const t0 = performance.now();
      const found = await principalForToken(db, token, 'api');
      const t1 = performance.now();
      sqlMs = 0;
      if (!found) throw new Error('the bench token is not valid');
      await createTicket({ db, temporal, taskQueue }, found.principal, body);
      const t2 = performance.now();
      auth.push(t1 - t0);
      totals.push(t2 - t0);
      sql.push(sqlMs);
      starts.push(startMs);
      rest.push(t2 - t1 - sqlMs - startMs);
    }
    // The same number of trivial starts, one at a time: what a ticket's start costs beyond a bare start.
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await stack.temporal.workflow.start('noopWorkflow', { taskQueue: noopTaskQueue, workflowId: `bench-breakdown-noop-${process.pid}-${Date.now()}-${i}` });
      trivial.push(performance.now() - t0);
    }
  } finally {
    await db.destroy();
  }
  return {
    trivialStart: summarise(trivial),
    tickets: n,
    total: summarise(totals),
    authLookup: summarise(auth),
    sql: summarise(sql),
    sqlStatementsPerTicket: Math.round((sqlCount / n) * 10) / 10,
    workflowStart: summarise(starts),
    rest: summarise(rest),
    statements: [...bySql]
      .map(([s, v]) => ({ sql: s, perTicket: Math.round((v.n / n) * 10) / 10, meanMs: Math.round((v.ms / v.n) * 100) / 100 }))
      .sort((a, b) => b.perTicket * b.meanMs - a.perTicket * a.meanMs),
    workflowInputBytes: inputBytes,
  };
}
