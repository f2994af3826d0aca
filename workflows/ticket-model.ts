/**
 * The ticket's process state and every rule that changes it. Deterministic: time is passed in, nothing here does I/O.
 * The workflow (ticket.ts) owns one instance, feeds it actions and timer firings, and persists the events it emits.
 */
import { PRIORITIES, SUPPORT_LEVELS, type Priority, type SupportLevel, type TargetKind } from '../domain/plans';
import { LEVELS_OF_IMPACT, LEVELS_OF_URGENCY, type Impact, type Urgency } from '../domain/priority';
import * as clock from '../domain/sla-clock';
import { addWorkingTime } from '../domain/calendar';
import { VISIBILITIES, type SlaState, type TicketStatus, type TicketType, type Visibility } from '../domain/tickets';
import {
  AUTO_CLOSE_AFTER_MS,
  checkTransition,
  nextLevel,
  REOPEN_WINDOW_MS,
  WAITING_ABANDON_BH,
  WAITING_REMINDER_BH,
  actorKindOfRole,
  type ActorKind,
} from '../domain/transitions';
import { checkDefectTransition, DEFECT_ACTIONS, FIX_AUTO_RESOLVE_MS, type DefectAction, type DefectEvidence, type DefectState } from '../domain/defects';
import { CHANGE_ACTIONS, CHANGE_RISKS, checkChangeTransition, type ChangeAction, type ChangeState } from '../domain/change-requests';
import type { Actor, TicketActionRequest } from './ticket-actions';
import type { ClockView, PendingTimer, ProblemNews, ReleaseNews, TicketEventRecord, TicketView, TicketWorkflowInput } from './ticket-state';

export type Recipient =
  | { kind: 'manager' }
  | { kind: 'level'; level: SupportLevel }
  | { kind: 'levelLead'; level: SupportLevel }
  | { kind: 'user'; userId: string }
  /** the customer admins of the ticket's organisation (change approvals) */
  | { kind: 'customerAdmins' };

export interface EmittedEvent extends TicketEventRecord {
  notify?: Recipient[];
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
  clocks: Record<TargetKind, clock.SlaClock>;
  resolvedAt: string | null;
  closedAt: string | null;
  waitingSince: string | null;
  waitingReminded: boolean;
  staffResponded: boolean;
  autoEscalated: { L1: boolean; L2: boolean };
  seq: number;
  eventCount: number;
  recent: TicketEventRecord[];
  /** requestId → seq of the event it produced (bounded), so a retried action is not applied twice. */
  handled: Array<[string, number]>;
  runs: number;
  /** Defect reports only (SPEC §6); absent on tickets started before software maintenance existed. */
  defect?: DefectData | null;
  /** Change requests only (SPEC §7). */
  change?: ChangeData | null;
  /** Only the first-response clock runs (change requests started since the cr-first-response-only patch). */
  firstResponseOnly?: boolean;
  /** Problems only: the linked incidents and the latest workaround. */
  problem?: { incidents: Array<{ id: string; number: number }>; workaround: string | null } | null;
  /** Incidents only: the problem this incident is linked to. */
  problemLink?: { id: string; number: number; workaround?: string | null } | null;
}

/** A message this ticket must send to another ticket's workflow (the workflow delivers it). */
export interface OutgoingNews {
  ticketNumber: number;
  news: ProblemNews;
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

const isDefectAction = (a: string): a is DefectAction => (DEFECT_ACTIONS as readonly string[]).includes(a);
const isChangeAction = (a: string): a is ChangeAction => (CHANGE_ACTIONS as readonly string[]).includes(a);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ActionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionRefused';
  }
}

const SYSTEM: Actor = { id: null, kind: 'system' };
const RECENT_EVENTS = 20;
const HANDLED_REQUESTS = 500;

export function actorKind(a: Actor): ActorKind {
  return a.kind === 'system' ? 'system' : actorKindOfRole(a.role);
}

const str = (v: unknown, field: string, max = 20_000): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new ActionRefused(`${field} is required`);
  if (v.length > max) throw new ActionRefused(`${field} is longer than ${max} characters`);
  // PostgreSQL text and jsonb cannot hold NUL: such an event could never be persisted.
  if (v.includes('\u0000')) throw new ActionRefused(`${field} must not contain NUL characters`);
  return v;
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || !UUID.test(v)) throw new ActionRefused(`${field} must be a UUID`);
  return v;
};
const oneOf = <T extends string>(v: unknown, allowed: readonly T[], field: string): T => {
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new ActionRefused(`${field} must be one of ${allowed.join(', ')}`);
  return v as T;
};

export class TicketModel {
  readonly input: TicketWorkflowInput;
  data: TicketData;
  /** Events not yet written to the timeline. */
  pending: EmittedEvent[] = [];
  /** News for other tickets' workflows, not yet sent. */
  outgoing: OutgoingNews[] = [];
  persistedSeq: number;

  private constructor(input: TicketWorkflowInput, data: TicketData) {
    this.input = input;
    this.data = data;
    this.persistedSeq = data.seq;
  }

