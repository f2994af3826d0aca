/**
 * The moves every action is made of (domain/ticket/draft.ts), where the actions alone do not show them: which
 * met targets the timeline records, when the customer speaking starts the next-update clock, what an abandoned
 * resolution does not count as, and which clocks a priority change starts from the ticket's creation.
 */
import { actorKindOf } from '../../domain/ticket/actions/define';
import { SYSTEM } from '../../domain/ticket/state';
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';
import { ticketInput, staff, manager, H } from '../support/ticket-input';

const MONDAY = new Date('2026-02-09T08:00:00+01:00'); // 08:00, a week with no Slovak day of rest
const at = (hours: number) => new Date(MONDAY.getTime() + hours * H);
type Actor = TicketActionRequest['actor'];

function model(overrides: Parameters<typeof ticketInput>[1] = {}, opts: Parameters<typeof TicketModel.create>[1] = {}) {
  const input = ticketInput(MONDAY, overrides);
  const m = TicketModel.create(input, opts);
  const customer: Actor = { id: input.requesterId, kind: 'user', role: 'customer_user' };
  const act = (action: TicketActionRequest['action'], actor: Actor, payload: Record<string, unknown>, hours: number) => m.apply({ action, actor, payload }, at(hours));
  const met = () => m.pending.filter((e) => e.type === 'sla.met').map((e) => e.data);
  return { m, input, customer, act, met };
}

describe('met targets on the timeline', () => {
  it('a ticket that records them records each target once, as it is met', () => {
    const { act, met, customer } = model({}, { slaMetEvents: true });
    act('comment', staff, { body: 'On it' }, 1);
    act('comment', customer, { body: 'Any news?' }, 2);
    act('comment', staff, { body: 'Tomorrow' }, 3);
    act('resolve', staff, { resolution: 'Fixed' }, 4); // the next update was met already: not recorded again
    expect(met()).toEqual([
      { clock: 'firstResponse', consumedMs: H },
      { clock: 'nextUpdate', consumedMs: H, cycle: 1 },
      { clock: 'resolution', consumedMs: 4 * H, cycle: 0 },
    ]);
  });

  it('a clock that never ran (no customer message waiting for an update) is not met by the resolution', () => {
    const { act, met } = model({}, { slaMetEvents: true });
    act('resolve', staff, { resolution: 'Fixed' }, 2);
    expect(met().map((d) => d.clock)).toEqual(['firstResponse', 'resolution']);
  });

  it('a best-effort clock (no target) is never recorded as met', () => {
    const { act, met, m } = model({ planId: 'basic', priority: 'P4', impact: 'low', urgency: 'low' }, { slaMetEvents: true }); // Basic P4: no resolution target
    act('resolve', staff, { resolution: 'Fixed' }, 2);
    expect(m.data.status).toBe('resolved');
    expect(met().map((d) => d.clock)).toEqual(['firstResponse']);
  });

  it('a ticket from before they were recorded records only the first response', () => {
    const { act, met, customer } = model();
    act('comment', staff, { body: 'On it' }, 1);
    act('comment', customer, { body: 'Any news?' }, 2);
    act('comment', staff, { body: 'Tomorrow' }, 3);
    act('resolve', staff, { resolution: 'Fixed' }, 4);
    expect(met().map((d) => d.clock)).toEqual(['firstResponse']);
  });
});

describe('the customer speaking', () => {
  it.each([
    ['new', []],
    ['triaged', [['triage', { impact: 'medium' }]]],
    ['in progress', [['escalate', { toLevel: 'L2', reason: 'specialist' }]]],
  ] as const)('on a %s ticket, after the first response, starts the next-update clock', (_status, before) => {
    const { m, act, customer } = model();
    for (const [action, payload] of before) act(action, staff, payload, 0.5);
    act('comment', staff, { body: 'On it' }, 1);
    act('comment', customer, { body: 'Any news?' }, 2);
    expect(m.data.clocks.nextUpdate.runningSince).toBe(at(2).toISOString());
  });

  it('replying on a ticket nobody waits on leaves its status as it is', () => {
    const { m, act, customer } = model();
    act('reply', customer, { body: 'One more detail' }, 1);
    expect(m.data.status).toBe('new');
    expect(m.pending.at(-1)).toMatchObject({ type: 'customer.replied', data: { body: 'One more detail' } });
  });
});

