/**
 * A ticket's state with the moves every action is made of: emitting a typed event, the first response, the
 * customer speaking, resolving, re-prioritising, raising the level, telling other tickets. Pure: time is passed in.
 * The action definitions (actions/*.ts) change a ticket only through this class; the workflow's model extends it
 * with timers and views.
 */
import { carried, type AttachmentRef } from '../attachments';
import * as clock from '../sla-clock';
import { OPEN_STATUSES, type TicketStatus } from '../tickets';
import { SUPPORT_LEVELS, type Priority, type SupportLevel } from '../plans';
import { visibilityOf, type EmittedEvent, type EventData, type TicketEvent, type TicketEventType } from './events';
import type { ProblemNews, TicketNews } from './news';
import { SYSTEM, type Actor, type DefectData, type Recipient, type TicketData, type TicketFacts, type TicketLinks, type TicketWorkflowInput } from './state';

const RECENT_EVENTS = 20;
const CLOCKS = ['firstResponse', 'nextUpdate', 'resolution'] as const;

/** A message this ticket must send to another ticket's workflow (the workflow delivers it once persisted). */
export type OutgoingNews = { ticketNumber: number; news: ProblemNews; channel: 'problem' } | { ticketNumber: number; news: TicketNews; channel: 'ticket' };

export class TicketDraft {
  readonly input: TicketWorkflowInput;
  data: TicketData;
  /** Events not yet written to the timeline. */
  pending: EmittedEvent[] = [];
  /** News for other tickets' workflows, not yet sent. */
  outgoing: OutgoingNews[] = [];

