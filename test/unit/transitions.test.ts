/**
 * The status and role rules of every action in the registry (domain/ticket/actions), against a table written from
 * SPEC §4.3 and §8 rather than copied from the registry; sub-states are pinned in defects.test.ts and
 * change-requests.test.ts, the resulting statuses along the lifecycle through the workflow's model.
 */
import { TICKET_STATUSES, type TicketStatus } from '../../domain/tickets';
import {
  type ActorKind,
  actorKindOfRole,
  AUTO_CLOSE_AFTER_MS,
  nextLevel,
  REOPEN_WINDOW_MS,
  WAITING_ABANDON_BH,
  WAITING_REMINDER_BH,
} from '../../domain/transitions';
import { SUPPORT_LEVELS as LEVELS } from '../../domain/plans';
import { ACTIONS, isTicketAction, roleRefusal, stateRefusal, TICKET_ACTIONS, type ActionDefinition, type TicketActionName } from '../../domain/ticket/actions';
import type { TicketFacts } from '../../domain/ticket/state';
import { TicketModel } from '../../workflows/ticket-model';
import { ticketInput, staff, manager } from '../support/ticket-input';

/** A person of each kind (customers as their organisation's admin, who may run every customer action). */
const ROLE_OF: Record<ActorKind, { id: string | null; role: string | undefined; system?: boolean }> = {
  customer: { id: '00000000-0000-4000-8000-0000000000c1', role: 'customer_admin' },
  staff: { id: '00000000-0000-4000-8000-0000000000a1', role: 'agent' },
  manager: { id: '00000000-0000-4000-8000-0000000000a2', role: 'manager' },
  system: { id: null, role: undefined, system: true },
};

/** A ticket the action applies to (its type and sub-state allow it), in the given status. */
function factsFor(action: TicketActionName, status: TicketStatus): TicketFacts {
  const def = ACTIONS[action] as ActionDefinition;
  return {
    ticketId: '00000000-0000-4000-8000-000000000001',
    customerId: '00000000-0000-4000-8000-000000000002',
    requesterId: ROLE_OF.customer.id!,
    status,
    type: def.types?.only[0] ?? 'incident',
    level: 'L1',
    priority: 'P3',
    defectState: def.defect?.from[0] ?? null,
    changeState: def.change?.from[0] ?? null,
    resolvedAt: null,
    linkedIncidents: 1,
  };
}

function checkTransition(action: TicketActionName, status: TicketStatus, actor: ActorKind): { ok: true } | { ok: false; reason: string } {
  const reason = roleRefusal(action, ROLE_OF[actor]) ?? stateRefusal(action, factsFor(action, status), new Date('2026-02-09T08:00:00Z'));
  return reason ? { ok: false, reason } : { ok: true };
}

const ACTORS: readonly ActorKind[] = ['customer', 'staff', 'manager', 'system'];
const H = 3_600_000;
const DAY = 24 * H;

/**
 * The expected table, written from the rules rather than copied from the module: who may act, and for each status in
 * which the action is allowed, the status that results. A status missing from `from` means the action is refused there.
 * Lifecycle: new → triaged → in_progress ⇄ waiting_on_customer → resolved → closed; reopen resolved → in_progress;
 * cancel only before resolution. The system actor resolves abandoned tickets and auto-closes resolved ones.
 */
