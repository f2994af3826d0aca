/** `npm run worker`: the stateless worker process (production entry point; scale horizontally). */
import { createDb } from '../db/connection';
import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { Client } from '@temporalio/client';
import { startMailServices } from './lib/mail-services';
import { startReportScheduleSync } from './lib/report-schedules';
import { startSender } from './lib/sender';
import { openAttachmentStorage, startStagedSweeper } from './lib/attachments';
import { createTicketWorker, installWorkerRuntime } from './temporal';

async function main(): Promise<void> {
  const cfg = loadConfigOrExit();
  const log = createLogger(cfg.LOG_LEVEL, 'worker');
  installWorkerRuntime(`0.0.0.0:${cfg.WORKER_METRICS_PORT}`, log);
  const db = createDb(cfg.DATABASE_URL, cfg.DATABASE_POOL_MAX);
  const attachments = await openAttachmentStorage(cfg, log);
  const { worker, connection } = await createTicketWorker({ cfg, deps: { db, log }, attachments });
  log.info({ taskQueue: cfg.TEMPORAL_TASK_QUEUE, metrics: `:${cfg.WORKER_METRICS_PORT}/metrics` }, 'worker running');
  const sender = startSender(cfg, db, log);
  const sweeper = startStagedSweeper(db, attachments, cfg.ATTACHMENT_STAGED_TTL_MS, log);
  const mail = await startMailServices(cfg, db, connection, log);
  const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const schedules = startReportScheduleSync({ db, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, log: log.child({ component: 'service-reports' }) }, cfg.REPORT_SCHEDULE_SYNC_MS);
  // The SDK runtime turns SIGINT/SIGTERM into a graceful shutdown: run() resolves once in-flight tasks drained.
  await worker.run();
  await schedules.stop();
  await mail.stop();
  await sender?.stop();
  sweeper.stop();
  attachments.close();
  await connection.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err: Error) => {
  console.error(`worker: ${err.message}`);
  process.exit(1);
});
