/**
 * Monthly SLA service reports (SPEC §12.1): staff see and request every customer's; a customer admin those of their
 * own organisation (another organisation's is "not found"); other customer users none (403). A request runs the
 * report workflow (the same one the customer's schedule starts) and answers with the stored report.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { create as contentDisposition } from 'content-disposition';
import type { Db } from '../db/connection';
import { getReport, getReportCustomer, listReports, reportFile, type ServiceReportRecord } from '../db/service-reports';
import { isStaff, type Principal } from '../domain/access';
import { latestReportableMonth, MONTH, reportFileName } from '../domain/service-report';
import { SERVICE_REPORT_WORKFLOW, type ServiceReportResult, type ServiceReportWorkflowInput } from '../workflows/definitions';
import { principal } from './auth';
import { forbidden, notFound, ProblemError, unavailable } from './errors';
import { idempotentCreate } from './idempotency';
import { parseInput } from './validation';

const month = z.string().regex(MONTH, 'must be a month as YYYY-MM');
/** A month a report can be asked for: from 2000 on (in the schema, so the document says it). */
const reportMonth = month.regex(/^2\d{3}-/, 'must be 2000-01 or later');
const uuid = z.string().uuid('must be a UUID');
export const newReportSchema = z.strictObject({
  customerId: uuid,
  month: reportMonth,
  email: z.boolean().optional().describe('also mail the PDF to the customer admins and the account manager (default false; staff only)'),
});
export const listReportsQuery = z.strictObject({
  customerId: uuid.optional(),
  month: month.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,6}$/, 'is not a cursor returned by this API').optional(),
});
export const reportIdParam = z.strictObject({ id: uuid });
/** How long a request waits for its report before it answers 503 (the run goes on and lists the report). */
const REQUEST_WAIT_MS = 90_000;

export interface ReportDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

/** Who may see and request reports, and of which customer: staff all, a customer admin their own. */
function reportScope(actor: Principal): { customerId: string | null } {
  if (isStaff(actor)) return { customerId: null };
  if (actor.role === 'customer_admin' && actor.customerId) return { customerId: actor.customerId };
  throw forbidden('Only staff and customer admins see service reports');
}

export type ReportSummary = Omit<ServiceReportRecord, 'figures'> & { pdfUrl: string; csvUrl: string };
const summaryOf = (r: Omit<ServiceReportRecord, 'figures'>): ReportSummary => {
  const { figures: _omit, ...rest } = r as ServiceReportRecord;
  return { ...rest, pdfUrl: `/api/v1/reports/${r.id}/pdf`, csvUrl: `/api/v1/reports/${r.id}/csv` };
};

export async function listReportsFor(db: Db, actor: Principal, q: z.infer<typeof listReportsQuery>): Promise<{ items: ReportSummary[]; nextCursor: string | null }> {
  const scope = reportScope(actor);
  if (scope.customerId && q.customerId && q.customerId !== scope.customerId) throw notFound('Customer');
  const customerId = scope.customerId ?? q.customerId;
  if (customerId && !scope.customerId && !(await getReportCustomer(db, customerId))) throw notFound('Customer');
  const from = q.cursor ? Number(q.cursor) : 0;
  const { rows, total } = await listReports(db, { customerId, month: q.month }, { limit: q.limit, offset: from });
  return { items: rows.map(summaryOf), nextCursor: from + rows.length < total ? String(from + rows.length) : null };
}

export async function getReportFor(db: Db, actor: Principal, id: string): Promise<ServiceReportRecord & { pdfUrl: string; csvUrl: string }> {
  const scope = reportScope(actor);
  const report = await getReport(db, id, scope.customerId ?? undefined);
  if (!report) throw notFound('Report');
  return { ...report, pdfUrl: `/api/v1/reports/${id}/pdf`, csvUrl: `/api/v1/reports/${id}/csv` };
}

