/** Monthly SLA service reports (SPEC §12.1): what a report is computed from, and the reports generated. */
import { randomUUID } from 'node:crypto';
import type { Db } from './connection';
import { getContracts, getPlan } from './reference';
import { OPEN_STATUSES, type TicketType } from '../domain/tickets';
import { isTicketEventType, type TicketEvent } from '../domain/ticket/events';
import { addMonths, monthWindow, reviewIncludedInMonth, termsInForce, TREND_MONTHS, type ReportTicket, type ServiceReportFigures, type ServiceTerms } from '../domain/service-report';
import { localDay } from '../domain/calendar';
import { isLanguage, DEFAULT_LANGUAGE, type Language } from '../domain/languages';

export interface ReportCustomer {
  id: string;
  name: string;
  planId: string;
  language: Language;
  timeZone: string;
  accountManagerId: string | null;
}

export interface ReportInput {
  customer: ReportCustomer;
  month: string;
  terms: ServiceTerms[];
  tickets: ReportTicket[];
}

const customerFromRow = (r: Record<string, any>): ReportCustomer => ({
  id: r.id,
  name: r.name,
  planId: r.plan_id,
  language: isLanguage(r.language) ? r.language : DEFAULT_LANGUAGE,
  timeZone: r.time_zone,
  accountManagerId: r.account_manager_id ?? null,
});

export async function getReportCustomer(db: Db, id: string): Promise<ReportCustomer | undefined> {
  const r = await db('customers').where({ id }).first();
  return r ? customerFromRow(r) : undefined;
}

/**
 * Every customer, and whether it needs its review schedule at `now`: its service includes the review in the current
 * month (in its zone), whose report the next run makes, or in the previous one, whose run may still be due (late,
 * or caught up after an outage). The run itself decides for the month it reports. `included` is null when it cannot
 * be decided (a zone this runtime does not know).
 */
export async function customersWithReview(db: Db, now: Date): Promise<Array<ReportCustomer & { included: boolean | null }>> {
  const [customers, plans, contracts] = await Promise.all([db('customers').orderBy('id'), db('plans').select('id', 'service_report'), db('contracts')]);
  const planIncludes = new Map(plans.map((p: Record<string, any>) => [p.id as string, Boolean(p.service_report)]));
  return customers.map((r: Record<string, any>) => {
    const c = customerFromRow(r);
    const own = contracts
      .filter((k: Record<string, any>) => k.customer_id === c.id)
      .map((k: Record<string, any>) => ({ validFrom: day(k.valid_from), validTo: k.valid_to ? day(k.valid_to) : null, serviceReport: k.service_report ?? null }));
    const plan = { serviceReport: planIncludes.get(c.planId) ?? false };
    try {
      const current = localDay(now, c.timeZone).slice(0, 7);
      return { ...c, included: [current, addMonths(current, -1)].some((m) => reviewIncludedInMonth(m, plan, own)) };
    } catch {
      // A zone this runtime does not know: undecided (the sync reports it and leaves its schedule as it is).
      return { ...c, included: null };
    }
  });
}

const day = (d: Date | string): string => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

/** Whether the customer's service included the review in a month (undefined: no such customer). */
export async function monthReviewed(db: Db, customerId: string, month: string): Promise<boolean | undefined> {
  const customer = await getReportCustomer(db, customerId);
  if (!customer) return undefined;
  const plan = await db('plans').where({ id: customer.planId }).first('service_report');
  return reviewIncludedInMonth(month, { serviceReport: Boolean(plan?.service_report) }, await getContracts(db, customerId));
}

/** The report a scheduled run made of a month, if one did. */
export async function findScheduledReport(db: Db, customerId: string, month: string): Promise<ServiceReportRecord | undefined> {
  const r = await selectReports(db).where({ 'r.customer_id': customerId, 'r.month': month, 'r.trigger': 'schedule' }).orderBy('r.revision').first();
  return r ? reportFromRow(r) : undefined;
}

/**
 * Everything one month's report is computed from: the terms in force, and every ticket that could count in the
 * month or in the backlog trend before it, with its events up to the end of the month. A ticket that ended before
 * the trend began (and was not touched since) cannot count, so it is not read.
 */
