/**
 * A timeline the database refuses for good (a constraint, a value it cannot store) leaves no ticket stuck: the
 * workflow keeps the refused events and every one after them, its SLA timers keep firing, and the write is tried
 * again after 30 s, then less and less often (at most every 10 minutes); once it succeeds the timeline is complete,
 * in order, each event once, and the write says it is recovering (which takes the ticket off the stuck list).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/definitions';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { bratislava, createTicketWorker, skipToWorkingMonday, ticketInput, until } from './support';

jest.setTimeout(90_000);

let env: TestWorkflowEnvironment;
afterEach(async () => env?.teardown().catch(() => undefined));

it('keeps its events and timers while its timeline is refused, and writes them all once it is accepted', async () => {
  env = await createTimeSkippingEnv();
  let refusing = true;
  const { worker, taskQueue, recorder } = await createTicketWorker(env, { refuse: () => refusing });
  const monday = await skipToWorkingMonday(env);
  const input = ticketInput(monday);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
    // Monday 14:00: the 4 business-hour first response was due at 12:00, its warning at 11:12 — both while refused.
    await env.sleep(bratislava(monday, 0, 14).getTime() - monday.getTime());
    const state = await handle.query(ticketStateQuery);
    expect(state.clocks.firstResponse.breachedAt).toBeTruthy();
    expect(recorder.of(input.ticketId)).toEqual([]);
    // Six hours of tries 30 s, 1, 2, 4, 8 min apart and then every 10 min: about forty, not thousands.
    expect(recorder.refusals.length).toBeGreaterThanOrEqual(30);
    expect(recorder.refusals.length).toBeLessThanOrEqual(45);

    refusing = false;
    await env.sleep(11 * 60_000);
    const events = await until(() => {
      const e = recorder.of(input.ticketId);
      return e.some((x) => x.type === 'sla.breached') && e;
    }, 'the whole timeline written');
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(events[0]!.type).toBe('ticket.created');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['sla.warning', 'sla.breached']));
    // the first accepted write carried every refused event and said it was recovering; the next ones do not
    expect(recorder.recovered).toEqual([{ ticketId: input.ticketId, seqs: expect.arrayContaining(recorder.refusals.at(-1)!.seqs) }]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  });
});
