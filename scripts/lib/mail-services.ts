/**
 * The inbound mail services a worker process runs (SPEC §3.1), started in one place for `npm run worker`, the
 * benchmarks' worker and anything else that runs workers: the recovery sweep (stored messages whose workflow a
 * crash kept from starting are started), the inbound SMTP server when INBOUND_SMTP_ENABLED, and IMAP polling when
 * IMAP_URL is set. Each message is stored before it is acknowledged (SMTP 250) or removed from the mailbox (IMAP).
 */
import { Client, type ClientOptions } from '@temporalio/client';
import { createImapPoller, redactImapUrl } from '../../activities/mail/imap-poller';
import { receiveRawMessage, startMailSweep } from '../../activities/mail/receive';
import type { Db } from '../../db/connection';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import { startInboundSmtp } from './inbound-smtp';

type MailConfig = Pick<
  AppConfig,
  'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'INBOUND_SMTP_ENABLED' | 'INBOUND_SMTP_PORT' | 'INBOUND_SMTP_HOST' | 'SUPPORT_EMAIL' | 'INBOUND_MAX_BYTES' | 'IMAP_URL' | 'IMAP_POLL_MS' | 'IMAP_PROCESSED_MAILBOX'
>;

export interface MailServices {
  smtpPort: number | null;
  stop(): Promise<void>;
}

export async function startMailServices(cfg: MailConfig, db: Db, connection: NonNullable<ClientOptions['connection']>, log: Logger): Promise<MailServices> {
  const receive = { db, temporal: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }), taskQueue: cfg.TEMPORAL_TASK_QUEUE, log: log.child({ component: 'inbound-mail' }) };
  const sweep = startMailSweep(receive);
  const smtp = cfg.INBOUND_SMTP_ENABLED
    ? await startInboundSmtp(receive, { port: cfg.INBOUND_SMTP_PORT, host: cfg.INBOUND_SMTP_HOST, supportEmail: cfg.SUPPORT_EMAIL, maxBytes: cfg.INBOUND_MAX_BYTES })
    : undefined;
  if (smtp) log.info({ port: smtp.port, host: cfg.INBOUND_SMTP_HOST }, 'inbound SMTP listening');
  const imap = cfg.IMAP_URL
    ? createImapPoller({
        url: cfg.IMAP_URL,
        processedMailbox: cfg.IMAP_PROCESSED_MAILBOX,
        pollMs: cfg.IMAP_POLL_MS,
        receive: (raw) => receiveRawMessage(receive, raw, { via: 'imap', maxBytes: cfg.INBOUND_MAX_BYTES }),
        log: log.child({ component: 'imap' }),
      })
    : undefined;
  if (imap) {
    imap.start();
    log.info({ mailbox: redactImapUrl(cfg.IMAP_URL!), everyMs: cfg.IMAP_POLL_MS }, 'polling the support mailbox over IMAP');
  }
  return {
    smtpPort: smtp?.port ?? null,
    async stop() {
      await imap?.stop();
      await smtp?.close();
      await sweep.stop();
    },
  };
}
