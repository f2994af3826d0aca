/**
 * The ticket's process state as the workflow holds it: actions go through the registry (domain/ticket/actions),
 * timers and news from other workflows are handled here. Deterministic: time is passed in, nothing here does I/O.
 * The workflow (ticket.ts) owns one instance, feeds it actions and timer firings, and persists the events it emits.
 */
import type { TargetKind } from '../domain/plans';
import { carried } from '../domain/attachments';
import * as clock from '../domain/sla-clock';
import { addWorkingTime } from '../domain/calendar';
import type { SlaState } from '../domain/tickets';
import { AUTO_CLOSE_AFTER_MS, nextLevel, WAITING_ABANDON_BH, WAITING_REMINDER_BH } from '../domain/transitions';
import { FIX_AUTO_RESOLVE_MS } from '../domain/defects';
import { TicketDraft, type OutgoingNews } from '../domain/ticket/draft';
import { applyAction, checkCommand, receiveNews } from '../domain/ticket/actions';
import type { MailBounceNews, ProblemNews, ReleaseNews, TicketNews } from '../domain/ticket/news';
import { SYSTEM, type Recipient, type TicketData } from '../domain/ticket/state';
import { createdEventData } from '../domain/ticket/events';
import type { TicketActionRequest } from './ticket-actions';
import type { ClockView, PendingTimer, TicketView, TicketWorkflowInput } from './ticket-state';

export type { ChangeData, DefectData, Recipient, TicketData } from '../domain/ticket/state';
export type { EmittedEvent } from '../domain/ticket/events';
export type { OutgoingNews } from '../domain/ticket/draft';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HANDLED_REQUESTS = 500;

/** An action refused before anything changed: 403 (the role or person may not), 409 (not now), 400 (bad input). */
export class ActionRefused extends Error {
  readonly status: 400 | 403 | 409;
  constructor(message: string, status: 400 | 403 | 409 = 409) {
    super(message);
    this.name = 'ActionRefused';
    this.status = status;
  }
}

export class TicketModel extends TicketDraft {
  persistedSeq: number;

  private constructor(input: TicketWorkflowInput, data: TicketData) {
    super(input, data);
    this.persistedSeq = data.seq;
  }

