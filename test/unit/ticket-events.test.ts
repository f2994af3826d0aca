/**
 * What a ticket's actions record and whom they tell (SPEC §4, §5): the events each action emits, their numbering,
 * the people notified, and what the first public staff message does to the clocks. Driven through the workflow's
 * model, with time passed in.
 */
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';
import { stateRefusal } from '../../domain/ticket/actions';
import { ticketInput, staff, manager, H } from '../support/ticket-input';

const MONDAY = new Date('2026-02-09T08:00:00+01:00'); // a week with no Slovak day of rest
const at = (hours: number) => new Date(MONDAY.getTime() + hours * H);
const AGENT_B = '00000000-0000-4000-8000-00000000a003';

function model(overrides: Parameters<typeof ticketInput>[1] = {}) {
  const input = ticketInput(MONDAY, overrides);
  const m = TicketModel.create(input);
  return { m, input, customer: { id: input.requesterId, kind: 'user' as const, role: 'customer_user' } };
}
const req = (action: TicketActionRequest['action'], actor: TicketActionRequest['actor'], payload: Record<string, unknown> = {}): TicketActionRequest => ({ action, actor, payload });
/** The events an action emitted, as type, data and who is told. */
function emitted(m: TicketModel, action: () => void): Array<{ type: string; data: unknown; notify?: unknown }> {
  const before = m.pending.length;
  action();
  return m.pending.slice(before).map((e) => ({ type: e.type, data: e.data, ...(e.notify ? { notify: e.notify } : {}) }));
}

describe('event numbering', () => {
  test('every event takes the next sequence number, is counted, and the ticket keeps the latest 20', () => {
    const { m } = model();
    const first = m.data.seq;
    for (let i = 1; i <= 25; i++) m.apply(req('comment', staff, { body: `note ${i}`, visibility: 'internal' }), at(0.01 * i));
    expect(m.data.seq).toBe(first + 25);
    expect(m.data.eventCount).toBe(first + 25);
    expect(m.data.recent).toHaveLength(20);
    expect(m.data.recent.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => first + 6 + i));
    expect(m.data.recent.at(-1)).toMatchObject({ type: 'comment.internal', data: { body: 'note 25' } });
  });
});

describe('who is told', () => {
  test('a customer comment is heard by the level while nobody is assigned, then by the assignee', () => {
    const { m, customer } = model();
    m.apply(req('comment', staff, { body: 'Looking into it' }), at(0.5));
    expect(emitted(m, () => m.apply(req('comment', customer, { body: 'Any news?' }), at(1)))).toEqual([{ type: 'comment.public', data: { body: 'Any news?' } }]);
    m.apply(req('request-info', staff, { body: 'Which invoice?' }), at(1.5));
    expect(emitted(m, () => m.apply(req('comment', customer, { body: 'No. 42' }), at(2)))[0]).toEqual({
      type: 'customer.replied',
      data: { body: 'No. 42' },
      notify: [{ kind: 'level', level: 'L1' }],
    });
    expect(emitted(m, () => m.apply(req('assign', staff, { assigneeId: AGENT_B }), at(2.5)))).toEqual([
      { type: 'ticket.assigned', data: { assigneeId: AGENT_B }, notify: [{ kind: 'user', userId: AGENT_B }] },
    ]);
    m.apply(req('request-info', staff, { body: 'And the date?' }), at(3));
    expect(emitted(m, () => m.apply(req('comment', customer, { body: 'Monday' }), at(3.5)))[0].notify).toEqual([{ kind: 'user', userId: AGENT_B }]);
  });

  test('unassigning tells nobody', () => {
    const { m } = model();
    m.apply(req('assign', staff, { assigneeId: AGENT_B }), at(0.5));
    expect(emitted(m, () => m.apply(req('assign', staff, { assigneeId: null }), at(1)))).toEqual([{ type: 'ticket.assigned', data: { assigneeId: null } }]);
  });

  test('a resolution is told to the requester', () => {
    const { m, input } = model();
    const events = emitted(m, () => m.apply(req('resolve', staff, { resolution: 'Fixed' }), at(1)));
    expect(events.find((e) => e.type === 'ticket.resolved')).toMatchObject({ data: { resolution: 'Fixed' }, notify: [{ kind: 'user', userId: input.requesterId }] });
    expect(m.data.status).toBe('resolved');
    expect(m.data.resolvedAt).toBe(at(1).toISOString());
  });

  test.each([
    ['P1', [{ kind: 'manager' }]],
    ['P3', undefined],
    ['P4', undefined],
  ])('a priority change to %s tells %j', (priority, notify) => {
    const { m } = model();
    const [event] = emitted(m, () => m.apply(req('override-priority', manager, { priority, reason: 'outage' }), at(1)));
    expect(event).toEqual({ type: 'priority.changed', data: { from: 'P2', to: priority, reason: 'outage' }, ...(notify ? { notify } : {}) });
    expect(m.data.priority).toBe(priority);
  });

  test('escalating up is an escalation, moving down a hand-back; both tell the new level and clear the assignee', () => {
    const { m } = model();
    m.apply(req('assign', staff, { assigneeId: AGENT_B }), at(0.5));
    expect(emitted(m, () => m.apply(req('escalate', staff, { toLevel: 'L2', reason: 'needs a specialist' }), at(1)))).toEqual([
      { type: 'escalation.manual', data: { from: 'L1', to: 'L2', reason: 'needs a specialist' }, notify: [{ kind: 'level', level: 'L2' }] },
    ]);
    expect(m.data.assigneeId).toBeNull();
    expect(emitted(m, () => m.apply(req('escalate', staff, { toLevel: 'L1', reason: 'back to you' }), at(2)))).toEqual([
      { type: 'escalation.handback', data: { from: 'L2', to: 'L1', reason: 'back to you' }, notify: [{ kind: 'level', level: 'L1' }] },
    ]);
    expect(() => m.apply(req('escalate', staff, { toLevel: 'L1', reason: 'again' }), at(3))).toThrow(/already at L1/);
  });
});

