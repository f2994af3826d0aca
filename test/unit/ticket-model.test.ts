/** The ticket's rules without Temporal: the model the workflow drives, with time passed in. */
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';
import { ticketInput, staff, manager, H } from '../support/ticket-input';

const MONDAY = new Date('2026-02-09T08:00:00+01:00'); // a week with no Slovak day of rest
const at = (hours: number) => new Date(MONDAY.getTime() + hours * H);

function model(overrides: Parameters<typeof ticketInput>[1] = {}) {
  const input = ticketInput(MONDAY, overrides);
  const m = TicketModel.create(input);
  return { m, input, customer: { id: input.requesterId, kind: 'user' as const, role: 'customer_user' } };
}
const req = (action: TicketActionRequest['action'], actor: TicketActionRequest['actor'], payload: Record<string, unknown> = {}, requestId?: string): TicketActionRequest => ({
  action,
  actor,
  payload,
  ...(requestId ? { requestId } : {}),
});

describe('TicketModel', () => {
  it('refuses text with NUL and ids that are not UUIDs, changing nothing', () => {
    const { m } = model();
    const seq = m.data.seq;
    expect(() => m.apply(req('comment', staff, { body: 'a\u0000b' }), at(1))).toThrow(/NUL/);
    expect(() => m.apply(req('assign', staff, { assigneeId: 'bob' }), at(1))).toThrow(/assigneeId must be a UUID/);
    expect(() => m.apply(req('comment', { id: 'x', kind: 'user', role: 'agent' }, { body: 'hi' }), at(1))).toThrow(/actor.id must be a UUID/);
    expect(m.data.seq).toBe(seq);
  });

  it('records a breach that was due before an action that arrives late (the action never overtakes the timer)', () => {
    const { m } = model(); // Standard P2: first response 4 bh → 12:00
    m.apply(req('comment', staff, { body: 'Sorry for the wait' }), at(6)); // 14:00, no timer ran in between
    const types = m.pending.map((e) => e.type);
    expect(types.indexOf('sla.breached')).toBeGreaterThan(-1);
    expect(types.indexOf('sla.breached')).toBeLessThan(types.indexOf('comment.public'));
    const breach = m.pending.find((e) => e.type === 'sla.breached' && e.data.clock === 'firstResponse') as Extract<(typeof m.pending)[number], { type: 'sla.breached' }>;
    expect(breach.data.deadline).toBe(at(4).toISOString());
    expect(m.slaState(at(6))).toBe('breached');
  });

  it('starts a best-effort clock from creation when a priority change gives it a target', () => {
    const { m } = model({ planId: 'basic', priority: 'P4', impact: 'low', urgency: 'low' }); // Basic P4: no resolution target
    expect(m.dueTimers().some((t) => t.kind.startsWith('escalation'))).toBe(false);
    m.apply(req('override-priority', manager, { priority: 'P1', reason: 'outage' }), at(1));
    const res = m.data.clocks.resolution;
    expect(res.startedAt).toBe(MONDAY.toISOString());
    expect(res.consumedMs).toBe(H);
    expect(m.dueTimers().map((t) => t.kind)).toEqual(expect.arrayContaining(['escalation:L1', 'sla.breached:resolution']));
  });

  it('does not run the next-update clock for a customer comment on a resolved ticket', () => {
    const { m, customer } = model();
    m.apply(req('resolve', staff, { resolution: 'Fixed' }), at(1));
    m.apply(req('comment', customer, { body: 'Thanks!' }), at(2));
    expect(m.data.clocks.nextUpdate.runningSince).toBeNull();
    expect(m.dueTimers().filter((t) => t.kind.includes('nextUpdate'))).toEqual([]);
  });

  it('treats a repeat as the same action by the same actor with the same request id only', () => {
    const { m, customer } = model();
    m.apply(req('comment', customer, { body: 'first' }, 'k1'), at(1));
    expect(m.apply(req('comment', customer, { body: 'first' }, 'k1'), at(1)).duplicate).toBe(true);
    const resolved = m.apply(req('resolve', staff, { resolution: 'done' }, 'k1'), at(2));
    expect(resolved.duplicate).toBe(false);
    expect(m.data.status).toBe('resolved');
  });

  it('keeps a triage note internal', () => {
    const { m } = model();
    m.apply(req('triage', staff, { note: 'Looks like the locking bug' }), at(1));
    const triaged = m.pending.find((e) => e.type === 'ticket.triaged')!;
    expect(triaged.visibility).toBe('public');
    expect(JSON.stringify(triaged.data)).not.toContain('locking');
    expect(m.pending.find((e) => e.type === 'comment.internal')).toMatchObject({ visibility: 'internal', data: { body: 'Looks like the locking bug' } });
  });

  it('resolves a ticket waiting on the customer as abandoned after 10 business days, with a reminder at 5', () => {
    const { m } = model();
    m.apply(req('request-info', staff, { body: 'Which invoice?' }), at(1));
    m.fireDue(new Date('2026-02-16T09:00:00+01:00')); // 5 bh-days after Mon 09:00 is the next Monday 09:00
    expect(m.pending.some((e) => e.type === 'ticket.reminder')).toBe(true);
    expect(m.data.status).toBe('waiting_on_customer');
    m.fireDue(new Date('2026-02-23T09:00:00+01:00'));
    expect(m.data.status).toBe('resolved');
    expect(m.pending.find((e) => e.type === 'ticket.resolved')?.data).toMatchObject({ abandoned: true });
  });
});

