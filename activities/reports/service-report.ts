/**
 * The service report's side effects (SPEC §12.1): read the month's timelines, compute the figures, render the PDF
 * and the CSV, store them as the month's next revision, and queue the mail to the customer admins and the account
 * manager through the notification outbox (which attaches the PDF). Both are idempotent per request.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../db/connection';
import { findReportByRequest, findScheduledReport, getReport, getReportCustomer, loadReportInput, markReportEmailed, monthReviewed, nextRevision, reportRecipients, storeReport } from '../../db/service-reports';
import { computeServiceReport, MONTH } from '../../domain/service-report';
import { monthName } from '../../domain/languages';
import type { Logger } from '../ports';
import { renderServiceReportCsv, renderServiceReportPdf } from './index';

export const ReportFailure = { CustomerNotFound: 'CustomerNotFound', InvalidMonth: 'InvalidMonth', ReportNotFound: 'ReportNotFound' } as const;

export interface GenerateServiceReportArgs {
  customerId: string;
  month: string;
  trigger: 'schedule' | 'request';
  requestedBy: string | null;
  requestKey: string;
}

export type GeneratedReport = { reportId: string; month: string; revision: number } | { reportId: null; month: string; revision: null; skipped: 'not-reviewed' };

/**
 * Generates the month's report. A scheduled run reports a month only if the customer's service included the review
 * on some day of it (decided for that month, not for today), and only once: a second scheduled run of the same
 * month (the zone changed, so the 1st came twice) finds the first one's report.
 */
export async function generateServiceReport(deps: { db: Db; log: Logger }, args: GenerateServiceReportArgs): Promise<GeneratedReport> {
  const done = await findReportByRequest(deps.db, args.requestKey);
  if (done) return { reportId: done.id, month: done.month, revision: done.revision };
  if (!MONTH.test(args.month)) throw ApplicationFailure.nonRetryable(`month must be YYYY-MM, not ${JSON.stringify(args.month)}`, ReportFailure.InvalidMonth);
  const started = Date.now();
  const base = { customerId: args.customerId, month: args.month, requestKey: args.requestKey };
  const log = { info: (fields: Record<string, unknown>, message: string) => deps.log.info({ ...base, ...fields }, message) };
  if (args.trigger === 'schedule') {
    const reviewed = await monthReviewed(deps.db, args.customerId, args.month);
    if (reviewed === undefined) throw ApplicationFailure.nonRetryable(`customer ${args.customerId} does not exist`, ReportFailure.CustomerNotFound);
    if (!reviewed) {
      log.info({}, 'service report: the month is outside the customer\'s review, nothing generated');
      return { reportId: null, month: args.month, revision: null, skipped: 'not-reviewed' };
    }
    const scheduled = await findScheduledReport(deps.db, args.customerId, args.month);
    if (scheduled) {
      log.info({ reportId: scheduled.id }, 'service report: the month was reported by an earlier scheduled run');
      return { reportId: scheduled.id, month: scheduled.month, revision: scheduled.revision };
    }
  }
  log.info({}, 'service report: reading the timelines');
  const input = await loadReportInput(deps.db, args.customerId, args.month);
  if (!input) throw ApplicationFailure.nonRetryable(`customer ${args.customerId} does not exist`, ReportFailure.CustomerNotFound);
  const events = input.tickets.reduce((n, t) => n + t.events.length, 0);
  log.info({ tickets: input.tickets.length, events, ms: Date.now() - started }, 'service report: timelines read, computing the figures');
  const figures = computeServiceReport({ month: args.month, timeZone: input.customer.timeZone, terms: input.terms, tickets: input.tickets });
  const generatedAt = new Date().toISOString();
  // The revision printed in the PDF is the one stored: a concurrent generation of the same month makes storing fail
  // on the revision's uniqueness, and the retried activity renders again with the next number.
  const revision = await nextRevision(deps.db, args.customerId, args.month);
  const document = { figures, customer: { name: input.customer.name }, language: input.customer.language, generatedAt, revision };
  log.info({ breaches: figures.breaches.length, rows: figures.tickets.length, ms: Date.now() - started }, 'service report: figures computed, rendering the PDF and CSV');
  const [pdf, csv] = [await renderServiceReportPdf(document), renderServiceReportCsv(document)];
  const stored = await storeReport(deps.db, {
    requestKey: args.requestKey,
    customerId: args.customerId,
    month: args.month,
    revision,
    language: input.customer.language,
    timeZone: input.customer.timeZone,
    trigger: args.trigger,
    requestedBy: args.requestedBy,
    generatedAt,
    figures,
    pdf,
    csv,
  });
  log.info({ reportId: stored.id, revision: stored.revision, pdfBytes: pdf.length, csvBytes: Buffer.byteLength(csv), ms: Date.now() - started }, 'service report generated');
  return { reportId: stored.id, month: stored.month, revision: stored.revision };
}

/** Queues the report's mail, once per recipient and report however often it runs; the outbox attaches the PDF. */
export async function emailServiceReport(deps: { db: Db; log: Logger }, args: { reportId: string }): Promise<{ recipients: number }> {
  const report = await getReport(deps.db, args.reportId);
  if (!report) throw ApplicationFailure.nonRetryable(`service report ${args.reportId} does not exist`, ReportFailure.ReportNotFound);
  const customer = await getReportCustomer(deps.db, report.customerId);
  if (!customer) throw ApplicationFailure.nonRetryable(`customer ${report.customerId} does not exist`, ReportFailure.CustomerNotFound);
  const recipients = await reportRecipients(deps.db, customer);
  await deps.db.transaction(async (trx) => {
    for (const r of recipients) {
      const area = r.id === customer.accountManagerId ? 'desk' : 'portal';
      await trx('notifications')
        .insert({
          idempotency_key: `service-report:${report.id}:${r.id}`,
          ticket_id: null,
          recipient_id: r.id,
          recipient_email: r.email,
          template: 'service-report',
          language: r.language,
          payload: JSON.stringify({
            eventType: 'service-report.generated',
            at: report.generatedAt,
            data: { customerName: customer.name, monthName: monthName(report.month, r.language), revision: report.revision },
            links: { report: `/${area}/reports/${report.id}` },
            serviceReportId: report.id,
          }),
        })
        .onConflict('idempotency_key')
        .ignore();
    }
  });
  // A report with nobody to receive it (no customer admin, no account manager yet) is not marked as mailed.
  if (recipients.length) await markReportEmailed(deps.db, report.id);
  deps.log.info({ reportId: report.id, recipients: recipients.length }, 'service report queued for mail');
  return { recipients: recipients.length };
}
