/** Change requests (SPEC §7): the sub-state table, the approver rule, and only the first response timed. */
import { CHANGE_ACTIONS, CHANGE_STATES, type ChangeAction, type ChangeState } from '../../domain/change-requests';
import { roleRefusal, stateRefusal } from '../../domain/ticket/actions';
import type { TicketFacts } from '../../domain/ticket/state';
import { TicketModel } from '../../workflows/ticket-model';
import { ticketInput, staff, H } from '../support/ticket-input';

const T0 = new Date('2026-02-09T08:00:00+01:00');
const at = (h: number) => new Date(T0.getTime() + h * H);

/** SPEC §7, written out: the change states each change action is allowed from. */
const CHANGE_FROM: Record<ChangeAction, ChangeState[]> = {
  assess: ['submitted', 'awaiting_approval'],
  approve: ['awaiting_approval'],
  reject: ['awaiting_approval'],
  schedule: ['approved', 'scheduled'],
  implement: ['scheduled'],
};
const facts = (state: ChangeState | null, type: TicketFacts['type'] = 'change_request'): TicketFacts => ({
  ticketId: '00000000-0000-4000-8000-000000000001',
  customerId: '00000000-0000-4000-8000-000000000002',
  requesterId: '00000000-0000-4000-8000-000000000003',
  status: 'in_progress',
  type,
  level: 'L1',
  priority: 'P3',
  defectState: null,
  changeState: state,
  resolvedAt: null,
  linkedIncidents: 0,
});

describe('change request rules', () => {
  it.each(CHANGE_ACTIONS.flatMap((a) => CHANGE_STATES.map((s) => [a, s] as const)))('%s from %s follows SPEC §7', (action, state) => {
    expect(stateRefusal(action, facts(state), T0) === null).toBe(CHANGE_FROM[action].includes(state));
  });
  it('only the customer admin approves or rejects, and only change requests take these actions', () => {
    for (const action of ['approve', 'reject'] as const) {
      expect(roleRefusal(action, { id: 'u', role: 'customer_user' })).toMatch(/only the organisation's customer admin can/);
      expect(roleRefusal(action, { id: 'u', role: 'customer_key_user' })).toMatch(/only the organisation's customer admin can/);
      expect(roleRefusal(action, { id: 'a', role: 'agent' })).toMatch(/not allowed for agents/);
      expect(roleRefusal(action, { id: 'u', role: 'customer_admin' })).toBeNull();
    }
    expect(stateRefusal('assess', facts(null, 'incident'), T0)).toMatch(/change requests only/);
  });
});

describe('a change request ticket', () => {
  it('times only its first response when created with firstResponseOnly', () => {
    const input = ticketInput(T0, { type: 'change_request' });
    const m = TicketModel.create(input, { firstResponseOnly: true });
    expect(m.data.clocks.resolution.startedAt).toBeNull();
    expect(m.dueTimers().map((t) => t.kind)).toEqual(expect.arrayContaining(['sla.breached:firstResponse']));
    expect(m.dueTimers().some((t) => t.kind.includes('resolution') || t.kind.startsWith('escalation'))).toBe(false);
    const admin = { id: '00000000-0000-4000-8000-0000000000c1', kind: 'user' as const, role: 'customer_admin' };
    m.apply({ action: 'assess', actor: staff, payload: { effort: '2 days', risk: 'low', assessment: 'small' } }, at(1));
    m.apply({ action: 'comment', actor: { id: input.requesterId, kind: 'user', role: 'customer_user' }, payload: { body: 'when?' } }, at(2));
    expect(m.data.clocks.nextUpdate.runningSince).toBeNull();
    m.apply({ action: 'approve', actor: admin, payload: {} }, at(3));
    expect(m.data.change!.state).toBe('approved');
    expect(m.pending.find((e) => e.type === 'change.assessed')!.notify).toEqual([{ kind: 'customerAdmins' }]);
  });
  it('tickets created without the rule keep the resolution clock (running executions from before it)', () => {
    const m = TicketModel.create(ticketInput(T0, { type: 'change_request' }));
    expect(m.data.clocks.resolution.startedAt).not.toBeNull();
  });
});
