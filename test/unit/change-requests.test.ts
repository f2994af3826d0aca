/** Change requests (SPEC §7): the sub-state table, the approver rule, and only the first response timed. */
import { CHANGE_ACTIONS, CHANGE_STATES, CHANGE_TRANSITIONS, checkChangeTransition } from '../../domain/change-requests';
import { TicketModel } from '../../workflows/ticket-model';
import { ticketInput, staff, H } from '../workflows/support';

const T0 = new Date('2026-02-09T08:00:00+01:00');
const at = (h: number) => new Date(T0.getTime() + h * H);

describe('change request table', () => {
  it.each(CHANGE_ACTIONS.flatMap((a) => CHANGE_STATES.map((s) => [a, s] as const)))('%s from %s follows the table', (action, state) => {
    const rule = CHANGE_TRANSITIONS[action];
    const actor = rule.who.includes('customer') ? 'customer' : 'staff';
    const v = checkChangeTransition(action, 'change_request', state, actor, 'customer_admin');
    expect(v.ok).toBe(rule.from.includes(state));
  });
  it('only the customer admin approves or rejects, and only change requests take these actions', () => {
    expect(checkChangeTransition('approve', 'change_request', 'awaiting_approval', 'customer', 'customer_user')).toEqual({ ok: false, reason: expect.stringMatching(/customer admin/) });
    expect(checkChangeTransition('approve', 'change_request', 'awaiting_approval', 'staff', 'agent').ok).toBe(false);
    expect(checkChangeTransition('assess', 'incident', null, 'staff', 'agent')).toEqual({ ok: false, reason: expect.stringMatching(/change requests only/) });
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
