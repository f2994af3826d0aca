/**
 * Where an update's time goes, read from the workflow's own history: for each update, when it was accepted, when
 * the projection activity was scheduled, started and completed, and when the update completed (server times).
 * Tickets recording their timeline with a local activity (patch `projection-local-activity`) have no activity events:
 * the write shows as a marker, recorded when the workflow task that ran it completed.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const E = temporal.api.enums.v1.EventType;

export interface UpdateTimeline {
  acceptedAt: number;
  activityScheduledAt?: number;
  activityStartedAt?: number;
  activityCompletedAt?: number;
  /** The local activity's marker (the workflow task that ran it completed). */
  localRecordedAt?: number;
  /** The workflow task that ran the activity's result. */
  taskStartedAt?: number;
  taskCompletedAt?: number;
  completedAt?: number;
}

const toMs = (ts: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined): number =>
  ts ? Number(ts.seconds?.toString() ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6 : NaN;

export async function updateTimelines(client: Client, workflowId: string): Promise<UpdateTimeline[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const out: UpdateTimeline[] = [];
  let current: UpdateTimeline | undefined;
  for (const e of history.events ?? []) {
    const at = toMs(e.eventTime);
    switch (e.eventType) {
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        current = { acceptedAt: at };
        out.push(current);
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        if (current && current.activityScheduledAt === undefined) current.activityScheduledAt = at;
        break;
      case E.EVENT_TYPE_MARKER_RECORDED:
        if (current && current.localRecordedAt === undefined && isLocalActivity(e)) current.localRecordedAt = at;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        if (current && current.activityStartedAt === undefined) current.activityStartedAt = at;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        if (current && current.activityCompletedAt === undefined) current.activityCompletedAt = at;
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        if (current?.activityCompletedAt !== undefined && current.taskStartedAt === undefined) current.taskStartedAt = at;
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        if (current?.taskStartedAt !== undefined && current.taskCompletedAt === undefined) current.taskCompletedAt = at;
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        if (current) current.completedAt = at;
        current = undefined;
        break;
    }
  }
  return out;
}

const isLocalActivity = (e: temporal.api.history.v1.IHistoryEvent): boolean => e.markerRecordedEventAttributes?.markerName === 'core_local_activity';

export interface TimerTimeline {
  /** When the timer was due by its own StartTimer (started + startToFireTimeout). */
  dueAt: number;
  firedAt: number;
  workflowTaskStartedAt?: number;
  activityScheduledAt?: number;
  activityStartedAt?: number;
  activityCompletedAt?: number;
  /** The local activity's marker (the workflow task that ran it completed). */
  localRecordedAt?: number;
}

/**
 * The breach's own timer (the fired timer due closest to `deadline`, not more than a second before it), with what
 * followed it: the workflow task that ran the firing and the projection activity that recorded it. Undefined when
 * no timer was set for the deadline: a late activation for an earlier timer (the warning) found the deadline
 * already passed and recorded the breach with it.
 */
export async function timerTimeline(client: Client, workflowId: string, deadline: number): Promise<TimerTimeline | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const fired = new Set(events.filter((e) => e.eventType === E.EVENT_TYPE_TIMER_FIRED).map((e) => e.timerFiredEventAttributes?.timerId ?? ''));
  let best: { id: string; due: number } | undefined;
  for (const e of events) {
    if (e.eventType !== E.EVENT_TYPE_TIMER_STARTED) continue;
    const a = e.timerStartedEventAttributes;
    if (!fired.has(a?.timerId ?? '')) continue; // cancelled: the workflow woke earlier and set a new one
    const timeout = a?.startToFireTimeout;
    const due = toMs(e.eventTime) + (timeout ? toMs(timeout) : 0);
    if (due < deadline - 1000) continue;
    if (!best || Math.abs(due - deadline) < Math.abs(best.due - deadline)) best = { id: a?.timerId ?? '', due };
  }
  if (!best) return undefined;
  const i = events.findIndex((e) => e.eventType === E.EVENT_TYPE_TIMER_FIRED && e.timerFiredEventAttributes?.timerId === best!.id);
  if (i < 0) return undefined;
  const out: TimerTimeline = { dueAt: best.due, firedAt: toMs(events[i].eventTime) };
  for (const e of events.slice(i + 1)) {
    const at = toMs(e.eventTime);
    if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_STARTED && out.workflowTaskStartedAt === undefined) out.workflowTaskStartedAt = at;
    if (e.eventType === E.EVENT_TYPE_MARKER_RECORDED && isLocalActivity(e) && out.workflowTaskStartedAt !== undefined) {
      out.localRecordedAt = at;
      break;
    }
    if (e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && out.activityScheduledAt === undefined) out.activityScheduledAt = at;
    if (e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_STARTED && out.activityStartedAt === undefined) out.activityStartedAt = at;
    if (e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED && out.activityCompletedAt === undefined) {
      out.activityCompletedAt = at;
      break;
    }
  }
  return out;
}
