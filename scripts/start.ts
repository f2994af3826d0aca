/**
 * `npm start`: the embedded default. PostgreSQL, the Temporal dev server (persistent, with the ticket search
 * attributes and the Web UI), migrations, demo data, the worker and the API — one command, no manual installs.
 */
import { join, resolve } from 'node:path';
import { createApp } from '../api/app';
import { hashPassword } from '../api/passwords';
import { startMailSweep } from '../activities/mail/receive';
import { createDb, migrateLatest } from '../db/connection';
import { seedDemoData } from '../db/seeds/demo';
import { seedReferenceData } from '../db/seeds/reference';
import { ConfigError, loadConfig, loadEmbeddedConfig } from './config';
import { closeServer, listen } from './http-server';
import { startDevServer } from './lib/dev-server';
import { startEmbeddedPostgres } from './lib/embedded-pg';
import { startInboundSmtp } from './lib/inbound-smtp';
import { startReportScheduleSync } from './lib/report-schedules';
import { startMailCatcher } from './lib/mail-catcher';
import { assertPortFree, PortInUseError } from './lib/ports';
import { startSender } from './lib/sender';
import { openAttachmentStorage, startStagedSweeper } from './lib/attachments';
import { ensureDevServer } from './lib/provisioning';
import { createLogger } from './logger';
import { demoLoginLines, maskedUrl } from './lib/banner';
import { connectClient, createTicketWorker, installWorkerRuntime } from './temporal';

const say = (m: string) => console.log(`[ticketflow] ${m}`);

