/**
 * The manager's dashboard (SPEC §10) from the PostgreSQL projection, never from Temporal: open tickets by level,
 * priority and status; at-risk and breached lists; SLA compliance per plan and per customer over 30 days;
 * escalations today; customer satisfaction. Managers and admins see everything; a customer admin sees the same
 * figures for their own organisation (the SLA report of SPEC §8).
 */
import { Router } from 'express';
import { eventTypesCounted, type TicketEventType } from '../domain/ticket/events';
import { z } from 'zod';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import type { Principal } from '../domain/access';
import { formatTicketNumber, OPEN_STATUSES } from '../domain/tickets';
import { breachRecorded, selectTickets, ticketFromRow, type DashboardTicketFilters, type Ticket } from '../db/tickets';
import { complianceBand, type ComplianceBand } from '../domain/service-report';
import { toApiTicket } from './ticket-shape';
import { localDateTime, localToInstant } from '../domain/calendar';
import { DEFAULT_TIME_ZONE } from '../domain/calendars';
import { principal } from './auth';
import { forbidden } from './errors';
import { ianaTimeZone, parseInput } from './validation';

export const dashboardQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(30),
  timeZone: ianaTimeZone.optional(),
});

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z' })
    .optional()
    .describe(what);

/**
 * The filters of the lists behind the dashboard's figures (#14 point 6), spread into the ticket list's query schema
 * (GET /api/v1/tickets) and read by the desk list: one definition, so a figure and its list always count alike.
 */
export const dashboardListFilters = {
  planId: z.string().regex(/^[a-z0-9_-]{1,50}$/, 'must be a plan id, e.g. premium').optional().describe('Tickets whose SLA snapshot is of this plan (the plan in force at creation)'),
  createdFrom: instant('Tickets created at or after this instant'),
  createdBefore: instant('Tickets created before this instant'),
  resolvedFrom: instant('Tickets resolved at or after this instant'),
  resolvedBefore: instant('Tickets resolved before this instant'),
  breached: z.enum(['true', 'false']).optional().describe('true: tickets on which an SLA breach was ever recorded; false: tickets with none'),
  escalatedSince: instant('Tickets escalated at or after this instant'),
  escalation: z.enum(['automatic', 'manual']).optional().describe('Tickets with an escalation of this kind (since escalatedSince, if given)'),
  rating: z
    .string()
    .max(20)
    // The pattern is part of the documented schema, so a value it allows is one the list takes.
    .regex(/^[1-5](,[1-5])*$/, 'must be ratings from 1 to 5, separated by commas')
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(['1', '2', '3', '4', '5'])))
    .optional()
    .describe('Tickets the customer rated so (1 to 5)'),
  ratedFrom: instant('Tickets rated at or after this instant'),
};
export type DashboardListQuery = z.infer<z.ZodObject<typeof dashboardListFilters>>;

/**
 * Filters that select tickets by internal timeline events (breaches, escalations): staff only. A customer asking for
 * one gets 403, not a list that would tell them what their timeline does not show.
 */
export const STAFF_ONLY_LIST_FILTERS = ['breached', 'escalatedSince', 'escalation'] as const satisfies ReadonlyArray<keyof typeof dashboardListFilters>;
export const staffOnlyFilterIn = (q: DashboardListQuery): string | undefined => STAFF_ONLY_LIST_FILTERS.find((k) => q[k] !== undefined);

/** The parsed query's dashboard filters as the data layer takes them (undefined when none is given). */
export function dashboardFiltersOf(q: DashboardListQuery): DashboardTicketFilters | undefined {
  const at = (s: string | undefined) => (s === undefined ? undefined : new Date(s));
  const f: DashboardTicketFilters = {
    ...(q.planId && { planId: q.planId }),
    ...(q.createdFrom && { createdFrom: at(q.createdFrom) }),
    ...(q.createdBefore && { createdBefore: at(q.createdBefore) }),
    ...(q.resolvedFrom && { resolvedFrom: at(q.resolvedFrom) }),
    ...(q.resolvedBefore && { resolvedBefore: at(q.resolvedBefore) }),
    ...(q.breached && { breached: q.breached === 'true' }),
    ...(q.escalatedSince && { escalatedSince: at(q.escalatedSince) }),
    ...(q.escalation && { escalation: q.escalation }),
    ...(q.rating?.length && { rating: q.rating.map(Number) }),
    ...(q.ratedFrom && { ratedFrom: at(q.ratedFrom) }),
  };
  return Object.keys(f).length ? f : undefined;
}

/** The query string of a dashboard filter (for links from figures to their lists). */
export type DashboardLink = Partial<Record<keyof typeof dashboardListFilters, string>>;

/**
 * SLA compliance as a manager reads it (#14 point 6): the band colours a figure and names it. The bands are the
 * service report's (domain/service-report complianceBand), so the dashboard and the monthly report agree.
 */
