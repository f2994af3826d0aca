/**
 * Inbound mail exactly once under a crash: 500 messages arrive over SMTP, 50 of them redeliveries of messages already
 * sent (the same Message-ID, as an MTA retrying after a lost "250" does), while the worker that runs the per-message
 * workflows is killed with SIGKILL once mid-stream and started again. Afterwards exactly 450 messages are stored and
 * handled, each made exactly one ticket, and nothing was doubled.
 */
import type { ChildProcess } from 'node:child_process';
import { createTransport, type Transporter } from 'nodemailer';
import { startInboundSmtp, type InboundSmtp } from '../../scripts/lib/inbound-smtp';
import { createLogger } from '../../scripts/logger';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { killHard, startWorkerProcess } from '../support/worker-process';

const SUPPORT = 'support@ticketflow.local';
const UNIQUE = 450;
const REDELIVERED = 50;
const SENDERS = ['user@acme.test', 'keyuser@acme.test', 'admin@acme.test', 'user@beta.test', 'admin@beta.test'];

describe('inbound mail exactly once under a worker crash', () => {
  let app: TestApp;
  let smtp: InboundSmtp;
  let transport: Transporter;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    smtp = await startInboundSmtp({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log: createLogger('silent', 'test') }, { port: 0, host: '127.0.0.1', supportEmail: SUPPORT, maxBytes: 1024 * 1024 });
    transport = createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
  });
  afterAll(async () => {
    for (const c of children) await killHard(c);
    transport?.close();
    await smtp?.close();
    await app?.stop();
  });

  it(`${UNIQUE + REDELIVERED} messages, ${REDELIVERED} of them redelivered, one SIGKILL: exactly ${UNIQUE} handled, each once`, async () => {
    const spawnWorker = async () => {
      const c = await startWorkerProcess(app, { LOG_LEVEL: 'error' });
      children.push(c);
      return c;
    };
    const message = (i: number) => ({
      from: SENDERS[i % SENDERS.length],
      to: SUPPORT,
      subject: `Crash run message ${i}`,
      messageId: `<crash-${i}@mail.example.test>`,
      text: `Message ${i}: the nightly export stopped.`,
    });
    // Redeliveries of messages sent earlier: half before the crash, half after it.
    const redelivered = Array.from({ length: REDELIVERED }, (_, k) => k * 7);
    const order: number[] = [];
    for (let i = 0; i < UNIQUE; i++) {
      order.push(i);
      if (i % 9 === 8 && redelivered.length && redelivered[0] < i) order.push(redelivered.shift()!);
    }
    order.push(...redelivered);
    expect(order).toHaveLength(UNIQUE + REDELIVERED);
    const sendAll = (list: number[]) => Promise.all(list.map((i) => transport.sendMail(message(i))));
    const handled = async () => Number((await app.db('inbound_messages').whereNot({ status: 'received' }).count('* as n').first())!.n);

    const worker = await spawnWorker();
    const half = Math.floor(order.length / 2);
    await sendAll(order.slice(0, half));
    await eventually(async () => (await handled()) >= 60, 'the first worker to handle some mail', 120_000);
    await killHard(worker); // SIGKILL mid-stream: workflows and activities in flight die with it
    await sendAll(order.slice(half)); // mail keeps arriving while no worker runs
    await spawnWorker(); // the second worker finishes the run (afterAll stops it)

    await eventually(async () => (await handled()) === UNIQUE, `all ${UNIQUE} messages handled`, 300_000);
    // Let any duplicate that could still appear appear: ticket workflows finish projecting what they were given.
    await eventually(async () => Number((await app.db('ticket_events').where({ type: 'ticket.created' }).count('* as n').first())!.n) >= UNIQUE, 'every ticket on its timeline', 120_000);

    const rows = await app.db('inbound_messages').select('message_id', 'status', 'outcome', 'ticket_id');
    expect(rows).toHaveLength(UNIQUE);
    expect(rows.filter((r) => r.status !== 'processed' || r.outcome !== 'ticket-created')).toEqual([]);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(UNIQUE);
    expect(new Set(rows.map((r) => r.ticket_id)).size).toBe(UNIQUE);

    const tickets = await app.db('tickets').where({ channel: 'email' }).select('id', 'title');
    expect(tickets).toHaveLength(UNIQUE);
    expect(new Set(tickets.map((t) => t.title))).toEqual(new Set(Array.from({ length: UNIQUE }, (_, i) => `Crash run message ${i}`)));
    const created = await app.db('ticket_events').where({ type: 'ticket.created' }).count('* as n').first();
    expect(Number(created!.n)).toBe(UNIQUE);
    // A redelivery adds nothing to the ticket its first delivery made either.
    const extra = await app.db('ticket_events').whereIn('type', ['comment.public', 'customer.replied']).count('* as n').first();
    expect(Number(extra!.n)).toBe(0);
  }, 600_000);
});