async function main(): Promise<void> {
  const started = Date.now();
  let emb: ReturnType<typeof loadEmbeddedConfig>;
  try {
    emb = loadEmbeddedConfig();
  } catch (err) {
    console.error(`[ticketflow] ${(err as Error).message}`);
    process.exit(1);
  }
  const dataDir = resolve(emb.DATA_DIR);
  const cleanup: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('shutting down…');
    for (const step of cleanup.reverse()) {
      await step().catch((err: Error) => say(`  during shutdown: ${err.message}`));
    }
    say('stopped; all data kept in ' + dataDir);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // Every port is checked first, so a conflict is reported before anything starts.
    await assertPortFree(emb.PORT, 'the API and portal (PORT)', '0.0.0.0');
    await assertPortFree(emb.TEMPORAL_PORT, 'the Temporal server (TEMPORAL_PORT)');
    await assertPortFree(emb.TEMPORAL_UI_PORT, 'the Temporal Web UI (TEMPORAL_UI_PORT)');
    await assertPortFree(emb.PG_PORT, 'PostgreSQL (PG_PORT)');
    await assertPortFree(emb.WORKER_METRICS_PORT, 'worker metrics (WORKER_METRICS_PORT)');
    if (!process.env.SMTP_URL) await assertPortFree(emb.SMTP_PORT, 'the mail catcher (SMTP_PORT)');
    const inboundPort = Number(process.env.INBOUND_SMTP_PORT ?? 2525);
    if (Number.isInteger(inboundPort) && inboundPort > 0) await assertPortFree(inboundPort, 'inbound mail (INBOUND_SMTP_PORT)', process.env.INBOUND_SMTP_HOST ?? '127.0.0.1');

    const binary = await ensureDevServer(say);
    say(`starting PostgreSQL on 127.0.0.1:${emb.PG_PORT} (data in ${join(dataDir, 'postgres')})`);
    const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port: emb.PG_PORT, database: 'ticketflow', password: 'ticketflow', log: say });
    cleanup.push(() => pg.stop());

    say(`starting the Temporal dev server on 127.0.0.1:${emb.TEMPORAL_PORT} (state in ${join(dataDir, 'temporal.db')})`);
    const temporalServer = await startDevServer({
      binary: binary.path,
      port: emb.TEMPORAL_PORT,
      uiPort: emb.TEMPORAL_UI_PORT,
      dbFile: join(dataDir, 'temporal.db'),
      logFile: join(dataDir, 'temporal.log'),
    });
    cleanup.push(() => temporalServer.stop());

    // Mail goes to a local catcher unless SMTP_URL names a real relay; admins read it at /api/v1/admin/mail.
    const catcher = process.env.SMTP_URL ? undefined : await startMailCatcher({ port: emb.SMTP_PORT });
    if (catcher) {
      cleanup.push(() => catcher.close());
      say(`mail catcher listening on ${catcher.url}`);
    }

    const cfg = loadConfig({
      ...process.env,
      ...(catcher ? { SMTP_URL: catcher.url } : {}),
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      LOG_LEVEL: emb.LOG_LEVEL,
      HOST: '0.0.0.0',
      PORT: String(emb.PORT),
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: 'default',
    });
    const log = createLogger(cfg.LOG_LEVEL, 'embedded');
    const db = createDb(cfg.DATABASE_URL, cfg.DATABASE_POOL_MAX);
    cleanup.push(() => db.destroy());

    const applied = await migrateLatest(db);
    say(`database migrated (${applied.length ? applied.join(', ') : 'up to date'})`);
    await seedReferenceData(db);
    const logins = await seedDemoData(db, await hashPassword(emb.DEMO_PASSWORD));
    say('reference and demo data in place');

    installWorkerRuntime(`127.0.0.1:${emb.WORKER_METRICS_PORT}`, log, { handleSignals: false });
    say('bundling workflows and starting the worker…');
    const attachments = await openAttachmentStorage(cfg, log);
    const { worker, connection } = await createTicketWorker({ cfg, deps: { db, log: log.child({ component: 'worker' }) }, attachments });
    const running = worker.run();
    cleanup.push(async () => {
      worker.shutdown();
      await running;
      await connection.close();
    });
    const sender = startSender(cfg, db, log);
    if (sender) cleanup.push(() => sender.stop());
    const sweeper = startStagedSweeper(db, attachments, cfg.ATTACHMENT_STAGED_TTL_MS, log);
    cleanup.push(async () => {
      sweeper.stop();
      attachments.close();
    });

    const temporal = await connectClient(cfg);
    cleanup.push(() => temporal.connection.close());
    // Mail to the support address, received on loopback; stored first, then one workflow per message.
    const receive = { db, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, log: log.child({ component: 'inbound-mail' }) };
    const inbound = await startInboundSmtp(receive, { port: cfg.INBOUND_SMTP_PORT, host: cfg.INBOUND_SMTP_HOST, supportEmail: cfg.SUPPORT_EMAIL, maxBytes: cfg.INBOUND_MAX_BYTES });
    cleanup.push(() => inbound.close());
    const sweep = startMailSweep(receive);
    cleanup.push(() => sweep.stop());
    const schedules = startReportScheduleSync({ db, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, log: log.child({ component: 'service-reports' }) }, cfg.REPORT_SCHEDULE_SYNC_MS);
    cleanup.push(() => schedules.stop());

    const app = createApp({ db, temporal, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE, log: log.child({ component: 'api' }), publicUrl: cfg.PUBLIC_URL, writesPerMinute: cfg.WRITE_RATE_LIMIT_PER_MINUTE, authSecret: cfg.AUTH_SECRET, mailbox: catcher, attachments });
    const server = await listen(app, emb.PORT, '0.0.0.0');
    cleanup.push(() => closeServer(server));

    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        '',
        `ticketflow is ready (${secs} s)`,
        `  API and portal   http://localhost:${emb.PORT}   (health: /healthz, readiness: /readyz, metrics: /metrics)`,
        `  Temporal Web UI  ${temporalServer.uiUrl}   (gRPC ${temporalServer.address}, namespace default)`,
        `  Worker metrics   http://127.0.0.1:${emb.WORKER_METRICS_PORT}/metrics`,
        `  Inbound mail     smtp://${cfg.INBOUND_SMTP_HOST}:${inbound.port}   (to ${cfg.SUPPORT_EMAIL} and ${cfg.SUPPORT_EMAIL.replace('@', '+<token>@')})`,
        catcher ? `  Caught mail      http://localhost:${emb.PORT}/api/v1/admin/mail   (admins; SMTP ${catcher.url})` : `  Mail relay       ${cfg.SMTP_URL?.replace(/\/\/[^@/]*@/, '//***@')}`,
        `  PostgreSQL       ${maskedUrl(pg.url)}`,
        ...demoLoginLines(logins, emb.DEMO_PASSWORD),
        'Press Ctrl-C to stop; data is kept for the next start.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    if (err instanceof PortInUseError || err instanceof ConfigError) console.error(`[ticketflow] ${err.message}`);
    else console.error(`[ticketflow] start-up failed: ${(err as Error).message}`);
    await shutdown(1);
  }
}

void main();
