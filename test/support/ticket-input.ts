/**
 * Plain data for tests that need a ticket's workflow input: no Temporal worker, no I/O, so unit tests (and the
 * mutation run, which loads them once per mutant) stay light. test/workflows/support re-exports these.
 */
import { randomUUID } from 'node:crypto';
import { businessSk, always247 } from '../../domain/calendars';
import { DEFAULT_PLANS, type Priority } from '../../domain/plans';
import type { TicketWorkflowInput } from '../../domain/ticket/state';

export const H = 3_600_000;
export const staff = { id: '00000000-0000-4000-8000-00000000a001', kind: 'user' as const, role: 'agent' };
export const manager = { id: '00000000-0000-4000-8000-00000000a002', kind: 'user' as const, role: 'manager' };

export function ticketInput(createdAt: Date, overrides: Partial<TicketWorkflowInput> & { planId?: string } = {}): TicketWorkflowInput {
  const { planId = 'standard', ...rest } = overrides;
  const plan = DEFAULT_PLANS.find((p) => p.id === planId)!;
  const priority: Priority = rest.priority ?? 'P2';
  const requesterId = randomUUID();
  return {
    ticketId: randomUUID(),
    number: 1 + Math.floor(Math.random() * 1e9),
    title: 'Invoices cannot be posted',
    description: 'Error 500 when posting',
    type: 'incident',
    impact: 'medium',
    urgency: 'high',
    priority,
    customerId: randomUUID(),
    requesterId,
    businessLineId: null,
    moduleId: null,
    moduleVersion: null,
    category: null,
    channel: 'portal',
    createdAt: createdAt.toISOString(),
    createdBy: { id: requesterId, kind: 'user', role: 'customer_user' },
    sla: {
      planId: plan.id,
      contractId: null,
      targets: plan.targets,
      warningThreshold: plan.warningThreshold,
      levelBudgets: plan.levelBudgets,
      businessCalendar: businessSk,
      wallClockCalendar: always247,
    },
    ...rest,
  };
}
