/**
 * `npm run bench:mail` — inbound mail: messages per second accepted over SMTP by a worker that is the inbound SMTP
 * server (INBOUND_SMTP_ENABLED), messages handled per second end to end, and the latency from the mail being sent to
 * its ticket being visible (its row and its `ticket.created` event in PostgreSQL, as the list and the ticket page read
 * them) — p50/p99. Baseline in the same run, against the same servers: the same number of tickets created through
 * POST /api/v1/tickets by the same number of clients, timed the same way (sent → ticket.created recorded), so the
 * mail path is reported as a ratio against the portal/API path.
 *
 * BENCH_MAIL_MESSAGES (500), BENCH_MAIL_CONCURRENCY (4 SMTP connections / API clients), BENCH_MAIL_REDELIVERED (50:
 * messages sent twice, which must add nothing).
 */
import { randomBytes } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { freePort } from '../scripts/lib/ports';
import { cpuDelta, cpuShares, cpuSnapshot, otherProcesses } from './lib/cpu';
import { JsonClient } from './lib/http';
import { runClosedLoop } from './lib/load';
import { progress, step } from './lib/progress';
import { envInt, writeResults } from './lib/results';
import { startStack, waitFor, type BenchStack } from './lib/stack';
import { figure, ms, summarise } from './lib/stats';

const MESSAGES = envInt('BENCH_MAIL_MESSAGES', 500);
const CONCURRENCY = envInt('BENCH_MAIL_CONCURRENCY', 4);
const REDELIVERED = Math.min(envInt('BENCH_MAIL_REDELIVERED', 50), MESSAGES);
const SUPPORT = 'support@ticketflow.local';
const SENDERS = ['user@acme.test', 'keyuser@acme.test', 'admin@acme.test', 'user@beta.test', 'admin@beta.test'];

interface Sample {
  title: string;
  sentAt: number;
  acceptedMs: number;
}