  /** `firstResponseOnly`: a change request times its first response only (SPEC §7); the workflow decides it. */
  static create(input: TicketWorkflowInput, opts: { firstResponseOnly?: boolean; slaMetEvents?: boolean } = {}): TicketModel {
    const at = new Date(input.createdAt);
    const m = new TicketModel(input, {
      status: 'new',
      type: input.type,
      level: 'L1',
      priority: input.priority,
      impact: input.impact,
      urgency: input.urgency,
      priorityOverridden: false,
      assigneeId: null,
      clocks: clock.openingClocks(input.sla.targets[input.priority], at, { firstResponseOnly: opts.firstResponseOnly }),
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
    if (opts.slaMetEvents) m.data.slaMetEvents = true;
    if (opts.firstResponseOnly) m.data.firstResponseOnly = true;
    m.emit(
      'ticket.created',
      input.createdBy,
      {
        ...createdEventData(input),
        ...(opts.slaMetEvents ? { slaMetEvents: true as const } : {}),
        ...carried(input.attachments),
      },
      at,
      input.priority === 'P1' ? [{ kind: 'manager' }, { kind: 'level', level: 'L1' }] : [{ kind: 'level', level: 'L1' }],
    );
    return m;
  }

  static restore(input: TicketWorkflowInput, data: TicketData): TicketModel {
    return new TicketModel(input, { ...data, runs: data.runs + 1 });
  }

  takePending() {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Puts back events whose write was refused, ahead of any emitted since, so the timeline keeps its order. */
  requeue(events: typeof this.pending): void {
    this.pending = [...events, ...this.pending];
  }

  markPersisted(seq: number): void {
    this.persistedSeq = Math.max(this.persistedSeq, seq);
  }

  // ---- actions (rules in domain/ticket/actions) ----------------------------------------------------------------

  /** Throws ActionRefused (with the reason and its status) when the action is not allowed now; changes nothing. */
  validate(req: TicketActionRequest, now: Date, opts: { acceptedBefore?: boolean } = {}): unknown {
    if (this.isRepeat(req)) return undefined;
    if (!req.actor || typeof req.actor !== 'object') throw new ActionRefused('actor is required', 400);
    if (req.actor.kind === 'user' && !(typeof req.actor.id === 'string' && UUID.test(req.actor.id))) throw new ActionRefused('actor.id must be a UUID', 400);
    const verdict = checkCommand(this, req.action, req.actor, req.payload, now, opts);
    if (!verdict.ok) throw new ActionRefused(verdict.reason, verdict.status);
    return verdict.cmd;
  }

  /** A retried request is recognised by action, actor and the caller's request id together. */
  private repeatKey(req: TicketActionRequest): string | undefined {
    return req.requestId ? `${req.action}:${req.actor?.id ?? 'system'}:${req.requestId}` : undefined;
  }
  private isRepeat(req: TicketActionRequest): boolean {
    const key = this.repeatKey(req);
    return key !== undefined && this.data.handled.some(([k]) => k === key);
  }

  /**
   * Fires due timers first (an action must not overtake a breach), validates, then applies. `acceptedBefore`: an
   * update whose validator already accepted it (also on replay, where validators do not run again).
   */
  apply(req: TicketActionRequest, now: Date, opts: { acceptedBefore?: boolean } = {}): { seq: number; duplicate: boolean } {
    const key = this.repeatKey(req);
    const seen = key ? this.data.handled.find(([k]) => k === key) : undefined;
    if (seen) return { seq: seen[1], duplicate: true };
    this.fireDue(now);
    const cmd = this.validate(req, now, opts);
    applyAction(this, req.action, req.actor, cmd, now);
    if (key) this.data.handled = [...this.data.handled.slice(-(HANDLED_REQUESTS - 1)), [key, this.data.seq]];
    return { seq: this.data.seq, duplicate: false };
  }

  takeOutgoing(): OutgoingNews[] {
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  /** News from another ticket's action (a merged duplicate); idempotent: a repeat changes nothing. */
  ticketNews(news: TicketNews, now: Date): boolean {
    return receiveNews(this, news, now);
  }

  /** A delivery report about mail on this ticket; recorded once per report (staff see it; nobody is mailed). */
  mailBounced(news: MailBounceNews, now: Date): boolean {
    if (!news || typeof news !== 'object' || typeof news.inboundMessageId !== 'string' || typeof news.address !== 'string') return false;
    const key = `mail-bounced:${news.inboundMessageId}`;
    if (this.data.handled.some(([k]) => k === key)) return false;
    this.emit('mail.bounced', SYSTEM, { address: news.address.slice(0, 320), reason: String(news.reason ?? '').slice(0, 500), inboundMessageId: news.inboundMessageId }, now);
    this.data.handled = [...this.data.handled.slice(-(HANDLED_REQUESTS - 1)), [key, this.data.seq]];
    return true;
  }

  /** News from a linked problem. Idempotent: a repeat, or news from a problem this incident is not linked to, changes nothing. */
  problemNews(news: ProblemNews, now: Date): boolean {
    if (!news || typeof news !== 'object' || typeof news.problemId !== 'string' || this.finished) return false;
    const d = this.data;
    const link = d.problemLink ?? null;
    const requester = this.requester;
    switch (news.kind) {
      case 'linked':
        if (link?.id === news.problemId) return false;
        d.problemLink = { id: news.problemId, number: news.problemNumber };
        this.emit('problem.linked', SYSTEM, { problemId: news.problemId, problemNumber: news.problemNumber }, now);
        return true;
      case 'unlinked':
        if (link?.id !== news.problemId) return false;
        d.problemLink = null;
        this.emit('problem.unlinked', SYSTEM, { problemId: news.problemId, problemNumber: news.problemNumber }, now);
        return true;
      case 'workaround': {
        if (!link || link.id !== news.problemId || typeof news.text !== 'string' || link.workaround === news.text) return false;
        link.workaround = news.text;
        this.emit('problem.workaround', SYSTEM, { problemNumber: news.problemNumber, workaround: news.text }, now, requester);
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
    const requester = this.requester;
    const release = df.release;
    if (kind === 'release-date-moved') {
      if (!news.newDate || !DAY.test(news.newDate) || news.newDate === release.plannedDate) return false;
      const previousDate = release.plannedDate;
      release.plannedDate = news.newDate;
      this.emit('release.date_moved', SYSTEM, { releaseId: release.id, releaseVersion: release.version, previousDate, newDate: news.newDate }, now, requester);
      return true;
    }
    df.state = 'fix_released';
    df.releasedAt = now.toISOString();
    df.releasedOn = news.releasedOn && DAY.test(news.releasedOn) ? news.releasedOn : now.toISOString().slice(0, 10);
    this.emit('fix.released', SYSTEM, { releaseId: release.id, releaseVersion: release.version, releasedOn: df.releasedOn }, now, requester);
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
    this.emit('sla.warning', SYSTEM, { clock: k, dueAt: due.toISOString(), deadline: clock.deadlineOf(c, this.cals)?.toISOString() ?? null, threshold: this.threshold, cycle: c.cycle }, now, recipients);
  }

  private breach(k: TargetKind, due: Date, now: Date): void {
    const c = this.data.clocks[k];
    if (!c.warnedAt) c.warnedAt = now.toISOString();
    c.breachedAt = now.toISOString();
    this.emit('sla.breached', SYSTEM, { clock: k, deadline: due.toISOString(), cycle: c.cycle, priority: this.data.priority }, now, [{ kind: 'manager' }]);
  }

  private autoEscalate(budget: 'L1' | 'L2', share: number, due: Date, now: Date): void {
    const d = this.data;
    d.autoEscalated[budget] = true;
    const to = nextLevel(d.level);
    if (!to) return;
    const from = d.level;
    d.level = to;
    d.assigneeId = null;
    this.emit('escalation.automatic', SYSTEM,
      { from, to, reason: `${Math.round(share * 100)} % of the resolution target used without resolution`, budget, dueAt: due.toISOString() },
      now,
      [{ kind: 'level', level: to }],
    );
  }

  private autoClose(now: Date): void {
    this.data.status = 'closed';
    this.data.closedAt = now.toISOString();
    this.emit('ticket.closed', SYSTEM, { confirmedBy: 'system', reason: '14 days after resolution without reopening' }, now);
  }

  private remindWaiting(now: Date): void {
    this.data.waitingReminded = true;
    this.emit('ticket.reminder', SYSTEM, { reason: 'waiting on customer for 5 business days; resolved as abandoned after 10' }, now, [{ kind: 'user', userId: this.input.requesterId }]);
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
