import { SUPPORT_LEVELS } from '../../domain/plans';
import { TICKET_STATUSES, type TicketStatus } from '../../domain/tickets';
import {
  type ActorKind,
  actorKindOfRole,
  AUTO_CLOSE_AFTER_MS,
  checkTransition,
  nextLevel,
  REOPEN_WINDOW_MS,
  TICKET_ACTIONS,
  type TicketActionName,
  TRANSITIONS,
  WAITING_ABANDON_BH,
  WAITING_REMINDER_BH,
} from '../../domain/transitions';

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
    expect(ROWS).toHaveLength(26 * 7 * 4); // 11 lifecycle + 7 defect + 5 change-request + 3 problem actions
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
      expect(verdict).toEqual({ ok: true, to });
    }
  });
});

describe('refusal reasons', () => {
  test('a refused actor is told the action is not allowed for their kind', () => {
    expect(checkTransition('triage', 'new', 'customer')).toEqual({ ok: false, reason: 'triage is not allowed for customers' });
    expect(checkTransition('reply', 'waiting_on_customer', 'staff')).toEqual({ ok: false, reason: 'reply is not allowed for agents' });
    expect(checkTransition('override-priority', 'new', 'staff')).toEqual({ ok: false, reason: 'override-priority is not allowed for agents' });
    expect(checkTransition('cancel', 'new', 'system')).toEqual({ ok: false, reason: 'cancel is not allowed for system' });
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

  test('an unknown action is refused by name rather than throwing', () => {
    const verdict = checkTransition('merge' as TicketActionName, 'new', 'staff');
    expect(verdict).toEqual({ ok: false, reason: 'unknown action "merge"' });
  });

  test('closed and cancelled tickets accept nothing from anyone', () => {
    for (const status of ['closed', 'cancelled'] as const) {
      for (const action of TICKET_ACTIONS) {
        for (const actor of ACTORS) expect(checkTransition(action, status, actor).ok).toBe(false);
      }
    }
  });
});

describe('resulting statuses along the lifecycle', () => {
  const step = (action: TicketActionName, status: TicketStatus, actor: ActorKind): TicketStatus => {
    const verdict = checkTransition(action, status, actor);
    if (!verdict.ok) throw new Error(verdict.reason);
    return verdict.to;
  };

  test.each([
    ['triage', 'new', 'staff', 'triaged'],
    ['assign', 'triaged', 'staff', 'in_progress'],
    ['request-info', 'in_progress', 'staff', 'waiting_on_customer'],
    ['reply', 'waiting_on_customer', 'customer', 'in_progress'],
    ['resolve', 'in_progress', 'staff', 'resolved'],
    ['resolve', 'waiting_on_customer', 'system', 'resolved'],
    ['reopen', 'resolved', 'customer', 'in_progress'],
    ['close', 'resolved', 'customer', 'closed'],
    ['close', 'resolved', 'system', 'closed'],
    ['cancel', 'waiting_on_customer', 'customer', 'cancelled'],
  ] as const)('%s on %s by %s → %s', (action, status, actor, to) => {
    expect(step(action, status, actor)).toBe(to);
  });

  test('a full life: new → triaged → in progress ⇄ waiting → resolved → reopened → resolved → closed', () => {
    let s: TicketStatus = 'new';
    s = step('triage', s, 'staff');
    s = step('assign', s, 'staff');
    s = step('request-info', s, 'staff');
    s = step('reply', s, 'customer');
    s = step('request-info', s, 'manager');
    s = step('reply', s, 'customer');
    s = step('resolve', s, 'staff');
    s = step('reopen', s, 'customer');
    s = step('resolve', s, 'manager');
    s = step('close', s, 'customer');
    expect(s).toBe('closed');
  });

  test('the rule table and the expected table agree on who may act', () => {
    for (const action of TICKET_ACTIONS) expect([...TRANSITIONS[action].who].sort()).toEqual([...EXPECTED[action].who].sort());
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
    expect(SUPPORT_LEVELS).toEqual(['L1', 'L2', 'L3']);
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
