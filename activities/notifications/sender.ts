/**
 * Delivers the notification outbox by SMTP (nodemailer). Rows are claimed with `FOR UPDATE SKIP LOCKED` and a lease,
 * so any number of worker processes share the work and a crashed one's rows are picked up when the lease ends.
 * A failed delivery is retried with exponential backoff; the relay's answer is recorded. Each message carries a
 * Message-ID derived from the row's idempotency key (ticket, event, recipient), the same on every attempt.
 */
import { createTransport, type Transporter } from 'nodemailer';
import type { Db } from '../../db/connection';
import type { Logger } from '../ports';
import { startPolling, type Polling } from '../polling';
import { formatTicketNumber } from '../../domain/tickets';
import { reportFileName } from '../../domain/service-report';
import { getReport, reportFile } from '../../db/service-reports';
import { signSatisfactionToken, satisfactionUrl } from './links';
import { domainOf, replyAddress, signReplyToken, ticketMessageId } from '../mail/tokens';
import { DEFAULT_TIME_ZONE } from '../../domain/calendars';
import { DEFAULT_LANGUAGE, isLanguage } from '../../domain/languages';
import { EMAIL_TEMPLATES, EmailTemplateError, type EmailContext, type EmailTemplates, type EmailTicket, type TemplateId, type TemplateSpec } from './templates';

export interface SenderOptions {
  db: Db;
  templates: EmailTemplates;
  /** smtp://host:port or smtps://user:pass@host:port */
  smtpUrl: string;
  from: string;
  /** SUPPORT_EMAIL: replies go to support+<token>@ its domain, which also names our Message-IDs and X-Loop. */
  supportEmail?: string;
  publicUrl: string;
  authSecret: string;
  log: Logger;
  batchSize?: number;
  pollMs?: number;
  /** How long a claimed row is reserved for one attempt; a crash frees it after this. */
  leaseMs?: number;
  /** After this many failed attempts a row is marked failed and shows in the admin view. */
  maxAttempts?: number;
  /** Backoff after the n-th failure: base · 2^(n−1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

interface OutboxRow {
  id: number;
  idempotency_key: string;
  ticket_id: string | null;
  recipient_id: string | null;
  recipient_email: string;
  template: string;
  language: string;
  payload: { eventType?: string; at?: string; data?: Record<string, unknown>; links?: Record<string, string>; serviceReportId?: string };
  attempts: number;
}

export interface NotificationSender {
  /** Claims and delivers one batch; returns how many rows it handled. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops polling and waits for the batch in flight. */
  stop(): Promise<void>;
}

class MissingRecordError extends Error {}

