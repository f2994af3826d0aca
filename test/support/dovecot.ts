/**
 * A real IMAP server for tests: Debian's Dovecot (dovecot-imapd, installed by .ci/run), started in the foreground
 * with its own configuration in a temp dir, listening on a free loopback port, one mailbox user, maildir storage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../scripts/lib/ports';

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  /** IMAP_URL for the polled mailbox */
  url: string;
  /** Delivers a message into a mailbox, as the MTA would. */
  deliver(raw: Buffer | string, mailbox?: string): Promise<void>;
  /** How many messages a mailbox holds. */
  count(mailbox: string): Promise<number>;
  stop(): Promise<void>;
}

const NOBODY = { uid: 65534, gid: 65534 };

async function waitForPort(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDovecot(opts: { user?: string; password?: string } = {}): Promise<Dovecot> {
  const user = opts.user ?? 'support@ticketflow.test';
  const password = opts.password ?? 'imap-test-secret';
  const dir = mkdtempSync(join(tmpdir(), 'ticketflow-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'home']) mkdirSync(join(dir, d));
  // Mail processes run as nobody (Dovecot refuses uid 0 for mail access); only the home is theirs.
  chownSync(join(dir, 'home'), NOBODY.uid, NOBODY.gid);
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const port = await freePort();
  writeFileSync(
    join(dir, 'dovecot.conf'),
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/dovecot.log`,
      'protocols = imap',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      // Tests try a wrong password on purpose; the default 2 s penalty would only slow them down.
      'auth_failure_delay = 0',
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir}/users\n}`,
      `userdb {\n  driver = static\n  args = uid=${NOBODY.uid} gid=${NOBODY.gid} home=${dir}/home/%u\n}`,
      'mail_location = maildir:~/Maildir',
      `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      'service anvil {\n  chroot =\n}',
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b) => (output += b));
  child.stderr?.on('data', (b) => (output += b));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, 15_000, () => output);

  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  return {
    port,
    user,
    password,
    url: `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
    async deliver(raw, mailbox = 'INBOX') {
      const c = await client();
      try {
        await c.append(mailbox, Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
      } finally {
        await c.logout();
      }
    },
    async count(mailbox) {
      const c = await client();
      try {
        const boxes = await c.list();
        if (!boxes.some((b) => b.path === mailbox)) return 0;
        const st = await c.status(mailbox, { messages: true });
        return st ? (st.messages ?? 0) : 0;
      } finally {
        await c.logout();
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
