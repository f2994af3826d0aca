/**
 * Polls a mailbox over IMAP (imapflow) for mail to the support address (SPEC §3.1, production). Each message is
 * handed to `receive` (which stores it raw and starts its workflow) and only then moved out of the polled mailbox
 * into the processed one, so a crash at any point loses nothing: a message handed over but not yet moved is fetched
 * again on the next poll and recognised as a redelivery by its Message-ID. Several pollers on one mailbox are safe
 * for the same reason (a message already moved by another is simply gone).
 */
import { ImapFlow } from 'imapflow';
import type { Logger } from '../ports';
import { startPolling, type Polling } from '../polling';

export interface ImapPollerOptions {
  /** imap://user:password@host:port/Mailbox or imaps://… (TLS); the path is the polled mailbox (INBOX when absent) */
  url: string;
  /** where handled messages are moved; created when missing */
  processedMailbox?: string;
  pollMs?: number;
  /** messages handled per poll at most (the rest wait for the next poll) */
  batchSize?: number;
  /** Stores the raw message durably; resolves once it is safe to remove it from the mailbox. */
  receive(raw: Buffer): Promise<unknown>;
  log: Logger;
}

export interface ImapPoller {
  /** One poll: returns how many messages were handed over. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** The parts of IMAP_URL; throws with a clear message for a URL it cannot use. */
export function parseImapUrl(url: string): ImapTarget {
  const u = new URL(url);
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error('IMAP_URL must start with imap:// or imaps://');
  if (!u.username) throw new Error('IMAP_URL must name the mailbox user (imap://user:password@host/INBOX)');
  const secure = u.protocol === 'imaps:';
  const mailbox = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX';
  return { host: u.hostname, port: u.port ? Number(u.port) : secure ? 993 : 143, secure, user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password), mailbox };
}

export const redactImapUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

export function createImapPoller(o: ImapPollerOptions): ImapPoller {
  const target = parseImapUrl(o.url);
  const processed = o.processedMailbox ?? 'Processed';
  const batchSize = o.batchSize ?? 100;
  const connect = async (): Promise<ImapFlow> => {
    const client = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: target.secure,
      auth: { user: target.user, pass: target.pass },
      logger: false,
      // Plain IMAP on loopback or a private relay is allowed; anything else should use imaps://.
      doSTARTTLS: target.secure ? undefined : false,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
      socketTimeout: 120_000,
    });
    // A dropped connection is reported by the next command; the error event must not crash the process.
    client.on('error', (err: Error) => o.log.warn({ err: err.message }, 'IMAP connection error'));
    await client.connect();
    return client;
  };

  const ensureProcessedMailbox = async (client: ImapFlow) => {
    const boxes = await client.list();
    if (!boxes.some((b) => b.path === processed)) await client.mailboxCreate(processed).catch(() => undefined);
  };

  const runOnce = async (): Promise<number> => {
    const client = await connect();
    let handed = 0;
    let failed = 0;
    try {
      await ensureProcessedMailbox(client);
      const lock = await client.getMailboxLock(target.mailbox);
      try {
        const uids = ((await client.search({ all: true }, { uid: true })) || []).slice(0, batchSize);
        for (const uid of uids) {
          const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
          if (!msg || !msg.source) continue; // moved meanwhile by another poller
          try {
            await o.receive(msg.source);
          } catch (err) {
            // One message that cannot be handed over does not hold up the others: it stays for the next poll.
            o.log.warn({ uid, err: (err as Error).message }, 'IMAP message could not be handed over; left in the mailbox for the next poll');
            failed++;
            continue;
          }
          handed++;
          await client.messageMove(String(uid), processed, { uid: true });
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    if (failed) o.log.warn({ failed, handed }, 'IMAP poll left messages that could not be handed over');
    return handed;
  };

  let polling: Polling | undefined;
  return {
    runOnce,
    start() {
      polling = startPolling({
        everyMs: o.pollMs ?? 30_000,
        work: async () => {
          const n = await runOnce();
          if (n) o.log.info({ messages: n }, 'mail fetched over IMAP');
          // A full batch: more may be waiting.
          return n === batchSize;
        },
        onError: (err) => o.log.warn({ err: err.message, mailbox: redactImapUrl(o.url) }, 'IMAP poll failed; trying again at the next poll'),
      });
    },
    async stop() {
      await polling?.stop();
    },
  };
}