export async function loadReportInput(db: Db, customerId: string, month: string): Promise<ReportInput | undefined> {
  const customer = await getReportCustomer(db, customerId);
  if (!customer) return undefined;
  const plan = await getPlan(db, customer.planId);
  const contracts = await getContracts(db, customerId);
  const { end } = monthWindow(month, customer.timeZone);
  const trendStart = monthWindow(addMonths(month, -(TREND_MONTHS - 1)), customer.timeZone).start;
  const rows: Array<Record<string, any>> = await db('tickets')
    .where({ customer_id: customerId })
    .andWhere('created_at', '<', end)
    .andWhere((q) => q.whereIn('status', [...OPEN_STATUSES]).orWhere('updated_at', '>=', trendStart).orWhere('satisfaction_at', '>=', trendStart))
    .orderBy('number')
    .select('id', 'number', 'title', 'type', 'created_at', 'sla_snapshot', 'satisfaction_rating', 'satisfaction_at');
  const events = new Map<string, TicketEvent[]>();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const evs: Array<Record<string, any>> = await db('ticket_events')
      .whereIn('ticket_id', chunk)
      .andWhere('at', '<', end)
      .orderBy(['ticket_id', 'seq'])
      .select('ticket_id', 'seq', 'type', 'at', 'actor_id', 'actor_kind', 'visibility', 'data');
    for (const e of evs) {
      if (!isTicketEventType(e.type)) continue;
      const list = events.get(e.ticket_id) ?? [];
      list.push({ seq: e.seq, type: e.type, at: new Date(e.at).toISOString(), actor: { id: e.actor_id, kind: e.actor_kind }, visibility: e.visibility, data: e.data } as TicketEvent);
      events.set(e.ticket_id, list);
    }
  }
  // A ticket is named with the plan or contract that measured it, even one no longer in force (or deleted since).
  const planIds = [...new Set(rows.map((r) => r.sla_snapshot.planId as string))];
  const planNames = new Map<string, string>((await db('plans').whereIn('id', planIds).select('id', 'name')).map((p: Record<string, any>) => [p.id, p.name]));
  const contractNames = new Map(contracts.map((c) => [c.id, c.name]));
  const termsName = (planId: string, contractId: string | null) => (contractId ? (contractNames.get(contractId) ?? contractId) : (planNames.get(planId) ?? planId));
  const tickets: ReportTicket[] = rows.map((r) => {
    const contractId: string | null = r.sla_snapshot.contractId ?? null;
    return {
      id: r.id,
      number: Number(r.number),
      title: r.title,
      type: r.type as TicketType,
      createdAt: new Date(r.created_at).toISOString(),
      terms: { planId: r.sla_snapshot.planId, contractId, name: termsName(r.sla_snapshot.planId, contractId), targets: r.sla_snapshot.targets },
      events: events.get(r.id) ?? [],
      satisfaction: r.satisfaction_rating !== null && r.satisfaction_at ? { rating: Number(r.satisfaction_rating), at: new Date(r.satisfaction_at).toISOString() } : null,
    };
  });
  const terms = termsInForce(month, { id: customer.planId, name: plan?.name ?? customer.planId }, contracts);
  return { customer, month, terms, tickets };
}

export interface ServiceReportRecord {
  id: string;
  customerId: string;
  customerName: string;
  month: string;
  revision: number;
  language: Language;
  timeZone: string;
  trigger: 'schedule' | 'request';
  requestedBy: string | null;
  generatedAt: string;
  emailedAt: string | null;
  pdfBytes: number;
  figures: ServiceReportFigures;
}

const COLUMNS = ['r.id', 'r.customer_id', 'c.name as customer_name', 'r.month', 'r.revision', 'r.language', 'r.time_zone', 'r.trigger', 'r.requested_by', 'r.generated_at', 'r.emailed_at', 'r.figures'];
const reportFromRow = (r: Record<string, any>): ServiceReportRecord => ({
  id: r.id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  month: r.month,
  revision: r.revision,
  language: r.language,
  timeZone: r.time_zone,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  generatedAt: new Date(r.generated_at).toISOString(),
  emailedAt: r.emailed_at ? new Date(r.emailed_at).toISOString() : null,
  pdfBytes: Number(r.pdf_bytes),
  figures: r.figures,
});
const selectReports = (db: Db) => db('service_reports as r').join('customers as c', 'c.id', 'r.customer_id').select([...COLUMNS, db.raw('octet_length(r.pdf) as pdf_bytes')]);

