/**
 * A problem's incidents and a change request's life (SPEC §7), as the ticket's actions record them and tell the
 * other tickets. Driven through the workflow's model, with time passed in.
 */
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';
import { ticketInput, staff, H } from '../support/ticket-input';

const MONDAY = new Date('2026-02-09T08:00:00+01:00');
const at = (hours: number) => new Date(MONDAY.getTime() + hours * H);
const INCIDENT_A = { id: '00000000-0000-4000-8000-0000000000a1', number: 101 };
const INCIDENT_B = { id: '00000000-0000-4000-8000-0000000000b2', number: 102 };
const req = (action: TicketActionRequest['action'], actor: TicketActionRequest['actor'], payload: Record<string, unknown> = {}): TicketActionRequest => ({ action, actor, payload });
const types = (m: TicketModel, action: () => void): string[] => {
  const before = m.pending.length;
  action();
  return m.pending.slice(before).map((e) => e.type);
};

describe('a problem and its incidents', () => {
  const problem = () => {
    const input = ticketInput(MONDAY, { type: 'problem' });
    return { m: TicketModel.create(input), input };
  };
  const link = (incident: { id: string; number: number }) => req('link-incident', staff, { incidentId: incident.id, incidentNumber: incident.number });

  test('linking an incident records it and tells that incident', () => {
    const { m, input } = problem();
    expect(types(m, () => m.apply(link(INCIDENT_A), at(1)))).toEqual(['problem.incident_linked']);
    expect(m.pending.at(-1)?.data).toEqual({ incidentId: INCIDENT_A.id, incidentNumber: 101 });
    expect(m.data.problem?.incidents).toEqual([INCIDENT_A]);
    expect(m.facts().linkedIncidents).toBe(1);
    expect(m.takeOutgoing()).toEqual([{ channel: 'problem', ticketNumber: 101, news: { kind: 'linked', problemId: input.ticketId, problemNumber: input.number } }]);
    expect(() => m.apply(link(INCIDENT_A), at(2))).toThrow(/already linked/);
  });

  test('a workaround goes to every linked incident, and to an incident linked after it at once', () => {
    const { m, input } = problem();
    m.apply(link(INCIDENT_A), at(1));
    m.takeOutgoing();
    expect(types(m, () => m.apply(req('record-workaround', staff, { workaround: 'Restart the service' }), at(2)))).toEqual(['problem.workaround_recorded']);
    expect(m.pending.at(-1)?.data).toEqual({ workaround: 'Restart the service', incidents: 1 });
    const news = { kind: 'workaround', text: 'Restart the service', problemId: input.ticketId, problemNumber: input.number };
    expect(m.takeOutgoing()).toEqual([{ channel: 'problem', ticketNumber: 101, news }]);
    m.apply(link(INCIDENT_B), at(3));
    expect(m.takeOutgoing()).toEqual([
      { channel: 'problem', ticketNumber: 102, news: { kind: 'linked', problemId: input.ticketId, problemNumber: input.number } },
      { channel: 'problem', ticketNumber: 102, news },
    ]);
  });

  test('unlinking releases only that incident and tells it', () => {
    const { m, input } = problem();
    expect(() => m.apply(req('unlink-incident', staff, { incidentId: INCIDENT_A.id, incidentNumber: 101 }), at(0.5))).toThrow(/no incident is linked/);
    m.apply(link(INCIDENT_A), at(1));
    m.apply(link(INCIDENT_B), at(1.5));
    m.takeOutgoing();
    expect(() => m.apply(req('unlink-incident', staff, { incidentId: '00000000-0000-4000-8000-0000000000c3', incidentNumber: 103 }), at(2))).toThrow(/not linked/);
    expect(types(m, () => m.apply(req('unlink-incident', staff, { incidentId: INCIDENT_A.id, incidentNumber: 101 }), at(2)))).toEqual(['problem.incident_unlinked']);
    expect(m.data.problem?.incidents).toEqual([INCIDENT_B]);
    expect(m.takeOutgoing()).toEqual([{ channel: 'problem', ticketNumber: 101, news: { kind: 'unlinked', problemId: input.ticketId, problemNumber: input.number } }]);
  });

  test('resolving a problem resolves its incidents only when the agent asks for it', () => {
    const quiet = problem();
    quiet.m.apply(link(INCIDENT_A), at(1));
    quiet.m.takeOutgoing();
    quiet.m.apply(req('resolve', staff, { resolution: 'Patched' }), at(2));
    expect(quiet.m.takeOutgoing()).toEqual([]);
    const loud = problem();
    loud.m.apply(link(INCIDENT_A), at(1));
    loud.m.apply(link(INCIDENT_B), at(1.5));
    loud.m.takeOutgoing();
    loud.m.apply(req('resolve', staff, { resolution: 'Patched', resolveIncidents: true }), at(2));
    expect(loud.m.takeOutgoing().map((o) => [o.ticketNumber, o.news])).toEqual([
      [101, { kind: 'resolved', text: 'Patched', problemId: loud.input.ticketId, problemNumber: loud.input.number }],
      [102, { kind: 'resolved', text: 'Patched', problemId: loud.input.ticketId, problemNumber: loud.input.number }],
    ]);
  });

  test('resolveIncidents is for problems only', () => {
    const m = TicketModel.create(ticketInput(MONDAY));
    expect(() => m.apply(req('resolve', staff, { resolution: 'Fixed', resolveIncidents: true }), at(1))).toThrow(/applies to problems only/);
  });
});

