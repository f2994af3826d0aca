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

const SCHEDULE_PREFIX = serviceReportScheduleId('');

export interface ScheduleSyncResult {
  created: number;
  updated: number;
  deleted: number;
  /** customers whose schedule could not be brought in line this time (logged; the next sync tries again) */
  failed: number;
}

/** Deletes a schedule; one already gone (another worker deleted it) is deleted. */
async function deleteSchedule(handle: ReturnType<Client['schedule']['getHandle']>): Promise<boolean> {
  try {
    await handle.delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/**
 * Brings the schedules in line with the customers whose service includes the review this month or last month;
 * deletes the review schedules of customers that no longer exist. A customer that fails is logged and skipped, so one
 * bad zone or a passing error never keeps the others' schedules from being synchronised.
 */
export async function syncServiceReportSchedules(deps: ReportScheduleDeps, opts: { customerId?: string; now?: Date } = {}): Promise<ScheduleSyncResult> {
  const now = opts.now ?? new Date();
  const result: ScheduleSyncResult = { created: 0, updated: 0, deleted: 0, failed: 0 };
  const everyone = await customersWithReview(deps.db, now);
  const customers: Array<{ id: string; timeZone: string; included: boolean | null }> = everyone.filter((c) => !opts.customerId || c.id === opts.customerId);
  // A customer deleted a moment ago keeps no schedule.
  if (opts.customerId && customers.length === 0) customers.push({ id: opts.customerId, timeZone: 'UTC', included: false });
  for (const c of customers) {
    try {
      await syncCustomer(deps, c, result);
    } catch (err) {
      result.failed++;
      deps.log.warn({ customerId: c.id, err: (err as Error).message }, 'service report schedule not synchronised');
    }
  }
  if (!opts.customerId) {
    const known = new Set(everyone.map((c) => c.id));
    for await (const s of deps.temporal.schedule.list()) {
      const customerId = s.scheduleId.slice(SCHEDULE_PREFIX.length);
      if (!s.scheduleId.startsWith(SCHEDULE_PREFIX) || known.has(customerId)) continue;
      try {
        // Only this deployment's own schedules (its task queue): another one may share the namespace with its own
        // customers. And only if the customer is still absent (one created since the list was read keeps its own).
        const handle = deps.temporal.schedule.getHandle(s.scheduleId);
        const description = await handle.describe();
        if ((description.action as { taskQueue?: string }).taskQueue !== deps.taskQueue) continue;
        if (await deps.db('customers').where({ id: customerId }).first('id')) continue;
        if (await deleteSchedule(handle)) result.deleted++;
      } catch (err) {
        result.failed++;
        deps.log.warn({ scheduleId: s.scheduleId, err: (err as Error).message }, 'service report schedule of a deleted customer not removed');
      }
    }
  }
  if (result.created || result.updated || result.deleted || result.failed) deps.log.info({ ...result }, 'service report schedules synchronised');
  return result;
}

async function syncCustomer(deps: ReportScheduleDeps, c: { id: string; timeZone: string; included: boolean | null }, result: ScheduleSyncResult): Promise<void> {
  if (c.included === null) throw new Error(`the time zone ${JSON.stringify(c.timeZone)} is not known here`);
  const handle = deps.temporal.schedule.getHandle(serviceReportScheduleId(c.id));
  let current: Awaited<ReturnType<typeof handle.describe>> | null = null;
  try {
    current = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  if (!c.included) {
    if (current && (await deleteSchedule(handle))) result.deleted++;
    return;
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
    const zoneChanged = zoneOf(current) !== c.timeZone;
    await handle.update((prev) => ({ ...prev, spec: wanted.spec, action: wanted.action }));
    result.updated++;
    // A zone moved east can skip a 1st (its 06:00 passed in the new zone, not yet in the old one): run once now. The
    // run reports the month before now in the new zone, and a month the schedule reported already is not reported
    // or mailed again, so this never doubles one.
    if (zoneChanged) await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
  }
}
