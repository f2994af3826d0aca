/**
 * One workflow per release (SPEC §6): it owns the planned date and publication, notifies the manager when the
 * planned date passes unpublished (no human trigger), and fans news out to every linked ticket in batches — an
 * activity signals up to a page of tickets per call, so a release with thousands of tickets neither times out nor
 * grows its history without bound (it continues as new when the history gets long).
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  MAX_HISTORY_EVENTS,
  moveReleaseDateUpdate,
  publishReleaseUpdate,
  releaseStateQuery,
  type ReleaseView,
  type ReleaseWorkflowInput,
} from './definitions';

const { signalReleaseTickets, recordReleaseChange, notifyReleaseOverdue } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

interface FanOut {
  kind: 'fix-released' | 'release-date-moved';
  news: { releaseId: string; version: string; releasedOn?: string; previousDate?: string; newDate?: string };
  /** Tickets with a number above this one are still to be told. */
  afterNumber: number;
}

export interface ReleaseState {
  plannedDate: string;
  status: 'planned' | 'published';
  publishedOn: string | null;
  overdueNotifiedFor: string | null;
  fanOuts: FanOut[];
  ticketsSignalled: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const FAN_OUT_PAGE = 200;
const now = () => new Date(Date.now());
/** The planned day counts as a whole day (UTC): overdue from the following midnight. */
const overdueAt = (plannedDate: string) => new Date(`${plannedDate}T00:00:00.000Z`).getTime() + 24 * 3600 * 1000;

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'ActionRefused');

export async function releaseWorkflow(input: ReleaseWorkflowInput, carried?: ReleaseState): Promise<void> {
  const s: ReleaseState = carried ?? { plannedDate: input.plannedDate, status: 'planned', publishedOn: null, overdueNotifiedFor: null, fanOuts: [], ticketsSignalled: 0 };
  let changed = false;
  const view = (): ReleaseView => ({
    releaseId: input.releaseId,
    version: input.version,
    plannedDate: s.plannedDate,
    status: s.status,
    publishedOn: s.publishedOn,
    overdueNotifiedFor: s.overdueNotifiedFor,
    pendingFanOuts: s.fanOuts.length,
    ticketsSignalled: s.ticketsSignalled,
  });
  setHandler(releaseStateQuery, view);

  // One change at a time: two managers moving the date at once must reach the tickets and the row in order.
  let busy = false;
  const exclusively = async <T>(fn: () => Promise<T>): Promise<T> => {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };

  setHandler(
    moveReleaseDateUpdate,
    ({ plannedDate, actor, reason }) =>
      exclusively(async () => {
        if (s.status !== 'planned' || plannedDate === s.plannedDate) return view(); // overtaken while waiting its turn
        const previousDate = s.plannedDate;
        s.plannedDate = plannedDate;
        s.fanOuts.push({ kind: 'release-date-moved', news: { releaseId: input.releaseId, version: input.version, previousDate, newDate: plannedDate }, afterNumber: 0 });
        changed = true;
        await recordReleaseChange({ releaseId: input.releaseId, plannedDate, actorId: actor.id, reason: reason ?? null });
        return view();
      }),
    {
      validator: ({ plannedDate }) => {
        if (s.status !== 'planned') throw refuse(`release ${input.version} is already published; its date cannot move`);
        if (typeof plannedDate !== 'string' || !DAY.test(plannedDate) || Number.isNaN(Date.parse(plannedDate))) throw refuse('plannedDate must be a date YYYY-MM-DD');
        if (plannedDate === s.plannedDate) throw refuse(`release ${input.version} is already planned for ${plannedDate}`);
      },
    },
  );

  setHandler(
    publishReleaseUpdate,
    ({ actor }) =>
      exclusively(async () => {
        if (s.status !== 'planned') return view();
        s.status = 'published';
        s.publishedOn = now().toISOString().slice(0, 10);
        // The row says published before any ticket is told, so a fix scheduled meanwhile is caught by one or the other.
        await recordReleaseChange({ releaseId: input.releaseId, publishedAt: now().toISOString(), actorId: actor.id, reason: null });
        s.fanOuts.push({ kind: 'fix-released', news: { releaseId: input.releaseId, version: input.version, releasedOn: s.publishedOn }, afterNumber: 0 });
        changed = true;
        return view();
      }),
    {
      validator: (_arg: { actor: unknown }) => {
        if (s.status !== 'planned') throw refuse(`release ${input.version} is already published`);
      },
    },
  );

  for (;;) {
    // Tell the tickets, a page at a time, in the order the news happened.
    while (s.fanOuts.length > 0) {
      const job = s.fanOuts[0];
      const page = await signalReleaseTickets({ releaseId: input.releaseId, kind: job.kind, news: job.news, afterNumber: job.afterNumber, limit: FAN_OUT_PAGE });
      s.ticketsSignalled += page.signalled;
      if (page.done || page.lastNumber === null) s.fanOuts.shift();
      else job.afterNumber = page.lastNumber;
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof releaseWorkflow>(input, s);
      }
    }
    if (s.status === 'published') {
      await condition(allHandlersFinished);
      if (s.fanOuts.length === 0) {
        log.info('release published and every linked ticket told', { version: input.version, tickets: s.ticketsSignalled });
        return;
      }
      continue;
    }
    changed = false;
    const due = overdueAt(s.plannedDate);
    if (s.overdueNotifiedFor !== s.plannedDate && due > Date.now()) {
      const moved = await condition(() => changed || s.fanOuts.length > 0, due - Date.now());
      if (moved) continue;
    } else if (s.overdueNotifiedFor === s.plannedDate) {
      await condition(() => changed || s.fanOuts.length > 0);
      continue;
    }
    if (s.status === 'planned' && s.overdueNotifiedFor !== s.plannedDate) {
      // The planned date passed and the release is not out: the manager hears of it, once per planned date.
      await notifyReleaseOverdue({ releaseId: input.releaseId, version: input.version, plannedDate: s.plannedDate });
      s.overdueNotifiedFor = s.plannedDate;
    }
  }
}