describe("a change request's life", () => {
  const change = () => {
    const input = ticketInput(MONDAY, { type: 'change_request' });
    const m = TicketModel.create(input, { firstResponseOnly: true });
    const admin = { id: '00000000-0000-4000-8000-0000000000ad', kind: 'user' as const, role: 'customer_admin' };
    return { m, input, admin };
  };
  const assess = req('assess', staff, { effort: '2 days', risk: 'low', assessment: 'A new report column' });

  test('assessed → approved → scheduled → implemented, each step recorded; the assessment is the first response', () => {
    const { m, admin } = change();
    expect(types(m, () => m.apply(assess, at(1)))).toEqual(['sla.met', 'change.assessed']);
    expect(m.pending.at(-1)).toMatchObject({ data: { effort: '2 days', risk: 'low', assessment: 'A new report column' }, notify: [{ kind: 'customerAdmins' }] });
    expect(m.data.status).toBe('in_progress');
    expect(m.data.change).toMatchObject({ state: 'awaiting_approval', assessment: { effort: '2 days', risk: 'low', text: 'A new report column' } });
    expect(types(m, () => m.apply(req('approve', admin, {}), at(2)))).toEqual(['change.approved']);
    expect(m.pending.at(-1)).toMatchObject({ data: { note: null }, notify: [{ kind: 'level', level: 'L1' }] });
    expect(m.data.change?.state).toBe('approved');
    expect(types(m, () => m.apply(req('schedule', staff, { plannedFor: '2026-03-01' }), at(3)))).toEqual(['change.scheduled']);
    expect(m.pending.at(-1)?.data).toEqual({ plannedFor: '2026-03-01', note: null });
    expect(m.data.change).toMatchObject({ state: 'scheduled', plannedFor: '2026-03-01' });
    expect(types(m, () => m.apply(req('implement', staff, { note: 'Deployed' }), at(4)))).toEqual(['change.implemented']);
    expect(m.pending.at(-1)?.data).toEqual({ note: 'Deployed' });
    expect(m.data.change?.state).toBe('implemented');
  });

  test('a rejected change closes the ticket and stops its clocks', () => {
    const { m, admin } = change();
    m.apply(assess, at(1));
    expect(types(m, () => m.apply(req('reject', admin, { reason: 'Too expensive' }), at(2)))).toEqual(['change.rejected', 'ticket.closed']);
    expect(m.pending.at(-2)?.data).toEqual({ reason: 'Too expensive' });
    expect(m.pending.at(-1)?.data).toEqual({ confirmedBy: 'customer', reason: 'change request rejected' });
    expect(m.data.change?.state).toBe('rejected');
    expect(m.data.status).toBe('closed');
    expect(m.data.closedAt).toBe(at(2).toISOString());
    for (const k of ['firstResponse', 'nextUpdate', 'resolution'] as const) expect(m.data.clocks[k].runningSince).toBeNull();
  });

  test('only the organisation’s customer admin approves or rejects', () => {
    const { m, input } = change();
    m.apply(assess, at(1));
    const requester = { id: input.requesterId, kind: 'user' as const, role: 'customer_user' };
    expect(() => m.apply(req('approve', requester, {}), at(2))).toThrow(/customer admin/);
    expect(() => m.apply(req('reject', staff, { reason: 'no' }), at(2))).toThrow(/not allowed for agents/);
  });
});
