/**
 * Inbound SMTP (smtp-server) for the support address: RCPT TO is accepted only for SUPPORT_EMAIL and its
 * `support+<tag>@` forms (550 otherwise), the message is limited to INBOUND_MAX_BYTES (552), and 250 is answered only
 * once the raw message is stored — so a 250 never loses mail; when the database cannot store it the answer is 451
 * and the sending server tries again later.
 */
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { receiveRawMessage, type ReceiveDeps } from '../../activities/mail/receive';
import { supportAddressTag } from '../../activities/mail/tokens';

export interface InboundSmtpOptions {
  port: number;
  host: string;
  supportEmail: string;
  maxBytes: number;
  /** simultaneous SMTP connections at most (default 50); more are answered 421 by smtp-server */
  maxClients?: number;
}

/**
 * Collects a message's chunks up to `maxBytes`: past the limit nothing more is kept (the stream is still drained to
 * its end, so the client gets its 552 after DATA instead of a broken connection).
 */
export function boundedCollector(maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(c: Buffer) {
      size += c.length;
      if (size <= maxBytes) chunks.push(c);
      else chunks.length = 0;
    },
    get exceeded() {
      return size > maxBytes;
    },
    get storedBytes() {
      return chunks.reduce((n, c) => n + c.length, 0);
    },
    buffer: () => Buffer.concat(chunks),
  };
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startInboundSmtp(deps: ReceiveDeps, o: InboundSmtpOptions): Promise<InboundSmtp> {
  const server = new SMTPServer({
    banner: 'ticketflow support',
    // Mail from the world arrives unauthenticated, as at any MX; STARTTLS would need a certificate we do not have here.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: o.maxBytes,
    maxClients: o.maxClients ?? 50,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (supportAddressTag(o.supportEmail, address.address) === null) return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      callback();
    },
    onData(stream, session, callback) {
      const body = boundedCollector(o.maxBytes);
      stream.on('data', (c: Buffer) => body.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (body.exceeded || (stream as { sizeExceeded?: boolean }).sizeExceeded) return callback(smtpError(552, `5.3.4 message exceeds the limit of ${o.maxBytes} bytes`));
        const from = session.envelope.mailFrom;
        receiveRawMessage(deps, body.buffer(), {
          via: 'smtp',
          envelopeFrom: from === false ? '' : from.address,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
        })
          .then((r) => callback(null, `2.0.0 ${r.isNew ? 'stored' : 'already received'} as ${r.inboundMessageId}`))
          .catch((err: Error) => {
            deps.log.warn({ err: err.message }, 'inbound mail could not be stored; answered 451');
            callback(smtpError(451, '4.3.0 temporary failure, please try again later'));
          });
      });
    },
  });
  server.on('error', (err) => deps.log.warn({ err: err.message }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
