/**
 * Keeps the customers' service report schedules in line with their plans and contracts (SPEC §12.1): at start and
 * every REPORT_SCHEDULE_SYNC_MS, so a contract that begins or ends on a date switches the review on or off by itself.
 */
import { startPolling, type Polling } from '../../activities/polling';
import { syncServiceReportSchedules, type ReportScheduleDeps } from '../../api/services/report-schedules';

export function startReportScheduleSync(deps: ReportScheduleDeps, everyMs: number): Polling {
  return startPolling({
    everyMs,
    firstDelayMs: 0,
    work: async () => {
      await syncServiceReportSchedules(deps);
    },
    onError: (err) => deps.log.warn({ err: err.message }, 'service report schedules could not be synchronised; trying again later'),
  });
}
