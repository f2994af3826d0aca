/** Shared helpers for ticket workflow tests on the time-skipping server, with the projection activity mocked. */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { PROJECTION_REFUSED } from '../../workflows/definitions';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { businessSk } from '../../domain/calendars';
import { holidayName } from '../../domain/holidays';
import { localDateTime, localToInstant } from '../../domain/calendar';
import type { RecordTicketEventsArgs } from '../../activities/projection';
import type { TicketEventRecord } from '../../workflows/ticket-state';
import { requireEnv, TEST_ENV } from '../support/env';

import { H } from '../support/ticket-input';

export { H, staff, manager, ticketInput } from '../support/ticket-input';

/** Tests read recorded events loosely: any field of any type. */
export type RecordedEvent = Omit<TicketEventRecord, 'data' | 'type'> & { type: string; data: Record<string, any>; notify?: Array<Record<string, unknown>> };

export interface Recorder {
  /** Every event recorded, by ticket id, keyed by seq (a re-delivery would overwrite, not duplicate). */
  events: Map<string, Map<number, RecordedEvent>>;
  deliveries: number;
  /** the writes refused (when `refuse` says so), and the writes that carried `recovering` */
  refusals: Array<{ ticketId: string; seqs: number[]; at: number }>;
  recovered?: Array<{ ticketId: string; seqs: number[] }>;
  of(ticketId: string): RecordedEvent[];
}

/**
 * `refuse`: while it answers true, the mocked projection fails as the real one does when PostgreSQL refuses a
 * timeline for good (PROJECTION_REFUSED, not retried); refused writes are counted in `recorder.refusals`.
 */
export async function createTicketWorker(
  env: TestWorkflowEnvironment,
  opts: { refuse?: (args: RecordTicketEventsArgs) => boolean } = {},
): Promise<{ worker: Worker; taskQueue: string; recorder: Recorder }> {
  const taskQueue = `tq-${randomUUID()}`;
  const recorder: Recorder = {
    events: new Map(),
    deliveries: 0,
    refusals: [],
    of(ticketId) {
      return [...(this.events.get(ticketId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
    activities: {
      async recordTicketEvents(args: RecordTicketEventsArgs) {
        recorder.deliveries++;
        if (opts.refuse?.(args)) {
          recorder.refusals.push({ ticketId: args.input.ticketId, seqs: args.events.map((e) => e.seq), at: Date.now() });
          throw ApplicationFailure.nonRetryable('value too long for type character varying(300)', PROJECTION_REFUSED);
        }
        if (args.recovering) (recorder.recovered ??= []).push({ ticketId: args.input.ticketId, seqs: args.events.map((e) => e.seq) });
        const m = recorder.events.get(args.input.ticketId) ?? new Map<number, RecordedEvent>();
        for (const e of args.events) m.set(e.seq, e as RecordedEvent);
        recorder.events.set(args.input.ticketId, m);
        return { inserted: args.events.length };
      },
    },
  });
  return { worker, taskQueue, recorder };
}

/** Skips server time to the next Monday 08:00 in Bratislava whose whole week has no Slovak day of rest. */
export async function skipToWorkingMonday(env: TestWorkflowEnvironment): Promise<Date> {
  const now = await env.currentTimeMs();
  let day = new Date(now + 24 * H);
  for (let i = 0; i < 400; i++, day = new Date(day.getTime() + 24 * H)) {
    const l = localDateTime(day, 'Europe/Bratislava');
    if (l.weekday !== 1) continue;
    const week = [0, 1, 2, 3, 4].map((k) => localDateTime(new Date(day.getTime() + k * 24 * H), 'Europe/Bratislava'));
    if (week.some((w) => holidayName(w, businessSk.holidays))) continue;
    const monday = localToInstant({ year: l.year, month: l.month, day: l.day, hour: 8 }, 'Europe/Bratislava');
    await env.sleep(monday.getTime() - (await env.currentTimeMs()));
    return monday;
  }
  throw new Error('no holiday-free week found');
}

/** Local wall time in Bratislava, `days` after a Monday, at hh:mm. */
export function bratislava(monday: Date, days: number, hh: number, mm = 0): Date {
  const l = localDateTime(new Date(monday.getTime() + days * 24 * H + 12 * H), 'Europe/Bratislava');
  return localToInstant({ year: l.year, month: l.month, day: l.day, hour: hh, minute: mm }, 'Europe/Bratislava');
}

export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