describe('closing', () => {
  test.each([
    [{ rating: 4 }, { confirmedBy: 'customer', rating: 4 }],
    [{}, { confirmedBy: 'customer' }],
  ])('a customer closes a resolved ticket with %j', (payload, data) => {
    const { m, customer } = model();
    m.apply(req('resolve', staff, { resolution: 'Fixed' }), at(1));
    expect(m.finished).toBe(false);
    expect(emitted(m, () => m.apply(req('close', customer, payload), at(2)))).toEqual([{ type: 'ticket.closed', data }]);
    expect(m.data.status).toBe('closed');
    expect(m.data.closedAt).toBe(at(2).toISOString());
    expect(m.finished).toBe(true);
  });

  test('staff close as staff; a cancelled ticket is finished too', () => {
    const { m, customer } = model();
    m.apply(req('resolve', staff, { resolution: 'Fixed' }), at(1));
    expect(emitted(m, () => m.apply(req('close', staff), at(2)))[0].data).toEqual({ confirmedBy: 'staff' });
    const other = model();
    other.m.apply(req('cancel', other.customer, { reason: 'not needed' }), at(1));
    expect(other.m.finished).toBe(true);
    expect(customer.role).toBe('customer_user');
  });
});

describe('the first public staff message is the first response', () => {
  test('it meets the first-response clock once and records it; internal notes and later messages do not', () => {
    const { m } = model();
    expect(emitted(m, () => m.apply(req('comment', staff, { body: 'note', visibility: 'internal' }), at(0.5))).map((e) => e.type)).toEqual(['comment.internal']);
    expect(m.data.staffResponded).toBe(false);
    expect(m.data.clocks.firstResponse.metAt).toBeNull();
    expect(emitted(m, () => m.apply(req('comment', staff, { body: 'On it' }), at(1)))).toEqual([
      { type: 'comment.public', data: { body: 'On it' } },
      { type: 'sla.met', data: { clock: 'firstResponse', consumedMs: H } },
    ]);
    expect(m.data.staffResponded).toBe(true);
    expect(m.data.clocks.firstResponse.metAt).toBe(at(1).toISOString());
    expect(emitted(m, () => m.apply(req('comment', staff, { body: 'Still on it' }), at(2))).map((e) => e.type)).toEqual(['comment.public']);
  });

  test('after the first response, a customer message starts the next-update clock, which the next staff message meets', () => {
    const { m, customer } = model();
    m.apply(req('comment', staff, { body: 'On it' }), at(1));
    expect(m.data.clocks.nextUpdate.runningSince).toBeNull();
    m.apply(req('comment', customer, { body: 'Any news?' }), at(2));
    expect(m.data.clocks.nextUpdate).toMatchObject({ runningSince: at(2).toISOString(), cycle: 1 });
    m.apply(req('comment', customer, { body: 'Hello?' }), at(2.5));
    expect(m.data.clocks.nextUpdate).toMatchObject({ runningSince: at(2).toISOString(), cycle: 1 });
    m.apply(req('comment', staff, { body: 'Here is the news' }), at(3));
    expect(m.data.clocks.nextUpdate.metAt).toBe(at(3).toISOString());
    expect(m.data.clocks.nextUpdate.consumedMs).toBe(H);
  });

  test('before the first response, a customer message starts no next-update clock', () => {
    const { m, customer } = model();
    m.apply(req('comment', customer, { body: 'Any news?' }), at(1));
    expect(m.data.clocks.nextUpdate.startedAt).toBeNull();
  });

  test('a change request timed on its first response only runs no next-update clock', () => {
    const input = ticketInput(MONDAY, { type: 'change_request' });
    const m = TicketModel.create(input, { firstResponseOnly: true });
    const customer = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    m.apply(req('comment', staff, { body: 'On it' }), at(1));
    m.apply(req('comment', customer, { body: 'Any news?' }), at(2));
    expect(m.data.clocks.nextUpdate.startedAt).toBeNull();
  });

  test('the facts the rules read: defect and change states only on their types, no linked incidents', () => {
    expect(model().m.facts()).toMatchObject({ defectState: null, changeState: null, linkedIncidents: 0, level: 'L1', status: 'new' });
    expect(model({ type: 'defect' }).m.facts()).toMatchObject({ defectState: 'reported', changeState: null });
    expect(model({ type: 'change_request' }).m.facts()).toMatchObject({ defectState: null, changeState: 'submitted' });
  });
});

