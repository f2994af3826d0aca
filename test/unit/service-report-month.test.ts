/**
 * One month's service report figure by figure (domain/service-report.ts): which tickets it lists and how they stood
 * at the month's end, the escalations and change requests it counts, the order of its lists. The timelines are made
 * by hand, around the month's edges (Europe/Bratislava: March 2026 is 2026-03-01T00:00+01:00 to 2026-04-01T00:00+02:00).
 */
import { computeServiceReport, type ReportTicket } from '../../domain/service-report';
import { DEFAULT_PLANS } from '../../domain/plans';
import type { TicketEvent } from '../../domain/ticket/events';

const ZONE = 'Europe/Bratislava';
const premium = DEFAULT_PLANS.find((p) => p.id === 'premium')!;
const H = 3_600_000;
const MARCH_END = '2026-04-01T00:00:00+02:00';

let seq = 0;
const ev = (type: string, at: string, data: Record<string, unknown> = {}): TicketEvent => ({ seq: ++seq, type, at: new Date(at).toISOString(), actor: { id: null, kind: 'system' }, visibility: 'internal', data }) as unknown as TicketEvent;
function ticket(number: number, createdAt: string, events: TicketEvent[], overrides: Partial<ReportTicket> = {}): ReportTicket {
  return {
    id: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
    number,
    title: `Ticket ${number}`,
    type: 'incident',
    createdAt: new Date(createdAt).toISOString(),
    terms: { planId: 'premium', contractId: null, name: 'Premium', targets: premium.targets },
    satisfaction: null,
    events: [ev('ticket.created', createdAt, { priority: 'P2', slaMetEvents: true }), ...events],
    ...overrides,
  };
}
const escalation = (type: 'escalation.manual' | 'escalation.automatic' | 'escalation.handback', at: string, from: string, to: string) => ev(type, at, { from, to, reason: 'r' });
const breached = (clock: string, deadline: string) => ev('sla.breached', deadline, { clock, deadline, priority: 'P2' });
const met = (clock: string, at: string, consumedMs: number) => ev('sla.met', at, { clock, consumedMs, ...(clock === 'firstResponse' ? {} : { cycle: 0 }) });

/** The month's tickets, in no particular order. */
const TICKETS = [
  // created in March; its priority changes in the month's last minute and again at the first instant of April,
  // when it is also resolved: at the month's end it was open, at P3
  ticket(310, '2026-03-02T09:00:00+01:00', [
    breached('firstResponse', '2026-03-02T11:00:00+01:00'),
    ev('priority.changed', '2026-03-31T23:59:00+02:00', { from: 'P2', to: 'P3', reason: 'r' }),
    ev('priority.changed', MARCH_END, { from: 'P3', to: 'P4', reason: 'r' }),
    ev('ticket.resolved', MARCH_END, { resolution: 'x' }),
  ]),
  // a change request submitted, approved and implemented in March: still open (implemented is not closed)
  ticket(
    200,
    '2026-03-03T09:00:00+01:00',
    [met('firstResponse', '2026-03-03T14:00:00+01:00', 5 * H), breached('resolution', '2026-03-03T11:00:00+01:00'), ev('change.approved', '2026-03-04T09:00:00+01:00', { note: null }), ev('change.implemented', '2026-03-10T09:00:00+01:00', { note: null })],
    { type: 'change_request' },
  ),
  // escalated by hand and automatically in March (a hand-back is no escalation), again in April; resolved in March
  ticket(300, '2026-03-02T09:00:00+01:00', [
    breached('firstResponse', '2026-03-02T11:00:00+01:00'),
    escalation('escalation.manual', '2026-03-02T10:00:00+01:00', 'L1', 'L2'),
    escalation('escalation.automatic', '2026-03-03T10:00:00+01:00', 'L2', 'L3'),
    escalation('escalation.handback', '2026-03-04T10:00:00+01:00', 'L3', 'L2'),
    ev('defect.confirmed', '2026-03-04T11:00:00+01:00', {}),
    ev('ticket.resolved', '2026-03-05T09:00:00+01:00', { resolution: 'x' }),
    escalation('escalation.manual', '2026-04-02T10:00:00+02:00', 'L2', 'L3'),
  ]),
  // a change request submitted in February, rejected in March: closed, and not submitted in March
  ticket(250, '2026-02-20T09:00:00+01:00', [met('firstResponse', '2026-03-01T10:00:00+01:00', H), ev('change.rejected', '2026-03-05T09:00:00+01:00', { reason: 'no' })], { type: 'change_request' }),
  // created at the first instant of April: not March's at all
  ticket(100, MARCH_END, [ev('change.approved', '2026-04-02T09:00:00+02:00', { note: null })], { type: 'change_request' }),
  // open since February, escalated then, nothing in March: listed, as open, with no escalation of March
  ticket(120, '2026-02-10T09:00:00+01:00', [escalation('escalation.manual', '2026-02-11T09:00:00+01:00', 'L1', 'L2'), met('firstResponse', '2026-03-02T09:00:00+01:00', 3 * H)]),
  // resolved in February and closed in March: listed, as closed
  ticket(130, '2026-01-10T09:00:00+01:00', [ev('ticket.resolved', '2026-02-01T09:00:00+01:00', { resolution: 'x' }), ev('ticket.closed', '2026-03-02T09:00:00+01:00', { confirmedBy: 'system' })]),
  // cancelled in February: nothing in March, not listed
  ticket(140, '2026-01-12T09:00:00+01:00', [ev('ticket.cancelled', '2026-02-01T09:00:00+01:00', { reason: null })]),
];
// Computed in each test, not once at load: the mutation run credits a test only with the code run inside it.
const march = () => computeServiceReport({ month: '2026-03', timeZone: ZONE, terms: [], tickets: TICKETS });

