/**
 * Replay: old ticket histories must replay on the current workflow code. Saved histories (binary protobuf) live in
 * test/replay/histories; a change that breaks them needs `patched()`. `TICKETFLOW_WRITE_HISTORIES=<name> npm run replay`
 * saves the scenario recorded here as histories/<name>.binpb. Fixtures: ticket-lifecycle-v1 (projection as a regular
 * activity), change-request-v1 (before `cr-first-response-only`), ticket-lifecycle-v2 (`projection-local-activity`),
 * defect-maintenance-v1 (recorded on the code before the action registry, 86aff8c, with
 * `TICKETFLOW_WRITE_HISTORIES=defect-maintenance-v1 TICKETFLOW_LEGACY_INPUTS=1`: a defect through reproduction, fix,
 * release, hand-back, a refused fix and cancellation, plus inputs the old workflow accepted and the registry's rules
 * refuse today — they must still replay as they were sent), ticket-files-v1 (files on ticket.created, a reply and an
 * internal note with files, a bounced mail; recorded when attachments and mail arrived) and inbound-mail-v1 (the
 * per-message workflow's three paths, its steps as local activities), ticket-sla-met-v1 (every met clock recorded as
 * `sla.met`, patch `sla-met-every-clock`), service-report-v1 (a scheduled run of the monthly report) and
 * ticket-refused-v1 (a timeline refused by the database for five hours, then written: patch `projection-refusal-waits`),
 * and ticket-lifecycle-v3 (recorded on b7076de, before the projection carried the next-update deadline: its local
 * activity's arguments grew a field, no command changed, so no patch).
 * Each scenario saves under its own prefix.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { fixReleasedSignal, inboundMailWorkflowId, mailBouncedSignal, ticketActionSignals, ticketActionUpdates, ticketWorkflowId } from '../../workflows/definitions';
import { requireEnv, TEST_ENV } from '../support/env';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { createTicketWorker, H, manager, skipToWorkingMonday, staff, ticketInput } from '../workflows/support';

const dir = join(__dirname, 'histories');
/** Saves a fresh scenario's history when TICKETFLOW_WRITE_HISTORIES names it (by the scenario's prefix). */
const saveIfAsked = (prefix: string, history: temporal.api.history.v1.IHistory) => {
  const saveAs = process.env.TICKETFLOW_WRITE_HISTORIES;
  if (saveAs && /^[\w.-]+$/.test(saveAs) && saveAs.startsWith(prefix)) writeFileSync(join(dir, `${saveAs}.binpb`), temporal.api.history.v1.History.encode(history).finish());
};
const replayOptions = () => ({ workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) } });