export const COMPLIANCE_STATES = { full: 'onTarget', near: 'atRisk', below: 'belowTarget' } as const satisfies Record<ComplianceBand, string>;
export type ComplianceState = (typeof COMPLIANCE_STATES)[ComplianceBand];
export const complianceStateOf = (rate: number | null): { band: ComplianceBand | 'none'; state: ComplianceState | 'none' } =>
  rate === null ? { band: 'none', state: 'none' } : { band: complianceBand(rate), state: COMPLIANCE_STATES[complianceBand(rate)] };

/** Midnight of a local day in a zone, `back` days before today (computed here: PostgreSQL's zone list differs from the runtime's). */
function startOfDay(zone: string, back = 0, now = new Date()): Date {
  const l = localDateTime(now, zone);
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day - back));
  return localToInstant({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0 }, zone);
}

/** Whose figures a principal sees: null for everything, a customer id for one organisation, undefined for none. */
export function dashboardScope(p: Principal): string | null | undefined {
  return p.role === 'manager' || p.role === 'admin' ? null : p.role === 'customer_admin' ? p.customerId : undefined;
}

/** The days of the trend, oldest first: [from, before) in the viewer's zone, the last one today. */
const TREND_DAYS = 30;

/**
 * The most urgent clock of a listed ticket. Breached: how long ago its deadline passed (wall-clock, negative);
 * at risk: the working time it has left, as the ticket page's "Remaining" counts it.
 */
type LiveClock = { state: string; remainingMs: number | null; deadline: string | null };
function urgentClock(sla: Record<string, LiveClock>, state: 'breached' | 'warning', now: Date): { kind: string; remainingMs: number } | null {
  const clocks = Object.entries(sla)
    .filter(([, c]) => c.state === state)
    .map(([kind, c]) => ({ kind, remainingMs: state === 'breached' ? (c.deadline ? new Date(c.deadline).getTime() - now.getTime() : null) : c.remainingMs }))
    .filter((c): c is { kind: string; remainingMs: number } => c.remainingMs !== null);
  clocks.sort((a, b) => a.remainingMs - b.remainingMs);
  return clocks[0] ?? null;
}