  /** `firstResponseOnly`: a change request times its first response only (SPEC §7); the workflow decides it. */
  static create(input: TicketWorkflowInput, opts: { firstResponseOnly?: boolean } = {}): TicketModel {
    const targets = input.sla.targets[input.priority];
    const m = new TicketModel(input, {
      status: 'new',
      type: input.type,
      level: 'L1',
      priority: input.priority,
      impact: input.impact,
      urgency: input.urgency,
      priorityOverridden: false,
      assigneeId: null,
      clocks: {
        firstResponse: clock.newClock('firstResponse', targets.firstResponse),
        nextUpdate: clock.newClock('nextUpdate', targets.nextUpdate),
        resolution: clock.newClock('resolution', targets.resolution),
      },
      resolvedAt: null,
      closedAt: null,
      waitingSince: null,
      waitingReminded: false,
      staffResponded: false,
      autoEscalated: { L1: false, L2: false },
      seq: 0,
      eventCount: 0,
      recent: [],
      handled: [],
      runs: 0,
    });
    m.persistedSeq = 0;
    const at = new Date(input.createdAt);
    m.data.clocks.firstResponse = clock.start(m.data.clocks.firstResponse, at);
    if (opts.firstResponseOnly) m.data.firstResponseOnly = true;
    else m.data.clocks.resolution = clock.start(m.data.clocks.resolution, at);
    m.emit(
      'ticket.created',
      input.createdBy,
      'public',
      { priority: input.priority, impact: input.impact, urgency: input.urgency, channel: input.channel, type: input.type, title: input.title },
      at,
      input.priority === 'P1' ? [{ kind: 'manager' }, { kind: 'level', level: 'L1' }] : [{ kind: 'level', level: 'L1' }],
    );
    return m;
  }

  static restore(input: TicketWorkflowInput, data: TicketData): TicketModel {
    return new TicketModel(input, { ...data, runs: data.runs + 1 });
  }

  get cals(): clock.ClockCalendars {
    return { business: this.input.sla.businessCalendar, wallClock: this.input.sla.wallClockCalendar };
  }
  get threshold(): number {
    return this.input.sla.warningThreshold;
  }
  get finished(): boolean {
    return this.data.status === 'closed' || this.data.status === 'cancelled';
  }

  private emit(type: string, actor: Actor, visibility: Visibility, data: Record<string, unknown>, at: Date, notify?: Recipient[]): EmittedEvent {
    this.data.seq += 1;
    this.data.eventCount += 1;
    const e: EmittedEvent = { seq: this.data.seq, type, at: at.toISOString(), actor, visibility, data, ...(notify?.length ? { notify } : {}) };
    this.pending.push(e);
    this.data.recent = [...this.data.recent.slice(-(RECENT_EVENTS - 1)), { seq: e.seq, type, at: e.at, actor, visibility, data }];
    return e;
  }

  takePending(): EmittedEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  markPersisted(seq: number): void {
    this.persistedSeq = Math.max(this.persistedSeq, seq);
  }

  // ---- actions ------------------------------------------------------------------------------------------------

