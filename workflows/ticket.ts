import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { CustomerIdKey, SlaStateKey, SupportLevelKey, TicketPriorityKey, TicketStatusKey, TicketTypeKey, ticketStateQuery } from './definitions';
import type { ClockView, TicketEventRecord, TicketView, TicketWorkflowInput } from './ticket-state';
import type { TargetKind } from '../domain/plans';

const { recordTicketEvents } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const noClock = (kind: TargetKind): ClockView => ({
  kind,
  target: null,
  state: 'none',
  startedAt: null,
  deadline: null,
  warningAt: null,
  consumedMs: 0,
  remainingMs: null,
  pausedIntervals: [],
  metAt: null,
  warnedAt: null,
  breachedAt: null,
});

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<void> {
  const events: TicketEventRecord[] = [];
  const view: TicketView = {
    ticketId: input.ticketId,
    number: input.number,
    type: input.type,
    status: 'new',
    priority: input.priority,
    impact: input.impact,
    urgency: input.urgency,
    level: 'L1',
    assigneeId: null,
    customerId: input.customerId,
    slaState: 'ok',
    clocks: { firstResponse: noClock('firstResponse'), nextUpdate: noClock('nextUpdate'), resolution: noClock('resolution') },
    pendingTimers: [],
    lastEvents: events,
    eventCount: 0,
    runsContinuedAsNew: 0,
  };
  setHandler(ticketStateQuery, () => view);

  upsertSearchAttributes([
    { key: TicketStatusKey, value: view.status },
    { key: TicketPriorityKey, value: view.priority },
    { key: TicketTypeKey, value: view.type },
    { key: SupportLevelKey, value: view.level },
    { key: CustomerIdKey, value: view.customerId },
    { key: SlaStateKey, value: view.slaState },
  ]);
  const created: TicketEventRecord = {
    seq: 1,
    type: 'ticket.created',
    at: input.createdAt,
    actor: input.createdBy,
    visibility: 'public',
    data: { channel: input.channel, priority: input.priority, workflowId: workflowInfo().workflowId },
  };
  events.push(created);
  view.eventCount = 1;
  await recordTicketEvents({ input, events: [created], projection: { status: view.status, level: view.level, slaState: view.slaState } });
  await condition(() => false);
}
