/**
 * The one module of workflows/ that the API and scripts import: ids, message definitions and search attributes.
 * It holds no workflow logic, so importing it never pulls workflow code into a client.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { MailBounceNews, ProblemNews, ReleaseNews, TicketNews, TicketView } from './ticket-state';
import { TICKET_ACTIONS, type TicketActionName, type TicketActionRequest, type TicketActionResult } from './ticket-actions';

export const TASK_QUEUE_DEFAULT = 'ticketflow';

export const ticketWorkflowId = (ticketNumber: number): string => `ticket-${ticketNumber}`;

/**
 * The failure type of a timeline write the database refused for a reason waiting does not cure (a constraint, a
 * value it cannot store). The projection records the ticket as stuck and fails with it at once; the workflow keeps
 * the events and its timers, and tries again later (workflows/ticket.ts).
 */
export const PROJECTION_REFUSED = 'ProjectionRefused';

export const TicketStatusKey = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
export const TicketPriorityKey = defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD);
export const TicketTypeKey = defineSearchAttributeKey('TicketType', SearchAttributeType.KEYWORD);
export const SupportLevelKey = defineSearchAttributeKey('SupportLevel', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const SlaStateKey = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);

/** Registered on the dev server at start-up (and by docker-compose's setup step). */
export const TICKET_SEARCH_ATTRIBUTES = [TicketStatusKey, TicketPriorityKey, TicketTypeKey, SupportLevelKey, CustomerIdKey, SlaStateKey];

/** Full live state: status, level, priority, assignee, every clock, pending timers, last events. */
export const ticketStateQuery = defineQuery<TicketView>('state');

/** What an action carries; the action itself is the message name. */
export type TicketActionInput = Omit<TicketActionRequest, 'action'>;

/**
 * Staff and customer actions, one message name per action (kebab-case, as in the API and for the `temporal` CLI).
 * The update validates before anything is recorded (the API maps a refusal to 409); the signal of the same name
 * carries the same input for callers that need no answer.
 */
export const ticketActionUpdates = Object.fromEntries(TICKET_ACTIONS.map((a) => [a, defineUpdate<TicketActionResult, [TicketActionInput]>(a)])) as Record<
  TicketActionName,
  ReturnType<typeof defineUpdate<TicketActionResult, [TicketActionInput]>>
>;
export const ticketActionSignals = Object.fromEntries(TICKET_ACTIONS.map((a) => [a, defineSignal<[TicketActionInput]>(a)])) as Record<
  TicketActionName,
  ReturnType<typeof defineSignal<[TicketActionInput]>>
>;

/** Continue-as-new when the server suggests it, or at this history length (the test server never suggests). */
export const MAX_HISTORY_EVENTS = 4_000;

/** Sent by the release workflow to every linked ticket; idempotent on the ticket's side. */
export const fixReleasedSignal = defineSignal<[ReleaseNews]>('fix-released');
export const releaseDateMovedSignal = defineSignal<[ReleaseNews]>('release-date-moved');

/** By the release's row id: versions are names people choose, and may be reused across environments. */
export const releaseWorkflowId = (releaseId: string): string => `release-${releaseId}`;

export interface ReleaseWorkflowInput {
  releaseId: string;
  version: string;
  plannedDate: string;
}

export interface ReleaseActor {
  id: string;
  role: string;
}

export interface ReleaseView {
  releaseId: string;
  version: string;
  plannedDate: string;
  status: 'planned' | 'published';
  publishedOn: string | null;
  overdueNotifiedFor: string | null;
  /** Fan-outs still to run (date moves, publication), oldest first. */
  pendingFanOuts: number;
  ticketsSignalled: number;
}

/** Move the planned date: every linked customer is told the new date. */
export const moveReleaseDateUpdate = defineUpdate<ReleaseView, [{ plannedDate: string; actor: ReleaseActor; reason?: string }]>('move-date');
/** Publish: every linked ticket records fix_released and its customer is told. */
export const publishReleaseUpdate = defineUpdate<ReleaseView, [{ actor: ReleaseActor }]>('publish');
export const releaseStateQuery = defineQuery<ReleaseView>('state');

/** Sent by a problem ticket to each linked incident; idempotent on the incident's side. */
export const problemNewsSignal = defineSignal<[ProblemNews]>('problem-news');

/** Sent by the mail intake when a delivery report names mail about this ticket; recorded once per report. */
export const mailBouncedSignal = defineSignal<[MailBounceNews]>('mail-bounced');

/** One workflow per received message, by its `inbound_messages` row: a redelivery finds it and starts nothing. */
export const inboundMailWorkflowId = (inboundMessageId: string): string => `inbound-mail-${inboundMessageId}`;

export interface InboundMailInput {
  inboundMessageId: string;
}

/** Sent by a ticket's action to another ticket (a merged duplicate to the ticket it was merged into); idempotent. */
export const ticketNewsSignal = defineSignal<[TicketNews]>('ticket-news');

/** The monthly SLA service report (SPEC §12.1): one Temporal Schedule per customer whose service includes it. */
export const serviceReportScheduleId = (customerId: string): string => `service-report-${customerId}`;
export const SERVICE_REPORT_WORKFLOW = 'serviceReportWorkflow';

export interface ServiceReportWorkflowInput {
  customerId: string;
  /** the month to report (YYYY-MM); a schedule run leaves it out and reports the month before its scheduled time */
  month?: string;
  /** the customer's zone, which decides "the month before" for a schedule run */
  timeZone: string;
  trigger: 'schedule' | 'request';
  requestedBy?: string | null;
  /** mail the PDF to the customer admins and the account manager (a schedule run always does) */
  email: boolean;
}

export interface ServiceReportResult {
  /** null when a scheduled run found the month outside the customer's review (nothing generated, nothing mailed) */
  reportId: string | null;
  month: string;
  revision: number | null;
  emailedTo: number;
  skipped?: 'not-reviewed';
}
