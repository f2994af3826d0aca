/** Creating tickets through the API for a benchmark's set-up, and waiting until the worker has run them. */
import type { Db } from '../../db/connection';
import type { Impact, Urgency } from '../../domain/priority';
import type { TicketType } from '../../domain/tickets';
import type { JsonClient } from './http';
import { runClosedLoop } from './load';
import { progress, step } from './progress';
import { waitFor } from './stack';

export interface NewTicketBody {
  title: string;
  description: string;
  type: TicketType;
  impact: Impact;
  urgency: Urgency;
}

export interface CreatedTicket {
  id: string;
  number: string;
  createdAt: string;
  sla: Record<string, { deadline: string | null }>;
}

/** n tickets through POST /api/v1/tickets by `concurrency` clients; `tokens` are used in turn (one per requester). */
export async function createTickets(
  http: JsonClient,
  tokens: string[],
  n: number,
  concurrency: number,
  body: (i: number) => NewTicketBody,
  opts: { label?: string; quiet?: boolean } = {},
): Promise<CreatedTicket[]> {
  const label = opts.label ?? 'creating tickets';
  const out: CreatedTicket[] = [];
  const started = Date.now();
  const r = await runClosedLoop({
    concurrency,
    count: n,
    op: async (_c, i) => {
      const res = await http.call('POST', '/api/v1/tickets', { token: tokens[i % tokens.length], body: body(i) });
      if (res.status !== 201) throw new Error(`POST /tickets answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
      out.push(res.body as CreatedTicket);
    },
    onProgress: (done, errors) => {
      if (opts.quiet) return;
      const s = (Date.now() - started) / 1000;
      progress(`${label}: ${done}/${n} (${(done / s).toFixed(1)}/s, ${errors} errors)`);
    },
  });
  if (r.errors) throw new Error(`${r.errors} of ${n} creations failed, e.g. ${r.errorSamples.join(' | ')}`);
  if (!opts.quiet) step(`${label}: ${n} in ${((Date.now() - started) / 1000).toFixed(1)} s (${(n / ((Date.now() - started) / 1000)).toFixed(1)}/s)`);
  return out;
}

/** Until every ticket with this title has its first event (the worker ran its workflow), or the timeout. */
export async function waitUntilProcessed(db: Db, title: string, timeoutMs: number, extra?: () => string): Promise<number> {
  const started = Date.now();
  let left = 0;
  await waitFor(
    async () => {
      const [{ n }] = await db('tickets').where({ title, last_event_seq: 0 }).count({ n: '*' });
      left = Number(n);
      progress(`waiting for the worker: ${left} tickets without their first event (${((Date.now() - started) / 1000).toFixed(0)} s)${extra ? ` ${extra()}` : ''}`);
      return left === 0;
    },
    timeoutMs,
    500,
  );
  if (left) step(`${left} tickets still unprocessed after ${timeoutMs / 1000} s`);
  return (Date.now() - started) / 1000;
}