const EXPECTED: Record<TicketActionName, { who: ActorKind[]; from: Partial<Record<TicketStatus, TicketStatus>> }> = {
  triage: {
    who: ['staff', 'manager'],
    // Re-triaging an open ticket (e.g. to fix its type) is accepted and leaves the status alone.
    from: { new: 'triaged', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer' },
  },
  assign: {
    who: ['staff', 'manager'],
    // Assignment starts the work; on a ticket already being worked it only changes the assignee.
    from: { new: 'in_progress', triaged: 'in_progress', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer' },
  },
  comment: {
    who: ['customer', 'staff', 'manager'],
    from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer', resolved: 'resolved' },
  },
  'request-info': {
    who: ['staff', 'manager'],
    from: { new: 'waiting_on_customer', triaged: 'waiting_on_customer', in_progress: 'waiting_on_customer' },
  },
  reply: {
    who: ['customer'],
    from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'in_progress' },
  },
  resolve: {
    who: ['staff', 'manager', 'system'],
    from: { new: 'resolved', triaged: 'resolved', in_progress: 'resolved', waiting_on_customer: 'resolved' },
  },
  reopen: {
    who: ['customer', 'staff', 'manager'],
    from: { resolved: 'in_progress' },
  },
  close: {
    who: ['customer', 'staff', 'manager', 'system'],
    from: { resolved: 'closed' },
  },
  cancel: {
    who: ['customer', 'staff', 'manager'],
    from: { new: 'cancelled', triaged: 'cancelled', in_progress: 'cancelled', waiting_on_customer: 'cancelled' },
  },
  escalate: {
    who: ['staff', 'manager'],
    from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer' },
  },
  // A duplicate (open or resolved) is merged by staff into another ticket of the same customer and closes.
  merge: {
    who: ['staff', 'manager'],
    from: { new: 'closed', triaged: 'closed', in_progress: 'closed', waiting_on_customer: 'closed', resolved: 'closed' },
  },
  'override-priority': {
    who: ['manager'],
    from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer', resolved: 'resolved' },
  },
  // Software maintenance (defect sub-states are checked separately in defects.test.ts): the work happens in_progress.
  'start-reproduction': {
    who: ['staff', 'manager'],
    // also after "not reproducible" sent it to the customer for details
    from: { new: 'in_progress', triaged: 'in_progress', in_progress: 'in_progress', waiting_on_customer: 'in_progress' },
  },
  'confirm-defect': { who: ['staff', 'manager'], from: { new: 'in_progress', triaged: 'in_progress', in_progress: 'in_progress' } },
  'mark-not-reproducible': { who: ['staff', 'manager'], from: { new: 'waiting_on_customer', triaged: 'waiting_on_customer', in_progress: 'waiting_on_customer' } },
  'reject-defect': { who: ['staff', 'manager'], from: { new: 'resolved', triaged: 'resolved', in_progress: 'resolved', waiting_on_customer: 'resolved' } },
  'start-fix': { who: ['staff', 'manager'], from: { new: 'in_progress', triaged: 'in_progress', in_progress: 'in_progress' } },
  'schedule-fix': { who: ['staff', 'manager'], from: { new: 'in_progress', triaged: 'in_progress', in_progress: 'in_progress' } },
  // a released fix confirmed by the customer resolves and closes the ticket at once
  'confirm-fix': { who: ['customer', 'staff', 'manager'], from: { in_progress: 'closed' } },
  // Change requests (sub-states in change-requests.test.ts).
  assess: { who: ['staff', 'manager'], from: { new: 'in_progress', triaged: 'in_progress', in_progress: 'in_progress' } },
  approve: { who: ['customer'], from: { in_progress: 'in_progress' } },
  reject: { who: ['customer'], from: { in_progress: 'closed' } },
  schedule: { who: ['staff', 'manager'], from: { in_progress: 'in_progress' } },
  implement: { who: ['staff', 'manager'], from: { in_progress: 'in_progress' } },
  // Problems: linking and workarounds leave the status alone.
  'link-incident': { who: ['staff', 'manager'], from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer' } },
  'unlink-incident': { who: ['staff', 'manager'], from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer' } },
  'record-workaround': { who: ['staff', 'manager'], from: { new: 'new', triaged: 'triaged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer' } },
};

type Row = [TicketActionName, TicketStatus, ActorKind, TicketStatus | null];
const ROWS: Row[] = TICKET_ACTIONS.flatMap((action) =>
  TICKET_STATUSES.flatMap((status) =>
    ACTORS.map((actor): Row => {
      const rule = EXPECTED[action];
      const to = rule.who.includes(actor) ? rule.from[status] : undefined;
      return [action, status, actor, to ?? null];
    }),
  ),
);

describe('checkTransition: every action × status × actor', () => {
  test('the table covers every combination exactly once', () => {
    expect(ROWS).toHaveLength(TICKET_ACTIONS.length * TICKET_STATUSES.length * ACTORS.length);
    expect(ROWS).toHaveLength(27 * 7 * 4); // 12 lifecycle (with merge) + 7 defect + 5 change-request + 3 problem actions
    expect(Object.keys(EXPECTED).sort()).toEqual([...TICKET_ACTIONS].sort());
  });

  test.each(ROWS)('%s on %s by %s → %s', (action, status, actor, to) => {
    const verdict = checkTransition(action, status, actor);
    if (to === null) {
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(verdict.reason.trim()).not.toBe('');
      expect(verdict.reason).toContain(action);
    } else {
      expect(verdict).toEqual({ ok: true });
    }
  });
});

describe('refusal reasons', () => {
  test('a refused actor is told the action is not allowed for their kind', () => {
    expect(checkTransition('triage', 'new', 'customer')).toEqual({ ok: false, reason: 'triage is not allowed for customers' });
    expect(checkTransition('reply', 'waiting_on_customer', 'staff')).toEqual({ ok: false, reason: 'reply is not allowed for agents' });
    expect(checkTransition('override-priority', 'new', 'staff')).toEqual({ ok: false, reason: 'override-priority is not allowed for agents' });
    expect(checkTransition('cancel', 'new', 'system')).toEqual({ ok: false, reason: 'cancel is not run by the system' });
  });

  test('a refused status is named in words, with the rule that applies', () => {
    expect(checkTransition('reopen', 'in_progress', 'customer')).toEqual({
      ok: false,
      reason: 'cannot reopen a ticket that is in progress: only a resolved ticket can be reopened',
    });
    expect(checkTransition('cancel', 'resolved', 'customer')).toEqual({
      ok: false,
      reason: 'cannot cancel a ticket that is resolved: a ticket can be cancelled only before it is resolved',
    });
    expect(checkTransition('request-info', 'waiting_on_customer', 'staff')).toEqual({
      ok: false,
      reason: 'cannot request-info a ticket that is waiting on customer: information can be requested only while the ticket is being worked on',
    });
  });

  test('the actor is checked before the status', () => {
    // A customer learns they may never triage, rather than that this particular ticket is closed.
    expect(checkTransition('triage', 'closed', 'customer')).toEqual({ ok: false, reason: 'triage is not allowed for customers' });
  });

  test('every status-based refusal names the status without underscores', () => {
    for (const [action, status, actor, to] of ROWS) {
      if (to !== null || !EXPECTED[action].who.includes(actor)) continue;
      const verdict = checkTransition(action, status, actor);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toContain(`that is ${status.replace(/_/g, ' ')}:`);
    }
  });

  test('an unknown action is not an action', () => {
    expect(isTicketAction('fly')).toBe(false);
    expect(TICKET_ACTIONS.every(isTicketAction)).toBe(true);
  });

  test('closed and cancelled tickets accept nothing from anyone', () => {
    for (const status of ['closed', 'cancelled'] as const) {
      for (const action of TICKET_ACTIONS) {
        for (const actor of ACTORS) expect(checkTransition(action, status, actor).ok).toBe(false);
      }
    }
  });
});

describe('resulting statuses along the lifecycle (through the workflow model)', () => {
  const MONDAY = new Date('2026-02-09T08:00:00+01:00');
  const at = (h: number) => new Date(MONDAY.getTime() + h * 3_600_000);

  test('a full life: new → triaged → in progress ⇄ waiting → resolved → reopened → resolved → closed', () => {
    const input = ticketInput(MONDAY);
    const m = TicketModel.create(input);
    const customer = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    const statuses: TicketStatus[] = [];
    const step = (action: TicketActionName, actor: typeof staff, payload: Record<string, unknown>, h: number) => {
      m.apply({ action, actor, payload }, at(h));
      statuses.push(m.data.status);
    };
    step('triage', staff, {}, 0.1);
    step('assign', staff, { assigneeId: staff.id }, 0.2);
    step('request-info', staff, { body: 'Which invoice?' }, 0.3);
    step('reply', customer, { body: 'INV-1' }, 0.4);
    step('request-info', manager, { body: 'And the date?' }, 0.5);
    step('comment', customer, { body: 'Monday' }, 0.6);
    step('resolve', staff, { resolution: 'Fixed' }, 0.7);
    step('reopen', customer, { reason: 'Not fixed' }, 0.8);
    step('resolve', manager, { resolution: 'Fixed again' }, 0.9);
    step('close', customer, { rating: 5 }, 1);
    expect(statuses).toEqual(['triaged', 'in_progress', 'waiting_on_customer', 'in_progress', 'waiting_on_customer', 'in_progress', 'resolved', 'in_progress', 'resolved', 'closed']);
  });

  test('cancel by the requester from waiting on the customer', () => {
    const input = ticketInput(MONDAY);
    const m = TicketModel.create(input);
    m.apply({ action: 'request-info', actor: staff, payload: { body: 'Which invoice?' } }, at(0.5));
    m.apply({ action: 'cancel', actor: { id: input.requesterId, kind: 'user', role: 'customer_user' }, payload: {} }, at(1));
    expect(m.data.status).toBe('cancelled');
  });

  test('the registry and the expected table agree on who may act', () => {
    for (const action of TICKET_ACTIONS) {
      const who = (['customer', 'staff', 'manager', 'system'] as const).filter((k) => roleRefusal(action, ROLE_OF[k]) === null);
      expect([action, [...who].sort()]).toEqual([action, [...EXPECTED[action].who].sort()]);
    }
  });
});

describe('constants', () => {
  test('reopen window and auto-close are both 14 days', () => {
    expect(REOPEN_WINDOW_MS).toBe(14 * DAY);
    expect(AUTO_CLOSE_AFTER_MS).toBe(14 * DAY);
  });

  test('waiting on customer: reminder at 5 and abandonment at 10 business days of 9 bh', () => {
    expect(WAITING_REMINDER_BH).toBe(45 * H);
    expect(WAITING_ABANDON_BH).toBe(90 * H);
  });

  test('support levels escalate L1 → L2 → L3 and no further', () => {
    expect(LEVELS).toEqual(['L1', 'L2', 'L3']);
    expect(nextLevel('L1')).toBe('L2');
    expect(nextLevel('L2')).toBe('L3');
    expect(nextLevel('L3')).toBeNull();
  });
});

test.each([
  ['admin', 'manager'],
  ['manager', 'manager'],
  ['agent', 'staff'],
  ['customer_admin', 'customer'],
  ['customer_key_user', 'customer'],
  ['customer_user', 'customer'],
  [undefined, 'customer'],
])('a %s acts as %s in the rules (workflow and desk pages alike)', (role, kind) => {
  expect(actorKindOfRole(role)).toBe(kind);
});
