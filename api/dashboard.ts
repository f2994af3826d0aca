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
import { localDateTime, localToInstant } from '../domain/calendar';
import { DEFAULT_TIME_ZONE } from '../domain/calendars';
import { principal } from './auth';
import { forbidden } from './errors';
import { ianaTimeZone, parseInput } from './validation';

export const dashboardQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(30),
  timeZone: ianaTimeZone.optional(),
});

/** Midnight today in a zone, computed here (PostgreSQL's zone list differs from the runtime's). */
function startOfToday(zone: string): Date {
  const l = localDateTime(new Date(), zone);
  return localToInstant({ year: l.year, month: l.month, day: l.day, hour: 0 }, zone);
}

/** Whose figures a principal sees: null for everything, a customer id for one organisation, undefined for none. */
export function dashboardScope(p: Principal): string | null | undefined {
  return p.role === 'manager' || p.role === 'admin' ? null : p.role === 'customer_admin' ? p.customerId : undefined;
}

/** The dashboard's figures (shared by the JSON route and the portal page). */
export async function computeDashboard(db: Db, scopeCustomer: string | null, q: { days: number }, zone: string) {
  const scoped = <T extends Knex.QueryBuilder>(b: T, col = 't.customer_id'): T => (scopeCustomer ? (b.where(col, scopeCustomer) as T) : b);
  const tickets = () => scoped(db('tickets as t'));
  const since = db.raw(`now() - (? * interval '1 day')`, [q.days]);

  const count = async (column: string) => {
    const rows = await tickets().whereIn('t.status', OPEN_STATUSES).groupBy(column).select(`${column} as key`, db.raw('count(*)::int as n'));
    return Object.fromEntries(rows.map((row: { key: string; n: number }) => [row.key, row.n]));
  };
  const listOf = (state: string) =>
    tickets()
      .whereIn('t.status', OPEN_STATUSES)
      .where('t.sla_state', state)
      .join('customers as c', 'c.id', 't.customer_id')
      .orderBy([{ column: 't.resolution_due', order: 'asc', nulls: 'last' }, { column: 't.number' }])
      .limit(50)
      .select('t.id', 't.number', 't.title', 't.priority', 't.level', 't.status', 't.first_response_due', 't.resolution_due', 'c.name as customer_name');

  // Compliance: of the tickets created in the window, the share with no SLA breach recorded.
  const compliance = (groupExpr: string, label: string) =>
    tickets()
      .join('customers as c', 'c.id', 't.customer_id')
      .where('t.created_at', '>=', since)
      .groupByRaw(groupExpr)
      .select(
        db.raw(`${groupExpr} as key`),
        db.raw(`min(${label}) as label`),
        db.raw('count(*)::int as tickets'),
        db.raw(`count(*) filter (where exists (select 1 from ticket_events e where e.ticket_id = t.id and e.type = any(?)))::int as breached`, [eventTypesCounted('breach')]),
      )
      .orderByRaw(`min(${label})`);

  const [byLevel, byPriority, byStatus, atRisk, breached, perPlan, perCustomer, escalations, satisfaction] = await Promise.all([
    count('t.level'),
    count('t.priority'),
    count('t.status'),
    listOf('at_risk'),
    listOf('breached'),
    compliance(`t.sla_snapshot->>'planId'`, `t.sla_snapshot->>'planId'`),
    compliance('t.customer_id', 'c.name'),
    scoped(db('ticket_events as e').join('tickets as t', 't.id', 'e.ticket_id'))
      .whereIn('e.type', eventTypesCounted('escalation'))
      .where('e.at', '>=', startOfToday(zone))
      .groupBy('e.type')
      .select('e.type', db.raw('count(*)::int as n')),
    tickets().whereNotNull('t.satisfaction_rating').where('t.satisfaction_at', '>=', since).groupBy('t.satisfaction_rating').select('t.satisfaction_rating as rating', db.raw('count(*)::int as n')),
  ]);

  const asItem = (row: Record<string, any>) => ({
    id: row.id,
    number: formatTicketNumber(Number(row.number)),
    title: row.title,
    customer: row.customer_name,
    priority: row.priority,
    level: row.level,
    status: row.status,
    firstResponseDue: row.first_response_due ? new Date(row.first_response_due).toISOString() : null,
    resolutionDue: row.resolution_due ? new Date(row.resolution_due).toISOString() : null,
  });
  const rate = (row: { key: string; label: string; tickets: number; breached: number }) => ({
    id: row.key,
    name: row.label,
    tickets: row.tickets,
    breached: row.breached,
    compliance: row.tickets ? Math.round(((row.tickets - row.breached) / row.tickets) * 1000) / 1000 : null,
  });
  const ratings = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [n, satisfaction.find((s: { rating: number }) => Number(s.rating) === n)?.n ?? 0]));
  const rated = Object.values(ratings).reduce((a, b) => a + b, 0);
  const esc = Object.fromEntries(escalations.map((row: { type: string; n: number }) => [row.type === ('escalation.automatic' satisfies TicketEventType) ? 'automatic' : 'manual', row.n]));

  return {
    scope: scopeCustomer ? { customerId: scopeCustomer } : { all: true },
    asOf: new Date().toISOString(),
    windowDays: q.days,
    open: { total: Object.values(byStatus).reduce((a: number, b) => a + (b as number), 0), byLevel, byPriority, byStatus },
    atRisk: atRisk.map(asItem),
    breached: breached.map(asItem),
    compliance: { perPlan: perPlan.map(rate), perCustomer: perCustomer.map(rate) },
    // Escalations are internal timeline events: a customer admin's figures leave them out.
    escalationsToday: scopeCustomer ? null : { automatic: esc.automatic ?? 0, manual: esc.manual ?? 0, timeZone: zone },
    satisfaction: {
      rated,
      average: rated ? Math.round((Object.entries(ratings).reduce((s, [k, n]) => s + Number(k) * n, 0) / rated) * 100) / 100 : null,
      distribution: ratings,
    },
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
