/** The defect life (SPEC §6) in the model, time passed in: sub-states, refusals, release news, auto-resolve. */
import { DEFECT_ACTIONS, DEFECT_STATES, FIX_AUTO_RESOLVE_MS, type DefectAction, type DefectState } from '../../domain/defects';
import { roleRefusal, stateRefusal } from '../../domain/ticket/actions';
import type { TicketFacts } from '../../domain/ticket/state';
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';
import { ticketInput, staff, H } from '../support/ticket-input';

const T0 = new Date('2026-02-09T08:00:00+01:00');
const at = (hours: number) => new Date(T0.getTime() + hours * H);
const RELEASE = { releaseId: '00000000-0000-4000-8000-0000000000b1', releaseVersion: '4.2.0', plannedDate: '2026-03-15' };
const req = (action: TicketActionRequest['action'], payload: Record<string, unknown> = {}, actor: TicketActionRequest['actor'] = staff): TicketActionRequest => ({ action, actor, payload });
const evidence = { evidence: { steps: 'post a credit note', environment: 'test tenant', version: '4.1.3' } };

function defectModel() {
  const input = ticketInput(T0, { type: 'defect', moduleId: 'finance', moduleVersion: '4.1.3' });
  return { m: TicketModel.create(input), customer: { id: input.requesterId, kind: 'user' as const, role: 'customer_user' } };
}

function scheduled() {
  const d = defectModel();
  d.m.apply(req('start-reproduction'), at(1));
  d.m.apply(req('confirm-defect', evidence), at(2));
  d.m.apply(req('start-fix'), at(3));
  d.m.apply(req('schedule-fix', RELEASE), at(4));
  return d;
}

/** SPEC §6, written out: the defect states each defect action is allowed from. */
const DEFECT_FROM: Record<DefectAction, DefectState[]> = {
  'start-reproduction': ['reported', 'not_reproducible'],
  'confirm-defect': ['reproducing'],
  'mark-not-reproducible': ['reproducing'],
  'reject-defect': ['reported', 'reproducing', 'not_reproducible', 'confirmed'],
  'start-fix': ['confirmed'],
  'schedule-fix': ['confirmed', 'fix_in_progress', 'fix_scheduled'],
  'confirm-fix': ['fix_released'],
};
const facts = (state: DefectState | null, type: TicketFacts['type'] = 'defect', status: TicketFacts['status'] = 'in_progress'): TicketFacts => ({
  ticketId: '00000000-0000-4000-8000-000000000001',
  customerId: '00000000-0000-4000-8000-000000000002',
  requesterId: '00000000-0000-4000-8000-000000000003',
  status,
  type,
  level: 'L2',
  priority: 'P2',
  defectState: state,
  changeState: null,
  resolvedAt: null,
  linkedIncidents: 0,
});

describe('defect sub-state rules', () => {
  it.each(DEFECT_ACTIONS.flatMap((a) => DEFECT_STATES.map((s) => [a, s] as const)))('%s from %s is allowed exactly where SPEC §6 says', (action, state) => {
    const reason = stateRefusal(action, facts(state), T0);
    expect(reason === null).toBe(DEFECT_FROM[action].includes(state));
    if (reason) expect(reason).toMatch(new RegExp(`cannot ${action} a defect that is ${state.replace(/_/g, ' ')}`));
  });
  it('a defect that no action touched yet counts as reported', () => {
    expect(stateRefusal('start-reproduction', facts(null), T0)).toBeNull();
    expect(stateRefusal('confirm-defect', facts(null), T0)).toMatch(/defect that is reported/);
  });
  it('refuses defect actions on other ticket types and customers confirming a defect', () => {
    expect(stateRefusal('start-reproduction', facts(null, 'incident'), T0)).toMatch(/defect reports only/);
    expect(roleRefusal('confirm-defect', { id: 'c', role: 'customer_user' })).toMatch(/not allowed for customers/);
    expect(roleRefusal('confirm-fix', { id: 'c', role: 'customer_user' })).toBeNull();
  });
});

