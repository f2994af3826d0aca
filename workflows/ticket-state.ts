/** Shapes of a ticket workflow's input, events and live view (types only; shared with the API). */
import type { Priority, SupportLevel, TargetKind } from '../domain/plans';
import type { ClockFigures } from '../domain/sla-clock';
import type { Impact, Urgency } from '../domain/priority';
import type { SlaState, TicketStatus, TicketType } from '../domain/tickets';
import type { TicketEvent } from '../domain/ticket/events';

export type { SlaSnapshot, TicketWorkflowInput } from '../domain/ticket/state';

/** A timeline entry (typed by its `type`). */
export type TicketEventRecord = TicketEvent;

/** A clock as people see it at one instant (figures computed by domain/sla-clock). */
export type ClockView = ClockFigures & { kind: TargetKind };

export interface PendingTimer {
  kind: string;
  at: string;
}

export interface TicketView {
  ticketId: string;
  number: number;
  type: TicketType;
  status: TicketStatus;
  priority: Priority;
  impact: Impact;
  urgency: Urgency;
  level: SupportLevel;
  assigneeId: string | null;
  customerId: string;
  slaState: SlaState;
  clocks: Record<TargetKind, ClockView>;
  pendingTimers: PendingTimer[];
  lastEvents: TicketEventRecord[];
  eventCount: number;
  runsContinuedAsNew: number;
  /** Workflow time the figures were computed at; the API recomputes clocks at request time. */
  asOf: string;
}

export type { MailBounceNews, ProblemNews, ReleaseNews, TicketNews } from '../domain/ticket/news';