/** Polls the database until every title has its ticket.created event; returns each one's visible time. */
async function visibleTimes(stack: BenchStack, titles: string[], timeoutMs: number, label: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const wanted = new Set(titles);
  const started = Date.now();
  await waitFor(
    async () => {
      const rows: Array<{ title: string }> = await stack.db('tickets as t')
        .join('ticket_events as e', function () {
          this.on('e.ticket_id', 't.id').andOnVal('e.type', 'ticket.created');
        })
        .whereIn('t.title', [...wanted].filter((x) => !seen.has(x)).slice(0, 2000))
        .select('t.title');
      const now = Date.now();
      for (const r of rows) if (!seen.has(r.title)) seen.set(r.title, now);
      progress(`${label}: ${seen.size}/${wanted.size} tickets visible (${((now - started) / 1000).toFixed(0)} s)`);
      return seen.size === wanted.size;
    },
    timeoutMs,
    100,
  );
  return seen;
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  step(`mail benchmark: ${MESSAGES} messages (${REDELIVERED} of them sent twice) over ${CONCURRENCY} SMTP connections, then ${MESSAGES} API creations by ${CONCURRENCY} clients`);
  const stack = await startStack('mail');
  try {
    const taskQueue = `bench-mail-${run}`;
    const smtpPort = await freePort();
    const worker = await stack.startWorker({ taskQueue, env: { INBOUND_SMTP_ENABLED: 'true', INBOUND_SMTP_PORT: String(smtpPort), INBOUND_SMTP_HOST: '127.0.0.1', SUPPORT_EMAIL: SUPPORT } });
    const api = await stack.startApi({ taskQueue });
    const pids = { bench: stack.pids.bench, temporal: stack.pids.temporal, api: api.process.pid, worker: worker.process.pid };

    // 1. Mail: each message a new ticket from a known customer; some sent a second time right after the first.
    const transport = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: CONCURRENCY });
    const samples: Sample[] = [];
    const mailTitle = (i: number) => `Mail bench ${run} #${i}`;
    const order = Array.from({ length: MESSAGES }, (_, i) => i);
    const repeats = new Set(Array.from({ length: REDELIVERED }, (_, k) => Math.floor((k * MESSAGES) / Math.max(REDELIVERED, 1))));
    const sendOrder = order.flatMap((i) => (repeats.has(i) ? [i, i] : [i]));
    let cpuBefore = cpuSnapshot(pids);
    let started = Date.now();
    const mail = await runClosedLoop({
      concurrency: CONCURRENCY,
      count: sendOrder.length,
      op: async (_c, k) => {
        const i = sendOrder[k];
        const sentAt = Date.now();
        await transport.sendMail({ from: SENDERS[i % SENDERS.length], to: SUPPORT, subject: mailTitle(i), messageId: `<bench-${run}-${i}@mail.example.test>`, text: `Message ${i}: the nightly export stopped at 02:00.` });
        if (!samples.some((s) => s.title === mailTitle(i))) samples.push({ title: mailTitle(i), sentAt, acceptedMs: Date.now() - sentAt });
      },
      onProgress: (done, errors) => progress(`mail: ${done}/${sendOrder.length} sent (${errors} errors)`),
    });
    const acceptedS = (Date.now() - started) / 1000;
    if (mail.errors) throw new Error(`${mail.errors} messages were refused, e.g. ${mail.errorSamples.join(' | ')}`);
    const mailSeen = await visibleTimes(stack, samples.map((s) => s.title), 600_000, 'mail');
    const mailWallS = (Date.now() - started) / 1000;
    const mailCpu = cpuDelta(cpuBefore, cpuSnapshot(pids));
    transport.close();
    const stored = Number((await stack.db('inbound_messages').count('* as n').first())!.n);
    const mailTickets = Number((await stack.db('tickets').where({ channel: 'email' }).count('* as n').first())!.n);
    const mailLatency = summarise(samples.filter((s) => mailSeen.has(s.title)).map((s) => mailSeen.get(s.title)! - s.sentAt));
    step(`mail: ${sendOrder.length} sent in ${acceptedS.toFixed(1)} s, ${mailSeen.size} tickets visible after ${mailWallS.toFixed(1)} s; stored ${stored}, tickets ${mailTickets}`);

    // 2. Baseline: the same tickets through the API.
    const http = new JsonClient(api.baseUrl);
    const tokens: string[] = [];
    for (const email of SENDERS) {
      const res = await http.call('POST', '/api/v1/auth/token', { body: { email, password: 'demo' } });
      if (res.status !== 200 && res.status !== 201) throw new Error(`login ${email}: ${res.status}`);
      tokens.push(res.body.token);
    }
    const apiSamples: Sample[] = [];
    const apiTitle = (i: number) => `API bench ${run} #${i}`;
    cpuBefore = cpuSnapshot(pids);
    started = Date.now();
    const viaApi = await runClosedLoop({
      concurrency: CONCURRENCY,
      count: MESSAGES,
      op: async (_c, i) => {
        const sentAt = Date.now();
        const res = await http.call('POST', '/api/v1/tickets', { token: tokens[i % tokens.length], body: { title: apiTitle(i), description: `Message ${i}: the nightly export stopped at 02:00.`, type: 'question', impact: 'medium', urgency: 'medium' } });
        if (res.status !== 201) throw new Error(`POST /tickets answered ${res.status}`);
        apiSamples.push({ title: apiTitle(i), sentAt, acceptedMs: Date.now() - sentAt });
      },
      onProgress: (done, errors) => progress(`api: ${done}/${MESSAGES} created (${errors} errors)`),
    });
    const apiAcceptedS = (Date.now() - started) / 1000;
    const apiSeen = await visibleTimes(stack, apiSamples.map((s) => s.title), 600_000, 'api');
    const apiWallS = (Date.now() - started) / 1000;
    const apiCpu = cpuDelta(cpuBefore, cpuSnapshot(pids));
    http.close();
    const apiLatency = summarise(apiSamples.filter((s) => apiSeen.has(s.title)).map((s) => apiSeen.get(s.title)! - s.sentAt));

    const results = {
      messages: MESSAGES,
      redelivered: REDELIVERED,
      concurrency: CONCURRENCY,
      mail: {
        sent: sendOrder.length,
        stored,
        tickets: mailTickets,
        acceptedPerSecond: Math.round((sendOrder.length / acceptedS) * 10) / 10,
        handledPerSecond: Math.round((mailSeen.size / mailWallS) * 10) / 10,
        smtpAccept: summarise(samples.map((s) => s.acceptedMs)),
        mailToVisible: mailLatency,
        cpuShares: cpuShares(mailCpu, mailWallS),
      },
      api: { errors: viaApi.errors, createdPerSecond: Math.round((MESSAGES / apiAcceptedS) * 10) / 10, handledPerSecond: Math.round((apiSeen.size / apiWallS) * 10) / 10, postToVisible: apiLatency, cpuShares: cpuShares(apiCpu, apiWallS) },
      otherProcesses: otherProcesses(cpuBefore, cpuSnapshot(pids)),
      servers: stack.servers,
    };
    const file = writeResults('mail', results);

    console.log('');
    figure('mail accepted over SMTP', `${results.mail.acceptedPerSecond} messages/s (${sendOrder.length} sent, ${REDELIVERED} of them twice; SMTP answer p50 ${ms(results.mail.smtpAccept.p50)} p99 ${ms(results.mail.smtpAccept.p99)})`);
    figure('mail handled end to end', `${results.mail.handledPerSecond} messages/s; API baseline ${results.api.handledPerSecond} tickets/s (ratio ${(results.mail.handledPerSecond / results.api.handledPerSecond).toFixed(2)})`);
    figure('mail → ticket visible', `p50 ${ms(mailLatency.p50)}  p99 ${ms(mailLatency.p99)}  max ${ms(mailLatency.max)} over ${mailLatency.count}`);
    figure('API POST → ticket visible (baseline)', `p50 ${ms(apiLatency.p50)}  p99 ${ms(apiLatency.p99)}  (mail/API p99 ratio ${(mailLatency.p99 / apiLatency.p99).toFixed(2)})`);
    figure('exactly once', `${stored} messages stored and ${mailTickets} tickets for ${MESSAGES} distinct messages (${REDELIVERED} redelivered) ${stored === MESSAGES && mailTickets === MESSAGES ? 'met' : 'MISSED'}`);
    figure('where the CPU went (mail)', results.mail.cpuShares);
    step(`results in ${file}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench:mail failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
