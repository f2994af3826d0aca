/**
 * Monthly SLA service reports in the portal (issue #16, SPEC §12.1): the list, the report as a page, its PDF and CSV,
 * and a form to generate one. Customer admins use /portal/reports (their organisation's), staff /desk/reports (every
 * customer's). Who may see and request what is decided by api/reports.ts alone: its refusals (403, 404, 422) become
 * the error page or a message on the form field. Figures are written with the report's own formatting helpers, in
 * the visitor's language and the customer's time zone, so the page reads like the PDF.
 */
import type { Request, Response, Router } from 'express';
import { getReportCustomer, type ServiceReportRecord } from '../../db/service-reports';
import { isStaff, type Principal } from '../../domain/access';
import type { Language } from '../../domain/languages';
import { PRIORITIES, TARGET_KINDS } from '../../domain/plans';
import { complianceBand, latestReportableMonth, type Compliance, type ServiceReportFigures } from '../../domain/service-report';
import { formatTicketNumber } from '../../domain/tickets';
import { oneLine, reportText, type ReportText } from '../../activities/reports/text';
import { getReportFor, listReportsFor, listReportsQuery, newReportSchema, reportIdParam, requestReport, sendReportFile } from '../reports';
import { ProblemError, notFound } from '../errors';
import { auditedForm, doneNote, doneRedirect } from './admin-forms';
import { barChart, trendChart } from './charts';
import { loadMessages, translate } from './i18n';
import type { PortalKit } from './kit';

const PAGE_SIZE = 20;
const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };
const say = (lang: Language, key: string, vars: Record<string, string> = {}) => translate(MESSAGES[lang], key).replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);

/** The two doors to the same reports: the customer's portal and the staff desk. */
type Side = 'portal' | 'desk';
const SIDES: Side[] = ['portal', 'desk'];

