/**
 * Replay: old ticket histories must replay on the current workflow code. Saved histories (binary protobuf) live in
 * test/replay/histories; a change that breaks them needs `patched()`. `TICKETFLOW_WRITE_HISTORIES=<name> npm run replay`
 * saves the scenario recorded here as histories/<name>.binpb. Fixtures: ticket-lifecycle-v1 (projection as a regular
 * activity), change-request-v1 (before `cr-first-response-only`), ticket-lifecycle-v2 (`projection-local-activity`),
 * defect-maintenance-v1 (recorded on the code before the action registry, 86aff8c, with
 * `TICKETFLOW_WRITE_HISTORIES=defect-maintenance-v1 TICKETFLOW_LEGACY_INPUTS=1`: a defect through reproduction, fix,
 * release, hand-back, a refused fix and cancellation, plus inputs the old workflow accepted and the registry's rules
 * refuse today — they must still replay as they were sent).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { fixReleasedSignal, ticketActionSignals, ticketActionUpdates, ticketWorkflowId } from '../../workflows/definitions';
import { requireEnv, TEST_ENV } from '../support/env';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { createTicketWorker, H, manager, skipToWorkingMonday, staff, ticketInput } from '../workflows/support';

const dir = join(__dirname, 'histories');
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
      expect(history.events.length).toBeGreaterThan(10);
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
    if (saveAs && /^[\w.-]+$/.test(saveAs) && !saveAs.startsWith('defect-')) {
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
});