  /** Throws ActionRefused (with the reason) when the action is not allowed now; changes nothing. */
  validate(req: TicketActionRequest, now: Date): void {
    if (this.isRepeat(req)) return;
    if (!req.actor || typeof req.actor !== 'object') throw new ActionRefused('actor is required');
    if (req.actor.kind === 'user') uuid(req.actor.id, 'actor.id');
    const kind = actorKind(req.actor);
    const verdict = checkTransition(req.action, this.data.status, kind);
    if (!verdict.ok) throw new ActionRefused(verdict.reason);
    if (isDefectAction(req.action)) {
      const dv = checkDefectTransition(req.action, this.data.type, this.data.defect?.state ?? null, kind);
      if (!dv.ok) throw new ActionRefused(dv.reason);
    }
    if (isChangeAction(req.action)) {
      const cv = checkChangeTransition(req.action, this.data.type, this.data.change?.state ?? null, kind, req.actor.role);
      if (!cv.ok) throw new ActionRefused(cv.reason);
    }
    const p = req.payload ?? {};
    switch (req.action) {
      case 'start-reproduction':
      case 'start-fix':
        if (p.note !== undefined) str(p.note, 'note', 2000);
        break;
      case 'confirm-defect': {
        const ev = (p.evidence ?? {}) as Record<string, unknown>;
        str(ev.steps, 'evidence.steps', 10_000);
        str(ev.environment, 'evidence.environment', 500);
        str(ev.version, 'evidence.version', 100);
        break;
      }
      case 'mark-not-reproducible':
        str(p.body, 'body');
        break;
      case 'link-incident':
      case 'unlink-incident': {
        if (this.data.type !== 'problem') throw new ActionRefused(`${req.action} applies to problems only; this ticket is a ${this.data.type.replace(/_/g, ' ')}`);
        uuid(p.incidentId, 'incidentId');
        if (!Number.isInteger(p.incidentNumber) || (p.incidentNumber as number) < 1) throw new ActionRefused('incidentNumber must be a ticket number');
        const linked = (this.data.problem?.incidents ?? []).some((i) => i.id === p.incidentId);
        if (req.action === 'link-incident' && linked) throw new ActionRefused('the incident is already linked to this problem');
        if (req.action === 'unlink-incident' && !linked) throw new ActionRefused('the incident is not linked to this problem');
        break;
      }
      case 'record-workaround':
        if (this.data.type !== 'problem') throw new ActionRefused(`record-workaround applies to problems only; this ticket is a ${this.data.type.replace(/_/g, ' ')}`);
        str(p.workaround, 'workaround', 10_000);
        break;
      case 'assess':
        str(p.effort, 'effort', 100);
        oneOf(p.risk, CHANGE_RISKS, 'risk');
        str(p.assessment, 'assessment', 10_000);
        break;
      case 'approve':
      case 'implement':
        if (p.note !== undefined) str(p.note, 'note', 2000);
        break;
      case 'reject':
        str(p.reason, 'reason', 2000);
        break;
      case 'schedule':
        if (typeof p.plannedFor !== 'string' || !DAY.test(p.plannedFor)) throw new ActionRefused('plannedFor must be a date YYYY-MM-DD');
        break;
      case 'reject-defect':
        str(p.reason, 'reason', 2000);
        if (p.convertTo !== undefined) oneOf(p.convertTo, ['question', 'change_request'], 'convertTo');
        break;
      case 'schedule-fix':
        uuid(p.releaseId, 'releaseId');
        str(p.releaseVersion, 'releaseVersion', 50);
        if (typeof p.plannedDate !== 'string' || !DAY.test(p.plannedDate)) throw new ActionRefused('plannedDate must be a date YYYY-MM-DD');
        if (this.data.defect?.release?.id === p.releaseId) throw new ActionRefused(`the fix is already scheduled in ${String(p.releaseVersion)}`);
        break;
      case 'confirm-fix':
        if (p.accepted !== undefined && typeof p.accepted !== 'boolean') throw new ActionRefused('accepted must be true or false');
        if (p.accepted === false) str(p.reason, 'reason', 2000);
        break;
      case 'triage':
        if (p.impact !== undefined) oneOf(p.impact, LEVELS_OF_IMPACT, 'impact');
        if (p.urgency !== undefined) oneOf(p.urgency, LEVELS_OF_URGENCY, 'urgency');
        if (p.priority !== undefined) oneOf(p.priority, PRIORITIES, 'priority');
        if (p.note !== undefined) str(p.note, 'note', 2000);
        break;
      case 'assign':
        if (p.assigneeId !== null) uuid(p.assigneeId, 'assigneeId');
        break;
      case 'comment':
        str(p.body, 'body');
        if (oneOf(p.visibility ?? 'public', VISIBILITIES, 'visibility') === 'internal' && kind === 'customer') {
          throw new ActionRefused('customers cannot write internal notes');
        }
        break;
      case 'request-info':
      case 'reply':
        str(p.body, 'body');
        break;
      case 'resolve':
        str(p.resolution, 'resolution');
        if (p.resolveIncidents !== undefined && typeof p.resolveIncidents !== 'boolean') throw new ActionRefused('resolveIncidents must be true or false');
        if (p.resolveIncidents && this.data.type !== 'problem') throw new ActionRefused('resolveIncidents applies to problems only');
        break;
      case 'reopen':
        str(p.reason, 'reason', 2000);
        if (this.data.resolvedAt && now.getTime() - new Date(this.data.resolvedAt).getTime() > REOPEN_WINDOW_MS) {
          throw new ActionRefused('the ticket was resolved more than 14 days ago: open a new ticket linked to this one');
        }
        break;
      case 'cancel':
        if (p.reason !== undefined) str(p.reason, 'reason', 2000);
        if (kind === 'customer' && req.actor.id !== this.input.requesterId) throw new ActionRefused('only the requester can cancel their ticket');
        break;
      case 'escalate': {
        const to = oneOf(p.toLevel, SUPPORT_LEVELS, 'toLevel');
        if (to === this.data.level) throw new ActionRefused(`the ticket is already at ${to}`);
        str(p.reason, 'reason', 2000);
        break;
      }
      case 'override-priority': {
        const to = oneOf(p.priority, PRIORITIES, 'priority');
        if (to === this.data.priority) throw new ActionRefused(`the priority is already ${to}`);
        str(p.reason, 'reason', 2000);
        break;
      }
      case 'close':
        if (p.rating !== undefined && !(Number.isInteger(p.rating) && (p.rating as number) >= 1 && (p.rating as number) <= 5)) {
          throw new ActionRefused('rating must be a whole number from 1 to 5');
        }
        break;
    }
  }

  /** A retried request is recognised by action, actor and the caller's request id together. */
  private repeatKey(req: TicketActionRequest): string | undefined {
    return req.requestId ? `${req.action}:${req.actor?.id ?? 'system'}:${req.requestId}` : undefined;
  }
  private isRepeat(req: TicketActionRequest): boolean {
    const key = this.repeatKey(req);
    return key !== undefined && this.data.handled.some(([k]) => k === key);
  }

