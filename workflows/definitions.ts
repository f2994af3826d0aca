/**
 * The one module of workflows/ that the API and scripts import: ids, message definitions and search attributes.
 * It holds no workflow logic, so importing it never pulls workflow code into a client.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TicketView } from './ticket-state';
import type { TicketActionRequest, TicketActionResult } from './ticket-actions';

export const TASK_QUEUE_DEFAULT = 'ticketflow';

export const ticketWorkflowId = (ticketNumber: number): string => `ticket-${ticketNumber}`;

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

/**
 * Staff and customer actions. The update validates before anything is recorded (the API maps a rejection to 409);
 * the signal of the same name carries the same payload for callers that need no answer (e.g. the `temporal` CLI).
 */
export const ticketActionUpdate = defineUpdate<TicketActionResult, [TicketActionRequest]>('action');
export const ticketActionSignal = defineSignal<[TicketActionRequest]>('action');
