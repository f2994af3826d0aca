import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ticketActionSignals, ticketActionUpdates, ticketStateQuery, ticketWorkflowId } from '../../workflows/definitions';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { createTicketWorker, staff, ticketInput, until } from './support';

describe('ticket workflow: long life', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('takes 5,000 comments, continues as new, and keeps every comment in its timeline', async () => {
    const { worker, taskQueue, recorder } = await createTicketWorker(env);
    const input = ticketInput(new Date(await env.currentTimeMs()));
    const COMMENTS = 5000;
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      // Signals, as the `temporal` CLI would send them, 25 at a time.
      for (let i = 0; i < COMMENTS; i += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, COMMENTS - i) }, (_, k) =>
            handle.signal(ticketActionSignals.comment, { actor: staff, payload: { body: `comment ${i + k}`, visibility: k % 5 === 0 ? 'internal' : 'public' } }),
          ),
        );
      }
      // One more through the update path, answered after persistence, across however many runs happened.
      const last = await handle.executeUpdate(ticketActionUpdates.comment, { args: [{ actor: staff, payload: { body: 'the last word' } }] });
      const state = await handle.query(ticketStateQuery);
      expect(state.runsContinuedAsNew).toBeGreaterThanOrEqual(1);
      expect(state.eventCount).toBe(last.seq);
      const events = await until(() => recorder.of(input.ticketId).length === last.seq && recorder.of(input.ticketId), 'all events recorded');
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: last.seq }, (_, i) => i + 1));
      const bodies = events.filter((e) => e.type.startsWith('comment.')).map((e) => e.data.body as string);
      expect(bodies).toHaveLength(COMMENTS + 1);
      expect(new Set(bodies).size).toBe(COMMENTS + 1);
      expect(events.filter((e) => e.type === 'comment.internal')).toHaveLength(COMMENTS / 5);
      expect(events.filter((e) => e.type === 'comment.internal').every((e) => e.visibility === 'internal')).toBe(true);
      await handle.terminate('done');
    });
  }, 300_000);
});
