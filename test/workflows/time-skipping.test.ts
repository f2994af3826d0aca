import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/time-skipping';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow that sleeps 30 days without waiting 30 days', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('./fixtures/long-sleep') });
    const before = await env.currentTimeMs();
    const result = await worker.runUntil(env.client.workflow.execute('sleepThirtyDays', { taskQueue, workflowId: `sleep-${randomUUID()}` }));
    const after = await env.currentTimeMs();
    expect(result).toBe('woke up');
    // Server time moved by at least the 30 days the workflow slept (real time: the jest timeout bounds it).
    expect(after - before).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
  });
});
