/**
 * The monthly SLA service report (SPEC §12.1): every figure is read from the tickets' timelines, so the review says
 * what the workflows recorded and nothing else. Pure: the caller passes the month, the customer's zone, the service
 * terms and the tickets with their events up to the end of the month.
 *
 * Counting rules (one definition, used by the report, its CSV and the portal):
 * - A target on a ticket is one unit per clock and cycle (the next-update clock runs one cycle per customer message).
 *   It counts in the month of its outcome: breached in the month its breach was recorded; otherwise met in the month
 *   it was first met. Compliance = met / (met + breached). Clocks with no target (best effort) are not measured.
 * - Times (first response, resolution) are the SLA clock's own measure at the moment it was met: business hours of the
 *   ticket's calendar, or around the clock where the plan covers the priority 24×7, time waiting on the customer left
 *   out. They count in the month the clock was met; median and p90 by the nearest-rank rule.
 * - Opened = created in the month; resolved = resolved in the month (once per ticket); backlog = open at month end.
 */
import { localDateTime, localToInstant } from './calendar';
import { contractInForce, PRIORITIES, type Contract, type Priority, type TargetKind, type TargetsTable } from './plans';
import type { TicketEvent } from './ticket/events';
import type { TicketType } from './tickets';

/** A calendar month, `YYYY-MM`. */
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Months of backlog trend a report shows, the reported month included. */
export const TREND_MONTHS = 6;

