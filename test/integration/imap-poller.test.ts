/**
 * IMAP polling against a real IMAP server (Dovecot on loopback): every message is handed over, moved to the
 * processed mailbox only after it was stored, and a failed hand-over leaves it in place for the next poll without holding up the others.
 */
import { createImapPoller, parseImapUrl, redactImapUrl } from '../../activities/mail/imap-poller';
import { createLogger } from '../../scripts/logger';
import { startDovecot, type Dovecot } from '../support/dovecot';

const message = (n: number) =>
  [`From: Customer ${n} <user${n}@acme.test>`, 'To: support@ticketflow.test', `Subject: Printer ${n} jams`, `Message-ID: <imap-${n}@acme.test>`, 'Date: Wed, 02 Dec 2026 08:00:00 +0100', '', `Body of message ${n}.`, ''].join('\r\n');

describe('IMAP polling (Dovecot)', () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
  }, 30_000);
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('reads the URL, hiding the password in logs', () => {
    expect(parseImapUrl('imaps://help%40acme.test:p%40ss@mail.example.test/Support%20In')).toEqual({ host: 'mail.example.test', port: 993, secure: true, user: 'help@acme.test', pass: 'p@ss', mailbox: 'Support In' });
    expect(parseImapUrl('imap://u:p@127.0.0.1:1143')).toMatchObject({ port: 1143, secure: false, mailbox: 'INBOX' });
    expect(() => parseImapUrl('imap://127.0.0.1/INBOX')).toThrow(/user/);
    expect(redactImapUrl('imap://u:secret@h/INBOX')).toBe('imap://u:***@h/INBOX');
  });

  it('hands every message over once it is stored, then moves it; a failed hand-over is retried', async () => {
    for (let n = 1; n <= 5; n++) await dovecot.deliver(message(n));
    const got: string[] = [];
    let failNext = true;
    const poller = createImapPoller({
      url: dovecot.url,
      log: createLogger('silent', 'test'),
      batchSize: 3,
      async receive(raw) {
        const id = /Message-ID: <([^>]+)>/.exec(raw.toString())![1];
        if (id === 'imap-4@acme.test' && failNext) {
          failNext = false;
          throw new Error('database is down');
        }
        got.push(id);
      },
    });
    expect(await poller.runOnce()).toBe(3); // the batch size
    expect(await dovecot.count('INBOX')).toBe(2);
    expect(await dovecot.count('Processed')).toBe(3);
    // imap-4 cannot be handed over: it stays in the mailbox, and imap-5 behind it is not held up.
    expect(await poller.runOnce()).toBe(1);
    expect(await dovecot.count('INBOX')).toBe(1); // nothing lost, the failed one not moved
    expect(await poller.runOnce()).toBe(1);
    expect(got).toEqual(['imap-1@acme.test', 'imap-2@acme.test', 'imap-3@acme.test', 'imap-5@acme.test', 'imap-4@acme.test']);
    expect(await dovecot.count('INBOX')).toBe(0);
    expect(await dovecot.count('Processed')).toBe(5);
    expect(await poller.runOnce()).toBe(0);
  });

  it('keeps polling after a failed login, and says so', async () => {
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (_f: Record<string, unknown>, m: string) => warnings.push(m), error: () => undefined };
    const poller = createImapPoller({ url: dovecot.url.replace(encodeURIComponent(dovecot.password), 'wrong'), log, pollMs: 50, receive: async () => undefined });
    poller.start();
    const until = Date.now() + 10_000;
    while (warnings.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await poller.stop();
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toMatch(/IMAP poll failed/);
  });
});
