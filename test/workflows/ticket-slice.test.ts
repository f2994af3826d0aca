import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { businessSk, always247 } from '../../domain/calendars';
import { DEFAULT_PLANS } from '../../domain/plans';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/definitions';
import type { TicketWorkflowInput } from '../../workflows/ticket-state';
import type { RecordTicketEventsArgs } from '../../activities/projection';
import { requireEnv, TEST_ENV } from '../support/env';
import { createTimeSkippingEnv } from '../support/time-skipping';

export function ticketInput(overrides: Partial<TicketWorkflowInput> = {}): TicketWorkflowInput {
  const plan = DEFAULT_PLANS.find((p) => p.id === 'standard')!;
  const number = Math.floor(Math.random() * 1e9);
  return {
    ticketId: randomUUID(),
    number,
    title: 'Invoices cannot be posted',
    description: 'Error 500 when posting',
    type: 'incident',
    impact: 'medium',
    urgency: 'high',
    priority: 'P2',
    customerId: randomUUID(),
    requesterId: randomUUID(),
    businessLineId: null,
    moduleId: null,
    moduleVersion: null,
    category: null,
    channel: 'portal',
    createdAt: new Date('2026-02-02T08:00:00Z').toISOString(),
    createdBy: { id: randomUUID(), kind: 'user', role: 'customer_user' },
    sla: {
      planId: plan.id,
      contractId: null,
      targets: plan.targets,
      warningThreshold: plan.warningThreshold,
      levelBudgets: plan.levelBudgets,
      businessCalendar: businessSk,
      wallClockCalendar: always247,
    },
    ...overrides,
  };
}

describe('ticket workflow: first slice', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('records ticket.created through the projection activity and answers the state query', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const recorded: RecordTicketEventsArgs[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: requireEnv(TEST_ENV.workflowBundle) },
      activities: {
        async recordTicketEvents(args: RecordTicketEventsArgs) {
          recorded.push(args);
          return { inserted: args.events.length };
        },
      },
    });
    const input = ticketInput();
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('ticketWorkflow', { taskQueue, workflowId: ticketWorkflowId(input.number), args: [input] });
      for (let i = 0; i < 100 && recorded.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const state = await handle.query(ticketStateQuery);
      expect(state).toMatchObject({ ticketId: input.ticketId, number: input.number, status: 'new', level: 'L1', priority: 'P2' });
      expect(state.lastEvents.map((e) => e.type)).toContain('ticket.created');
      await handle.terminate('test done');
    });
    expect(recorded[0].events[0]).toMatchObject({ seq: 1, type: 'ticket.created', visibility: 'public' });
  });
});
