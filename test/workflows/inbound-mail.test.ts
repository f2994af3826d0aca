/**
 * The per-message workflow under time skipping, activities mocked: each kind of mail takes its path, and an input no
 * retry can fix — or a step that keeps failing — ends as a recorded `failed` outcome instead of retrying forever.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { MailOutcome } from '../../activities/mail/inbound';
import { inboundMailWorkflowId } from '../../workflows/definitions';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { requireEnv, TEST_ENV } from '../support/env';

jest.setTimeout(60_000);
jest.retryTimes(2, { logErrorsBeforeRetry: true });

type Kind = { kind: 'mail' } | { kind: 'bounce' } | { kind: 'ignored'; reason: string };

describe('inbound mail workflow', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown().catch(() => undefined);
  });

  /** Runs one message through the workflow with these activity behaviours; returns what was called and recorded. */
  async function run(behaviour: { read: () => Promise<Kind & { sender: string | null }>; sender?: unknown; thread?: unknown; deliver?: () => Promise<MailOutcome> }) {
    const calls: string[] = [];
    const finished: Array<MailOutcome & { inboundMessageId: string }> = [];
    const taskQueue = `tq-${randomUUID()}`;
    const outcome = (o: Partial<MailOutcome>): MailOutcome => ({ status: 'processed', outcome: 'x', reason: null, ticketId: null, ...o });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
      activities: {
        readInboundMail: async () => (calls.push('read'), behaviour.read()),
        identifyMailSender: async () => (calls.push('identify'), behaviour.sender),
        threadInboundMail: async () => (calls.push('thread'), behaviour.thread),
        deliverInboundMail: async () => (calls.push('deliver'), behaviour.deliver ? behaviour.deliver() : outcome({ outcome: 'commented', ticketId: 't-1' })),
        recordMailBounce: async () => (calls.push('bounce'), outcome({ status: 'bounce', outcome: 'bounce-recorded', ticketId: 't-2' })),
        keepUnassignedMail: async (a: { reason: string; answer: boolean }) => (calls.push(`unassigned:${a.answer}`), outcome({ status: 'unassigned', outcome: a.answer ? 'answered' : 'not-answered', reason: a.reason })),
        finishInboundMail: async (a: MailOutcome & { inboundMessageId: string }) => {
          finished.push(a);
        },
      },
    });
    const id = randomUUID();
    const result = await worker.runUntil(env.client.workflow.execute('inboundMailWorkflow', { taskQueue, workflowId: inboundMailWorkflowId(id), args: [{ inboundMessageId: id }] }));
    return { calls, finished, result, id };
  }
  const customer = { kind: 'known', userId: 'u', role: 'customer_user', customerId: 'c' };

  it('delivers a person’s mail: read, identify, thread, deliver, record', async () => {
    const r = await run({ read: async () => ({ kind: 'mail', sender: 'user@acme.test' }), sender: customer, thread: { kind: 'continue', ticketId: 't-1', ticketNumber: 1, via: 'in-reply-to', action: 'comment' } });
    expect(r.calls).toEqual(['read', 'identify', 'thread', 'deliver']);
    expect(r.finished).toEqual([{ inboundMessageId: r.id, status: 'processed', outcome: 'commented', reason: null, ticketId: 't-1' }]);
  });

  it('records automatic mail without identifying or answering anyone, and a bounce on its own path', async () => {
    const ignored = await run({ read: async () => ({ kind: 'ignored', reason: 'automatic mail (Auto-Submitted: auto-replied)', sender: 'x@y' }) });
    expect(ignored.calls).toEqual(['read']);
    expect(ignored.finished[0]).toMatchObject({ status: 'ignored', reason: 'automatic mail (Auto-Submitted: auto-replied)' });
    const bounce = await run({ read: async () => ({ kind: 'bounce', sender: 'mailer-daemon@mx' }) });
    expect(bounce.calls).toEqual(['read', 'bounce']);
    expect(bounce.finished[0]).toMatchObject({ status: 'bounce', ticketId: 't-2' });
  });

  it('keeps an unknown sender’s mail for staff (answering when allowed), and staff mail that continues nothing unanswered', async () => {
    const unknown = await run({ read: async () => ({ kind: 'mail', sender: 'who@nowhere.test' }), sender: { kind: 'unknown', reason: 'the sender is not known', answer: true } });
    expect(unknown.calls).toEqual(['read', 'identify', 'unassigned:true']);
    const staff = await run({ read: async () => ({ kind: 'mail', sender: 'l1@demo.test' }), sender: { kind: 'known', userId: 's', role: 'agent', customerId: null }, thread: { kind: 'new', refused: [] } });
    expect(staff.calls).toEqual(['read', 'identify', 'thread', 'unassigned:false']);
  });

  it('records an unreadable message as failed at once, without retrying', async () => {
    let reads = 0;
    const r = await run({
      read: async () => {
        reads++;
        throw ApplicationFailure.nonRetryable('the message cannot be parsed: bad MIME', 'UnreadableMail');
      },
    });
    expect(reads).toBe(1);
    expect(r.finished).toEqual([{ inboundMessageId: r.id, status: 'failed', outcome: 'UnreadableMail', reason: 'the message cannot be parsed: bad MIME', ticketId: null }]);
  });

  it('gives up on a step that keeps failing after its bounded retries, and records it', async () => {
    let attempts = 0;
    const r = await run({
      read: async () => ({ kind: 'mail', sender: 'user@acme.test' }),
      sender: customer,
      thread: { kind: 'new', refused: [] },
      deliver: async () => {
        attempts++;
        throw new Error('something unexpected');
      },
    });
    expect(attempts).toBe(18);
    expect(r.finished[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('something unexpected') });
  });
});
