/**
 * What each step of a defect's life does to the ticket (SPEC §6): its level, status, sub-state and clocks, and the
 * events it records, exactly. Driven through the workflow's model, with time passed in.
 */
import { actionDefinition } from '../../domain/ticket/actions';
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';
import { ticketInput, staff, H } from '../support/ticket-input';

const T0 = new Date('2026-02-09T08:00:00+01:00'); // a Monday
const at = (hours: number) => new Date(T0.getTime() + hours * H);
const AGENT_B = '00000000-0000-4000-8000-00000000a003';
const RELEASE = { releaseId: '00000000-0000-4000-8000-0000000000b1', releaseVersion: '4.2.0', plannedDate: '2026-03-15' };
const evidence = { evidence: { steps: 'post a credit note', environment: 'test tenant', version: '4.1.3' } };
type Actor = TicketActionRequest['actor'];

function defect() {
  const input = ticketInput(T0, { type: 'defect', moduleId: 'finance', moduleVersion: '4.1.3' });
  const m = TicketModel.create(input);
  const customer: Actor = { id: input.requesterId, kind: 'user', role: 'customer_user' };
  const requester = [{ kind: 'user', userId: input.requesterId }];
  /** Applies an action and returns what it emitted: type, data, who is told. */
  const step = (action: TicketActionRequest['action'], payload: Record<string, unknown> = {}, hours = 1, actor: Actor = staff) => {
    const before = m.pending.length;
    m.apply({ action, actor, payload }, at(hours));
    return m.pending.slice(before).map((e) => ({ type: e.type, data: e.data, ...(e.notify ? { notify: e.notify } : {}) }));
  };
  return { m, customer, requester, step };
}
/** A defect whose fix is in release 4.2.0, which has come out. */
function released() {
  const d = defect();
  d.step('start-reproduction', {}, 1);
  d.step('confirm-defect', evidence, 2);
  d.step('start-fix', {}, 3);
  d.step('schedule-fix', RELEASE, 4);
  d.m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0', releasedOn: '2026-03-15' }, at(10));
  return d;
}

describe('starting the reproduction', () => {
  it('moves a reported defect to L2, unassigned, in progress, and says so', () => {
    const { m, step } = defect();
    step('assign', { assigneeId: AGENT_B }, 0.5);
    expect(step('start-reproduction', {}, 1)).toEqual([{ type: 'defect.reproduction_started', data: { level: 'L2', fromLevel: 'L1', assigneeCleared: true } }]);
    expect(m.data).toMatchObject({ status: 'in_progress', level: 'L2', assigneeId: null, autoEscalated: { L1: true, L2: false } });
    expect(m.data.defect).toEqual({ state: 'reproducing', evidence: null, release: null, releasedAt: null, releasedOn: null });
  });

  it('records a note as an internal comment of the reproduction', () => {
    const { step } = defect();
    expect(step('start-reproduction', { note: 'trying on 4.1.3' })).toEqual([
      { type: 'defect.reproduction_started', data: { level: 'L2', fromLevel: 'L1', assigneeCleared: false } },
      { type: 'comment.internal', data: { body: 'trying on 4.1.3', context: 'reproduction' } },
    ]);
  });

  it('keeps a defect already at L2 with its assignee', () => {
    const { m, step } = defect();
    step('escalate', { toLevel: 'L2', reason: 'known area' }, 0.5);
    step('assign', { assigneeId: AGENT_B }, 0.6);
    step('start-reproduction', {}, 1);
    expect(m.data).toMatchObject({ level: 'L2', assigneeId: AGENT_B });
  });

  it('keeps a defect already at L3 there, with its assignee', () => {
    const { m, step } = defect();
    step('escalate', { toLevel: 'L3', reason: 'known area' }, 0.5);
    step('assign', { assigneeId: AGENT_B }, 0.6);
    expect(step('start-reproduction', {}, 1)).toEqual([{ type: 'defect.reproduction_started', data: { level: 'L3', fromLevel: 'L3', assigneeCleared: false } }]);
    expect(m.data).toMatchObject({ level: 'L3', assigneeId: AGENT_B });
  });

  it('again, while the customer has not yet sent more details: the ticket is worked on again and its resolution clock runs', () => {
    const { m, step } = defect();
    step('start-reproduction', {}, 1);
    step('mark-not-reproducible', { body: 'Which tenant?' }, 2);
    expect(m.data.clocks.resolution.runningSince).toBeNull();
    step('start-reproduction', {}, 3);
    expect(m.data).toMatchObject({ status: 'in_progress', waitingSince: null, defect: { state: 'reproducing' } });
    expect(m.data.clocks.resolution.runningSince).toBe(at(3).toISOString());
  });
});

describe('starting the fix', () => {
  it('moves a confirmed defect to L3, unassigned, with both level budgets counted as used', () => {
    const { m, step } = defect();
    step('start-reproduction', {}, 1);
    step('confirm-defect', evidence, 2);
    step('assign', { assigneeId: AGENT_B }, 2.5);
    expect(step('start-fix', {}, 3)).toEqual([{ type: 'defect.fix_started', data: { level: 'L3' } }]);
    expect(m.data).toMatchObject({ status: 'in_progress', level: 'L3', assigneeId: null, autoEscalated: { L1: true, L2: true }, defect: { state: 'fix_in_progress' } });
  });

  it('records a note as an internal comment of the fix', () => {
    const { step } = defect();
    step('start-reproduction', {}, 1);
    step('confirm-defect', evidence, 2);
    expect(step('start-fix', { note: 'the rounding in posting' }, 3)).toEqual([
      { type: 'defect.fix_started', data: { level: 'L3' } },
      { type: 'comment.internal', data: { body: 'the rounding in posting', context: 'fix' } },
    ]);
  });
});