describe('merge in the model', () => {
  const TARGET = { targetId: '00000000-0000-4000-8000-0000000000d1', targetNumber: 41 };
  it('closes the duplicate, stops its clocks and tells the target once; the target takes the news once', () => {
    const { m, input } = model();
    m.apply(req('merge', staff, { ...TARGET, note: 'same outage' }), at(1));
    expect(m.data.status).toBe('closed');
    expect(m.data.links?.duplicateOf).toEqual({ id: TARGET.targetId, number: 41 });
    expect(m.data.clocks.resolution.runningSince).toBeNull();
    expect(m.dueTimers()).toEqual([]);
    const out = m.takeOutgoing();
    expect(out).toEqual([{ channel: 'ticket', ticketNumber: 41, news: { action: 'merge', payload: { duplicateId: input.ticketId, duplicateNumber: input.number } } }]);

    const target = model().m;
    expect(target.ticketNews(out[0].news as never, at(1))).toBe(true);
    expect(target.ticketNews(out[0].news as never, at(2))).toBe(false); // a redelivery changes nothing
    expect(target.data.links?.duplicates).toEqual([{ id: input.ticketId, number: input.number }]);
    expect(target.pending.filter((e) => e.type === 'ticket.duplicate_merged')).toHaveLength(1);
    // Malformed news, or news for an action that sends none, is ignored.
    expect(target.ticketNews({ action: 'merge', payload: { duplicateId: 7 } } as never, at(3))).toBe(false);
    expect(target.ticketNews({ action: 'resolve', payload: {} } as never, at(3))).toBe(false);
  });

  it('refuses merging into itself and customers merging, changing nothing', () => {
    const { m, input, customer } = model();
    const seq = m.data.seq;
    expect(() => m.apply(req('merge', staff, { targetId: input.ticketId, targetNumber: input.number }), at(1))).toThrow(/cannot be merged into itself/);
    expect(() => m.apply(req('merge', customer, TARGET), at(1))).toThrow(/merge is not allowed for customers/);
    expect(m.data.seq).toBe(seq);
  });
});

describe('updates accepted before the registry replay as they were sent', () => {
  it('applies an accepted update whose input today’s stricter rules refuse, and refuses it as a new request', () => {
    const { m, customer } = model();
    // Before the registry, a comment's visibility null was public, and a resolution could say it was abandoned.
    const comment = req('comment', customer, { body: 'still broken', visibility: null });
    expect(() => m.validate(comment, at(1))).toThrow(/visibility/);
    m.apply(comment, at(1), { acceptedBefore: true });
    expect(m.pending.at(-1)).toMatchObject({ type: 'comment.public', data: { body: 'still broken' } });
    m.apply(req('resolve', staff, { resolution: 'no answer', abandoned: true }), at(2), { acceptedBefore: true });
    expect(m.pending.find((e) => e.type === 'ticket.resolved')?.data).toMatchObject({ abandoned: true });
    // The role, state and command rules still hold for it: only the shape of the input is taken as it was.
    expect(() => m.apply(req('reopen', customer, {}), at(3), { acceptedBefore: true })).not.toThrow();
    expect(() => m.apply(req('escalate', staff, { toLevel: 'L1', reason: 'x' }), at(4), { acceptedBefore: true })).toThrow(/already at L1/);
  });

  it('an actor with a role this code does not know acts as a customer user, as before', () => {
    const { m, input } = model();
    m.apply(req('comment', { id: input.requesterId, kind: 'user', role: 'customer' }, { body: 'hello' }), at(1));
    expect(m.pending.at(-1)?.type).toBe('comment.public');
    expect(() => m.apply(req('resolve', { id: input.requesterId, kind: 'user', role: 'customer' }, { resolution: 'x' }), at(2))).toThrow(/not allowed for customers/);
  });
});
