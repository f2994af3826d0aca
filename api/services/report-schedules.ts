/**
 * One Temporal Schedule per customer whose service includes the monthly report (SPEC §12.1): on the 1st at 06:00 in
 * the customer's zone it starts the report workflow. The schedules follow the data: `syncServiceReportSchedules`
 * creates the missing ones, moves those whose zone changed and deletes those of customers whose plan or contract no
 * longer includes the review. It is idempotent, so every worker may run it (at start and every few minutes: a
 * contract that starts next month switches the review on by itself) and an admin change runs it at once.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { customersWithReview } from '../../db/service-reports';
import { localDateTime } from '../../domain/calendar';
import { SERVICE_REPORT_WORKFLOW, serviceReportScheduleId, type ServiceReportWorkflowInput } from '../../workflows/definitions';
import type { Logger } from '../ports';

/** The 1st of every month at 06:00, local time. */
export const SERVICE_REPORT_CALENDAR = { dayOfMonth: 1, hour: 6, minute: 0 } as const;

export interface ReportScheduleDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
}

export function serviceReportSchedule(customer: { id: string; timeZone: string }, taskQueue: string): ScheduleOptions {
  const input: ServiceReportWorkflowInput = { customerId: customer.id, timeZone: customer.timeZone, trigger: 'schedule', email: true };
  return {
    scheduleId: serviceReportScheduleId(customer.id),
    spec: { calendars: [SERVICE_REPORT_CALENDAR], timezone: customer.timeZone },
    action: { type: 'startWorkflow', workflowType: SERVICE_REPORT_WORKFLOW, taskQueue, workflowId: serviceReportScheduleId(customer.id), args: [input] },
    // A run missed during an outage still happens when the server is back (within a week); two never overlap.
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '7 days' },
    memo: { customerId: customer.id },
  };
}

const zoneOf = (description: { spec: { timezone?: string } }) => description.spec.timezone ?? 'UTC';

/** Brings the schedules in line with who has the review today; returns what it changed. */
export async function syncServiceReportSchedules(deps: ReportScheduleDeps, opts: { customerId?: string; now?: Date } = {}): Promise<{ created: number; updated: number; deleted: number }> {
  const now = opts.now ?? new Date();
  const result = { created: 0, updated: 0, deleted: 0 };
  const customers = (await customersWithReview(deps.db, (c) => isoDay(now, c.timeZone))).filter((c) => !opts.customerId || c.id === opts.customerId);
  for (const c of customers) {
    const handle = deps.temporal.schedule.getHandle(serviceReportScheduleId(c.id));
    let current: Awaited<ReturnType<typeof handle.describe>> | null = null;
    try {
      current = await handle.describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    if (!c.included) {
      if (current) {
        await handle.delete();
        result.deleted++;
      }
      continue;
    }
    const wanted = serviceReportSchedule(c, deps.taskQueue);
    if (!current) {
      try {
        await deps.temporal.schedule.create(wanted);
        result.created++;
      } catch (err) {
        // Another worker created it a moment ago: that is the same schedule.
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      }
    } else if (zoneOf(current) !== c.timeZone || (current.action as { taskQueue?: string }).taskQueue !== deps.taskQueue) {
      await handle.update((prev) => ({ ...prev, spec: wanted.spec, action: wanted.action }));
      result.updated++;
    }
  }
  if (result.created || result.updated || result.deleted) deps.log.info({ ...result }, 'service report schedules synchronised');
  return result;
}

const isoDay = (at: Date, timeZone: string): string => {
  const l = localDateTime(at, timeZone);
  return `${String(l.year).padStart(4, '0')}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
};