describe('the tickets a month lists', () => {
  it('are those created in it, with an event in it or still open at its end, by number, as they stood at its end', () => {
    expect(march().tickets.map((t) => [t.number, t.statusAtMonthEnd, t.priority])).toEqual([
      [120, 'open', 'P2'],
      [130, 'closed', 'P2'],
      [200, 'open', 'P2'],
      [250, 'closed', 'P2'],
      [300, 'resolved', 'P2'],
      [310, 'open', 'P3'],
    ]);
    expect(march().tickets.find((t) => t.number === 300)).toMatchObject({ ticketId: TICKETS[2]!.id, title: 'Ticket 300', type: 'incident', terms: 'plan:premium', termsName: 'Premium' });
  });

  it('count the escalations of the month', () => {
    expect(march().tickets.map((t) => [t.number, t.escalations])).toEqual([
      [120, 0],
      [130, 0],
      [200, 0],
      [250, 0],
      [300, 2],
      [310, 0],
    ]);
  });
});

describe('the month’s counts', () => {
  it('counts escalations by hand and automatic ones, of the month only', () => {
    expect(march().escalations).toEqual({ manual: 1, automatic: 1 });
  });

  it('counts change requests submitted, approved, rejected and implemented in the month', () => {
    expect(march().changes).toEqual({ submitted: 1, approved: 1, rejected: 1, implemented: 1 });
  });

  it('lists confirmed defects with their number, title and time', () => {
    expect(march().defects.confirmed).toEqual([{ number: 300, title: 'Ticket 300', at: new Date('2026-03-04T11:00:00+01:00').toISOString() }]);
  });

  it('takes the first-response times of the month, whatever order the tickets come in', () => {
    expect(march().times.firstResponse).toEqual({ count: 3, medianMs: 3 * H, p90Ms: 5 * H });
  });

  it('lists breaches by deadline, then by ticket number', () => {
    expect(march().breaches.map((b) => [b.number, b.clock])).toEqual([
      [300, 'firstResponse'],
      [310, 'firstResponse'],
      [200, 'resolution'],
    ]);
  });

  it('states the period as instants', () => {
    expect(march().period).toEqual({ start: '2026-02-28T23:00:00.000Z', end: '2026-03-31T22:00:00.000Z' });
  });
});
