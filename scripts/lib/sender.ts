/** Starts the outbox sender in a worker process when SMTP_URL is configured. */
import type { Db } from '../../db/connection';
import { createNotificationSender, type NotificationSender } from '../../activities/notifications/sender';
import { createEmailTemplates } from '../../activities/notifications/templates';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';

export function startSender(cfg: Pick<AppConfig, 'SMTP_URL' | 'SMTP_FROM' | 'SUPPORT_EMAIL' | 'PUBLIC_URL' | 'AUTH_SECRET' | 'MAIL_LEASE_MS' | 'MAIL_RETRY_BASE_MS'>, db: Db, log: Logger): NotificationSender | undefined {
  if (!cfg.SMTP_URL) {
    log.warn('SMTP_URL is not set: notifications are kept in the outbox and not emailed');
    return undefined;
  }
  const sender = createNotificationSender({
    db,
    templates: createEmailTemplates(),
    smtpUrl: cfg.SMTP_URL,
    from: cfg.SMTP_FROM,
    supportEmail: cfg.SUPPORT_EMAIL,
    publicUrl: cfg.PUBLIC_URL,
    authSecret: cfg.AUTH_SECRET,
    log: log.child({ component: 'mail' }),
    leaseMs: cfg.MAIL_LEASE_MS,
    backoffBaseMs: cfg.MAIL_RETRY_BASE_MS,
  });
  sender.start();
  log.info({ smtp: cfg.SMTP_URL.replace(/\/\/[^@/]*@/, '//***@') }, 'notification sender running');
  return sender;
}
