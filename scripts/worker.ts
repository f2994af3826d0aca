/** `npm run worker`: the stateless worker process (production entry point; scale horizontally). */
import { Client } from '@temporalio/client';
import { createImapPoller, redactImapUrl } from '../activities/mail/imap-poller';
import { receiveRawMessage, startMailSweep } from '../activities/mail/receive';
import { createDb } from '../db/connection';
import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { startInboundSmtp } from './lib/inbound-smtp';
import { startSender } from './lib/sender';
import { createTicketWorker, installWorkerRuntime } from './temporal';

async function main(): Promise<void> {
  const cfg = loadConfigOrExit();
  const log = createLogger(cfg.LOG_LEVEL, 'worker');
  installWorkerRuntime(`0.0.0.0:${cfg.WORKER_METRICS_PORT}`, log);
  const db = createDb(cfg.DATABASE_URL, cfg.DATABASE_POOL_MAX);
  const { worker, connection } = await createTicketWorker({ cfg, deps: { db, log } });
  log.info({ taskQueue: cfg.TEMPORAL_TASK_QUEUE, metrics: `:${cfg.WORKER_METRICS_PORT}/metrics` }, 'worker running');
  const sender = startSender(cfg, db, log);
  // Inbound mail: stored messages whose workflow a crash kept from starting are started here (idempotent starts).
  const receive = { db, temporal: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }), taskQueue: cfg.TEMPORAL_TASK_QUEUE, log: log.child({ component: 'inbound-mail' }) };
  const sweep = startMailSweep(receive);
  const smtp = cfg.INBOUND_SMTP_ENABLED
    ? await startInboundSmtp(receive, { port: cfg.INBOUND_SMTP_PORT, host: cfg.INBOUND_SMTP_HOST, supportEmail: cfg.SUPPORT_EMAIL, maxBytes: cfg.INBOUND_MAX_BYTES })
    : undefined;
  if (smtp) log.info({ port: smtp.port, host: cfg.INBOUND_SMTP_HOST }, 'inbound SMTP listening');
  // Production mailboxes: poll IMAP_URL; each message is stored (and its workflow started) before it is moved away.
  const imap = cfg.IMAP_URL
    ? createImapPoller({
        url: cfg.IMAP_URL,
        processedMailbox: cfg.IMAP_PROCESSED_MAILBOX,
        pollMs: cfg.IMAP_POLL_MS,
        receive: (raw) => receiveRawMessage(receive, raw, { via: 'imap' }),
        log: log.child({ component: 'imap' }),
      })
    : undefined;
  if (imap) {
    imap.start();
    log.info({ mailbox: redactImapUrl(cfg.IMAP_URL!), everyMs: cfg.IMAP_POLL_MS }, 'polling the support mailbox over IMAP');
  }
  // The SDK runtime turns SIGINT/SIGTERM into a graceful shutdown: run() resolves once in-flight tasks drained.
  await worker.run();
  await imap?.stop();
  await smtp?.close();
  await sweep.stop();
  await sender?.stop();
  await connection.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err: Error) => {
  console.error(`worker: ${err.message}`);
  process.exit(1);
});