/** The generate form as typed, and what is wrong with it (texts in the visitor's language). */
interface GenerateForm {
  values: { month: string; customerId: string; email: boolean };
  errors: { month?: string; customerId?: string };
  problem: string | null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function mountReportPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, signedIn, staffOnly, checkCsrf, formBody, zoneOf } = kit;
  const reportDeps = { db, temporal: deps.temporal, taskQueue: deps.taskQueue };
  const audited = auditedForm(kit);

  /** The visitor on this side, or null when staff opened a portal address (they are sent to the desk's). */
  const visitorOn = (side: Side, req: Request, res: Response): Principal | null => {
    if (side === 'desk') return staffOnly(req, res);
    const p = signedIn(req, res);
    return isStaff(p) ? null : p;
  };
  const toDesk = (req: Request, res: Response) => res.redirect(303, req.originalUrl.replace(/^\/portal\//, '/desk/'));

  /** The last completed month in the customer's zone (a customer admin's), or the visitor's (staff pick a customer). */
  const latestMonth = async (p: Principal, zone: string): Promise<string> => {
    const own = !isStaff(p) && p.customerId ? await getReportCustomer(db, p.customerId) : undefined;
    return latestReportableMonth(new Date(), own?.timeZone ?? zone);
  };

  const texts = new Map<string, ReportText>();
  const textFor = (lang: Language, zone: string): ReportText => {
    const key = `${lang}:${zone}`;
    if (!texts.has(key)) texts.set(key, reportText(lang, zone));
    return texts.get(key)!;
  };

  const listPage = async (side: Side, req: Request, res: Response, p: Principal, gen: GenerateForm | null, status = 200) => {
    const v = visitorOf(res);
    // A filter or cursor the API's query would refuse is dropped, not an error: the list opens unfiltered.
    const accepted = (field: 'customerId' | 'cursor', value: unknown) => (typeof value === 'string' && value !== '' && listReportsQuery.safeParse({ [field]: value }).success ? { [field]: value } : {});
    const filter = side === 'desk' ? accepted('customerId', req.query.customer) : {};
    const cursor = accepted('cursor', req.query.cursor);
    const list = await listReportsFor(db, p, listReportsQuery.parse({ limit: PAGE_SIZE, ...filter, ...cursor }));
    const latest = await latestMonth(p, zoneOf(v));
    const customers = side === 'desk' ? ((await db('customers').orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>) : [];
    const customerId = (filter as { customerId?: string }).customerId ?? '';
    const base = `/${side}/reports`;
    const query = (extra: Record<string, string>) => {
      const q = new URLSearchParams({ ...(customerId ? { customer: customerId } : {}), ...extra }).toString();
      return q ? `${base}?${q}` : base;
    };
    page(
      res,
      'service-reports',
      'reports.title',
      {
        side,
        base,
        staff: side === 'desk',
        done: doneNote(req.query.done, ['reportGenerated']),
        reports: list.items.map((item) => {
          const text = textFor(v.lang, item.timeZone);
          return {
            id: item.id,
            customerName: item.customerName,
            month: text.month(item.month),
            revision: item.revision,
            generatedAt: text.longInstant(item.generatedAt),
            timeZone: item.timeZone,
            trigger: `reports.trigger.${item.trigger}`,
            href: `${base}/${item.id}`,
          };
        }),
        customers: customers.map((c) => ({ ...c, selected: c.id === customerId })),
        filtered: customerId !== '',
        firstPage: cursor.cursor ? query({}) : null,
        nextPage: list.nextCursor ? query({ cursor: list.nextCursor }) : null,
        paging: Boolean(cursor.cursor || list.nextCursor),
        gen: gen ?? { values: { month: latest, customerId, email: false }, errors: {}, problem: null },
        latest,
      },
      status,
    );
  };

  for (const side of SIDES) {
    const base = `/${side}/reports`;

    r.get(base, async (req, res) => {
      const p = visitorOn(side, req, res);
      if (!p) return toDesk(req, res);
      await listPage(side, req, res, p, null);
    });

    r.post(base, form, audited, async (req, res) => {
      const p = visitorOn(side, req, res);
      if (!p) return toDesk(req, res);
      checkCsrf(req, res);
      const lang = visitorOf(res).lang;
      const body = formBody(req);
      const gen: GenerateForm = { values: { month: str(body.month).trim(), customerId: str(body.customerId), email: body.email === 'yes' }, errors: {}, problem: null };
      // A customer admin asks for their own organisation's report; whether they may is requestReport's to say.
      const input = { customerId: side === 'desk' ? gen.values.customerId : (p.customerId ?? ''), month: gen.values.month, ...(side === 'desk' && gen.values.email ? { email: true } : {}) };
      const parsed = newReportSchema.safeParse(input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          if (issue.path[0] === 'month') gen.errors.month = say(lang, gen.values.month ? 'reports.err.monthFormat' : 'reports.err.monthEmpty');
          if (issue.path[0] === 'customerId') gen.errors.customerId = say(lang, 'reports.err.customer');
        }
        return listPage(side, req, res, p, gen, 400);
      }
      try {
        const report = await requestReport(reportDeps, p, parsed.data);
        doneRedirect(res, `${base}/${report.id}`, 'reportGenerated');
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        if (err.status === 422 && err.type === 'month-not-over') {
          // The last completed month in the customer's zone, as the refusal names it.
          const latest = typeof err.extra.latestMonth === 'string' ? err.extra.latestMonth : await latestMonth(p, zoneOf(visitorOf(res)));
          gen.errors.month = say(lang, 'reports.err.month', { latest: reportText(lang, zoneOf(visitorOf(res))).month(latest) });
        } else if (err.status === 404 && side === 'desk') gen.errors.customerId = say(lang, 'reports.err.customer');
        else if (err.status === 503) gen.problem = say(lang, 'reports.err.unavailable');
        else throw err;
        await listPage(side, req, res, p, gen, err.status);
      }
    });

    r.get(`${base}/:id`, async (req, res) => {
      const p = visitorOn(side, req, res);
      if (!p) return toDesk(req, res);
      const report = await getReportFor(db, p, reportId(req.params.id));
      const v = visitorOf(res);
      page(res, 'service-report', 'reports.page.title', { ...reportView(report, textFor(v.lang, report.timeZone), side), done: doneNote(req.query.done, ['reportGenerated']), listHref: base });
    });

    for (const kind of ['pdf', 'csv'] as const) {
      r.get(`${base}/:id/${kind}`, async (req, res) => {
        const p = visitorOn(side, req, res);
        if (!p) return toDesk(req, res);
        await sendReportFile(db, p, reportId(req.params.id), kind, res);
      });
    }
  }
}

/** An id in the path that is no report id names no report. */
function reportId(raw: unknown): string {
  const parsed = reportIdParam.safeParse({ id: raw });
  if (!parsed.success) throw notFound('Report');
  return parsed.data.id;
}

/** The class a compliance figure is coloured by: its band, or `none` when nothing was measured. */
const bandOf = (c: Compliance): string => (c.rate === null ? 'none' : complianceBand(c.rate));

/** Everything the report page shows, written out. */
function reportView(report: ServiceReportRecord, text: ReportText, side: Side) {
  const f: ServiceReportFigures = report.figures;
  const { t } = text;
  const base = `/${side}/reports/${report.id}`;
  const ticket = (n: number) => ({ number: formatTicketNumber(n), href: `/${side}/tickets/${formatTicketNumber(n)}` });
  const targets = TARGET_KINDS.map((k) => {
    const c = f.compliance[k];
    return { kind: k, label: t(`serviceReport.target.${k}`), met: c.met, breached: c.breached, percent: text.percent(c), band: bandOf(c) };
  });
  const matrix = (c: Record<(typeof TARGET_KINDS)[number], Compliance>) => TARGET_KINDS.map((k) => ({ text: text.percentOf(c[k]), band: bandOf(c[k]) }));
  const termsKind = (k: 'plan' | 'contract') => t(k === 'plan' ? 'serviceReport.terms.plan' : 'serviceReport.terms.contract');
  const distribution = (['5', '4', '3', '2', '1'] as const).map((k) => ({ score: k, n: f.satisfaction.distribution[k] }));
  return {
    report: {
      id: report.id,
      customerName: report.customerName,
      month: text.month(report.month),
      period: text.localDays(f.period.start, f.period.end),
      timeZone: report.timeZone,
      revision: report.revision,
      generatedAt: text.longInstant(report.generatedAt),
      trigger: `reports.trigger.${report.trigger}`,
      emailedAt: report.emailedAt ? text.longInstant(report.emailedAt) : null,
      pdfHref: `${base}/pdf`,
      csvHref: `${base}/csv`,
    },
    terms: f.terms.map((x) => ({ kind: termsKind(x.kind), name: x.name, from: text.day(x.from), to: text.day(x.to) })),
    targets,
    targetLabels: targets.map((x) => x.label),
    complianceChart: barChart(
      TARGET_KINDS.map((k, i) => {
        const { rate } = f.compliance[k];
        return { label: targets[i]!.label, value: rate === null ? null : rate * 100, text: targets[i]!.percent, tone: `tone-${targets[i]!.band}` };
      }),
      100,
      { track: true },
    ).svg,
    byPriority: PRIORITIES.map((p) => ({ label: p, cells: matrix(f.byPriority[p]) })),
    byTerms: f.byTerms.map((x) => ({ label: `${x.name ?? x.id} (${termsKind(x.kind)})`, cells: matrix(x.compliance) })),
    breaches: f.breaches.map((b) => ({
      ...ticket(b.number),
      title: oneLine(b.title),
      target: t(`serviceReport.target.${b.clock}`),
      priority: b.priority,
      deadline: text.instant(b.deadline),
      metAt: b.metAt ? text.instant(b.metAt) : t('serviceReport.breaches.notMet'),
      late: text.late(b.lateMs),
      escalations: b.escalations.map((e) => ({ at: text.instant(e.at), from: e.from, to: e.to, how: t(e.automatic ? 'serviceReport.escalation.automatic' : 'serviceReport.escalation.manual') })),
    })),
    times: (['firstResponse', 'resolution'] as const).map((k) => ({
      label: t(`serviceReport.target.${k}`),
      count: text.integer(f.times[k].count),
      median: text.clockTime(f.times[k].medianMs),
      p90: text.clockTime(f.times[k].p90Ms),
    })),
    volume: f.volume,
    trend: f.trend.map((m) => ({ month: text.month(m.month), opened: m.opened, resolved: m.resolved, backlog: m.backlog })),
    trendTitle: t('serviceReport.trend.title', { months: f.trend.length }),
    trendChart: trendChart(
      f.trend.map((m) => ({ label: text.monthShort(m.month), sub: m.month.slice(0, 4), opened: m.opened, resolved: m.resolved, backlog: m.backlog })),
      { opened: t('serviceReport.volume.opened'), resolved: t('serviceReport.volume.resolved'), backlog: t('serviceReport.volume.backlog') },
    ),
    escalations: f.escalations,
    defects: {
      confirmed: f.defects.confirmed.map((d) => ({ ...ticket(d.number), title: oneLine(d.title), date: text.day(d.at) })),
      fixScheduled: f.defects.fixScheduled.map((d) => ({ ...ticket(d.number), title: oneLine(d.title), version: d.version, date: text.day(d.plannedDate) })),
      released: f.defects.released.map((d) => ({ ...ticket(d.number), title: oneLine(d.title), version: d.version, date: text.day(d.releasedOn) })),
    },
    hasDefects: f.defects.confirmed.length + f.defects.fixScheduled.length + f.defects.released.length > 0,
    changes: f.changes,
    satisfaction: { ratings: f.satisfaction.ratings, average: text.decimal(f.satisfaction.average), distribution },
    satisfactionChart: barChart(distribution.map((d) => ({ label: `${d.score} ★`, value: d.n }))).svg,
  };
}