describe('rejecting a defect', () => {
  it('as works as designed: resolved "Not a defect: <reason>", which answers the customer', () => {
    const { m, step, requester } = defect();
    const events = step('reject-defect', { reason: 'works as designed' }, 1);
    expect(events[0]).toEqual({ type: 'defect.rejected', data: { reason: 'works as designed', convertedTo: null }, notify: requester });
    expect(events.find((e) => e.type === 'ticket.resolved')).toEqual({
      type: 'ticket.resolved',
      data: { resolution: 'Not a defect: works as designed', resolutionConsumedMs: H },
      notify: requester,
    });
    expect(m.data).toMatchObject({ status: 'resolved', defect: { state: 'rejected' }, staffResponded: true });
    expect(m.data.clocks.firstResponse.metAt).toBe(at(1).toISOString());
  });

  it.each(['question', 'change_request'] as const)('converted to a %s: the ticket continues as one, worked on, and that answers the customer', (to) => {
    const { m, step, requester } = defect();
    step('start-reproduction', {}, 1);
    step('mark-not-reproducible', { body: 'Which tenant?' }, 2);
    const events = step('reject-defect', { reason: 'an enhancement', convertTo: to }, 3);
    expect(events).toEqual([
      { type: 'defect.rejected', data: { reason: 'an enhancement', convertedTo: to }, notify: requester },
      { type: 'ticket.converted', data: { from: 'defect', to } },
    ]);
    expect(m.data).toMatchObject({ type: to, status: 'in_progress', waitingSince: null, defect: { state: 'rejected' } });
    expect(m.data.clocks.resolution.runningSince).toBe(at(3).toISOString());
  });

  it('converted before anyone answered: the conversion is the first response', () => {
    const { m, step } = defect();
    step('reject-defect', { reason: 'an enhancement', convertTo: 'change_request' }, 1);
    expect(m.data.staffResponded).toBe(true);
    expect(m.data.clocks.firstResponse.metAt).toBe(at(1).toISOString());
  });
});

describe('confirming a released fix', () => {
  it('accepted: confirmed, resolved "Fixed in release 4.2.0" (not as abandoned) and closed', () => {
    const { m, customer, step, requester } = released();
    expect(step('confirm-fix', {}, 11, customer)).toEqual([
      { type: 'fix.confirmed', data: { releaseVersion: '4.2.0' } },
      { type: 'ticket.resolved', data: { resolution: 'Fixed in release 4.2.0', resolutionConsumedMs: m.data.clocks.resolution.consumedMs }, notify: requester },
      { type: 'ticket.closed', data: { confirmedBy: 'customer' } },
    ]);
  });

  it('not accepted by the customer: back to L3 (even when it was handed back meanwhile), and the customer’s word starts the next-update clock', () => {
    const { m, customer, step } = released();
    step('escalate', { toLevel: 'L2', reason: 'L2 follows up the release' }, 10.5);
    step('confirm-fix', { accepted: false, reason: 'still doubled' }, 11, customer);
    expect(m.data).toMatchObject({ status: 'in_progress', level: 'L3', defect: { state: 'fix_in_progress', releasedAt: null } });
    expect(m.data.clocks.nextUpdate.runningSince).toBe(at(11).toISOString());
  });

  it('not accepted as staff record it: back to L3, but no customer message is waiting for an update', () => {
    const { m, step } = released();
    expect(step('confirm-fix', { accepted: false, reason: 'customer called: still doubled' }, 11)).toEqual([
      { type: 'fix.rejected', data: { reason: 'customer called: still doubled', releaseVersion: '4.2.0' }, notify: [{ kind: 'level', level: 'L3' }] },
    ]);
    expect(m.data.clocks.nextUpdate.runningSince).toBeNull();
  });
});

describe('asking the customer for information', () => {
  it('records the question for the customer, waits on them and pauses the resolution clock', () => {
    const { m, step, requester } = defect();
    expect(step('request-info', { body: 'Which invoice?' }, 1)).toEqual([
      { type: 'sla.met', data: { clock: 'firstResponse', consumedMs: H } },
      { type: 'info.requested', data: { body: 'Which invoice?' }, notify: requester },
    ]);
    expect(m.data).toMatchObject({ status: 'waiting_on_customer', waitingSince: at(1).toISOString(), staffResponded: true });
    expect(m.data.clocks.resolution.runningSince).toBeNull();
  });
});

describe('the reason a fix is not accepted', () => {
  it('is required, and its absence is reported at the field like any field’s error', () => {
    const result = actionDefinition('confirm-fix').input.safeParse({ accepted: false });
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'custom', path: ['reason'], message: 'is required when the fix is not accepted' })]);
    expect(actionDefinition('confirm-fix').input.safeParse({ accepted: false, reason: 'still doubled' }).success).toBe(true);
    expect(actionDefinition('confirm-fix').input.safeParse({}).success).toBe(true);
  });
});