  /** Fires due timers first (an action must not overtake a breach), validates, then applies. */
  apply(req: TicketActionRequest, now: Date): { seq: number; duplicate: boolean } {
    const key = this.repeatKey(req);
    const seen = key ? this.data.handled.find(([k]) => k === key) : undefined;
    if (seen) return { seq: seen[1], duplicate: true };
    this.fireDue(now);
    this.validate(req, now);
    const kind = actorKind(req.actor);
    const to = (checkTransition(req.action, this.data.status, kind) as { to: TicketStatus }).to;
    const p = req.payload ?? {};
    const a = req.actor;
    const d = this.data;
    const cl = d.clocks;
    switch (req.action) {
      case 'triage': {
        const changes: Record<string, unknown> = {};
        if (p.impact !== undefined) d.impact = changes.impact = p.impact as Impact;
        if (p.urgency !== undefined) d.urgency = changes.urgency = p.urgency as Urgency;
        d.status = to;
        this.emit('ticket.triaged', a, 'public', changes, now);
        if (p.note) this.emit('comment.internal', a, 'internal', { body: p.note, context: 'triage' }, now);
        if (p.priority !== undefined && p.priority !== d.priority && !d.priorityOverridden) this.changePriority(p.priority as Priority, a, now, 'triage');
        break;
      }
      case 'assign':
        d.assigneeId = (p.assigneeId as string | null) ?? null;
        d.status = to;
        this.emit('ticket.assigned', a, 'internal', { assigneeId: d.assigneeId }, now, d.assigneeId ? [{ kind: 'user', userId: d.assigneeId }] : undefined);
        break;
      case 'comment': {
        const visibility = (p.visibility as Visibility | undefined) ?? 'public';
        if (kind === 'customer' && d.status === 'waiting_on_customer') {
          return this.finish(req, this.customerReply(a, String(p.body), now));
        }
        this.emit(visibility === 'internal' ? 'comment.internal' : 'comment.public', a, visibility, { body: p.body }, now);
        if (visibility === 'public') {
          if (kind === 'customer') this.customerSpoke(now);
          else this.staffResponded(now);
        }
        break;
      }
      case 'request-info':
        d.status = to;
        d.waitingSince = now.toISOString();
        d.waitingReminded = false;
        this.staffResponded(now);
        cl.resolution = clock.pause(cl.resolution, now, this.cals);
        this.emit('info.requested', a, 'public', { body: p.body }, now, [{ kind: 'user', userId: this.input.requesterId }]);
        break;
      case 'reply':
        return this.finish(req, this.customerReply(a, String(p.body), now));
      case 'resolve':
        this.resolve(a, String(p.resolution), now, p.abandoned === true);
        // Resolving a problem offers to resolve its incidents; the agent chose to.
        if (p.resolveIncidents === true) this.tellIncidents({ kind: 'resolved', text: String(p.resolution) });
        break;
      case 'link-incident':
      case 'unlink-incident':
      case 'record-workaround':
        this.applyProblemAction(req.action, a, p, now);
        break;
      case 'reopen':
        d.status = to;
        d.resolvedAt = null;
        // A released fix resolves by itself once; after a reopen the people working it decide.
        if (d.defect?.releasedAt) d.defect.releasedAt = null;
        cl.resolution = clock.unmeet(cl.resolution, now);
        this.emit('ticket.reopened', a, 'public', { reason: p.reason, resolutionConsumedMs: cl.resolution.consumedMs }, now, [{ kind: 'level', level: d.level }]);
        if (kind === 'customer') this.customerSpoke(now);
        break;
      case 'close':
        d.status = to;
        d.closedAt = now.toISOString();
        this.emit('ticket.closed', a, 'public', { confirmedBy: kind, ...(p.rating !== undefined ? { rating: p.rating } : {}) }, now);
        break;
      case 'cancel':
        d.status = to;
        for (const k of ['firstResponse', 'nextUpdate', 'resolution'] as const) cl[k] = clock.pause(cl[k], now, this.cals);
        this.emit('ticket.cancelled', a, 'public', { reason: p.reason ?? null }, now);
        break;
      case 'escalate': {
        const from = d.level;
        d.level = p.toLevel as SupportLevel;
        d.assigneeId = null;
        const up = SUPPORT_LEVELS.indexOf(d.level) > SUPPORT_LEVELS.indexOf(from);
        this.emit(up ? 'escalation.manual' : 'escalation.handback', a, 'internal', { from, to: d.level, reason: p.reason }, now, [{ kind: 'level', level: d.level }]);
        break;
      }
      case 'override-priority':
        d.priorityOverridden = true;
        this.changePriority(p.priority as Priority, a, now, String(p.reason));
        break;
      case 'start-reproduction':
      case 'confirm-defect':
      case 'mark-not-reproducible':
      case 'reject-defect':
      case 'start-fix':
      case 'schedule-fix':
      case 'confirm-fix':
        this.applyDefectAction(req.action, a, kind, to, p, now);
        break;
      case 'assess':
      case 'approve':
      case 'reject':
      case 'schedule':
      case 'implement':
        this.applyChangeAction(req.action, a, to, p, now);
        break;
    }
    return this.finish(req, d.seq);
  }

  private finish(req: TicketActionRequest, seq: number): { seq: number; duplicate: boolean } {
    const key = this.repeatKey(req);
    if (key) this.data.handled = [...this.data.handled.slice(-(HANDLED_REQUESTS - 1)), [key, seq]];
    return { seq, duplicate: false };
  }

  private customerReply(a: Actor, body: string, now: Date): number {
    const d = this.data;
    if (d.status === 'waiting_on_customer') {
      d.status = 'in_progress';
      d.waitingSince = null;
      d.clocks.resolution = clock.resume(d.clocks.resolution, now);
    }
    this.emit('customer.replied', a, 'public', { body }, now, d.assigneeId ? [{ kind: 'user', userId: d.assigneeId }] : [{ kind: 'level', level: d.level }]);
    this.customerSpoke(now);
    return d.seq;
  }

  /** First response: met by the first public staff message (comment, request for information, resolution). */
  private staffResponded(now: Date): void {
    this.data.staffResponded = true;
    const cl = this.data.clocks;
    if (cl.firstResponse.startedAt && !cl.firstResponse.metAt) {
      cl.firstResponse = clock.meet(cl.firstResponse, now, this.cals);
      this.emit('sla.met', SYSTEM, 'internal', { clock: 'firstResponse', consumedMs: cl.firstResponse.consumedMs }, now);
    }
    if (cl.nextUpdate.runningSince) cl.nextUpdate = clock.meet(cl.nextUpdate, now, this.cals);
  }