describe('triage, assignment and reopening', () => {
  test('triage records only what changed, moves a new ticket to triaged, and files its note internally', () => {
    const { m } = model();
    expect(emitted(m, () => m.apply(req('triage', staff, { impact: 'high', note: 'Whole finance team' }), at(1)))).toEqual([
      { type: 'ticket.triaged', data: { impact: 'high' } },
      { type: 'comment.internal', data: { body: 'Whole finance team', context: 'triage' } },
    ]);
    expect(m.data).toMatchObject({ status: 'triaged', impact: 'high', urgency: 'high' });
    m.apply(req('assign', staff, { assigneeId: AGENT_B }), at(2));
    expect(emitted(m, () => m.apply(req('triage', staff, { urgency: 'low' }), at(3)))).toEqual([{ type: 'ticket.triaged', data: { urgency: 'low' } }]);
    expect(m.data).toMatchObject({ status: 'in_progress', impact: 'high', urgency: 'low' });
  });

  test.each([
    ['new', 'in_progress'],
    ['triaged', 'in_progress'],
    ['waiting_on_customer', 'waiting_on_customer'],
  ])('assigning a %s ticket leaves it %s', (status, after) => {
    const { m } = model();
    if (status === 'triaged') m.apply(req('triage', staff, {}), at(0.5));
    if (status === 'waiting_on_customer') m.apply(req('request-info', staff, { body: 'Which invoice?' }), at(0.5));
    expect(m.data.status).toBe(status);
    m.apply(req('assign', staff, { assigneeId: AGENT_B }), at(1));
    expect(m.data.status).toBe(after);
  });

  test('a ticket reopens within 14 days of its resolution, to the millisecond; the reopening is told to its level', () => {
    const { m, customer } = model();
    m.apply(req('resolve', staff, { resolution: 'Fixed' }), at(1));
    const fourteenDays = 14 * 24 * H;
    const facts = m.facts();
    expect(stateRefusal('reopen', facts, new Date(at(1).getTime() + fourteenDays))).toBeNull();
    expect(stateRefusal('reopen', facts, new Date(at(1).getTime() + fourteenDays + 1))).toMatch(/resolved more than 14 days ago/);
    const [event] = emitted(m, () => m.apply(req('reopen', customer, { reason: 'It is back' }), at(2)));
    expect(event).toMatchObject({ type: 'ticket.reopened', data: { reason: 'It is back' }, notify: [{ kind: 'level', level: 'L1' }] });
    expect(m.data.status).toBe('in_progress');
  });

  test('customers write no internal notes; a comment needs a body unless files come with it', () => {
    const { m, customer } = model();
    expect(() => m.apply(req('comment', customer, { body: 'psst', visibility: 'internal' }), at(1))).toThrow('customers cannot write internal notes');
    expect(() => m.apply(req('comment', staff, {}), at(1))).toThrow('body is required unless files are attached');
    expect(() => m.apply(req('comment', staff, { body: 'x', colour: 'red' }), at(1))).not.toThrow();
  });
});