describe('an abandoned resolution', () => {
  it('is no response to the customer: the first-response clock is not met, and the resolution says abandoned', () => {
    const { m } = model();
    m.resolve(SYSTEM, 'No answer from the customer', at(2), true);
    expect(m.data).toMatchObject({ status: 'resolved', staffResponded: false });
    expect(m.data.clocks.firstResponse.metAt).toBeNull();
    expect(m.pending.at(-1)).toMatchObject({ type: 'ticket.resolved', data: { resolution: 'No answer from the customer', abandoned: true } });
  });
});

describe('a priority change that gives a best-effort clock a target', () => {
  const basicP4 = { planId: 'basic', priority: 'P4', impact: 'low', urgency: 'low' } as const; // Basic P4: no resolution target

  it('starts it from the ticket’s creation, paused when the ticket waits on the customer', () => {
    const { m, act } = model(basicP4);
    act('request-info', staff, { body: 'Which invoice?' }, 1);
    act('override-priority', manager, { priority: 'P1', reason: 'outage' }, 2);
    expect(m.data.clocks.resolution).toMatchObject({ startedAt: MONDAY.toISOString(), runningSince: null });
  });

  it('does not start it on a resolved ticket', () => {
    const { m, act } = model(basicP4);
    act('resolve', staff, { resolution: 'Fixed' }, 1);
    act('override-priority', manager, { priority: 'P1', reason: 'outage' }, 2);
    expect(m.data.clocks.resolution.startedAt).toBeNull();
  });

  it('does not start the resolution clock of a ticket that times only its first response', () => {
    const { m, act } = model(basicP4, { firstResponseOnly: true });
    act('override-priority', manager, { priority: 'P1', reason: 'outage' }, 1);
    expect(m.data.clocks.resolution.startedAt).toBeNull();
  });

  describe('the first response, under a contract that leaves it best effort', () => {
    const bestEffortFirstResponse = () => {
      const input = ticketInput(MONDAY, { priority: 'P4' });
      const targets = { ...input.sla.targets, P4: { ...input.sla.targets.P4, firstResponse: null } };
      return { ...input, sla: { ...input.sla, targets } };
    };

    it('is started from the creation when nobody has answered yet', () => {
      const m = TicketModel.create(bestEffortFirstResponse());
      expect(m.data.clocks.firstResponse.startedAt).toBeNull();
      m.apply({ action: 'override-priority', actor: manager, payload: { priority: 'P1', reason: 'outage' } }, at(1));
      expect(m.data.clocks.firstResponse).toMatchObject({ startedAt: MONDAY.toISOString(), consumedMs: H, runningSince: at(1).toISOString() });
    });

    it('is not started once staff have answered', () => {
      const m = TicketModel.create(bestEffortFirstResponse());
      m.apply({ action: 'comment', actor: staff, payload: { body: 'On it' } }, at(0.5));
      m.apply({ action: 'override-priority', actor: manager, payload: { priority: 'P1', reason: 'outage' } }, at(1));
      expect(m.data.clocks.firstResponse.startedAt).toBeNull();
    });
  });
});

describe('a priority set by hand', () => {
  it('is refused when it is the priority the ticket has', () => {
    const { act } = model();
    expect(() => act('override-priority', manager, { priority: 'P2', reason: 'again' }, 1)).toThrow('the priority is already P2');
  });

  it('is kept by a later triage', () => {
    const { m, act } = model({ priority: 'P3' });
    act('override-priority', manager, { priority: 'P1', reason: 'outage' }, 0.5);
    expect(m.data.priorityOverridden).toBe(true);
    act('triage', staff, { impact: 'low', urgency: 'low', priority: 'P4' }, 1);
    expect(m.data.priority).toBe('P1');
  });
});

describe('who acts, as the rules see them', () => {
  it.each([
    [SYSTEM, 'system'],
    [staff, 'staff'],
    [manager, 'manager'],
    [{ id: '00000000-0000-4000-8000-00000000c001', kind: 'user' as const, role: 'customer_user' }, 'customer'],
  ])('%j acts as %s', (actor, kind) => {
    expect(actorKindOf(actor)).toBe(kind);
  });
});
