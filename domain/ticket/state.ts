/**
 * What a ticket is while it lives: its workflow input (the snapshot taken at creation), its process state, and the
 * facts the action rules read. Types only; the workflow owns one such state per ticket.
 */
import type { AttachmentRef } from '../attachments';
import type { ChangeState } from '../change-requests';
import type { DefectEvidence, DefectState } from '../defects';
import type { Priority, SlaSnapshot, SupportLevel, TargetKind } from '../plans';
import type { Impact, Urgency } from '../priority';
import type { SlaClock } from '../sla-clock';
import type { TicketChannel, TicketStatus, TicketType } from '../tickets';
import type { Actor } from './actor';
import type { TicketEvent } from './events';

export { SYSTEM, type Actor } from './actor';
export type { Recipient } from './actor';

export type { SlaSnapshot } from '../plans';

export interface TicketWorkflowInput {
  ticketId: string;
  number: number;
  title: string;
  description: string;
  type: TicketType;
  impact: Impact;
  urgency: Urgency;
  priority: Priority;
  customerId: string;
  requesterId: string;
  businessLineId: string | null;
  moduleId: string | null;
  moduleVersion: string | null;
  category: string | null;
  channel: TicketChannel;
  createdAt: string;
  createdBy: Actor;
  sla: SlaSnapshot;
  /** files the reporter attached to the new ticket (portal, API, mail); on the ticket.created event */
  attachments?: AttachmentRef[];
}

export interface TicketRef {
  id: string;
  number: number;
}

/** Links to other tickets, written to the projection as they are (SPEC §4.1: duplicates). */
export interface TicketLinks {
  /** This ticket was merged into that one. */
  duplicateOf?: TicketRef | null;
  /** Tickets merged into this one. */
  duplicates?: TicketRef[];
  /** Problems: the incidents linked to it. */
  incidents?: TicketRef[];
}

export interface ChangeData {
  state: ChangeState;
  assessment: { effort: string; risk: string; text: string } | null;
  plannedFor: string | null;
}

export interface DefectData {
  state: DefectState;
  evidence: DefectEvidence | null;
  release: { id: string; version: string; plannedDate: string } | null;
  releasedAt: string | null;
  releasedOn: string | null;
}

export interface TicketData {
  status: TicketStatus;
  type: TicketType;
  level: SupportLevel;
  priority: Priority;
  impact: Impact;
  urgency: Urgency;
  priorityOverridden: boolean;
  assigneeId: string | null;
  clocks: Record<TargetKind, SlaClock>;
  resolvedAt: string | null;
  closedAt: string | null;
  waitingSince: string | null;
  waitingReminded: boolean;
  staffResponded: boolean;
  autoEscalated: { L1: boolean; L2: boolean };
  seq: number;
  eventCount: number;
  recent: TicketEvent[];
  /** requestId → seq of the event it produced (bounded), so a retried action is not applied twice. */
  handled: Array<[string, number]>;
  runs: number;
  /** Defect reports only (SPEC §6); absent on tickets started before software maintenance existed. */
  defect?: DefectData | null;
  /** Change requests only (SPEC §7). */
  change?: ChangeData | null;
  /** Only the first-response clock runs (change requests started since the cr-first-response-only patch). */
  firstResponseOnly?: boolean;
  /** every clock met is recorded as `sla.met` (tickets started before this rule recorded first responses only) */
  slaMetEvents?: boolean;
  /** Problems only: the linked incidents and the latest workaround. */
  problem?: { incidents: TicketRef[]; workaround: string | null } | null;
  /** Incidents only: the problem this incident is linked to. */
  problemLink?: { id: string; number: number; workaround?: string | null } | null;
  /** Duplicates (absent on tickets started before merging existed). */
  links?: TicketLinks;
}

/**
 * What the action rules read of a ticket. The workflow builds it from its state, the portal from the projection
 * row, so a page offers exactly what the workflow will accept.
 */
export interface TicketFacts {
  ticketId: string;
  customerId: string;
  requesterId: string;
  status: TicketStatus;
  type: TicketType;
  level: SupportLevel;
  priority: Priority;
  defectState: DefectState | null;
  changeState: ChangeState | null;
  resolvedAt: string | null;
  /** Problems: how many incidents are linked. */
  linkedIncidents: number;
}