/** The report one generation request made, if it made one already (a retried activity finds it here). */
export async function findReportByRequest(db: Db, requestKey: string): Promise<ServiceReportRecord | undefined> {
  const r = await selectReports(db).where('r.request_key', requestKey).first();
  return r ? reportFromRow(r) : undefined;
}

/** The revision the month's next report gets. */
export async function nextRevision(db: Db, customerId: string, month: string): Promise<number> {
  const last = await db('service_reports').where({ customer_id: customerId, month }).max('revision as n').first();
  return Number(last?.n ?? 0) + 1;
}

export interface NewServiceReport {
  requestKey: string;
  customerId: string;
  month: string;
  revision: number;
  language: Language;
  timeZone: string;
  trigger: 'schedule' | 'request';
  requestedBy: string | null;
  generatedAt: string;
  figures: ServiceReportFigures;
  pdf: Buffer;
  csv: string;
}

/**
 * Stores a report; the same request stored twice is the same report. Two requests that took the same revision at
 * once: the second fails on the revision's uniqueness (and its caller retries with the next one).
 */
export async function storeReport(db: Db, report: NewServiceReport): Promise<ServiceReportRecord> {
  const id = await db.transaction(async (trx) => {
    const existing = await trx('service_reports').where({ request_key: report.requestKey }).first('id');
    if (existing) return existing.id as string;
    const newId = randomUUID();
    await trx('service_reports').insert({
      id: newId,
      customer_id: report.customerId,
      month: report.month,
      revision: report.revision,
      language: report.language,
      time_zone: report.timeZone,
      trigger: report.trigger,
      requested_by: report.requestedBy,
      request_key: report.requestKey,
      figures: JSON.stringify(report.figures),
      pdf: report.pdf,
      csv: report.csv,
      generated_at: report.generatedAt,
    });
    return newId;
  });
  return (await getReport(db, id))!;
}

export async function getReport(db: Db, id: string, customerId?: string): Promise<ServiceReportRecord | undefined> {
  const q = selectReports(db).where('r.id', id);
  if (customerId) q.andWhere('r.customer_id', customerId);
  const r = await q.first();
  return r ? reportFromRow(r) : undefined;
}

/** Reports newest month first, then newest revision; of one customer or of all (staff). Figures are left out. */
export async function listReports(
  db: Db,
  filter: { customerId?: string; month?: string },
  page: { limit: number; offset: number },
): Promise<{ rows: Array<Omit<ServiceReportRecord, 'figures'>>; total: number }> {
  const base = db('service_reports as r');
  if (filter.customerId) base.where('r.customer_id', filter.customerId);
  if (filter.month) base.where('r.month', filter.month);
  const [{ n }] = await base.clone().count('* as n');
  const rows = await base
    .join('customers as c', 'c.id', 'r.customer_id')
    .orderBy([{ column: 'r.month', order: 'desc' }, { column: 'c.name' }, { column: 'r.revision', order: 'desc' }])
    .limit(page.limit)
    .offset(page.offset)
    .select([...COLUMNS.filter((c) => c !== 'r.figures'), db.raw('octet_length(r.pdf) as pdf_bytes')]);
  return { rows: rows.map((r: Record<string, any>) => { const { figures: _f, ...rest } = reportFromRow({ ...r, figures: null }); return rest; }), total: Number(n) };
}

export async function reportFile(db: Db, id: string, kind: 'pdf' | 'csv'): Promise<Buffer | string | undefined> {
  const r = await db('service_reports').where({ id }).first(kind);
  return r ? r[kind] : undefined;
}

export async function markReportEmailed(db: Db, id: string): Promise<void> {
  await db('service_reports').where({ id }).whereNull('emailed_at').update({ emailed_at: db.fn.now() });
}

/** Who receives a customer's report by mail: its customer admins, and its named account manager. */
export async function reportRecipients(db: Db, customer: ReportCustomer): Promise<Array<{ id: string; email: string; language: Language }>> {
  const q = db('users')
    .whereNull('disabled_at')
    .andWhere((w) => {
      w.where({ customer_id: customer.id, role: 'customer_admin' });
      if (customer.accountManagerId) w.orWhere({ id: customer.accountManagerId });
    })
    .orderBy('email')
    .select('id', 'email', 'language');
  return (await q).map((u: Record<string, any>) => ({ id: u.id, email: u.email, language: isLanguage(u.language) ? u.language : DEFAULT_LANGUAGE }));
}