export const parseMonth = (month: string): { year: number; month: number } => {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, not ${JSON.stringify(month)}`);
  return { year: Number(m[1]), month: Number(m[2]) };
};
const formatMonth = (year: number, month: number): string => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;

/** The month `n` months after `month` (negative: before). */
export function addMonths(month: string, n: number): string {
  const { year, month: m } = parseMonth(month);
  const index = year * 12 + (m - 1) + n;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

/** The instants a month spans in a time zone: from local midnight of its 1st to local midnight of the next 1st. */
export function monthWindow(month: string, timeZone: string): { start: Date; end: Date } {
  const { year, month: m } = parseMonth(month);
  const next = parseMonth(addMonths(month, 1));
  return { start: localToInstant({ year, month: m, day: 1 }, timeZone), end: localToInstant({ ...next, day: 1 }, timeZone) };
}

/** The month before the one `at` falls in, in a zone: what a report run on the 1st reviews. */
export function monthBefore(at: Date, timeZone: string): string {
  const local = localDateTime(at, timeZone);
  return addMonths(formatMonth(local.year, local.month), -1);
}

/** The last whole month before `now` in a zone: the latest month a report may be asked for. */
export const latestReportableMonth = monthBefore;

/** Whether a customer's service includes the monthly review: the contract in force decides where it says so. */
export function reviewIncluded(plan: { serviceReport: boolean }, contract: Pick<Contract, 'serviceReport'> | null): boolean {
  return contract?.serviceReport ?? plan.serviceReport;
}

/** The local days (YYYY-MM-DD) of a month. */
function daysOf(month: string): string[] {
  const { year, month: m } = parseMonth(month);
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return Array.from({ length: days }, (_, i) => `${formatMonth(year, m)}-${String(i + 1).padStart(2, '0')}`);
}

/**
 * Whether a month is reviewed: the review was part of the customer's service on at least one day of it (a contract
 * that brings the review from the 16th has that month reviewed; one that ends it on the 15th still has its month).
 */
export function reviewIncludedInMonth(month: string, plan: { serviceReport: boolean }, contracts: Array<Pick<Contract, 'validFrom' | 'validTo' | 'serviceReport'>>): boolean {
  return daysOf(month).some((day) => reviewIncluded(plan, contractInForce(contracts, day)));
}

export interface ServiceTerms {
  kind: 'plan' | 'contract';
  id: string;
  name: string;
  /** first and last local day (YYYY-MM-DD) of the month these terms were in force */
  from: string;
  to: string;
}

/** The plan or contract in force on each day of the month, as consecutive ranges. */
export function termsInForce(month: string, plan: { id: string; name: string }, contracts: Contract[]): ServiceTerms[] {
  const out: ServiceTerms[] = [];
  for (const date of daysOf(month)) {
    const c = contractInForce(contracts, date);
    const terms = c ? { kind: 'contract' as const, id: c.id, name: c.name } : { kind: 'plan' as const, id: plan.id, name: plan.name };
    const last = out.at(-1);
    if (last && last.kind === terms.kind && last.id === terms.id) last.to = date;
    else out.push({ ...terms, from: date, to: date });
  }
  return out;
}

export interface ReportTicket {
  id: string;
  number: number;
  title: string;
  type: TicketType;
  createdAt: string;
  /** the terms the ticket was measured against (its SLA snapshot), with the plan's or contract's name */
  terms: { planId: string; contractId: string | null; name: string; targets: TargetsTable };
  /** every event up to the end of the reported month, in seq order */
  events: TicketEvent[];
  /**
   * The customer's rating of the ticket and when it was given, whether on closing it or through the survey link in
   * the closing e-mail: a ticket is rated once (`tickets.satisfaction_rating`), and the report and the dashboard
   * count that one rating in the month it was given.
   */
  satisfaction: { rating: number; at: string } | null;
}

export interface Compliance {
  met: number;
  breached: number;
  /** met / (met + breached), 0..1; null when nothing was measured */
  rate: number | null;
}
export type ComplianceByTarget = Record<TargetKind, Compliance>;

export interface Breach {
  ticketId: string;
  number: number;
  title: string;
  clock: TargetKind;
  cycle: number;
  priority: Priority;
  deadline: string;
  /** when the target was met after all, if it was by the end of the month */
  metAt: string | null;
  /** how late: from the deadline to the moment it was met, or to the end of the month if still not met */
  lateMs: number;
  /** the ticket's escalations from the deadline until the target was met (or the month ended) */
  escalations: Array<{ at: string; from: string; to: string; automatic: boolean }>;
}

export interface Distribution {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface MonthVolume {
  month: string;
  opened: number;
  resolved: number;
  backlog: number;
}

export interface TicketRow {
  ticketId: string;
  number: number;
  title: string;
  type: TicketType;
  priority: Priority;
  createdAt: string;
  statusAtMonthEnd: 'open' | 'resolved' | 'closed' | 'cancelled';
  /** `kind:id` of the plan or contract that measured the ticket, and its name */
  terms: string;
  termsName: string;
  firstResponse: UnitSummary | null;
  resolution: UnitSummary | null;
  nextUpdate: { met: number; breached: number };
  escalations: number;
}
export interface UnitSummary {
  outcome: 'met' | 'breached' | 'open';
  at: string | null;
  elapsedMs: number | null;
}

export interface ServiceReportFigures {
  month: string;
  timeZone: string;
  period: { start: string; end: string };
  terms: ServiceTerms[];
  compliance: ComplianceByTarget;
  byPriority: Record<Priority, ComplianceByTarget>;
  /** compliance under each plan or contract that measured a ticket this month */
  byTerms: Array<{ kind: 'plan' | 'contract'; id: string; name: string; compliance: ComplianceByTarget }>;
  breaches: Breach[];
  times: { firstResponse: Distribution; resolution: Distribution };
  volume: MonthVolume;
  /** the reported month and the months before it, oldest first */
  trend: MonthVolume[];
  escalations: { manual: number; automatic: number };
  defects: {
    confirmed: Array<{ number: number; title: string; at: string }>;
    fixScheduled: Array<{ number: number; title: string; version: string; plannedDate: string }>;
    released: Array<{ number: number; title: string; version: string; releasedOn: string }>;
  };
  changes: { submitted: number; approved: number; rejected: number; implemented: number };
  satisfaction: { ratings: number; average: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  tickets: TicketRow[];
}

interface Met {
  at: string;
  consumedMs: number | null;
  priority: Priority;
}
interface Unit {
  clock: TargetKind;
  cycle: number;
  breach: { at: string; deadline: string; priority: Priority } | null;
  /** the first time the target was met */
  met: Met | null;
  /** every time it was met, in order: a resolution is met again after a reopen */
  mets: Met[];
}

const inWindow = (at: string, w: { start: Date; end: Date }) => {
  const t = Date.parse(at);
  return t >= w.start.getTime() && t < w.end.getTime();
};
const emptyCompliance = (): Compliance => ({ met: 0, breached: 0, rate: null });
const emptyByTarget = (): ComplianceByTarget => ({ firstResponse: emptyCompliance(), nextUpdate: emptyCompliance(), resolution: emptyCompliance() });

/** How a compliance rate reads at a glance: every target met, nearly (from 90 %), or below. The PDF and the portal colour by it. */
export type ComplianceBand = 'full' | 'near' | 'below';
export const complianceBand = (rate: number): ComplianceBand => (rate >= 1 ? 'full' : rate >= 0.9 ? 'near' : 'below');

/** Nearest rank: the smallest value with at least `p` of the values at or below it. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
const distribution = (values: number[]): Distribution => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
};

/** The ticket's priority at an instant: its priority at creation, changed by every override since. */
function priorityAt(t: ReportTicket, at: string): Priority {
  let p: Priority = 'P4';
  for (const e of t.events) {
    if (Date.parse(e.at) > Date.parse(at)) break;
    if (e.type === 'ticket.created') p = e.data.priority;
    if (e.type === 'priority.changed') p = e.data.to;
  }
  return p;
}

const TERMINAL = new Set<TicketEvent['type']>(['ticket.resolved', 'ticket.closed', 'ticket.cancelled', 'ticket.merged', 'change.rejected']);
/** Where a ticket stood at an instant, from its timeline. */
function statusAt(t: ReportTicket, end: Date): TicketRow['statusAtMonthEnd'] | 'not-yet' {
  if (Date.parse(t.createdAt) >= end.getTime()) return 'not-yet';
  let s: TicketRow['statusAtMonthEnd'] = 'open';
  for (const e of t.events) {
    if (Date.parse(e.at) >= end.getTime()) break;
    if (e.type === 'ticket.reopened') s = 'open';
    else if (e.type === 'ticket.resolved') s = 'resolved';
    else if (e.type === 'ticket.cancelled') s = 'cancelled';
    else if (TERMINAL.has(e.type)) s = 'closed';
  }
  return s;
}

/**
 * Whether a timeline records every met target (`sla.met` for each clock and cycle): tickets created since the
 * workflow did say so on `ticket.created`. Older timelines recorded only first responses as met.
 */
export const recordsEveryMet = (t: Pick<ReportTicket, 'events'>): boolean => {
  const created = t.events.find((e) => e.type === 'ticket.created');
  if (created?.type === 'ticket.created' && created.data.slaMetEvents === true) return true;
  // A met next update or resolution is only ever recorded on such a timeline (some were written before the flag).
  return t.events.some((e) => e.type === 'sla.met' && e.data.clock !== 'firstResponse');
};

/**
 * Every measured target of a ticket with its outcome, from the SLA events of its timeline. On a timeline recorded
 * before every met target was on it, resolving (or scheduling a defect's fix) is where the resolution was met,
 * provided the ticket's terms timed it; next updates are not measured there, since their mets were never recorded
 * (counting their breaches alone would understate compliance), nor are change requests' resolutions (some were timed
 * then, some not, and resolving one never said which).
 */
export function targetUnits(t: ReportTicket): Unit[] {
  const units = new Map<string, Unit>();
  const unit = (clock: TargetKind, cycle: number) => {
    const key = `${clock}:${cycle}`;
    let u = units.get(key);
    if (!u) units.set(key, (u = { clock, cycle, breach: null, met: null, mets: [] }));
    return u;
  };
  const met = (u: Unit, m: Met) => {
    u.mets.push(m);
    u.met ??= m;
  };
  const complete = recordsEveryMet(t);
  const unmeasured = (clock: TargetKind) => !complete && (clock === 'nextUpdate' || (clock === 'resolution' && t.type === 'change_request'));
  const legacyResolution = !complete && t.type !== 'change_request';
  for (const e of t.events) {
    if (e.type === 'sla.breached') {
      if (unmeasured(e.data.clock)) continue;
      const u = unit(e.data.clock, e.data.cycle ?? 0);
      u.breach ??= { at: e.at, deadline: e.data.deadline, priority: e.data.priority ?? priorityAt(t, e.at) };
    } else if (e.type === 'sla.met') {
      if (unmeasured(e.data.clock)) continue;
      met(unit(e.data.clock, e.data.cycle ?? 0), { at: e.at, consumedMs: e.data.consumedMs, priority: priorityAt(t, e.at) });
    } else if (legacyResolution && (e.type === 'ticket.resolved' || (e.type === 'fix.scheduled' && t.type === 'defect'))) {
      const priority = priorityAt(t, e.at);
      if (!t.terms.targets[priority]?.resolution) continue;
      met(unit('resolution', 0), { at: e.at, consumedMs: e.type === 'ticket.resolved' ? (e.data.resolutionConsumedMs ?? null) : null, priority });
    }
  }
  return [...units.values()];
}

/** When a breached target was met after all: the first time it was met at or after its breach, if before `until`. */
function metAfterBreach(u: Unit, until: Date): Met | null {
  if (!u.breach) return null;
  const breachAt = Date.parse(u.breach.at);
  return u.mets.find((m) => Date.parse(m.at) >= breachAt && Date.parse(m.at) < until.getTime()) ?? null;
}

/** How a unit counts in the month: breached if its breach falls in it, met if it was first met in it before any breach. */
function outcomeIn(u: Unit, w: { start: Date; end: Date }): { outcome: 'met' | 'breached'; priority: Priority } | null {
  if (u.breach && inWindow(u.breach.at, w)) return { outcome: 'breached', priority: u.breach.priority };
  if (u.met && inWindow(u.met.at, w) && (!u.breach || Date.parse(u.breach.at) > Date.parse(u.met.at))) return { outcome: 'met', priority: u.met.priority };
  return null;
}

const count = (c: Compliance, outcome: 'met' | 'breached') => {
  c[outcome] += 1;
  c.rate = c.met / (c.met + c.breached);
};

const termsKey = (t: ReportTicket['terms']) => (t.contractId ? { kind: 'contract' as const, id: t.contractId, name: t.name } : { kind: 'plan' as const, id: t.planId, name: t.name });

function volumeOf(month: string, timeZone: string, tickets: ReportTicket[]): MonthVolume {
  const w = monthWindow(month, timeZone);
  let opened = 0;
  let resolved = 0;
  let backlog = 0;
  for (const t of tickets) {
    if (inWindow(t.createdAt, w)) opened++;
    if (t.events.some((e) => e.type === 'ticket.resolved' && inWindow(e.at, w))) resolved++;
    if (statusAt(t, w.end) === 'open') backlog++;
  }
  return { month, opened, resolved, backlog };
}

/** The report's figures for one customer and one month. */
export function computeServiceReport(input: { month: string; timeZone: string; terms: ServiceTerms[]; tickets: ReportTicket[] }): ServiceReportFigures {
  const { month, timeZone, tickets } = input;
  const w = monthWindow(month, timeZone);
  const compliance = emptyByTarget();
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, emptyByTarget()])) as Record<Priority, ComplianceByTarget>;
  const byTerms = new Map<string, ServiceReportFigures['byTerms'][number]>();
  const breaches: Breach[] = [];
  const firstResponseTimes: number[] = [];
  const resolutionTimes: number[] = [];
  const rows: TicketRow[] = [];
  const escalations = { manual: 0, automatic: 0 };
  const defects: ServiceReportFigures['defects'] = { confirmed: [], fixScheduled: [], released: [] };
  const changes = { submitted: 0, approved: 0, rejected: 0, implemented: 0 };
  const ratings: number[] = [];

  for (const t of tickets) {
    const status = statusAt(t, w.end);
    if (status === 'not-yet') continue;
    const monthEvents = t.events.filter((e) => inWindow(e.at, w));
    const ticketEscalations = t.events
      .filter((e) => (e.type === 'escalation.manual' || e.type === 'escalation.automatic') && Date.parse(e.at) < w.end.getTime())
      .map((e) => ({ at: e.at, from: (e.data as { from: string }).from, to: (e.data as { to: string }).to, automatic: e.type === 'escalation.automatic' }));
    for (const e of monthEvents) {
      if (e.type === 'escalation.manual') escalations.manual++;
      if (e.type === 'escalation.automatic') escalations.automatic++;
      if (e.type === 'defect.confirmed') defects.confirmed.push({ number: t.number, title: t.title, at: e.at });
      if (e.type === 'fix.scheduled') defects.fixScheduled.push({ number: t.number, title: t.title, version: e.data.releaseVersion, plannedDate: e.data.plannedDate });
      if (e.type === 'fix.released') defects.released.push({ number: t.number, title: t.title, version: e.data.releaseVersion, releasedOn: e.data.releasedOn });
      if (e.type === 'change.approved') changes.approved++;
      if (e.type === 'change.rejected') changes.rejected++;
      if (e.type === 'change.implemented') changes.implemented++;
    }
    if (t.satisfaction && inWindow(t.satisfaction.at, w)) ratings.push(t.satisfaction.rating);
    if (t.type === 'change_request' && inWindow(t.createdAt, w)) changes.submitted++;

    const key = termsKey(t.terms);
    const termsEntry = byTerms.get(`${key.kind}:${key.id}`) ?? { ...key, compliance: emptyByTarget() };
    const units = targetUnits(t);
    let counted = false;
    const summary = (clock: 'firstResponse' | 'resolution'): UnitSummary | null => {
      const u = units.find((x) => x.clock === clock && x.cycle === 0);
      if (!u) return null;
      const breachedByEnd = u.breach && Date.parse(u.breach.at) < w.end.getTime();
      const metByEnd = breachedByEnd ? metAfterBreach(u, w.end) : u.met && Date.parse(u.met.at) < w.end.getTime() ? u.met : null;
      return { outcome: breachedByEnd ? 'breached' : metByEnd ? 'met' : 'open', at: metByEnd?.at ?? null, elapsedMs: metByEnd?.consumedMs ?? null };
    };
    const nextUpdate = { met: 0, breached: 0 };
    for (const u of units) {
      const o = outcomeIn(u, w);
      if (u.met && inWindow(u.met.at, w) && u.met.consumedMs !== null) {
        if (u.clock === 'firstResponse') firstResponseTimes.push(u.met.consumedMs);
        if (u.clock === 'resolution' && u.cycle === 0) resolutionTimes.push(u.met.consumedMs);
      }
      if (!o) continue;
      counted = true;
      count(compliance[u.clock], o.outcome);
      count(byPriority[o.priority][u.clock], o.outcome);
      count(termsEntry.compliance[u.clock], o.outcome);
      if (u.clock === 'nextUpdate') nextUpdate[o.outcome]++;
      if (o.outcome === 'breached' && u.breach) {
        // A target met at the instant its breach was recorded (an action that arrived after the deadline) was met late;
        // one met before the breach and breached after a reopen was met late when it was met again.
        const metAt = metAfterBreach(u, w.end)?.at ?? null;
        const until = metAt ? Date.parse(metAt) : Math.max(w.end.getTime(), Date.parse(u.breach.at));
        const deadline = Date.parse(u.breach.deadline);
        breaches.push({
          ticketId: t.id,
          number: t.number,
          title: t.title,
          clock: u.clock,
          cycle: u.cycle,
          priority: o.priority,
          deadline: u.breach.deadline,
          metAt,
          lateMs: Math.max(0, until - deadline),
          escalations: ticketEscalations.filter((x) => Date.parse(x.at) >= deadline && Date.parse(x.at) <= until),
        });
      }
    }
    if (counted) byTerms.set(`${key.kind}:${key.id}`, termsEntry);

    const active = inWindow(t.createdAt, w) || monthEvents.length > 0 || status === 'open';
    if (active) {
      rows.push({
        ticketId: t.id,
        number: t.number,
        title: t.title,
        type: t.type,
        priority: priorityAt(t, new Date(w.end.getTime() - 1).toISOString()),
        createdAt: t.createdAt,
        statusAtMonthEnd: status,
        terms: `${key.kind}:${key.id}`,
        termsName: key.name,
        firstResponse: summary('firstResponse'),
        resolution: summary('resolution'),
        nextUpdate,
        escalations: ticketEscalations.filter((e) => inWindow(e.at, w)).length,
      });
    }
  }

  breaches.sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.number - b.number));
  rows.sort((a, b) => a.number - b.number);
  const trend = Array.from({ length: TREND_MONTHS }, (_, i) => volumeOf(addMonths(month, i - (TREND_MONTHS - 1)), timeZone, tickets));
  const dist = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as Record<'1' | '2' | '3' | '4' | '5', number>;
  for (const r of ratings) {
    const k = String(Math.min(5, Math.max(1, Math.round(r)))) as keyof typeof dist;
    dist[k] += 1;
  }
  return {
    month,
    timeZone,
    period: { start: w.start.toISOString(), end: w.end.toISOString() },
    terms: input.terms,
    compliance,
    byPriority,
    byTerms: [...byTerms.values()],
    breaches,
    times: { firstResponse: distribution(firstResponseTimes), resolution: distribution(resolutionTimes) },
    volume: trend.at(-1)!,
    trend,
    escalations,
    defects,
    changes,
    satisfaction: { ratings: ratings.length, average: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null, distribution: dist },
    tickets: rows,
  };
}


/** The file name a report downloads and is attached as, e.g. `service-report-zilinska-energetika-2026-03-r2.pdf`. */
export function reportFileName(r: { customerName: string; month: string; revision: number }, kind: 'pdf' | 'csv'): string {
  const slug =
    r.customerName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'customer';
  return `service-report-${slug}-${r.month}-r${r.revision}.${kind}`;
}
