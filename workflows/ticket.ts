/**
 * One workflow per ticket, for its whole life (SPEC §5). Handlers validate and apply actions to the TicketModel;
 * the main loop persists emitted events, keeps search attributes current, and sleeps until the next SLA instant.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { timesFirstResponseOnly } from '../domain/sla-clock';
import { TICKET_ACTIONS, type TicketActionName } from './ticket-actions';
import {
  CustomerIdKey,
  MAX_HISTORY_EVENTS,
  SlaStateKey,
  SupportLevelKey,
  TicketPriorityKey,
  TicketStatusKey,
  TicketTypeKey,
  fixReleasedSignal,
  problemNewsSignal,
  ticketNewsSignal,
  mailBouncedSignal,
  releaseDateMovedSignal,
  ticketActionSignals,
  ticketActionUpdates,
  ticketStateQuery,
  ticketWorkflowId,
  PROJECTION_REFUSED,
  type TicketActionInput,
} from './definitions';
import { ActionRefused, TicketModel, type TicketData } from './ticket-model';
import type { TicketWorkflowInput } from './ticket-state';

// The timeline must be written: retry until the database is back (each write is idempotent by (ticket, seq)).
const PROJECTION_RETRY = { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 } as const;
const { recordTicketEvents } = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '30 seconds', retry: PROJECTION_RETRY });
/**
 * The same write as a local activity: run by the worker that runs the workflow task, with no activity task to
 * dispatch and no second workflow task to receive its result — about half of the server's work per event, and what
 * a breach timer or a staff action waits for (bench/README.md). Tickets whose history already holds projection
 * activities keep replaying them (patch `projection-local-activity`).
 */
const { recordTicketEvents: recordTicketEventsLocally } = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: PROJECTION_RETRY,
  // Longer outages back off with workflow timers instead of holding the workflow task open.
  localRetryThreshold: '10 seconds',
});

/**
 * After the database refused the timeline (PROJECTION_REFUSED), the write is tried again after 30 s, then after
 * twice as long each time, at most every 10 minutes: an operator's fix (a constraint, a column) is picked up by itself.
 */
const REFUSED_RETRY_FIRST_MS = 30_000;
const REFUSED_RETRY_MAX_MS = 10 * 60_000;
const isRefusal = (err: unknown): boolean =>
  (err instanceof ApplicationFailure && err.type === PROJECTION_REFUSED) || (err instanceof ActivityFailure && isRefusal(err.cause));

/** Why an update was refused; the API answers 409, 403 and 400 for them. */
export const TicketErrorType = { ActionRefused: 'ActionRefused', ActionForbidden: 'ActionForbidden', InvalidInput: 'InvalidInput' } as const;
const failureOf = (err: ActionRefused) =>
  ApplicationFailure.nonRetryable(err.message, err.status === 403 ? TicketErrorType.ActionForbidden : err.status === 400 ? TicketErrorType.InvalidInput : TicketErrorType.ActionRefused);

const now = () => new Date(Date.now()); // workflow time: deterministic under replay