/** The dashboard's figures (shared by the JSON route and the portal page). */
export async function computeDashboard(db: Db, scopeCustomer: string | null, q: { days: number }, zone: string) {
  const now = new Date();
  const scoped = <T extends Knex.QueryBuilder>(b: T, col = 't.customer_id'): T => (scopeCustomer ? (b.where(col, scopeCustomer) as T) : b);
  const tickets = () => scoped(db('tickets as t'));
  const since = new Date(now.getTime() - q.days * 86_400_000);
  const today = startOfDay(zone, 0, now);
  // Trend buckets: TREND_DAYS local midnights and tomorrow's, for width_bucket (1 = the oldest day).
  const bounds = Array.from({ length: TREND_DAYS + 1 }, (_, i) => startOfDay(zone, TREND_DAYS - 1 - i, now));

  const count = async (column: string) => {
    const rows = await tickets().whereIn('t.status', OPEN_STATUSES).groupBy(column).select(`${column} as key`, db.raw('count(*)::int as n'));
    return Object.fromEntries(rows.map((row: { key: string; n: number }) => [row.key, row.n]));
  };
  const listOf = async (state: 'at_risk' | 'breached') => {
    const rows: Array<Record<string, any>> = await scoped(selectTickets(db))
      .whereIn('t.status', OPEN_STATUSES)
      .where('t.sla_state', state)
      .join('customers as c', 'c.id', 't.customer_id')
      .leftJoin('users as u', 'u.id', 't.assignee_id')
      .orderBy([{ column: 't.resolution_due', order: 'asc', nulls: 'last' }, { column: 't.number' }])
      .limit(50)
      .select('c.name as customer_name', 'u.name as assignee_name');
    return rows.map((row) => ({ ticket: ticketFromRow(row), customer: row.customer_name as string, assignee: (row.assignee_name as string | null) ?? null }));
  };

  // Compliance: of the tickets created in the window, the share with no SLA breach recorded.
  const compliance = (groupExpr: string, label: string) =>
    tickets()
      .join('customers as c', 'c.id', 't.customer_id')
      .leftJoin('plans as p', 'p.id', db.raw(`t.sla_snapshot->>'planId'`))
      .where('t.created_at', '>=', since)
      .groupByRaw(groupExpr)
      .select(db.raw(`${groupExpr} as key`), db.raw(`min(${label}) as label`), db.raw('count(*)::int as tickets'), db.raw('(count(*) filter (where ?))::int as breached', [breachRecorded(db)]))
      .orderByRaw(`min(${label})`);
  const daily = (column: 'created_at' | 'resolved_at') =>
    tickets()
      .where(`t.${column}`, '>=', bounds[0]!)
      .where(`t.${column}`, '<', bounds[TREND_DAYS]!)
      .select(db.raw(`width_bucket(t.${column}, ?::timestamptz[]) as bucket`, [bounds.map((b) => b.toISOString())]), db.raw('count(*)::int as n'))
      .groupBy('bucket') as Promise<Array<{ bucket: number; n: number }>>;

  const [byLevel, byPriority, byStatus, bySla, atRisk, breached, perPlan, perCustomer, escalations, satisfaction, createdDaily, resolvedDaily] = await Promise.all([
    count('t.level'),
    count('t.priority'),
    count('t.status'),
    count('t.sla_state'),
    listOf('at_risk'),
    listOf('breached'),
    compliance(`t.sla_snapshot->>'planId'`, `coalesce(p.name, t.sla_snapshot->>'planId')`),
    compliance('t.customer_id', 'c.name'),
    // Tickets escalated today, by kind (a ticket escalated twice counts once: the figure is the list behind it).
    scoped(db('ticket_events as e').join('tickets as t', 't.id', 'e.ticket_id'))
      .whereIn('e.type', eventTypesCounted('escalation'))
      .where('e.at', '>=', today)
      .groupBy('e.type')
      .select('e.type', db.raw('count(distinct e.ticket_id)::int as n')),
    tickets().whereNotNull('t.satisfaction_rating').where('t.satisfaction_at', '>=', since).groupBy('t.satisfaction_rating').select('t.satisfaction_rating as rating', db.raw('count(*)::int as n')),
    daily('created_at'),
    daily('resolved_at'),
  ]);

  const asItem = ({ ticket: t, customer, assignee }: { ticket: Ticket; customer: string; assignee: string | null }, state: 'breached' | 'warning') => {
    const sla = toApiTicket(t, now).sla as Record<'firstResponse' | 'resolution', LiveClock>;
    const urgent = urgentClock(sla, state, now);
    return {
      id: t.id,
      number: formatTicketNumber(t.number),
      title: t.title,
      customer,
      customerId: t.customerId,
      assigneeId: t.assigneeId,
      assignee,
      priority: t.priority,
      level: t.level,
      status: t.status,
      firstResponseDue: sla.firstResponse.deadline,
      resolutionDue: sla.resolution.deadline,
      /** the clock that is furthest past (breached) or nearest to (at risk) its deadline */
      clock: urgent?.kind ?? null,
      /** negative: overdue by that much */
      remainingMs: urgent?.remainingMs ?? null,
    };
  };
  const rate = (row: { key: string; label: string; tickets: number; breached: number }) => {
    const compliance = row.tickets ? Math.round(((row.tickets - row.breached) / row.tickets) * 1000) / 1000 : null;
    return { id: row.key, name: row.label, tickets: row.tickets, breached: row.breached, compliance, ...complianceStateOf(compliance) };
  };
  const ratings = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [n, satisfaction.find((s: { rating: number }) => Number(s.rating) === n)?.n ?? 0]));
  const rated = Object.values(ratings).reduce((a, b) => a + b, 0);
  const esc = Object.fromEntries(escalations.map((row: { type: string; n: number }) => [row.type === ('escalation.automatic' satisfies TicketEventType) ? 'automatic' : 'manual', row.n]));
  const inBucket = (rows: Array<{ bucket: number; n: number }>, i: number) => rows.find((r) => Number(r.bucket) === i + 1)?.n ?? 0;

  return {
    scope: scopeCustomer ? { customerId: scopeCustomer } : { all: true },
    asOf: now.toISOString(),
    windowDays: q.days,
    /** the window's start: compliance and satisfaction count tickets created (rated) since */
    windowFrom: since.toISOString(),
    // bySla counts every open ticket by SLA state; the atRisk and breached lists show the first 50 of them.
    open: { total: Object.values(byStatus).reduce((a: number, b) => a + (b as number), 0), byLevel, byPriority, byStatus, bySla },
    atRisk: atRisk.map((x) => asItem(x, 'warning')),
    breached: breached.map((x) => asItem(x, 'breached')),
    compliance: { perPlan: perPlan.map(rate), perCustomer: perCustomer.map(rate) },
    // Escalations are internal timeline events: a customer admin's figures leave them out.
    escalationsToday: scopeCustomer ? null : { automatic: esc.automatic ?? 0, manual: esc.manual ?? 0, timeZone: zone, since: today.toISOString() },
    satisfaction: {
      rated,
      average: rated ? Math.round((Object.entries(ratings).reduce((s, [k, n]) => s + Number(k) * n, 0) / rated) * 100) / 100 : null,
      distribution: ratings,
    },
    /** Created and resolved tickets per local day, the last TREND_DAYS days (today last). */
    trend: Array.from({ length: TREND_DAYS }, (_, i) => ({ from: bounds[i]!.toISOString(), before: bounds[i + 1]!.toISOString(), created: inBucket(createdDaily, i), resolved: inBucket(resolvedDaily, i) })),
  };
}

export function createDashboardRouter(deps: { db: Db }): Router {
  const r = Router();
  r.get('/dashboard', async (req, res) => {
    const p = principal(res);
    const scopeCustomer = dashboardScope(p);
    if (scopeCustomer === undefined) throw forbidden('The dashboard is for managers, admins and customer admins');
    const q = parseInput(dashboardQuerySchema, req.query, 'query');
    res.json(await computeDashboard(deps.db, scopeCustomer, q, q.timeZone ?? p.timeZone ?? DEFAULT_TIME_ZONE));
  });
  return r;
}