  /** Next update runs while the last public message is the customer's (after the first response was given). */
  private customerSpoke(now: Date): void {
    const cl = this.data.clocks;
    if (!['new', 'triaged', 'in_progress'].includes(this.data.status)) return;
    if (this.data.firstResponseOnly) return;
    if (!cl.firstResponse.metAt || cl.nextUpdate.runningSince) return;
    cl.nextUpdate = clock.restartCycle(cl.nextUpdate, now);
  }

  private resolve(a: Actor, resolution: string, now: Date, abandoned: boolean): void {
    const d = this.data;
    d.status = 'resolved';
    d.resolvedAt = now.toISOString();
    d.waitingSince = null;
    if (!abandoned) this.staffResponded(now);
    d.clocks.resolution = clock.meet(d.clocks.resolution, now, this.cals);
    d.clocks.nextUpdate = clock.meet(d.clocks.nextUpdate, now, this.cals);
    this.emit('ticket.resolved', a, 'public', { resolution, ...(abandoned ? { abandoned: true } : {}), resolutionConsumedMs: d.clocks.resolution.consumedMs }, now, [
      { kind: 'user', userId: this.input.requesterId },
    ]);
  }

  private changePriority(to: Priority, a: Actor, now: Date, reason: string): void {
    const d = this.data;
    const from = d.priority;
    d.priority = to;
    this.emit('priority.changed', a, 'public', { from, to, reason }, now, to === 'P1' ? [{ kind: 'manager' }] : undefined);
    const targets = this.input.sla.targets[to];
    for (const k of ['firstResponse', 'nextUpdate', 'resolution'] as const) {
      d.clocks[k] = clock.retarget(d.clocks[k], targets[k], now, this.cals, this.threshold);
    }
    // A clock that had no target (best effort) and now has one counts from the ticket's creation, as if it had run.
    const created = new Date(this.input.createdAt);
    const open = d.status !== 'resolved' && d.status !== 'closed' && d.status !== 'cancelled';
    if (open && !d.clocks.firstResponse.startedAt && !d.staffResponded) d.clocks.firstResponse = clock.startFrom(d.clocks.firstResponse, created, now, this.cals);
    if (open && !d.clocks.resolution.startedAt && !d.firstResponseOnly) {
      d.clocks.resolution = clock.startFrom(d.clocks.resolution, created, now, this.cals);
      if (d.status === 'waiting_on_customer') d.clocks.resolution = clock.pause(d.clocks.resolution, now, this.cals);
    }
  }

  // ---- software maintenance (SPEC §6) ----------------------------------------------------------------------

  private get defectData(): DefectData {
    this.data.defect ??= { state: 'reported', evidence: null, release: null, releasedAt: null, releasedOn: null };
    return this.data.defect;
  }

  /** Raises the ticket to a level (never lowers it); the budgets below it count as used. */
  private raiseTo(level: SupportLevel): void {
    const d = this.data;
    if (SUPPORT_LEVELS.indexOf(level) <= SUPPORT_LEVELS.indexOf(d.level)) return;
    d.level = level;
    d.assigneeId = null;
    d.autoEscalated = { L1: true, L2: level === 'L3' || d.autoEscalated.L2 };
  }

  private applyDefectAction(action: DefectAction, a: Actor, kind: ActorKind, to: TicketStatus, p: Record<string, unknown>, now: Date): void {
    const d = this.data;
    const df = this.defectData;
    const requester: Recipient[] = [{ kind: 'user', userId: this.input.requesterId }];
    switch (action) {
      case 'start-reproduction':
        df.state = 'reproducing';
        if (d.status === 'waiting_on_customer') d.clocks.resolution = clock.resume(d.clocks.resolution, now);
        d.status = to;
        d.waitingSince = null;
        this.raiseTo('L2');
        this.emit('defect.reproduction_started', a, 'public', { level: d.level }, now);
        if (p.note) this.emit('comment.internal', a, 'internal', { body: p.note, context: 'reproduction' }, now);
        break;
      case 'confirm-defect': {
        const ev = p.evidence as DefectEvidence;
        df.state = 'confirmed';
        df.evidence = { steps: ev.steps, environment: ev.environment, version: ev.version };
        d.status = to;
        this.staffResponded(now);
        this.emit('defect.confirmed', a, 'public', { module: this.input.moduleId, moduleVersion: this.input.moduleVersion }, now, requester);
        // The test evidence is the team's working material, not a message to the customer.
        this.emit('defect.evidence', a, 'internal', { ...df.evidence }, now);
        break;
      }
      case 'mark-not-reproducible':
        df.state = 'not_reproducible';
        d.status = to;
        d.waitingSince = now.toISOString();
        d.waitingReminded = false;
        this.staffResponded(now);
        d.clocks.resolution = clock.pause(d.clocks.resolution, now, this.cals);
        this.emit('defect.not_reproducible', a, 'public', { body: p.body }, now, requester);
        break;
      case 'reject-defect': {
        df.state = 'rejected';
        const convertTo = p.convertTo as TicketType | undefined;
        this.emit('defect.rejected', a, 'public', { reason: p.reason, convertedTo: convertTo ?? null }, now, requester);
        if (convertTo) {
          // Works as designed, but the wish is real: the ticket continues as a question or change request.
          d.type = convertTo;
          if (d.status === 'waiting_on_customer') d.clocks.resolution = clock.resume(d.clocks.resolution, now);
          d.status = 'in_progress';
          d.waitingSince = null;
          this.staffResponded(now);
          this.emit('ticket.converted', a, 'public', { from: 'defect', to: convertTo }, now);
        } else {
          this.resolve(a, `Not a defect: ${String(p.reason)}`, now, false);
        }
        break;
      }
      case 'start-fix':
        df.state = 'fix_in_progress';
        d.status = to;
        this.raiseTo('L3');
        this.emit('defect.fix_started', a, 'public', { level: d.level }, now);
        if (p.note) this.emit('comment.internal', a, 'internal', { body: p.note, context: 'fix' }, now);
        break;
      case 'schedule-fix': {
        const previous = df.release;
        df.state = 'fix_scheduled';
        df.release = { id: String(p.releaseId), version: String(p.releaseVersion), plannedDate: String(p.plannedDate) };
        d.status = to;
        this.staffResponded(now);
        // The resolution target is met when the fix is scheduled; from here the release commitment is tracked.
        d.clocks.resolution = clock.meet(d.clocks.resolution, now, this.cals);
        d.clocks.nextUpdate = clock.meet(d.clocks.nextUpdate, now, this.cals);
        this.emit(
          'fix.scheduled',
          a,
          'public',
          { releaseId: df.release.id, releaseVersion: df.release.version, plannedDate: df.release.plannedDate, previousRelease: previous?.version ?? null },
          now,
          requester,
        );
        break;
      }
      case 'confirm-fix':
        if (p.accepted === false) {
          df.state = 'fix_in_progress';
          df.releasedAt = null;
          this.raiseTo('L3');
          this.emit('fix.rejected', a, 'public', { reason: p.reason, releaseVersion: df.release?.version ?? null }, now, [{ kind: 'level', level: d.level }]);
          if (kind === 'customer') this.customerSpoke(now);
        } else {
          this.emit('fix.confirmed', a, 'public', { releaseVersion: df.release?.version ?? null }, now);
          this.resolve(a, `Fixed in release ${df.release?.version ?? ''}`.trim(), now, false);
          d.status = 'closed';
          d.closedAt = now.toISOString();
          this.emit('ticket.closed', a, 'public', { confirmedBy: kind }, now);
        }
        break;
    }
  }