  protected constructor(input: TicketWorkflowInput, data: TicketData) {
    this.input = input;
    this.data = data;
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
  get requester(): Recipient[] {
    return [{ kind: 'user', userId: this.input.requesterId }];
  }
  /** Whoever works the ticket now: its assignee, else its level. */
  get handlers(): Recipient[] {
    return this.data.assigneeId ? [{ kind: 'user', userId: this.data.assigneeId }] : [{ kind: 'level', level: this.data.level }];
  }

  facts(): TicketFacts {
    const d = this.data;
    return {
      ticketId: this.input.ticketId,
      customerId: this.input.customerId,
      requesterId: this.input.requesterId,
      status: d.status,
      type: d.type,
      level: d.level,
      priority: d.priority,
      defectState: d.type === 'defect' ? (d.defect?.state ?? 'reported') : null,
      changeState: d.type === 'change_request' ? (d.change?.state ?? 'submitted') : null,
      resolvedAt: d.resolvedAt,
      linkedIncidents: d.problem?.incidents.length ?? 0,
    };
  }

  emit<T extends TicketEventType>(type: T, actor: Actor, data: EventData<T>, at: Date, notify?: Recipient[]): EmittedEvent {
    this.data.seq += 1;
    this.data.eventCount += 1;
    const event = { seq: this.data.seq, type, at: at.toISOString(), actor, visibility: visibilityOf(type), data } as TicketEvent;
    const e: EmittedEvent = { ...event, ...(notify?.length ? { notify } : {}) };
    this.pending.push(e);
    this.data.recent = [...this.data.recent.slice(-(RECENT_EVENTS - 1)), event];
    return e;
  }

  setStatus(to: TicketStatus): void {
    this.data.status = to;
  }

  /** First response: met by the first public staff message (comment, request for information, resolution). */
  staffResponded(now: Date): void {
    this.data.staffResponded = true;
    const cl = this.data.clocks;
    if (cl.firstResponse.startedAt && !cl.firstResponse.metAt) {
      cl.firstResponse = clock.meet(cl.firstResponse, now, this.cals);
      this.emit('sla.met', SYSTEM, { clock: 'firstResponse', consumedMs: cl.firstResponse.consumedMs }, now);
    }
    if (cl.nextUpdate.runningSince) this.meetClock('nextUpdate', now);
  }

  /** Meets the next-update or resolution clock; the timeline records it, so the monthly service report can count it. */
  meetClock(k: 'nextUpdate' | 'resolution', now: Date): void {
    const before = this.data.clocks[k];
    const after = clock.meet(before, now, this.cals);
    this.data.clocks[k] = after;
    if (this.data.slaMetEvents && before.target && !before.metAt && after.metAt) this.emit('sla.met', SYSTEM, { clock: k, consumedMs: after.consumedMs, cycle: after.cycle }, now);
  }

  /** Next update runs while the last public message is the customer's (after the first response was given). */
  customerSpoke(now: Date): void {
    const cl = this.data.clocks;
    if (!['new', 'triaged', 'in_progress'].includes(this.data.status)) return;
    if (this.data.firstResponseOnly) return;
    if (!cl.firstResponse.metAt || cl.nextUpdate.runningSince) return;
    cl.nextUpdate = clock.restartCycle(cl.nextUpdate, now);
  }

  /** The customer answers: a ticket waiting on them is worked on again and its resolution clock resumes. */
  customerReply(a: Actor, body: string, now: Date, files?: readonly AttachmentRef[]): void {
    this.resumeFromWaiting(now);
    this.emit('customer.replied', a, { body, ...carried(files) }, now, this.handlers);
    this.customerSpoke(now);
  }

  /** Leaves waiting_on_customer: back to in_progress with the resolution clock running again. */
  resumeFromWaiting(now: Date): void {
    const d = this.data;
    if (d.status !== 'waiting_on_customer') return;
    d.status = 'in_progress';
    d.waitingSince = null;
    d.clocks.resolution = clock.resume(d.clocks.resolution, now);
  }

  /** Waits on the customer: the resolution clock pauses; reminders and abandonment count from now. */
  waitOnCustomer(now: Date): void {
    const d = this.data;
    d.status = 'waiting_on_customer';
    d.waitingSince = now.toISOString();
    d.waitingReminded = false;
    d.clocks.resolution = clock.pause(d.clocks.resolution, now, this.cals);
  }

  resolve(a: Actor, resolution: string, now: Date, abandoned: boolean): void {
    const d = this.data;
    d.status = 'resolved';
    d.resolvedAt = now.toISOString();
    d.waitingSince = null;
    if (!abandoned) this.staffResponded(now);
    this.meetClock('resolution', now);
    this.meetClock('nextUpdate', now);
    this.emit('ticket.resolved', a, { resolution, ...(abandoned ? { abandoned: true } : {}), resolutionConsumedMs: d.clocks.resolution.consumedMs }, now, this.requester);
  }

  /** Every clock stops where it is (a cancelled, rejected or merged ticket is not measured any more). */
  stopClocks(now: Date): void {
    for (const k of CLOCKS) this.data.clocks[k] = clock.pause(this.data.clocks[k], now, this.cals);
  }

  close(now: Date): void {
    this.data.status = 'closed';
    this.data.closedAt = now.toISOString();
  }

  changePriority(to: Priority, a: Actor, now: Date, reason: string): void {
    const d = this.data;
    const from = d.priority;
    d.priority = to;
    this.emit('priority.changed', a, { from, to, reason }, now, to === 'P1' ? [{ kind: 'manager' }] : undefined);
    const targets = this.input.sla.targets[to];
    for (const k of CLOCKS) d.clocks[k] = clock.retarget(d.clocks[k], targets[k], now, this.cals, this.threshold);
    // A clock that had no target (best effort) and now has one counts from the ticket's creation, as if it had run.
    const created = new Date(this.input.createdAt);
    const open = (OPEN_STATUSES as readonly TicketStatus[]).includes(d.status);
    if (open && !d.clocks.firstResponse.startedAt && !d.staffResponded) d.clocks.firstResponse = clock.startFrom(d.clocks.firstResponse, created, now, this.cals);
    if (open && !d.clocks.resolution.startedAt && !d.firstResponseOnly) {
      d.clocks.resolution = clock.startFrom(d.clocks.resolution, created, now, this.cals);
      if (d.status === 'waiting_on_customer') d.clocks.resolution = clock.pause(d.clocks.resolution, now, this.cals);
    }
  }

  /** Raises the ticket to a level (never lowers it); the budgets below it count as used. */
  raiseTo(level: SupportLevel): void {
    const d = this.data;
    if (SUPPORT_LEVELS.indexOf(level) <= SUPPORT_LEVELS.indexOf(d.level)) return;
    d.level = level;
    d.assigneeId = null;
    d.autoEscalated = { L1: true, L2: level === 'L3' || d.autoEscalated.L2 };
  }

  get defectData(): DefectData {
    // Stryker disable next-line StringLiteral: every action that reaches a defect's data sets its state before anything reads it
    this.data.defect ??= { state: 'reported', evidence: null, release: null, releasedAt: null, releasedOn: null };
    return this.data.defect;
  }

  get links(): TicketLinks {
    this.data.links ??= {};
    return this.data.links;
  }

  /** News for the incidents linked to this problem (all of them, or one). */
  tellIncidents(news: Omit<ProblemNews, 'problemId' | 'problemNumber'>, only?: { id: string; number: number }): void {
    const targets = only ? [only] : (this.data.problem?.incidents ?? []);
    for (const i of targets) this.outgoing.push({ channel: 'problem', ticketNumber: i.number, news: { ...news, problemId: this.input.ticketId, problemNumber: this.input.number } });
  }

  tellTicket(ticketNumber: number, news: TicketNews): void {
    this.outgoing.push({ channel: 'ticket', ticketNumber, news });
  }
}
