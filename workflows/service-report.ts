/**
 * One run of the monthly SLA service report (SPEC §12.1): generate the report of one customer's month, store it, and
 * mail it to the customer admins and the account manager. Started by the customer's Temporal Schedule on the 1st at
 * 06:00 in the customer's zone, or on demand (API, `temporal schedule trigger`). A run reports the month before its
 * scheduled time, so a run that starts late (catch-up after an outage, a backfill) still reports the right month.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { monthBefore } from '../domain/service-report';
import type { ServiceReportResult, ServiceReportWorkflowInput } from './definitions';

const { generateServiceReport, emailServiceReport } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  // A customer deleted since, or a month that cannot be reported, fails at once (non-retryable); an outage is waited out.
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2, maximumAttempts: 50 },
});

/** When the schedule meant this run to start: the `TemporalScheduledStartTime` it sets, else the run's start. */
function scheduledAt(): Date {
  const info = workflowInfo();
  const nominal = info.searchAttributes?.TemporalScheduledStartTime;
  const first = Array.isArray(nominal) ? nominal[0] : undefined;
  const at = first instanceof Date ? first : typeof first === 'string' ? new Date(first) : null;
  return at && !Number.isNaN(at.getTime()) ? at : info.startTime;
}

export async function serviceReportWorkflow(input: ServiceReportWorkflowInput): Promise<ServiceReportResult> {
  const month = input.month ?? monthBefore(scheduledAt(), input.timeZone);
  // One run makes one report however often its activity is retried: the run's id is the request's key.
  const requestKey = `${workflowInfo().workflowId}/${workflowInfo().runId}`;
  const report = await generateServiceReport({ customerId: input.customerId, month, trigger: input.trigger, requestedBy: input.requestedBy ?? null, requestKey });
  // A scheduled run of a month the customer's service did not include ends here: no report, no mail.
  if (report.reportId === null) return { ...report, emailedTo: 0 };
  const emailedTo = input.email || input.trigger === 'schedule' ? (await emailServiceReport({ reportId: report.reportId })).recipients : 0;
  return { ...report, emailedTo };
}