/** Generates a customer's report of a completed month (a new revision if the month has one already). */
export async function requestReport(deps: ReportDeps, actor: Principal, body: z.infer<typeof newReportSchema>): Promise<ServiceReportRecord> {
  const scope = reportScope(actor);
  if (scope.customerId && body.customerId !== scope.customerId) throw notFound('Customer');
  const customer = await getReportCustomer(deps.db, body.customerId);
  if (!customer) throw notFound('Customer');
  // Mailing on request is for staff: a customer admin reads and downloads the report, and has it mailed on the 1st.
  if (body.email && !isStaff(actor)) {
    throw new ProblemError(403, 'forbidden', 'Forbidden', 'body.email: only staff may mail a report on request; the scheduled report is mailed on the 1st', {
      errors: [{ field: 'body.email', message: 'only staff may mail a report on request' }],
    });
  }
  const latest = latestReportableMonth(new Date(), customer.timeZone);
  // A well-formed month that is not over yet: the request is understood but cannot be met (422), naming the field.
  if (body.month > latest) {
    const errors = [{ field: 'body.month', message: `must be a completed month: ${latest} or earlier` }];
    throw new ProblemError(422, 'month-not-over', 'The month is not over', `body.month: ${errors[0]!.message}`, { errors, latestMonth: latest });
  }
  const input: ServiceReportWorkflowInput = { customerId: customer.id, month: body.month, timeZone: customer.timeZone, trigger: 'request', requestedBy: actor.id, email: body.email ?? false };
  let result: ServiceReportResult;
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await deps.temporal.workflow.start(SERVICE_REPORT_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId: `service-report-request-${randomUUID()}`,
      args: [input],
      workflowExecutionTimeout: '10 minutes',
    });
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the report is still being generated; it will be listed when it is done')), REQUEST_WAIT_MS);
    });
    result = await Promise.race([handle.result() as Promise<ServiceReportResult>, late]);
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? (err.cause?.cause ?? err.cause) : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'CustomerNotFound') throw notFound('Customer');
    throw unavailable(`The report could not be generated now: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    clearTimeout(timer);
  }
  // A requested run always makes a report; only a scheduled one can find its month outside the review.
  if (result.reportId === null) throw unavailable('The report could not be generated now');
  return (await getReport(deps.db, result.reportId))!;
}

/** A report's PDF or CSV as a download, for whoever may see the report (the API and the portal's session pages). */
export async function sendReportFile(db: Db, actor: Principal, id: string, kind: 'pdf' | 'csv', res: Response): Promise<void> {
  const report = await getReportFor(db, actor, id);
  const bytes = await reportFile(db, id, kind);
  if (bytes === undefined) throw notFound('Report');
  res.setHeader('Content-Type', kind === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', contentDisposition(reportFileName(report, kind)));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private');
  res.status(200).send(bytes);
}

export function createReportsRouter(deps: ReportDeps): Router {
  const { db } = deps;
  const r = Router();

  r.get('/reports', async (req, res) => {
    const actor = principal(res);
    res.json(await listReportsFor(db, actor, parseInput(listReportsQuery, req.query, 'query')));
  });

  r.post('/reports', idempotentCreate(db), async (req, res) => {
    const actor = principal(res);
    reportScope(actor); // 403 before the body is read
    const report = await requestReport(deps, actor, parseInput(newReportSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/reports/${report.id}`).json({ ...report, pdfUrl: `/api/v1/reports/${report.id}/pdf`, csvUrl: `/api/v1/reports/${report.id}/csv` });
  });

  r.get('/reports/:id', async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(reportIdParam, req.params, 'params');
    res.json(await getReportFor(db, actor, id));
  });

  for (const kind of ['pdf', 'csv'] as const) {
    r.get(`/reports/:id/${kind}`, async (req, res) => {
      const actor = principal(res);
      const { id } = parseInput(reportIdParam, req.params, 'params');
      await sendReportFile(db, actor, id, kind, res);
    });
  }
  return r;
}