/** The Message-ID of a mail that is about no ticket (an invitation): the same on every attempt. */
export const messageIdFor = (idempotencyKey: string, domain = 'ticketflow.local') => `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;

/** How many earlier Message-IDs of a ticket's conversation a mail lists in References (the first and the latest). */
const REFERENCES_KEPT = 10;

/**
 * The headers that thread a ticket's mail in the customer's mail client and bring replies back to the ticket:
 * a Message-ID carrying the ticket's signed token, In-Reply-To the latest message of the conversation, References
 * its first and latest ones, and the reply address support+<token>@.
 */
async function threadHeaders(db: Db, ticket: { id: string; number: number }, key: string, o: { supportEmail: string; authSecret: string }) {
  const token = signReplyToken(o.authSecret, ticket.number);
  const domain = domainOf(o.supportEmail) || 'ticketflow.local';
  const earlier: Array<{ message_id: string }> = await db('mail_threads').where({ ticket_id: ticket.id }).orderBy([{ column: 'at' }, { column: 'message_id' }]).select('message_id');
  const ids = earlier.map((r) => r.message_id);
  const messageId = ticketMessageId(token, key, domain);
  const others = ids.filter((id) => id !== messageId);
  const references = others.length > REFERENCES_KEPT ? [others[0], ...others.slice(-(REFERENCES_KEPT - 1))] : others;
  return {
    messageId,
    replyTo: replyAddress(o.supportEmail, token),
    ...(references.length ? { inReplyTo: references[references.length - 1], references } : {}),
  };
}

export function createNotificationSender(o: SenderOptions): NotificationSender {
  const batchSize = o.batchSize ?? 20;
  const leaseMs = o.leaseMs ?? 60_000;
  const maxAttempts = o.maxAttempts ?? 12;
  const backoffBase = o.backoffBaseMs ?? 5_000;
  const backoffMax = o.backoffMaxMs ?? 15 * 60_000;
  const base = o.publicUrl.replace(/\/$/, '');
  const supportEmail = o.supportEmail ?? 'support@ticketflow.local';
  // Every SMTP wait ends well inside the lease, so no other sender takes a message over while one is sending it.
  const smtpTimeout = Math.min(30_000, Math.floor(leaseMs / 3));
  const transport: Transporter = createTransport({ url: o.smtpUrl, connectionTimeout: smtpTimeout, greetingTimeout: smtpTimeout, socketTimeout: smtpTimeout } as never, { from: o.from });
  const isSmtpUrl = /^smtps?:\/\//.test(o.smtpUrl);
  if (!isSmtpUrl) throw new Error('SMTP_URL must be smtp:// or smtps://');

  const claim = async (): Promise<OutboxRow[]> => {
    const { rows } = await o.db.raw(
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = now() + (? * interval '1 millisecond')
       WHERE id IN (
         SELECT id FROM notifications
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT ? FOR UPDATE SKIP LOCKED)
       RETURNING id, idempotency_key, ticket_id, recipient_id, recipient_email, template, language, payload, attempts`,
      [leaseMs, batchSize],
    );
    return rows as OutboxRow[];
  };

  const contextFor = async (row: OutboxRow, template: TemplateId): Promise<EmailContext> => {
    const user = row.recipient_id ? await o.db('users').where({ id: row.recipient_id }).first('name', 'email', 'language', 'time_zone', 'role', 'email_preferences') : undefined;
    const isCustomer = String(user?.role ?? 'customer').startsWith('customer');
    const language = isLanguage(row.language) ? row.language : DEFAULT_LANGUAGE;
    let ticket: EmailTicket | null = null;
    // Links queued as paths (by activities that do not know the public URL) become absolute here.
    const links: Record<string, string> = Object.fromEntries(Object.entries(row.payload.links ?? {}).map(([k, v]) => [k, v.startsWith('/') ? `${base}${v}` : v]));
    if (EMAIL_TEMPLATES[template].ticket) {
      const t = await o.db('tickets as t').join('customers as c', 'c.id', 't.customer_id').where('t.id', row.ticket_id).first('t.*', 'c.name as customer_name');
      if (!t) throw new MissingRecordError(`ticket ${row.ticket_id} of notification ${row.id} does not exist`);
      const url = `${base}/${isCustomer ? 'portal' : 'desk'}/tickets/${t.number}`;
      ticket = { number: formatTicketNumber(Number(t.number)), title: t.title, url, priority: t.priority, status: t.status, level: t.level, type: t.type, customerName: t.customer_name };
      for (const l of EMAIL_TEMPLATES[template].links as readonly string[]) {
        if (links[l]) continue;
        if (l === 'confirm') links.confirm = `${url}#confirm`;
        else if (l === 'reopen') links.reopen = `${url}#reopen`;
        else if (l === 'survey') links.survey = satisfactionUrl(base, signSatisfactionToken(o.authSecret, { ticketId: t.id, userId: row.recipient_id ?? '' }));
        else links[l] = url;
      }
    }
    return {
      recipient: { name: user?.name ?? row.recipient_email, email: row.recipient_email, language, timeZone: user?.time_zone ?? DEFAULT_TIME_ZONE, isCustomer },
      ticket,
      event: { type: row.payload.eventType ?? template, at: row.payload.at ?? new Date().toISOString(), data: (row.payload.data ?? {}) as never },
      links: links as never,
      product: { name: 'ticketflow', portalUrl: `${base}/portal` },
    } as EmailContext;
  };

  /**
   * Each row is re-reserved just before it is sent, fenced by its attempt count: a row whose reservation ran out
   * while earlier rows of the batch were being sent, and that another sender took over, is skipped here.
   */
  const reserve = async (row: OutboxRow): Promise<boolean> => {
    const n = await o.db('notifications')
      .where({ id: row.id, status: 'sending', attempts: row.attempts })
      .update({ next_attempt_at: o.db.raw(`now() + (? * interval '1 millisecond')`, [leaseMs]) });
    return n === 1;
  };
  /** Records the outcome only if this sender still holds the row. */
  const settle = (row: OutboxRow, values: Record<string, unknown>) => o.db('notifications').where({ id: row.id, attempts: row.attempts }).update(values);

  const retryLater = async (row: OutboxRow, err: unknown, response: string | null) => {
    const attempts = row.attempts;
    const failed = attempts >= maxAttempts;
    const delay = Math.min(backoffMax, backoffBase * 2 ** (attempts - 1));
    o.log.warn({ notification: row.id, attempts, err: (err as Error).message, retryInMs: failed ? null : delay }, 'notification delivery failed');
    await settle(row, {
      status: failed ? 'failed' : 'pending',
      last_error: String((err as Error).message).slice(0, 2000),
      smtp_response: response?.slice(0, 1000) ?? null,
      next_attempt_at: o.db.raw(`now() + (? * interval '1 millisecond')`, [delay]),
    });
  };

  const deliver = async (row: OutboxRow): Promise<void> => {
    const template = row.template as TemplateId;
    if (!Object.hasOwn(EMAIL_TEMPLATES, template)) {
      // Not an email (an in-portal item only, or a row from before templates existed).
      await settle(row, { status: 'suppressed', last_error: `no email template "${row.template}"` });
      return;
    }
    if (row.recipient_id) {
      const prefs = await o.db('users').where({ id: row.recipient_id }).first('email', 'email_preferences', 'disabled_at', 'email_bouncing_at');
      const off = prefs?.email_preferences?.[template] === false;
      // An address that bounced gets no more mail until it is changed (staff see it bouncing).
      const bouncing = prefs?.email_bouncing_at && String(prefs.email).toLowerCase() === row.recipient_email.toLowerCase();
      if (off || prefs?.disabled_at || bouncing) {
        await settle(row, { status: 'suppressed', last_error: off ? 'the recipient turned this email off' : bouncing ? 'the address bounces' : 'the recipient is disabled' });
        return;
      }
    }
    let rendered;
    try {
      const ctx = await contextFor(row, template);
      rendered = o.templates.render(template, ctx.recipient.language, ctx as EmailContext<typeof template>);
    } catch (err) {
      if (err instanceof EmailTemplateError || err instanceof MissingRecordError) {
        // A bug in data or template: retrying will not fix it, and "undefined" is never sent.
        o.log.error({ err, notification: row.id, template }, 'notification could not be rendered');
        await settle(row, { status: 'failed', last_error: `render: ${(err as Error).message}`.slice(0, 2000) });
      } else {
        await retryLater(row, err, null); // the database blinked: try again
      }
      return;
    }
    let thread: Awaited<ReturnType<typeof threadHeaders>> | undefined;
    let attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
    try {
      attachments = row.payload.serviceReportId ? await serviceReportAttachment(o.db, row.payload.serviceReportId) : [];
      const t = row.ticket_id ? await o.db('tickets').where({ id: row.ticket_id }).first('id', 'number') : undefined;
      thread = t ? await threadHeaders(o.db, { id: t.id, number: Number(t.number) }, row.idempotency_key, { supportEmail, authSecret: o.authSecret }) : undefined;
    } catch (err) {
      if (err instanceof MissingRecordError) await settle(row, { status: 'failed', last_error: (err as Error).message.slice(0, 2000) });
      else await retryLater(row, err, null);
      return;
    }
    if (!(await reserve(row))) return;
    try {
      const info = await transport.sendMail({
        to: row.recipient_email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        ...(attachments.length ? { attachments } : {}),
        messageId: thread?.messageId ?? messageIdFor(row.idempotency_key, domainOf(supportEmail) || undefined),
        ...(thread ? { replyTo: thread.replyTo, ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo, references: thread.references } : {}) } : {}),
        headers: {
          'X-Ticketflow-Notification': row.idempotency_key,
          'Content-Language': row.language,
          // RFC 3834: machine-made mail, so vacation responders and other automats do not answer it, and ours
          // recognise their own mail coming back (X-Loop).
          'Auto-Submitted': (EMAIL_TEMPLATES[template] as TemplateSpec).autoReply ? 'auto-replied' : 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'X-Loop': supportEmail,
        },
      });
      if (thread && row.ticket_id) {
        // Replies that quote this Message-ID thread back to the ticket (In-Reply-To/References).
        await o.db('mail_threads').insert({ message_id: thread.messageId, ticket_id: row.ticket_id, direction: 'out' }).onConflict('message_id').ignore();
      }
      await settle(row, { status: 'sent', sent_at: o.db.fn.now(), smtp_response: String(info.response ?? '').slice(0, 1000), last_error: null });
    } catch (err) {
      await retryLater(row, err, (err as { response?: string }).response ?? null);
    }
  };

  const runOnce = async (): Promise<number> => {
    const rows = await claim();
    for (const row of rows) await deliver(row);
    return rows.length;
  };

  let polling: Polling | undefined;

  return {
    runOnce,
    start() {
      // Drain while there is work (a full batch); then wait for the next poll.
      polling = startPolling({ everyMs: o.pollMs ?? 1000, work: async () => (await runOnce()) === batchSize, onError: (err) => o.log.error({ err }, 'notification sender batch failed') });
    },
    async stop() {
      await polling?.stop();
      transport.close();
    },
  };
}

/** The PDF of a service report, attached to the mail that announces it. */
async function serviceReportAttachment(db: Db, reportId: string): Promise<Array<{ filename: string; content: Buffer; contentType: string }>> {
  const [report, pdf] = await Promise.all([getReport(db, reportId), reportFile(db, reportId, 'pdf')]);
  if (!report || !Buffer.isBuffer(pdf)) throw new MissingRecordError(`service report ${reportId} does not exist`);
  return [{ filename: reportFileName(report, 'pdf'), content: pdf, contentType: 'application/pdf' }];
}
