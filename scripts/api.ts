/** `npm run api`: the stateless API process (production entry point; scale horizontally). */
import { createApp } from '../api/app';
import { createDb } from '../db/connection';
import { loadConfigOrExit } from './config';
import { closeServer, listen } from './http-server';
import { createLogger } from './logger';
import { openAttachmentStorage } from './lib/attachments';
import { connectClient } from './temporal';

async function main(): Promise<void> {
  const cfg = loadConfigOrExit();
  const log = createLogger(cfg.LOG_LEVEL, 'api');
  const db = createDb(cfg.DATABASE_URL, cfg.DATABASE_POOL_MAX);
  const attachments = await openAttachmentStorage(cfg, log);
  const temporal = await connectClient(cfg);
  const app = createApp({ db, temporal, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE, log, publicUrl: cfg.PUBLIC_URL, writesPerMinute: cfg.WRITE_RATE_LIMIT_PER_MINUTE, authSecret: cfg.AUTH_SECRET, attachments });
  const server = await listen(app, cfg.PORT, cfg.HOST);
  log.info({ port: cfg.PORT, host: cfg.HOST }, 'API listening');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await closeServer(server);
    await temporal.connection.close();
    attachments.close();
    await db.destroy();
    log.info('stopped');
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: Error) => {
  console.error(`api: ${err.message}`);
  process.exit(1);
});
