/**
 * The manager dashboard (SPEC §10): the figures of GET /api/v1/dashboard with charts drawn as server-side SVG; and
 * the customer admin's SLA report (SPEC §8), the same figures scoped to their organisation.
 */
import type { Router } from 'express';
import { listTickets } from '../../db/tickets';
import { computeDashboard, dashboardScope, type DashboardLink } from '../dashboard';
import { LOCALE_TAGS } from '../../domain/languages';
import { forbidden } from '../errors';
import { isStaff } from '../../domain/access';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { OPEN_STATUSES } from '../../domain/tickets';
import { barChart, dailyTrendChart } from './charts';
import { formatDuration, formatInstant, loadMessages, translate } from './i18n';

const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };
import { listStuckTickets, mayListStuckTickets } from '../stuck-tickets';
import type { PortalKit } from './kit';

/** The desk list behind a figure: every level (a manager's view), with the figure's filters (api/dashboard's). */
export function deskListHref(params: DashboardLink & Record<string, string | undefined>): string {
  const q = new URLSearchParams({ level: 'all' });
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `/desk?${q.toString()}`;
}

export function mountDashboardPages(r: Router, kit: PortalKit): void {
  const { db, page, visitorOf, staffOnly, ticketView, zoneOf } = kit;
  r.get('/desk/dashboard', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    if (dashboardScope(p) !== null) throw forbidden();
    const zone = zoneOf(v);
    const msgs = MESSAGES[v.lang];
    const t_ = (key: string) => translate(msgs, key);
    const figures = await computeDashboard(db, null, { days: 30 }, zone);
    const { rows } = await listTickets(db, { kind: 'all' }, { status: OPEN_STATUSES }, { limit: 10 });
    const stuck = mayListStuckTickets(p) ? (await listStuckTickets(db)).map((s) => ({ ...s, since: formatInstant(s.since, v.lang, zone) })) : [];
    const windowFrom = figures.windowFrom;
    const stateText = (c: { state: string }) => t_(`dash.state.${c.state}`);
    const complianceRows = (list: typeof figures.compliance.perPlan, filter: (id: string) => DashboardLink & Record<string, string>) =>
      list.map((c) => ({
        ...c,
        percent: percent(c.compliance),
        stateText: stateText(c),
        ticketsHref: deskListHref({ status: 'all', createdFrom: windowFrom, ...filter(c.id) }),
        breachedHref: deskListHref({ status: 'all', createdFrom: windowFrom, breached: 'true', ...filter(c.id) }),
      }));
    const planCompliance = complianceRows(figures.compliance.perPlan, (id) => ({ planId: id }));
    const compliance = complianceRows(figures.compliance.perCustomer, (id) => ({ customer: id }));
    const complianceChart = (list: typeof planCompliance) =>
      barChart(
        list.map((c) => ({ key: c.id, label: c.name, value: c.compliance === null ? null : c.compliance * 100, text: c.percent ? `${c.percent} · ${c.stateText}` : '—', tone: `tone-${c.band}` })),
        100,
        { track: true },
      );
    const dayLabel = new Intl.DateTimeFormat(LOCALE_TAGS[v.lang], { timeZone: zone, day: 'numeric', month: 'short' });
    const trend = figures.trend.map((d) => ({
      ...d,
      label: dayLabel.format(new Date(d.from)),
      createdHref: deskListHref({ status: 'all', createdFrom: d.from, createdBefore: d.before }),
      resolvedHref: deskListHref({ status: 'all', resolvedFrom: d.from, resolvedBefore: d.before }),
    }));
    const totals = trend.reduce((a, d) => ({ created: a.created + d.created, resolved: a.resolved + d.resolved }), { created: 0, resolved: 0 });
    const listed = (items: typeof figures.breached) =>
      items.map((x) => ({ ...x, due: formatDuration(x.remainingMs === null ? null : Math.abs(x.remainingMs)), clockText: x.clock ? t_(`clock.${x.clock}`) : null }));
    const more = (shown: number, n: number) => (n > shown ? t_('dash.listedFirst').replace('{shown}', String(shown)).replace('{n}', String(n)) : null);
    const esc = figures.escalationsToday;
    page(res, 'dashboard', 'dash.title', {
      figures,
      stuck,
      openHref: deskListHref({}),
      escalations: esc && {
        automatic: esc.automatic,
        manual: esc.manual,
        automaticHref: deskListHref({ status: 'all', escalatedSince: esc.since, escalation: 'automatic' }),
        manualHref: deskListHref({ status: 'all', escalatedSince: esc.since, escalation: 'manual' }),
      },
      levelRows: SUPPORT_LEVELS.map((k) => ({ label: k, n: Number(figures.open.byLevel[k] ?? 0), href: `/desk?level=${k}` })),
      priorityRows: PRIORITIES.map((k) => ({ label: k, n: Number(figures.open.byPriority[k] ?? 0), href: deskListHref({ priority: k }) })),
      levelChart: barChart(SUPPORT_LEVELS.map((k) => ({ label: k, value: Number(figures.open.byLevel[k] ?? 0) }))),
      priorityChart: barChart(PRIORITIES.map((k) => ({ label: k, value: Number(figures.open.byPriority[k] ?? 0) }))),
      statusRows: OPEN_STATUSES.map((s) => ({ status: s, n: Number(figures.open.byStatus[s] ?? 0), href: deskListHref({ status: s }) })),
      breached: listed(figures.breached),
      atRisk: listed(figures.atRisk),
      // The figures count every open ticket in the state; the lists show the first ones, and say so.
      breachedCount: Number(figures.open.bySla.breached ?? 0),
      atRiskCount: Number(figures.open.bySla.at_risk ?? 0),
      breachedMore: more(figures.breached.length, Number(figures.open.bySla.breached ?? 0)),
      atRiskMore: more(figures.atRisk.length, Number(figures.open.bySla.at_risk ?? 0)),
      breachedHref: deskListHref({ sla: 'breached' }),
      atRiskHref: deskListHref({ sla: 'at_risk' }),
      compliance,
      planCompliance,
      planChart: complianceChart(planCompliance),
      customerChart: complianceChart(compliance),
      trend,
      trendTotals: totals,
      trendChart: dailyTrendChart(trend, {
        title: t_('dash.trend'),
        desc: `${t_('dash.trendCreated')}: ${totals.created}, ${t_('dash.trendResolved')}: ${totals.resolved} (${trend[0]?.label ?? ''} – ${trend[trend.length - 1]?.label ?? ''})`,
        created: t_('dash.trendCreated'),
        resolved: t_('dash.trendResolved'),
        point: (d) => `${d.label}: ${t_('dash.trendCreated')} ${d.created}, ${t_('dash.trendResolved')} ${d.resolved}`,
      }),
      satisfactionRows: [5, 4, 3, 2, 1].map((n) => ({ label: `${n} ★`, n: Number((figures.satisfaction.distribution as Record<string, number>)[n] ?? 0), href: deskListHref({ status: 'all', rating: String(n), ratedFrom: windowFrom }) })),
      ratedHref: deskListHref({ status: 'all', rating: '1,2,3,4,5', ratedFrom: windowFrom }),
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
