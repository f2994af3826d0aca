/**
 * The release workflow under time skipping, activities mocked: the manager is told when a planned date passes
 * unpublished (no human trigger, once per planned date), a moved date re-arms it, and publication fans out in pages.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { moveReleaseDateUpdate, publishReleaseUpdate, releaseStateQuery } from '../../workflows/definitions';
import type { SignalReleaseTicketsArgs } from '../../activities/releases';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { requireEnv, TEST_ENV } from '../support/env';
import { H, until } from './support';

jest.setTimeout(60_000);
jest.retryTimes(2, { logErrorsBeforeRetry: true });

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const actor = { id: randomUUID(), role: 'manager' };

describe('release workflow', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let taskQueue: string;
  const overdue: Array<{ plannedDate: string }> = [];
  const pages: SignalReleaseTicketsArgs[] = [];
  const changes: Array<Record<string, unknown>> = [];
  const LINKED = 450; // three pages of 200

  beforeEach(async () => {
    overdue.length = 0;
    pages.length = 0;
    changes.length = 0;
    env = await createTimeSkippingEnv();
    taskQueue = `tq-${randomUUID()}`;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
      activities: {
        async notifyReleaseOverdue(args: { plannedDate: string }) {
          overdue.push(args);
          return { queued: 1 };
        },
        async recordReleaseChange(args: Record<string, unknown>) {
          changes.push(args);
        },
        async signalReleaseTickets(args: SignalReleaseTicketsArgs) {
          pages.push(args);
          const numbers = Array.from({ length: LINKED }, (_, i) => i + 1).filter((n) => n > args.afterNumber).slice(0, args.limit);
          return { signalled: numbers.length, lastNumber: numbers.length ? numbers[numbers.length - 1] : null, done: numbers.length < args.limit };
        },
      },
    });
  });
  afterEach(async () => {
    await env?.teardown().catch(() => undefined);
  });

  it('tells the manager once when the planned date passes unpublished, again after a move, and fans out in pages on publish', async () => {
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const planned = day(now + 2 * 24 * H);
      const h = await env.client.workflow.start('releaseWorkflow', { taskQueue, workflowId: `release-${randomUUID()}`, args: [{ releaseId: randomUUID(), version: '4.2.0', plannedDate: planned }] });
      await env.sleep(24 * H);
      expect(overdue).toEqual([]);
      await env.sleep(3 * 24 * H);
      await until(() => overdue.length === 1, 'the overdue notice');
      expect(overdue[0].plannedDate).toBe(planned);
      await env.sleep(5 * 24 * H);
      expect(overdue).toHaveLength(1); // once per planned date

      const moved = day((await env.currentTimeMs()) + 3 * 24 * H);
      const view = await h.executeUpdate(moveReleaseDateUpdate, { args: [{ plannedDate: moved, actor }] });
      expect(view.plannedDate).toBe(moved);
      await until(() => pages.length >= 3, 'the date-moved fan-out');
      expect(pages.map((p) => [p.kind, p.afterNumber])).toEqual([
        ['release-date-moved', 0],
        ['release-date-moved', 200],
        ['release-date-moved', 400],
      ]);
      await expect(h.executeUpdate(moveReleaseDateUpdate, { args: [{ plannedDate: moved, actor }] })).rejects.toThrow();
      await env.sleep(5 * 24 * H);
      await until(() => overdue.length === 2, 'the overdue notice for the new date');
      expect(overdue[1].plannedDate).toBe(moved);

      pages.length = 0;
      await h.executeUpdate(publishReleaseUpdate, { args: [{ actor }] });
      await h.result();
      expect(pages.map((p) => [p.kind, p.afterNumber])).toEqual([
        ['fix-released', 0],
        ['fix-released', 200],
        ['fix-released', 400],
      ]);
      expect(changes.some((c) => c.publishedAt)).toBe(true);
      // two fan-outs of every linked ticket: the date move and the publication
      await expect(h.query(releaseStateQuery)).resolves.toMatchObject({ status: 'published', ticketsSignalled: 2 * LINKED });
    });
  });
});