describe('a defect ticket', () => {
  it('goes reported → reproducing → confirmed → fix in progress (L3) → scheduled, meeting the resolution clock', () => {
    const { m } = scheduled();
    expect(m.data.defect).toMatchObject({ state: 'fix_scheduled', release: { version: '4.2.0', plannedDate: '2026-03-15' }, evidence: evidence.evidence });
    expect(m.data.level).toBe('L3');
    expect(m.data.clocks.resolution.metAt).toBe(at(4).toISOString());
    const types = m.pending.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['defect.reproduction_started', 'defect.confirmed', 'defect.evidence', 'defect.fix_started', 'fix.scheduled']));
    expect(m.pending.find((e) => e.type === 'defect.evidence')!.visibility).toBe('internal');
    expect(m.pending.find((e) => e.type === 'fix.scheduled')!.data).toMatchObject({ releaseVersion: '4.2.0', plannedDate: '2026-03-15' });
    // No automatic escalation is pending once the fix is scheduled.
    expect(m.dueTimers().filter((t) => t.kind.startsWith('escalation'))).toEqual([]);
  });

  it('needs evidence to be confirmed, and refuses out-of-order steps with the reason', () => {
    const { m } = defectModel();
    expect(() => m.apply(req('confirm-defect', evidence), at(1))).toThrow(/reproduc/);
    m.apply(req('start-reproduction'), at(1));
    expect(() => m.apply(req('confirm-defect', { evidence: { steps: 'x' } }), at(2))).toThrow(/evidence.environment is required/);
    expect(() => m.apply(req('schedule-fix', RELEASE), at(2))).toThrow(/confirmed/);
  });

  it('not reproducible sends it to the customer, and reproduction can start again after their details', () => {
    const { m, customer } = defectModel();
    m.apply(req('start-reproduction'), at(1));
    m.apply(req('mark-not-reproducible', { body: 'Which tenant and which invoice?' }), at(2));
    expect(m.data.status).toBe('waiting_on_customer');
    expect(m.data.clocks.resolution.runningSince).toBeNull();
    m.apply(req('reply', { body: 'Tenant acme-prod, invoice 2026/0042' }, customer), at(3));
    m.apply(req('start-reproduction'), at(4));
    expect(m.data.defect!.state).toBe('reproducing');
  });

  it('release news is idempotent and only for the release the fix is scheduled in', () => {
    const { m } = scheduled();
    expect(m.releaseNews('release-date-moved', { releaseId: 'another', version: '9', newDate: '2026-04-01' }, at(5))).toBe(false);
    expect(m.releaseNews('release-date-moved', { releaseId: RELEASE.releaseId, version: '4.2.0', newDate: '2026-03-29' }, at(5))).toBe(true);
    expect(m.releaseNews('release-date-moved', { releaseId: RELEASE.releaseId, version: '4.2.0', newDate: '2026-03-29' }, at(6))).toBe(false);
    expect(m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0', releasedOn: '2026-03-29' }, at(7))).toBe(true);
    expect(m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0', releasedOn: '2026-03-29' }, at(8))).toBe(false);
    expect(m.releaseNews('fix-released', undefined as never, at(8))).toBe(false);
    expect(m.pending.filter((e) => e.type === 'fix.released')).toHaveLength(1);
    expect(m.pending.find((e) => e.type === 'release.date_moved')!.data).toMatchObject({ previousDate: '2026-03-15', newDate: '2026-03-29' });
  });

  it('resolves by itself 7 days after the release when the customer does not answer, then closes after 14 more', () => {
    const { m } = scheduled();
    m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0', releasedOn: '2026-03-29' }, at(10));
    const due = new Date(at(10).getTime() + FIX_AUTO_RESOLVE_MS);
    expect(m.dueTimers()[0]).toMatchObject({ kind: 'fix.auto-resolve', at: due.toISOString() });
    m.fireDue(new Date(due.getTime() - 1));
    expect(m.data.status).toBe('in_progress');
    m.fireDue(due);
    expect(m.data.status).toBe('resolved');
    expect((m.pending.at(-1)!.data as Record<string, unknown>).resolution).toMatch(/4\.2\.0/);
  });

  it('a ticket reopened after the automatic resolution is not resolved again by the same timer', () => {
    const { m, customer } = scheduled();
    m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0' }, at(10));
    const due = new Date(at(10).getTime() + FIX_AUTO_RESOLVE_MS);
    m.fireDue(due);
    expect(m.data.status).toBe('resolved');
    const later = new Date(due.getTime() + 2 * 24 * H);
    m.apply(req('reopen', { reason: 'still doubled' }, customer), later);
    m.fireDue(new Date(later.getTime() + H));
    expect(m.data.status).toBe('in_progress');
    expect(m.dueTimers().some((t) => t.kind === 'fix.auto-resolve')).toBe(false);
  });

  it('a customer who confirms the fix closes the ticket; one who does not sends it back to L3', () => {
    const a = scheduled();
    a.m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0' }, at(10));
    a.m.apply(req('confirm-fix', { accepted: true }, a.customer), at(11));
    expect(a.m.data.status).toBe('closed');
    const b = scheduled();
    b.m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0' }, at(10));
    expect(() => b.m.apply(req('confirm-fix', { accepted: false }, b.customer), at(11))).toThrow(/reason is required/);
    b.m.apply(req('confirm-fix', { accepted: false, reason: 'still doubled on 4.2.0' }, b.customer), at(11));
    expect(b.m.data).toMatchObject({ status: 'in_progress', level: 'L3', defect: { state: 'fix_in_progress' } });
  });

  it('a rejection resolves with the reason, or converts to a change request and continues', () => {
    const a = defectModel();
    a.m.apply(req('reject-defect', { reason: 'works as designed' }), at(1));
    expect(a.m.data.status).toBe('resolved');
    const b = defectModel();
    b.m.apply(req('reject-defect', { reason: 'an enhancement', convertTo: 'change_request' }), at(1));
    expect(b.m.data).toMatchObject({ status: 'in_progress', type: 'change_request' });
    expect(() => b.m.apply(req('start-reproduction'), at(2))).toThrow(/defect reports only/);
  });
});