describe('workflow replay', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('replays every saved ticket history on the current code', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const history = temporal.api.history.v1.History.decode(readFileSync(join(dir, f)));
      expect(history.events.length).toBeGreaterThan(5);
      await expect(Worker.runReplayHistory(replayOptions(), history, f)).resolves.toBeUndefined();
    }
  });

  it('replays a fresh full lifecycle (timers, updates, signals, escalation, breach) deterministically', async () => {
    const { worker, taskQueue } = await createTicketWorker(env);
    const monday = await skipToWorkingMonday(env);
    const input = ticketInput(monday);
    const customer = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    const handle = await worker.runUntil(async () => {
      const h = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      await h.executeUpdate(ticketActionUpdates.triage, { args: [{ actor: staff, payload: { impact: 'high' } }] });
      await h.signal(ticketActionSignals.comment, { actor: staff, payload: { body: 'on it', visibility: 'public' } });
      await env.sleep(3 * H);
      await h.executeUpdate(ticketActionUpdates['request-info'], { args: [{ actor: staff, payload: { body: 'logs?' } }] });
      await env.sleep(2 * H);
      await h.executeUpdate(ticketActionUpdates.reply, { args: [{ actor: customer, payload: { body: 'attached' } }] });
      await h.executeUpdate(ticketActionUpdates['override-priority'], { args: [{ actor: manager, payload: { priority: 'P1', reason: 'CFO' } }] });
      await env.sleep(30 * H);
      await h.executeUpdate(ticketActionUpdates.resolve, { args: [{ actor: staff, payload: { resolution: 'fixed' } }] });
      await h.executeUpdate(ticketActionUpdates.close, { args: [{ actor: customer, payload: { rating: 4 } }] });
      await h.result();
      return h;
    });
    const history = await handle.fetchHistory();
    const saveAs = process.env.TICKETFLOW_WRITE_HISTORIES;
    if (saveAs && /^[\w.-]+$/.test(saveAs) && saveAs.startsWith('ticket-lifecycle-')) {
      writeFileSync(join(dir, `${saveAs}.binpb`), temporal.api.history.v1.History.encode(history).finish());
    }
    await expect(Worker.runReplayHistory(replayOptions(), history, handle.workflowId)).resolves.toBeUndefined();
  });

  it('replays a defect through reproduction, fix, release, hand-back, a refused fix and cancellation', async () => {
    const { worker, taskQueue } = await createTicketWorker(env);
    const monday = await skipToWorkingMonday(env);
    const input = ticketInput(monday, { type: 'defect', moduleId: 'finance', moduleVersion: '4.1.3' });
    const customer = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    const release = { releaseId: '00000000-0000-4000-8000-0000000000b1', releaseVersion: '4.2.0', plannedDate: '2026-03-15' };
    // Inputs the old workflow took and today's stricter rules refuse as new requests (recorded on the old code only).
    const legacy = process.env.TICKETFLOW_LEGACY_INPUTS === '1';
    const handle = await worker.runUntil(async () => {
      const h = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      const act = (name: keyof typeof ticketActionUpdates, actor: typeof staff, payload: Record<string, unknown>) => h.executeUpdate(ticketActionUpdates[name], { args: [{ actor, payload }] });
      await act('triage', staff, { impact: 'high' });
      await act('assign', staff, { assigneeId: staff.id });
      await act('start-reproduction', staff, { note: 'trying on the test tenant' });
      await act('confirm-defect', staff, { evidence: { steps: 'post a credit note', environment: 'test tenant', version: '4.1.3' } });
      await env.sleep(2 * H);
      await act('start-fix', staff, {});
      await act('schedule-fix', staff, release);
      await h.signal(fixReleasedSignal, { releaseId: release.releaseId, version: release.releaseVersion, releasedOn: '2026-03-14' });
      await act('escalate', staff, { toLevel: 'L2', reason: 'L2 checks the release with the customer' });
      await act('comment', customer, legacy ? { body: 'checking', visibility: null } : { body: 'checking' });
      await act('confirm-fix', customer, legacy ? { accepted: false, reason: 'still wrong', extra: { evidence: 'ignored' } } : { accepted: false, reason: 'still wrong' });
      await env.sleep(3 * H);
      await act('cancel', customer, { reason: 'we use a workaround' });
      await h.result();
      return h;
    });
    const history = await handle.fetchHistory();
    const saveAs = process.env.TICKETFLOW_WRITE_HISTORIES;
    if (saveAs && /^[\w.-]+$/.test(saveAs) && saveAs.startsWith('defect-')) {
      writeFileSync(join(dir, `${saveAs}.binpb`), temporal.api.history.v1.History.encode(history).finish());
    }
    await expect(Worker.runReplayHistory(replayOptions(), history, handle.workflowId)).resolves.toBeUndefined();
  });

  it('replays a ticket with files: on its creation, a customer reply and an internal note, and a bounced mail', async () => {
    const { worker, taskQueue } = await createTicketWorker(env);
    const monday = await skipToWorkingMonday(env);
    const file = (n: number, contentType: string) => ({ id: `00000000-0000-4000-8000-0000000000f${n}`, name: `file-${n}`, size: 100 + n, contentType });
    const input = ticketInput(monday, { channel: 'email', attachments: [file(1, 'image/png')] });
    const customer = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    const handle = await worker.runUntil(async () => {
      const h = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      const act = (name: keyof typeof ticketActionUpdates, actor: typeof staff, payload: Record<string, unknown>) => h.executeUpdate(ticketActionUpdates[name], { args: [{ actor, payload }] });
      await act('triage', staff, { impact: 'high' });
      await act('request-info', staff, { body: 'the log, please', files: [file(2, 'text/plain')] });
      await act('comment', customer, { body: 'here it is', files: [file(3, 'text/plain')] });
      await act('comment', staff, { body: 'the log shows a timeout', visibility: 'internal', files: [file(4, 'application/zip')] });
      await act('comment', customer, { visibility: 'public', files: [file(5, 'image/jpeg')] });
      await h.signal(mailBouncedSignal, { inboundMessageId: '00000000-0000-4000-8000-0000000000e1', address: 'user@acme.test', reason: '550 5.1.1 no such user' });
      await h.signal(mailBouncedSignal, { inboundMessageId: '00000000-0000-4000-8000-0000000000e1', address: 'user@acme.test', reason: 'the same report again' });
      await env.sleep(2 * H);
      await act('resolve', staff, { resolution: 'timeout raised' });
      await act('close', customer, {});
      await h.result();
      return h;
    });
    const history = await handle.fetchHistory();
    saveIfAsked('ticket-files-', history);
    await expect(Worker.runReplayHistory(replayOptions(), history, handle.workflowId)).resolves.toBeUndefined();
  });

  it('replays a ticket whose met clocks are all on its timeline (sla-met-every-clock), and a service report run', async () => {
    const { worker, taskQueue } = await createTicketWorker(env);
    const monday = await skipToWorkingMonday(env);
    const input = ticketInput(monday, { planId: 'premium' });
    const customer = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    const handle = await worker.runUntil(async () => {
      const h = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      const act = (name: keyof typeof ticketActionUpdates, actor: typeof staff, payload: Record<string, unknown>) => h.executeUpdate(ticketActionUpdates[name], { args: [{ actor, payload }] });
      await act('comment', staff, { body: 'first look' });
      await act('comment', customer, { body: 'any news?' });
      await env.sleep(H / 2);
      await act('comment', staff, { body: 'still on it' });
      await act('request-info', staff, { body: 'which invoice?' });
      await env.sleep(H);
      await act('reply', customer, { body: 'INV-1' });
      await act('resolve', staff, { resolution: 'reposted' });
      await act('close', customer, { rating: 5 });
      await h.result();
      return h;
    });
    const history = await handle.fetchHistory();
    saveIfAsked('ticket-sla-met-', history);
    await expect(Worker.runReplayHistory(replayOptions(), history, handle.workflowId)).resolves.toBeUndefined();

    const reportQueue = `tq-${randomUUID()}`;
    const reportWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: reportQueue,
      workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
      activities: {
        generateServiceReport: async ({ month }: { month: string }) => ({ reportId: 'r-1', month, revision: 1 }),
        emailServiceReport: async () => ({ recipients: 2 }),
      },
    });
    const run = await reportWorker.runUntil(async () => {
      const h = await env.client.workflow.start('serviceReportWorkflow', {
        taskQueue: reportQueue,
        workflowId: `service-report-replay-${randomUUID()}`,
        args: [{ customerId: 'c-1', timeZone: 'Europe/Bratislava', trigger: 'schedule', email: true }],
      });
      await h.result();
      return h;
    });
    const reportHistory = await run.fetchHistory();
    saveIfAsked('service-report-', reportHistory);
    await expect(Worker.runReplayHistory(replayOptions(), reportHistory, run.workflowId)).resolves.toBeUndefined();
  });

  it('replays a ticket whose timeline was refused, kept with its timers running, and written later (projection-refusal-waits)', async () => {
    let refusing = true;
    const { worker, taskQueue, recorder } = await createTicketWorker(env, { refuse: () => refusing });
    const monday = await skipToWorkingMonday(env);
    const input = ticketInput(monday);
    const handle = await worker.runUntil(async () => {
      const h = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      await h.signal(ticketActionSignals.comment, { actor: { id: input.requesterId, kind: 'user', role: 'customer_user' }, payload: { body: 'kept while refused' } });
      await env.sleep(5 * H);
      refusing = false;
      await env.sleep(11 * 60_000);
      await h.signal(ticketActionSignals.cancel, { actor: manager, payload: { reason: 'replay fixture' } });
      await h.result();
      return h;
    });
    expect(recorder.refusals.length).toBeGreaterThan(1);
    expect(recorder.of(input.ticketId).map((e) => e.type)).toEqual(expect.arrayContaining(['ticket.created', 'comment.public', 'sla.breached', 'ticket.cancelled']));
    const history = await handle.fetchHistory();
    saveIfAsked('ticket-refused-', history);
    await expect(Worker.runReplayHistory(replayOptions(), history, handle.workflowId)).resolves.toBeUndefined();
  });

  it('replays the per-message mail workflow on each of its paths', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const outcome = { status: 'processed', outcome: 'ticket-created', reason: null, ticketId: 't-1' };
    const kinds = new Map<string, string>();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
      activities: {
        readInboundMail: async ({ inboundMessageId }: { inboundMessageId: string }) => {
          const kind = kinds.get(inboundMessageId);
          if (kind === 'unreadable') throw ApplicationFailure.nonRetryable('the message cannot be parsed', 'UnreadableMail');
          return kind === 'auto' ? { kind: 'ignored', reason: 'automatic mail', sender: 'x@y' } : { kind: 'mail', sender: 'user@acme.test' };
        },
        identifyMailSender: async () => ({ kind: 'known', userId: 'u', role: 'customer_user', customerId: 'c' }),
        threadInboundMail: async () => ({ kind: 'new', refused: [] }),
        deliverInboundMail: async () => outcome,
        recordMailBounce: async () => outcome,
        keepUnassignedMail: async () => outcome,
        finishInboundMail: async () => undefined,
      },
    });
    const ids = ['mail', 'auto', 'unreadable'].map((kind) => {
      const id = randomUUID();
      kinds.set(id, kind);
      return id;
    });
    const handles = await worker.runUntil(async () => {
      const hs = [];
      for (const id of ids) {
        const h = await env.client.workflow.start('inboundMailWorkflow', { taskQueue, workflowId: inboundMailWorkflowId(id), args: [{ inboundMessageId: id }] });
        await h.result();
        hs.push(h);
      }
      return hs;
    });
    for (const [i, h] of handles.entries()) {
      const history = await h.fetchHistory();
      if (i === 0) saveIfAsked('inbound-mail-', history);
      await expect(Worker.runReplayHistory(replayOptions(), history, h.workflowId)).resolves.toBeUndefined();
    }
  });
});
