/**
 * The service report workflow under time skipping, with its activities mocked: a run started the way the schedule
 * starts it (on the 1st at 06:00 Europe/Bratislava) reports the month before, on both sides of the DST changes;
 * retries make one report; a customer that is gone fails the run at once instead of retrying forever.
 *
 * The Java time-skipping server implements no Schedules (temporalio/sdk-java#1954, closed: not planned), so the
 * schedule's own firing is shown on the dev server (test/integration/service-report.test.ts: next fire times and
 * backfilled runs); here time skipping moves the clock to each 1st, where a scheduled run would start.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { Client, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SERVICE_REPORT_WORKFLOW, type ServiceReportWorkflowInput } from '../../workflows/definitions';
import type { GenerateServiceReportArgs } from '../../activities/reports/service-report';
import { requireEnv, TEST_ENV } from '../support/env';
import { createTimeSkippingEnv } from '../support/time-skipping';

const ZONE = 'Europe/Bratislava';
let env: TestWorkflowEnvironment;
const generated: GenerateServiceReportArgs[] = [];
const emailed: string[] = [];
let failNext = 0;
let taskQueue: string;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  taskQueue = `tq-${randomUUID()}`;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
    activities: {
      async generateServiceReport(args: GenerateServiceReportArgs) {
        generated.push(args);
        if (args.customerId === 'gone') throw ApplicationFailure.nonRetryable('customer gone does not exist', 'CustomerNotFound');
        if (failNext > 0) {
          failNext--;
          throw new Error('the database blinked');
        }
        // a customer whose service did not include the review in the month: the activity generates nothing
        if (args.customerId === 'basic') return { reportId: null, month: args.month, revision: null, skipped: 'not-reviewed' };
        return { reportId: `r-${args.month}`, month: args.month, revision: 1 };
      },
      async emailServiceReport({ reportId }: { reportId: string }) {
        emailed.push(reportId);
        return { recipients: 2 };
      },
    },
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function runAt(at: string, input: Partial<ServiceReportWorkflowInput> = {}) {
  const wait = new Date(at).getTime() - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait);
  // A plain client: waiting for the result must not skip time (the environment's own client would jump ahead to the
  // next timer the server knows of while the run is waiting for its task to be picked up).
  const client = new Client({ connection: env.connection, namespace: env.namespace });
  return client.workflow.execute(SERVICE_REPORT_WORKFLOW, {
    taskQueue,
    workflowId: `service-report-test-${randomUUID()}`,
    args: [{ customerId: 'acme', timeZone: ZONE, trigger: 'schedule', email: true, ...input }],
  });
}

describe('service report workflow', () => {
  it('reports the month before its 1st, 06:00 local, on both sides of the spring DST change', async () => {
    // 1 March 2027 06:00 CET = 05:00 UTC; 1 April 2027 06:00 CEST = 04:00 UTC (DST began on 28 March).
    expect(await runAt('2027-03-01T05:00:00Z')).toMatchObject({ month: '2027-02', emailedTo: 2 });
    expect(await runAt('2027-04-01T04:00:00Z')).toMatchObject({ month: '2027-03', emailedTo: 2 });
    expect(emailed.slice(-2)).toEqual(['r-2027-02', 'r-2027-03']);
  });

  it('reports the right month when it starts late (a catch-up after an outage) and at the autumn change', async () => {
    expect(await runAt('2027-04-03T11:00:00Z')).toMatchObject({ month: '2027-03' });
    // 1 November 2027 06:00 CET = 05:00 UTC (DST ended on 31 October); 00:30 local on the 1st is already November.
    expect(await runAt('2027-10-31T23:30:00Z')).toMatchObject({ month: '2027-10' });
    expect(await runAt('2027-11-01T05:00:00Z')).toMatchObject({ month: '2027-10' });
  });

  it('makes one report however often its activity is retried, and mails on request only when asked', async () => {
    failNext = 2;
    const before = generated.length;
    const result = await runAt('2027-11-02T08:00:00Z', { trigger: 'request', month: '2027-06', email: false, requestedBy: 'u-1' });
    expect(result).toMatchObject({ month: '2027-06', emailedTo: 0 });
    const attempts = generated.slice(before);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.requestKey)).size).toBe(1);
    expect(attempts[0]).toMatchObject({ month: '2027-06', trigger: 'request', requestedBy: 'u-1' });
  });

  it('ends without mail when the month was outside the customer\'s review', async () => {
    const mailsBefore = emailed.length;
    expect(await runAt('2027-12-01T05:00:00Z', { customerId: 'basic' })).toEqual({ reportId: null, month: '2027-11', revision: null, skipped: 'not-reviewed', emailedTo: 0 });
    expect(emailed.length).toBe(mailsBefore);
  });

  it('fails at once for a customer that no longer exists', async () => {
    const before = generated.length;
    const err = await runAt('2027-11-02T09:00:00Z', { customerId: 'gone' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(generated.length - before).toBe(1);
  });
});
