/**
 * The manager dashboard (SPEC §10): the figures of GET /api/v1/dashboard with charts drawn as server-side SVG; and
 * the customer admin's SLA report (SPEC §8), the same figures scoped to their organisation.
 */
import type { Router } from 'express';
import { listTickets } from '../../db/tickets';
import { computeDashboard, dashboardScope } from '../dashboard';
import { forbidden } from '../errors';
import { isStaff } from '../../domain/access';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { OPEN_STATUSES } from '../../domain/tickets';
import { barChart } from './charts';
import { formatInstant } from './i18n';
import { listStuckTickets, mayListStuckTickets } from '../stuck-tickets';
import type { PortalKit } from './kit';

export function mountDashboardPages(r: Router, kit: PortalKit): void {
  const { db, page, visitorOf, staffOnly, ticketView, zoneOf } = kit;
  r.get('/desk/dashboard', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    if (dashboardScope(p) !== null) throw forbidden();
    const figures = await computeDashboard(db, null, { days: 30 }, zoneOf(v));
    const { rows } = await listTickets(db, { kind: 'all' }, { status: OPEN_STATUSES }, { limit: 10 });
    const stuck = mayListStuckTickets(p) ? (await listStuckTickets(db)).map((s) => ({ ...s, since: formatInstant(s.since, v.lang, zoneOf(v)) })) : [];
    page(res, 'dashboard', 'dash.title', {
      figures,
      stuck,
      levelChart: barChart(SUPPORT_LEVELS.map((k) => ({ label: k, value: Number(figures.open.byLevel[k] ?? 0) }))),
      priorityChart: barChart(PRIORITIES.map((k) => ({ label: k, value: Number(figures.open.byPriority[k] ?? 0) }))),
      statusRows: OPEN_STATUSES.map((s) => ({ status: s, n: Number(figures.open.byStatus[s] ?? 0) })),
      compliance: figures.compliance.perCustomer.map((c) => ({ ...c, percent: percent(c.compliance) })),
      planCompliance: figures.compliance.perPlan.map((c) => ({ ...c, percent: percent(c.compliance) })),
      planChart: barChart(figures.compliance.perPlan.map((c) => ({ label: c.name, value: c.compliance === null ? 0 : c.compliance * 100, text: percent(c.compliance) ?? '—' })), 100),
      customerChart: barChart(figures.compliance.perCustomer.map((c) => ({ label: c.name, value: c.compliance === null ? 0 : c.compliance * 100, text: percent(c.compliance) ?? '—' })), 100),
      satisfactionChart: barChart([5, 4, 3, 2, 1].map((n) => ({ label: `${n} ★`, value: Number((figures.satisfaction.distribution as Record<string, number>)[n] ?? 0) }))),
      newest: rows.map((row) => ticketView(row, v)),
    });
  });

  // A customer admin's SLA report: only their organisation's tickets (the scope is applied in every query).
  r.get('/portal/sla-report', async (req, res) => {
    const p = kit.signedIn(req, res);
    const v = visitorOf(res);
    const scope = dashboardScope(p);
    if (isStaff(p) || !scope) throw forbidden();
    const figures = await computeDashboard(db, scope, { days: 30 }, zoneOf(v));
    page(res, 'sla-report', 'report.title', {
      figures,
      priorityChart: barChart(PRIORITIES.map((k) => ({ label: k, value: Number(figures.open.byPriority[k] ?? 0) }))),
      statusRows: OPEN_STATUSES.map((s) => ({ status: s, n: Number(figures.open.byStatus[s] ?? 0) })),
      compliance: figures.compliance.perCustomer.map((c) => ({ ...c, percent: percent(c.compliance) })),
      satisfactionChart: barChart([5, 4, 3, 2, 1].map((n) => ({ label: `${n} ★`, value: Number((figures.satisfaction.distribution as Record<string, number>)[n] ?? 0) }))),
    });
  });
}

const percent = (ratio: number | null): string | null => (ratio === null ? null : `${Math.round(ratio * 1000) / 10} %`);