describe('confirming a released fix, event by event', () => {
  const released = () => {
    const d = scheduled();
    d.m.releaseNews('fix-released', { releaseId: RELEASE.releaseId, version: '4.2.0', releasedOn: '2026-03-15' }, at(10));
    return { ...d, from: d.m.pending.length };
  };

  it('an accepted fix is confirmed, resolved "Fixed in release 4.2.0" and closed as the customer confirmed it', () => {
    const { m, customer, from } = released();
    m.apply(req('confirm-fix', {}, customer), at(11));
    const events = m.pending.slice(from);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['fix.confirmed', 'ticket.resolved', 'ticket.closed']));
    expect(events.find((e) => e.type === 'fix.confirmed')!.data).toEqual({ releaseVersion: '4.2.0' });
    expect(events.find((e) => e.type === 'ticket.resolved')!.data).toMatchObject({ resolution: 'Fixed in release 4.2.0' });
    expect(events.find((e) => e.type === 'ticket.closed')!.data).toEqual({ confirmedBy: 'customer' });
    expect(m.data.closedAt).toBe(at(11).toISOString());
  });

  it('a fix not accepted goes back to L3 with the reason, told to L3, and the customer’s word starts the next-update clock', () => {
    const { m, customer, from } = released();
    m.apply(req('confirm-fix', { accepted: false, reason: 'still doubled' }, customer), at(11));
    const rejected = m.pending.slice(from).find((e) => e.type === 'fix.rejected')!;
    expect(rejected.data).toEqual({ reason: 'still doubled', releaseVersion: '4.2.0' });
    expect(rejected.notify).toEqual([{ kind: 'level', level: 'L3' }]);
    expect(m.data.defect).toMatchObject({ state: 'fix_in_progress', releasedAt: null });
    expect(m.data.autoEscalated).toEqual({ L1: true, L2: true });
  });
});
