/** Shapes of a ticket workflow's input, events and live view (types only; shared with the API). */
import type { Priority, SlaSnapshot, SupportLevel, TargetKind } from '../domain/plans';
import type { ClockFigures } from '../domain/sla-clock';
import type { Impact, Urgency } from '../domain/priority';
import type { SlaState, TicketChannel, TicketStatus, TicketType, Visibility } from '../domain/tickets';
import type { Actor } from './ticket-actions';

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
}

export interface TicketEventRecord {
  seq: number;
  type: string;
  at: string;
  actor: Actor;
  visibility: Visibility;
  data: Record<string, unknown>;
}

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

/** What the release workflow tells each ticket whose fix it carries. */
export interface ReleaseNews {
  releaseId: string;
  version: string;
  /** fix-released: the publication day, YYYY-MM-DD */
  releasedOn?: string;
  /** release-date-moved */
  previousDate?: string;
  newDate?: string;
}

/** What a problem tells its linked incidents (SPEC §7). */
export interface ProblemNews {
  kind: 'linked' | 'unlinked' | 'workaround' | 'resolved';
  problemId: string;
  problemNumber: number;
  /** the workaround, or the problem's resolution */
  text?: string;
}