  private applyChangeAction(action: ChangeAction, a: Actor, to: TicketStatus, p: Record<string, unknown>, now: Date): void {
    const d = this.data;
    d.change ??= { state: 'submitted', assessment: null, plannedFor: null };
    const ch = d.change;
    d.status = to;
    switch (action) {
      case 'assess':
        ch.state = 'awaiting_approval';
        ch.assessment = { effort: String(p.effort), risk: String(p.risk), text: String(p.assessment) };
        this.staffResponded(now);
        this.emit('change.assessed', a, 'public', { effort: ch.assessment.effort, risk: ch.assessment.risk, assessment: ch.assessment.text }, now, [{ kind: 'customerAdmins' }]);
        break;
      case 'approve':
        ch.state = 'approved';
        this.emit('change.approved', a, 'public', { note: p.note ?? null }, now, d.assigneeId ? [{ kind: 'user', userId: d.assigneeId }] : [{ kind: 'level', level: d.level }]);
        break;
      case 'reject':
        ch.state = 'rejected';
        d.closedAt = now.toISOString();
        for (const k of ['firstResponse', 'nextUpdate', 'resolution'] as const) d.clocks[k] = clock.pause(d.clocks[k], now, this.cals);
        this.emit('change.rejected', a, 'public', { reason: p.reason }, now, d.assigneeId ? [{ kind: 'user', userId: d.assigneeId }] : [{ kind: 'level', level: d.level }]);
        this.emit('ticket.closed', a, 'public', { confirmedBy: 'customer', reason: 'change request rejected' }, now);
        break;
      case 'schedule':
        ch.state = 'scheduled';
        ch.plannedFor = String(p.plannedFor);
        this.staffResponded(now);
        this.emit('change.scheduled', a, 'public', { plannedFor: ch.plannedFor, note: p.note ?? null }, now);
        break;
      case 'implement':
        ch.state = 'implemented';
        this.staffResponded(now);
        this.emit('change.implemented', a, 'public', { note: p.note ?? null }, now);
        break;
    }
  }

  // ---- problems (SPEC §7) ----------------------------------------------------------------------------------

  private tellIncidents(news: Omit<ProblemNews, 'problemId' | 'problemNumber'>, only?: { id: string; number: number }): void {
    const targets = only ? [only] : (this.data.problem?.incidents ?? []);
    for (const i of targets) this.outgoing.push({ ticketNumber: i.number, news: { ...news, problemId: this.input.ticketId, problemNumber: this.input.number } });
  }

  private applyProblemAction(action: 'link-incident' | 'unlink-incident' | 'record-workaround', a: Actor, p: Record<string, unknown>, now: Date): void {
    const d = this.data;
    d.problem ??= { incidents: [], workaround: null };
    const pr = d.problem;
    if (action === 'record-workaround') {
      pr.workaround = String(p.workaround);
      this.emit('problem.workaround_recorded', a, 'internal', { workaround: pr.workaround, incidents: pr.incidents.length }, now);
      this.tellIncidents({ kind: 'workaround', text: pr.workaround });
      return;
    }
    const incident = { id: String(p.incidentId), number: Number(p.incidentNumber) };
    if (action === 'link-incident') {
      pr.incidents = [...pr.incidents, incident];
      this.emit('problem.incident_linked', a, 'internal', { incidentId: incident.id, incidentNumber: incident.number }, now);
      this.tellIncidents({ kind: 'linked' }, incident);
      // An incident linked after the workaround was found gets it at once.
      if (pr.workaround) this.tellIncidents({ kind: 'workaround', text: pr.workaround }, incident);
    } else {
      pr.incidents = pr.incidents.filter((i) => i.id !== incident.id);
      this.emit('problem.incident_unlinked', a, 'internal', { incidentId: incident.id, incidentNumber: incident.number }, now);
      this.tellIncidents({ kind: 'unlinked' }, incident);
    }
  }