export async function ticketWorkflow(input: TicketWorkflowInput, carried?: TicketData): Promise<void> {
  // Change requests time their first response only (SPEC §7); tickets started before this rule keep their clocks.
  const firstResponseOnly = !carried && timesFirstResponseOnly(input.type) && patched('cr-first-response-only');
  // Every clock met is on the timeline for the monthly report; tickets started before record first responses only.
  const slaMetEvents = !carried && patched('sla-met-every-clock');
  const t = carried ? TicketModel.restore(input, carried) : TicketModel.create(input, { firstResponseOnly, slaMetEvents });
  let lastAttributes = '';

  setHandler(ticketStateQuery, () => t.view(now()));

  for (const action of TICKET_ACTIONS) {
    setHandler(
      ticketActionUpdates[action],
      async (arg: TicketActionInput) => {
        let seq: number;
        let duplicate: boolean;
        try {
          ({ seq, duplicate } = t.apply({ ...arg, action }, now(), { acceptedBefore: true }));
        } catch (err) {
          if (err instanceof ActionRefused) throw failureOf(err);
          throw err;
        }
        // Read-your-writes: answer once the action's events are in the timeline.
        await condition(() => t.persistedSeq >= seq);
        return { accepted: true, status: t.data.status, seq, ...(duplicate ? { duplicate } : {}) };
      },
      {
        validator: (arg: TicketActionInput) => {
          try {
            t.validate({ ...arg, action }, now());
          } catch (err) {
            if (err instanceof ActionRefused) throw failureOf(err);
            throw err;
          }
        },
      },
    );
    setHandler(ticketActionSignals[action], (arg: TicketActionInput) => applySignal(t, action, arg));
  }

  setHandler(problemNewsSignal, (news) => {
    if (!t.problemNews(news, now())) log.info('problem news ignored', { kind: news?.kind, problemId: news?.problemId });
  });
  setHandler(ticketNewsSignal, (news) => {
    if (!t.ticketNews(news, now())) log.info('ticket news ignored', { action: news?.action });
  });
  setHandler(mailBouncedSignal, (news) => {
    if (!t.mailBounced(news, now())) log.info('bounce news ignored', { inboundMessageId: news?.inboundMessageId });
  });
  setHandler(fixReleasedSignal, (news) => {
    if (!t.releaseNews('fix-released', news, now())) log.info('release news ignored', { kind: 'fix-released', releaseId: news?.releaseId });
  });
  setHandler(releaseDateMovedSignal, (news) => {
    if (!t.releaseNews('release-date-moved', news, now())) log.info('release news ignored', { kind: 'release-date-moved', releaseId: news?.releaseId });
  });

  // A refused timeline: its events wait (in order, with every event since) while the timers keep running.
  let refusedUntil: Date | null = null;
  let refusals = 0;
  const refused = () => refusedUntil !== null && now() < refusedUntil;
  /** When a refused timeline is tried again, while it waits (a function: the closures above change it). */
  const retryAt = (): Date | null => (refused() ? refusedUntil : null);

  const flush = async () => {
    if (refused()) return;
    const events = t.takePending();
    if (events.length === 0) return;
    const at = now();
    const d = t.data;
    const figures = t.clockViews(at);
    const slaState = t.slaState(at);
    const record = patched('projection-local-activity') ? recordTicketEventsLocally : recordTicketEvents;
    try {
      await record({
      input,
      events,
      ...(refusals > 0 ? { recovering: true } : {}),
      projection: {
        status: d.status,
        level: d.level,
        slaState,
        priority: d.priority,
        assigneeId: d.assigneeId,
        sla: d.clocks,
        firstResponseDue: figures.firstResponse.deadline,
        nextUpdateDue: figures.nextUpdate.deadline,
        resolutionDue: figures.resolution.deadline,
        resolvedAt: d.resolvedAt,
        closedAt: d.closedAt,
        ...(d.defect ? { subStatus: d.defect.state, releaseId: d.defect.release?.id ?? null } : {}),
        ...(d.type !== input.type ? { type: d.type } : {}),
        ...(d.problemLink !== undefined ? { problemId: d.problemLink?.id ?? null } : {}),
        ...(d.change ? { changeState: d.change.state } : {}),
        ...(d.links || d.problem ? { links: { ...d.links, ...(d.problem ? { incidents: d.problem.incidents } : {}) } } : {}),
      },
      });
    } catch (err) {
      // Never before this rule: a refusal was retried forever, so no earlier history reaches here.
      if (!isRefusal(err) || !patched('projection-refusal-waits')) throw err;
      t.requeue(events);
      refusals++;
      const delay = Math.min(REFUSED_RETRY_MAX_MS, REFUSED_RETRY_FIRST_MS * 2 ** Math.min(refusals - 1, 10));
      refusedUntil = new Date(now().getTime() + delay);
      log.error('timeline refused by the database; kept, trying again later', { refusals, retryInMs: delay, error: (err as Error).message });
      return;
    }
    if (refusals > 0) log.info('timeline written again after a refusal', { refusals });
    refusals = 0;
    refusedUntil = null;
    t.markPersisted(events[events.length - 1].seq);
    // News for linked tickets goes out once its cause is in the timeline.
    for (const o of t.takeOutgoing()) {
      try {
        const other = getExternalWorkflowHandle(ticketWorkflowId(o.ticketNumber));
        if (o.channel === 'problem') await other.signal(problemNewsSignal, o.news);
        else await other.signal(ticketNewsSignal, o.news);
      } catch (err) {
        // The incident's workflow has ended (closed or cancelled): nothing to tell it.
        log.info('linked ticket not told', { ticketNumber: o.ticketNumber, error: (err as Error).message });
      }
    }
    const attrs = [d.status, d.priority, d.type, d.level, slaState].join('|');
    if (attrs !== lastAttributes) {
      lastAttributes = attrs;
      upsertSearchAttributes([
        { key: TicketStatusKey, value: d.status },
        { key: TicketPriorityKey, value: d.priority },
        { key: TicketTypeKey, value: d.type },
        { key: SupportLevelKey, value: d.level },
        { key: CustomerIdKey, value: input.customerId },
        { key: SlaStateKey, value: slaState },
      ]);
    }
  };

  /** Update handlers wait for their events to be persisted, so persisting continues until every handler is done. */
  const drain = async () => {
    while (!allHandlersFinished() || t.pending.length > 0) {
      const retry = retryAt();
      if (retry) await condition(() => false, retry.getTime() - now().getTime());
      else if (t.pending.length > 0) await flush();
      else await condition(() => allHandlersFinished() || t.pending.length > 0);
    }
  };

  for (;;) {
    t.fireDue(now());
    await flush();
    if (t.finished) {
      await drain();
      return;
    }
    const info = workflowInfo();
    // Not while a refused timeline waits: its events live in this run only.
    if (refusals === 0 && (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS)) {
      await drain();
      log.info('continuing as new', { historyLength: info.historyLength, eventCount: t.data.eventCount });
      await continueAsNew<typeof ticketWorkflow>(input, t.data);
    }
    const timer = t.nextDueAt();
    // While a refused timeline waits, new events join it and the next try comes at its time (or a timer's, earlier).
    const retry = retryAt();
    const next = retry && (!timer || retry < timer) ? retry : timer;
    const waitMs = next ? Math.max(0, next.getTime() - Date.now()) : undefined;
    if (waitMs === 0) continue;
    if (waitMs === undefined) await condition(() => t.pending.length > 0 && !refused());
    else await condition(() => t.pending.length > 0 && !refused(), waitMs);
  }
}

function applySignal(t: TicketModel, action: TicketActionName, arg: TicketActionInput): void {
  try {
    t.apply({ ...(arg ?? {}), action } as never, now());
  } catch (err) {
    // A signal has no caller to answer: the refusal is logged and nothing changes.
    if (err instanceof ActionRefused) log.warn('signal refused', { action, reason: err.message });
    else log.warn('signal ignored: malformed input', { action, error: (err as Error).message });
  }
}
