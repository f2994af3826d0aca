/**
 * A real SMTP server on loopback that keeps what it receives (embedded default and tests): `npm start` points the
 * sender at it and admins read the caught mail through the API, so a demo shows every email without a relay.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { CaughtMail, Mailbox } from '../../api/ports';

export interface MailCatcher extends Mailbox {
  port: number;
  url: string;
  /** While refusing, every connection is answered 421 (a relay that is down). */
  setRefusing(refusing: boolean): void;
  close(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address ?? '')).filter(Boolean);

export async function startMailCatcher(opts: { port?: number; host?: string; keep?: number; onMail?: (m: CaughtMail) => void } = {}): Promise<MailCatcher> {
  const keep = opts.keep ?? 1000;
  const caught: CaughtMail[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'ticketflow mail catcher',
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      if (refusing) return callback(Object.assign(new Error('mail catcher is refusing connections'), { responseCode: 421 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: CaughtMail = {
            messageId: parsed.messageId ?? '',
            from: addresses(parsed.from)[0] ?? '',
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: Object.fromEntries([...parsed.headers.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
            receivedAt: new Date().toISOString(),
          };
          caught.push(mail);
          if (caught.length > keep) caught.splice(0, caught.length - keep);
          opts.onMail?.(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://${host}:${port}`,
    list: () => [...caught].reverse(),
    setRefusing(r) {
      refusing = r;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