  takeOutgoing(): OutgoingNews[] {
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  /** News from a linked problem. Idempotent: a repeat, or news from a problem this incident is not linked to, changes nothing. */
  problemNews(news: ProblemNews, now: Date): boolean {
    if (!news || typeof news !== 'object' || typeof news.problemId !== 'string' || this.finished) return false;
    const d = this.data;
    const link = d.problemLink ?? null;
    const requester: Recipient[] = [{ kind: 'user', userId: this.input.requesterId }];
    switch (news.kind) {
      case 'linked':
        if (link?.id === news.problemId) return false;
        d.problemLink = { id: news.problemId, number: news.problemNumber };
        this.emit('problem.linked', SYSTEM, 'internal', { problemId: news.problemId, problemNumber: news.problemNumber }, now);
        return true;
      case 'unlinked':
        if (link?.id !== news.problemId) return false;
        d.problemLink = null;
        this.emit('problem.unlinked', SYSTEM, 'internal', { problemId: news.problemId, problemNumber: news.problemNumber }, now);
        return true;
      case 'workaround': {
        if (!link || link.id !== news.problemId || typeof news.text !== 'string' || link.workaround === news.text) return false;
        link.workaround = news.text;
        this.emit('problem.workaround', SYSTEM, 'public', { problemNumber: news.problemNumber, workaround: news.text }, now, requester);
        return true;
      }
      case 'resolved':
        if (link?.id !== news.problemId || d.status === 'resolved') return false;
        this.resolve(SYSTEM, `Resolved with problem ${news.problemNumber}: ${news.text ?? ''}`.trim(), now, false);
        return true;
      default:
        return false;
    }
  }

  /**
   * News from the release workflow. Idempotent: a repeated or stale signal (another release, a state already
   * past it, the same date again) changes nothing and returns false.
   */
  releaseNews(kind: 'fix-released' | 'release-date-moved', news: ReleaseNews, now: Date): boolean {
    if (!news || typeof news !== 'object' || typeof news.releaseId !== 'string') return false;
    const df = this.data.defect;
    if (this.finished || !df || df.state !== 'fix_scheduled' || df.release?.id !== news.releaseId) return false;
    const requester: Recipient[] = [{ kind: 'user', userId: this.input.requesterId }];
    const release = df.release;
    if (kind === 'release-date-moved') {
      if (!news.newDate || !DAY.test(news.newDate) || news.newDate === release.plannedDate) return false;
      const previousDate = release.plannedDate;
      release.plannedDate = news.newDate;
      this.emit('release.date_moved', SYSTEM, 'public', { releaseId: release.id, releaseVersion: release.version, previousDate, newDate: news.newDate }, now, requester);
      return true;
    }
    df.state = 'fix_released';
    df.releasedAt = now.toISOString();
    df.releasedOn = news.releasedOn && DAY.test(news.releasedOn) ? news.releasedOn : now.toISOString().slice(0, 10);
    this.emit('fix.released', SYSTEM, 'public', { releaseId: release.id, releaseVersion: release.version, releasedOn: df.releasedOn }, now, requester);
    return true;
  }

  // ---- timers -------------------------------------------------------------------------------------------------

  /** Everything that will happen by itself, earliest first. */
  dueTimers(): Array<PendingTimer & { fire: (now: Date) => void }> {
    const d = this.data;
    const out: Array<PendingTimer & { fire: (now: Date) => void }> = [];
    if (this.finished) return out;
    for (const k of ['firstResponse', 'nextUpdate', 'resolution'] as const) {
      const c = d.clocks[k];
      if (!c.runningSince || !c.target) continue;
      const warnAt = clock.instantAtFraction(c, this.threshold, this.cals);
      if (!c.warnedAt && !c.breachedAt && warnAt) out.push({ kind: `sla.warning:${k}`, at: warnAt.toISOString(), fire: (now) => this.warn(k, warnAt, now) });
      const dl = clock.deadlineOf(c, this.cals);
      if (!c.breachedAt && dl) out.push({ kind: `sla.breached:${k}`, at: dl.toISOString(), fire: (now) => this.breach(k, dl, now) });
    }
    const res = d.clocks.resolution;
    if (res.runningSince && res.target && d.status !== 'resolved') {
      const budgets = this.input.sla.levelBudgets;
      if (!d.autoEscalated.L1 && d.level === 'L1') {
        const at = clock.instantAtFraction(res, budgets.L1, this.cals)!;
        out.push({ kind: 'escalation:L1', at: at.toISOString(), fire: (now) => this.autoEscalate('L1', budgets.L1, at, now) });
      }
      if (!d.autoEscalated.L2 && d.level !== 'L3') {
        const at = clock.instantAtFraction(res, budgets.L2, this.cals)!;
        out.push({ kind: 'escalation:L2', at: at.toISOString(), fire: (now) => this.autoEscalate('L2', budgets.L2, at, now) });
      }
    }
    if (d.defect?.state === 'fix_released' && d.defect.releasedAt && d.status !== 'resolved') {
      const at = new Date(new Date(d.defect.releasedAt).getTime() + FIX_AUTO_RESOLVE_MS);
      const version = d.defect.release?.version ?? '';
      out.push({ kind: 'fix.auto-resolve', at: at.toISOString(), fire: (now) => this.resolve(SYSTEM, `Fixed in release ${version}; no answer from the customer for 7 days`, now, false) });
    }
    if (d.status === 'resolved' && d.resolvedAt) {
      const at = new Date(new Date(d.resolvedAt).getTime() + AUTO_CLOSE_AFTER_MS);
      out.push({ kind: 'auto-close', at: at.toISOString(), fire: (now) => this.autoClose(now) });
    }
    if (d.status === 'waiting_on_customer' && d.waitingSince) {
      const since = new Date(d.waitingSince);
      if (!d.waitingReminded) {
        const at = addWorkingTime(since, WAITING_REMINDER_BH, this.cals.business);
        out.push({ kind: 'waiting.reminder', at: at.toISOString(), fire: (now) => this.remindWaiting(now) });
      }
      const at = addWorkingTime(since, WAITING_ABANDON_BH, this.cals.business);
      out.push({ kind: 'waiting.abandon', at: at.toISOString(), fire: (now) => this.resolve(SYSTEM, 'No answer from the customer for 10 business days', now, true) });
    }
    return out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  }

  nextDueAt(): Date | null {
    const first = this.dueTimers()[0];
    return first ? new Date(first.at) : null;
  }

  /** Fires, in order, every timer due at or before now; each firing may change what is due next. */
  fireDue(now: Date): number {
    let fired = 0;
    for (let guard = 0; guard < 50; guard++) {
      const next = this.dueTimers()[0];
      if (!next || new Date(next.at).getTime() > now.getTime()) break;
      next.fire(now);
      fired++;
    }
    return fired;
  }

  private warn(k: TargetKind, due: Date, now: Date): void {
    const c = this.data.clocks[k];
    c.warnedAt = now.toISOString();
    const recipients: Recipient[] = [{ kind: 'levelLead', level: this.data.level }];
    if (this.data.assigneeId) recipients.unshift({ kind: 'user', userId: this.data.assigneeId });
    this.emit('sla.warning', SYSTEM, 'internal', { clock: k, dueAt: due.toISOString(), deadline: clock.deadlineOf(c, this.cals)?.toISOString() ?? null, threshold: this.threshold, cycle: c.cycle }, now, recipients);
  }

  private breach(k: TargetKind, due: Date, now: Date): void {
    const c = this.data.clocks[k];
    if (!c.warnedAt) c.warnedAt = now.toISOString();
    c.breachedAt = now.toISOString();
    this.emit('sla.breached', SYSTEM, 'internal', { clock: k, deadline: due.toISOString(), cycle: c.cycle, priority: this.data.priority }, now, [{ kind: 'manager' }]);
  }

  private autoEscalate(budget: 'L1' | 'L2', share: number, due: Date, now: Date): void {
    const d = this.data;
    d.autoEscalated[budget] = true;
    const to = nextLevel(d.level);
    if (!to) return;
    const from = d.level;
    d.level = to;
    d.assigneeId = null;
    this.emit(
      'escalation.automatic',
      SYSTEM,
      'internal',
      { from, to, reason: `${Math.round(share * 100)} % of the resolution target used without resolution`, budget, dueAt: due.toISOString() },
      now,
      [{ kind: 'level', level: to }],
    );
  }

  private autoClose(now: Date): void {
    this.data.status = 'closed';
    this.data.closedAt = now.toISOString();
    this.emit('ticket.closed', SYSTEM, 'public', { confirmedBy: 'system', reason: '14 days after resolution without reopening' }, now);
  }

  private remindWaiting(now: Date): void {
    this.data.waitingReminded = true;
    this.emit('ticket.reminder', SYSTEM, 'public', { reason: 'waiting on customer for 5 business days; resolved as abandoned after 10' }, now, [{ kind: 'user', userId: this.input.requesterId }]);
  }

  // ---- views --------------------------------------------------------------------------------------------------

  slaState(now: Date): SlaState {
    const states = (['firstResponse', 'nextUpdate', 'resolution'] as const).map((k) => clock.stateOf(this.data.clocks[k], now, this.cals, this.threshold));
    if (states.includes('breached')) return 'breached';
    if (states.includes('warning')) return 'at_risk';
    if (this.data.status === 'waiting_on_customer') return 'paused';
    if (this.data.status === 'resolved' || this.data.status === 'closed') return 'met';
    return 'ok';
  }

  clockViews(now: Date): Record<TargetKind, ClockView> {
    const view = (k: TargetKind): ClockView => ({ kind: k, ...clock.figuresAt(this.data.clocks[k], now, this.cals, this.threshold) });
    return { firstResponse: view('firstResponse'), nextUpdate: view('nextUpdate'), resolution: view('resolution') };
  }

  view(now: Date): TicketView {
    const d = this.data;
    return {
      ticketId: this.input.ticketId,
      number: this.input.number,
      type: d.type,
      status: d.status,
      priority: d.priority,
      impact: d.impact,
      urgency: d.urgency,
      level: d.level,
      assigneeId: d.assigneeId,
      customerId: this.input.customerId,
      slaState: this.slaState(now),
      clocks: this.clockViews(now),
      pendingTimers: this.dueTimers().map(({ kind, at }) => ({ kind, at })),
      lastEvents: d.recent,
      eventCount: d.eventCount,
      runsContinuedAsNew: d.runs,
      asOf: now.toISOString(),
    };
  }
}
