/** The service report's counting rules (domain/service-report.ts), on hand-made timelines. */
import { randomUUID } from 'node:crypto';
import {
  addMonths,
  complianceBand,
  computeServiceReport,
  latestReportableMonth,
  monthBefore,
  monthWindow,
  parseMonth,
  percentile,
  reportFileName,
  recordsEveryMet,
  reviewIncluded,
  reviewIncludedInMonth,
  targetUnits,
  termsInForce,
  type ReportTicket,
} from '../../domain/service-report';
import { DEFAULT_PLANS, type Contract } from '../../domain/plans';
import type { TicketEvent } from '../../domain/ticket/events';

const ZONE = 'Europe/Bratislava';
const premium = DEFAULT_PLANS.find((p) => p.id === 'premium')!;
const H = 3_600_000;

function contract(overrides: Partial<Contract>): Contract {
  return { id: 'c1', customerId: 'x', name: 'Gold', validFrom: '2026-01-01', validTo: null, targets: {}, businessCalendarId: null, warningThreshold: null, levelBudgets: null, serviceReport: null, ...overrides };
}

let seq = 0;
const ev = (type: string, at: string, data: Record<string, unknown> = {}): TicketEvent => ({ seq: ++seq, type, at: new Date(at).toISOString(), actor: { id: null, kind: 'system' }, visibility: 'internal', data }) as unknown as TicketEvent;
function ticket(createdAt: string, events: TicketEvent[], overrides: Partial<ReportTicket> = {}): ReportTicket {
  return {
    id: randomUUID(),
    number: 100 + seq,
    title: 'A ticket',
    type: 'incident',
    createdAt: new Date(createdAt).toISOString(),
    terms: { planId: 'premium', contractId: null, name: 'Premium', targets: premium.targets },
    satisfaction: null,
    // tickets created since the workflow records every met target say so on their first event
    events: [ev('ticket.created', createdAt, { priority: 'P2', slaMetEvents: true }), ...events],
    ...overrides,
  };
}
/** A ticket created before the workflow recorded every met target: its first event does not say so. */
function legacyTicket(createdAt: string, events: TicketEvent[], overrides: Partial<ReportTicket> = {}): ReportTicket {
  const t = ticket(createdAt, events, overrides);
  return { ...t, events: [ev('ticket.created', createdAt, { priority: 'P2' }), ...t.events.slice(1)] };
}
const report = (tickets: ReportTicket[], month = '2026-03') => computeServiceReport({ month, timeZone: ZONE, terms: [], tickets });

describe('months', () => {
  it.each([
    ['2026-03', 1, '2026-04'],
    ['2026-12', 1, '2027-01'],
    ['2026-01', -1, '2025-12'],
    ['2026-03', -5, '2025-10'],
    ['2026-03', -15, '2024-12'],
  ])('%s plus %i months is %s', (m, n, expected) => expect(addMonths(m, n)).toBe(expected));

  it.each(['2026-00', '2026-13', '26-03', '2026-3', ''])('refuses %j as a month', (m) => expect(() => parseMonth(m)).toThrow(RangeError));

  it('spans local midnight to local midnight, 743 hours in the month DST begins and 745 in the month it ends', () => {
    const march = monthWindow('2026-03', ZONE);
    expect(march.start.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect((march.end.getTime() - march.start.getTime()) / H).toBe(31 * 24 - 1);
    const october = monthWindow('2026-10', ZONE);
    expect((october.end.getTime() - october.start.getTime()) / H).toBe(31 * 24 + 1);
  });

  it.each([
    ['2026-04-01T04:00:00Z', '2026-03'], // 06:00 CEST on the 1st
    ['2026-03-31T22:30:00Z', '2026-03'], // 00:30 local on 1 April
    ['2026-03-31T21:30:00Z', '2026-02'], // 23:30 local on 31 March
    ['2027-01-01T05:00:00Z', '2026-12'],
  ])('a run at %s reports %s', (at, month) => expect(monthBefore(new Date(at), ZONE)).toBe(month));

  it('lets nobody ask for a month that is not over', () => expect(latestReportableMonth(new Date('2026-12-02T10:00:00Z'), ZONE)).toBe('2026-11'));
});

describe('who gets the review', () => {
  it.each([
    [true, null, true],
    [true, false, false],
    [false, null, false],
    [false, true, true],
  ])('plan %s, contract says %s: %s', (plan, c, expected) => expect(reviewIncluded({ serviceReport: plan }, c === null ? contract({ serviceReport: null }) : contract({ serviceReport: c }))).toBe(expected));

  it('follows the plan without a contract', () => expect(reviewIncluded({ serviceReport: true }, null)).toBe(true));
  it('includes it in Premium and Strategic by default', () => expect(DEFAULT_PLANS.filter((p) => p.serviceReport).map((p) => p.id)).toEqual(['premium', 'strategic']));
});

describe('which months are reviewed', () => {
  const withReview = (validFrom: string, validTo: string | null) => contract({ validFrom, validTo, serviceReport: true });
  const withoutReview = (validFrom: string, validTo: string | null) => contract({ validFrom, validTo, serviceReport: false });
  it.each([
    ['a plan with the review and no contract', true, [], '2026-03', true],
    ['a plan without it and no contract', false, [], '2026-03', false],
    ['a contract bringing it from the 16th', false, [withReview('2026-03-16', null)], '2026-03', true],
    ['the month before that contract', false, [withReview('2026-03-16', null)], '2026-02', false],
    ['a contract with it ending on the 1st', false, [withReview('2025-01-01', '2026-03-01')], '2026-03', true],
    ['the month after it ended', false, [withReview('2025-01-01', '2026-03-01')], '2026-04', false],
    ['a contract without it, all month, on a plan with it', true, [withoutReview('2026-01-01', null)], '2026-03', false],
    ['a contract without it ending on the 30th of a plan with it', true, [withoutReview('2026-01-01', '2026-03-30')], '2026-03', true],
  ] as const)('%s: %s → reviewed %s', (_what, plan, contracts, month, expected) =>
    expect(reviewIncludedInMonth(month, { serviceReport: plan }, [...contracts])).toBe(expected),
  );
});

describe('terms in force', () => {
  it('splits the month where a contract begins and ends, its first and last day included', () => {
    const terms = termsInForce('2026-03', { id: 'premium', name: 'Premium' }, [contract({ validFrom: '2026-03-10', validTo: '2026-03-20' })]);
    expect(terms).toEqual([
      { kind: 'plan', id: 'premium', name: 'Premium', from: '2026-03-01', to: '2026-03-09' },
      { kind: 'contract', id: 'c1', name: 'Gold', from: '2026-03-10', to: '2026-03-20' },
      { kind: 'plan', id: 'premium', name: 'Premium', from: '2026-03-21', to: '2026-03-31' },
    ]);
  });
  it('covers 29 days of February in a leap year', () => {
    expect(termsInForce('2028-02', { id: 'p', name: 'P' }, [])).toEqual([{ kind: 'plan', id: 'p', name: 'P', from: '2028-02-01', to: '2028-02-29' }]);
  });
});

describe('percentiles by nearest rank', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[1, 2], 0.5, 1],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9, 10],
  ])('%j at %d is %j', (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

describe('compliance bands', () => {
  test.each([
    [1, 'full'],
    [0.96, 'near'],
    [0.9, 'near'],
    [0.8999, 'below'],
    [0, 'below'],
  ] as const)('%p reads as %s', (rate, band) => expect(complianceBand(rate)).toBe(band));
});

describe('what counts in the month', () => {
  it('counts a breach in the month it was recorded, not again when the target is met later', () => {
    const t = ticket('2026-02-27T09:00:00+01:00', [
      ev('sla.breached', '2026-02-27T11:00:00+01:00', { clock: 'firstResponse', deadline: '2026-02-27T11:00:00+01:00', priority: 'P2' }),
      ev('sla.met', '2026-03-02T09:00:00+01:00', { clock: 'firstResponse', consumedMs: 3 * H }),
    ]);
    expect(report([t], '2026-02').compliance.firstResponse).toEqual({ met: 0, breached: 1, rate: 0 });
    const march = report([t]);
    expect(march.compliance.firstResponse).toEqual({ met: 0, breached: 0, rate: null });
    // its time still belongs to the month it was met in
    expect(march.times.firstResponse).toEqual({ count: 1, medianMs: 3 * H, p90Ms: 3 * H });
  });

  it('counts a target met and then breached in the same month once, as breached', () => {
    const t = ticket('2026-03-02T09:00:00+01:00', [
      ev('sla.met', '2026-03-02T09:30:00+01:00', { clock: 'resolution', consumedMs: H / 2, cycle: 0 }),
      ev('ticket.reopened', '2026-03-03T09:00:00+01:00', { reason: 'back' }),
      ev('sla.breached', '2026-03-10T09:00:00+01:00', { clock: 'resolution', deadline: '2026-03-10T09:00:00+01:00', priority: 'P2' }),
    ]);
    expect(report([t]).compliance.resolution).toEqual({ met: 0, breached: 1, rate: 0 });
  });

  it('counts next-update cycles one by one', () => {
    const t = ticket('2026-03-02T09:00:00+01:00', [
      ev('sla.met', '2026-03-02T10:00:00+01:00', { clock: 'nextUpdate', consumedMs: H, cycle: 1 }),
      ev('sla.breached', '2026-03-03T11:00:00+01:00', { clock: 'nextUpdate', deadline: '2026-03-03T11:00:00+01:00', cycle: 2, priority: 'P2' }),
      ev('sla.met', '2026-03-04T10:00:00+01:00', { clock: 'nextUpdate', consumedMs: H, cycle: 3 }),
    ]);
    const r = report([t]);
    expect(r.compliance.nextUpdate).toEqual({ met: 2, breached: 1, rate: 2 / 3 });
    expect(r.tickets[0]!.nextUpdate).toEqual({ met: 2, breached: 1 });
  });

  it('files a target under the priority the ticket had when it was met', () => {
    const t = ticket('2026-03-02T09:00:00+01:00', [
      ev('priority.changed', '2026-03-02T09:10:00+01:00', { from: 'P2', to: 'P1', reason: 'outage' }),
      ev('sla.met', '2026-03-02T09:20:00+01:00', { clock: 'firstResponse', consumedMs: 20 * 60_000 }),
    ]);
    const r = report([t]);
    expect(r.byPriority.P1.firstResponse.met).toBe(1);
    expect(r.byPriority.P2.firstResponse.met).toBe(0);
  });

  it('reads a resolution from a timeline recorded before met clocks were on it, where the terms gave a target', () => {
    const legacy = legacyTicket('2026-03-02T09:00:00+01:00', [ev('ticket.resolved', '2026-03-03T09:00:00+01:00', { resolution: 'x', resolutionConsumedMs: 9 * H })]);
    expect(targetUnits(legacy)).toEqual([expect.objectContaining({ clock: 'resolution', met: expect.objectContaining({ consumedMs: 9 * H }) })]);
    const bestEffort = ticket('2026-03-02T09:00:00+01:00', [ev('ticket.resolved', '2026-03-03T09:00:00+01:00', { resolution: 'x' })], {
      terms: { planId: 'basic', contractId: null, name: 'Basic', targets: DEFAULT_PLANS[0]!.targets },
      events: [ev('ticket.created', '2026-03-02T09:00:00+01:00', { priority: 'P4' }), ev('ticket.resolved', '2026-03-03T09:00:00+01:00', { resolution: 'x' })],
    });
    expect(targetUnits(bestEffort)).toEqual([]);
  });

  it('keeps a reopened ticket in the backlog and a cancelled one out of it', () => {
    const reopened = ticket('2026-03-02T09:00:00+01:00', [ev('ticket.resolved', '2026-03-03T09:00:00+01:00', { resolution: 'x' }), ev('ticket.reopened', '2026-03-05T09:00:00+01:00', { reason: 'no' })]);
    const cancelled = ticket('2026-03-02T09:00:00+01:00', [ev('ticket.cancelled', '2026-03-03T09:00:00+01:00', { reason: null })]);
    const r = report([reopened, cancelled]);
    expect(r.volume).toEqual({ month: '2026-03', opened: 2, resolved: 1, backlog: 1 });
    expect(r.tickets.map((t) => t.statusAtMonthEnd)).toEqual(['open', 'cancelled']);
  });

  it('averages the ratings given in the month, on closing or through the survey link, once per ticket', () => {
    const closed = ev('ticket.closed', '2026-03-04T09:00:00+01:00', { confirmedBy: 'customer' });
    // rated on closing: the projection keeps the rating on the ticket, as the survey does
    const a = ticket('2026-03-02T09:00:00+01:00', [closed], { satisfaction: { rating: 5, at: '2026-03-04T08:00:00.000Z' } });
    // rated through the survey link days after closing, in the month
    const b = ticket('2026-02-20T09:00:00+01:00', [ev('ticket.closed', '2026-02-25T09:00:00+01:00', { confirmedBy: 'system' })], { satisfaction: { rating: 2, at: '2026-03-02T10:00:00.000Z' } });
    // rated in April: not March's
    const c = ticket('2026-03-02T09:00:00+01:00', [closed], { satisfaction: { rating: 1, at: '2026-04-04T07:00:00.000Z' } });
    // a rating in a closing event that the ticket does not hold counts nowhere: the ticket's rating is the one rule
    const d = ticket('2026-03-02T09:00:00+01:00', [ev('ticket.closed', '2026-03-04T09:00:00+01:00', { confirmedBy: 'customer', rating: 4 })]);
    expect(report([a, b, c, d]).satisfaction).toEqual({ ratings: 2, average: 3.5, distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 } });
  });

  it('lists defects and releases of the month with their versions', () => {
    const d = ticket(
      '2026-03-02T09:00:00+01:00',
      [
        ev('defect.confirmed', '2026-03-03T09:00:00+01:00', {}),
        ev('fix.scheduled', '2026-03-04T09:00:00+01:00', { releaseId: 'r', releaseVersion: '4.2.0', plannedDate: '2026-03-20', previousRelease: null }),
        ev('fix.released', '2026-03-20T09:00:00+01:00', { releaseId: 'r', releaseVersion: '4.2.0', releasedOn: '2026-03-20' }),
      ],
      { type: 'defect' },
    );
    const r = report([d]);
    expect(r.defects.fixScheduled).toEqual([expect.objectContaining({ version: '4.2.0', plannedDate: '2026-03-20' })]);
    expect(r.defects.released).toEqual([expect.objectContaining({ version: '4.2.0', releasedOn: '2026-03-20' })]);
    expect(r.defects.confirmed).toHaveLength(1);
  });
});

describe('timelines recorded before every met target was on them', () => {
  it('tells the two kinds of timeline apart by their first event', () => {
    expect(recordsEveryMet(ticket('2026-03-02T09:00:00+01:00', []))).toBe(true);
    expect(recordsEveryMet(legacyTicket('2026-03-02T09:00:00+01:00', []))).toBe(false);
  });

  it('does not measure next updates, whose mets were never recorded, on an old timeline', () => {
    const old = legacyTicket('2026-03-02T09:00:00+01:00', [
      ev('sla.met', '2026-03-02T09:30:00+01:00', { clock: 'firstResponse', consumedMs: H / 2 }),
      ev('sla.breached', '2026-03-03T11:00:00+01:00', { clock: 'nextUpdate', deadline: '2026-03-03T11:00:00+01:00', priority: 'P2' }),
    ]);
    const r = report([old]);
    expect(r.compliance.nextUpdate).toEqual({ met: 0, breached: 0, rate: null });
    expect(r.compliance.firstResponse).toEqual({ met: 1, breached: 0, rate: 1 });
    expect(r.breaches).toEqual([]);
  });

  it('does not measure an old change request\'s resolution, met or breached (resolving one never said if it was timed)', () => {
    const untimed = legacyTicket('2026-03-02T09:00:00+01:00', [ev('ticket.resolved', '2026-03-09T09:00:00+01:00', { resolution: 'done', resolutionConsumedMs: 0 })], { type: 'change_request' });
    const timed = legacyTicket('2026-03-02T09:00:00+01:00', [ev('sla.breached', '2026-03-05T09:00:00+01:00', { clock: 'resolution', deadline: '2026-03-05T09:00:00+01:00', priority: 'P2' })], { type: 'change_request' });
    expect(targetUnits(untimed)).toEqual([]);
    expect(targetUnits(timed)).toEqual([]);
    expect(report([untimed, timed]).compliance.resolution).toEqual({ met: 0, breached: 0, rate: null });
    expect(report([untimed]).times.resolution.count).toBe(0);
  });

  it('takes no resolution from resolving on a new timeline: only a recorded met counts', () => {
    const incident = ticket('2026-03-02T09:00:00+01:00', [ev('ticket.resolved', '2026-03-09T09:00:00+01:00', { resolution: 'done', resolutionConsumedMs: 3 * H })]);
    expect(targetUnits(incident)).toEqual([]);
  });

  it('knows a timeline recorded every met target by a met next update or resolution on it, flag or not', () => {
    const unflagged = legacyTicket('2026-03-02T09:00:00+01:00', [
      ev('sla.met', '2026-03-02T10:00:00+01:00', { clock: 'nextUpdate', consumedMs: H, cycle: 1 }),
      ev('sla.breached', '2026-03-03T11:00:00+01:00', { clock: 'nextUpdate', deadline: '2026-03-03T11:00:00+01:00', cycle: 2, priority: 'P2' }),
    ]);
    expect(recordsEveryMet(unflagged)).toBe(true);
    expect(report([unflagged]).compliance.nextUpdate).toEqual({ met: 1, breached: 1, rate: 0.5 });
  });
});

describe('breaches', () => {
  it('after a reopen, is met when the ticket is resolved again, not never', () => {
    const t = ticket('2026-03-02T09:00:00+01:00', [
      ev('sla.met', '2026-03-03T09:00:00+01:00', { clock: 'resolution', consumedMs: 8 * H, cycle: 0 }),
      ev('ticket.reopened', '2026-03-04T09:00:00+01:00', { reason: 'back' }),
      ev('sla.breached', '2026-03-10T09:00:00+01:00', { clock: 'resolution', deadline: '2026-03-10T09:00:00+01:00', priority: 'P2' }),
      ev('sla.met', '2026-03-12T09:00:00+01:00', { clock: 'resolution', consumedMs: 40 * H, cycle: 0 }),
    ]);
    const r = report([t]);
    expect(r.breaches).toEqual([expect.objectContaining({ clock: 'resolution', metAt: '2026-03-12T08:00:00.000Z', lateMs: 48 * H })]);
    expect(r.tickets[0]!.resolution).toEqual({ outcome: 'breached', at: '2026-03-12T08:00:00.000Z', elapsedMs: 40 * H });
  });

  it('lists the escalations from its deadline until it was met, not the ticket\'s others', () => {
    const t = ticket('2026-03-02T09:00:00+01:00', [
      ev('escalation.manual', '2026-03-02T09:10:00+01:00', { from: 'L1', to: 'L2', reason: 'needs a developer' }),
      ev('sla.breached', '2026-03-02T13:00:00+01:00', { clock: 'firstResponse', deadline: '2026-03-02T13:00:00+01:00', priority: 'P2' }),
      ev('escalation.automatic', '2026-03-02T13:00:00+01:00', { from: 'L2', to: 'L3', reason: 'deadline' }),
      ev('sla.met', '2026-03-02T14:00:00+01:00', { clock: 'firstResponse', consumedMs: 5 * H }),
      ev('escalation.manual', '2026-03-05T09:00:00+01:00', { from: 'L3', to: 'L2', reason: 'back' }),
    ]);
    const [breach] = report([t]).breaches;
    expect(breach!.escalations).toEqual([{ at: '2026-03-02T12:00:00.000Z', from: 'L2', to: 'L3', automatic: true }]);
  });

  it('names the plan or contract that measured them, even one no longer in force', () => {
    const t = ticket('2026-03-02T09:00:00+01:00', [ev('sla.met', '2026-03-02T09:30:00+01:00', { clock: 'firstResponse', consumedMs: H / 2 })], {
      terms: { planId: 'premium', contractId: 'c-old', name: 'Zmluva 2025', targets: premium.targets },
    });
    const r = report([t]);
    expect(r.byTerms).toEqual([expect.objectContaining({ kind: 'contract', id: 'c-old', name: 'Zmluva 2025' })]);
    expect(r.tickets[0]).toMatchObject({ terms: 'contract:c-old', termsName: 'Zmluva 2025' });
  });
});

describe('file names', () => {
  it.each([
    [{ customerName: 'Žilinská energetika, a.s.', month: '2026-03', revision: 2 }, 'service-report-zilinska-energetika-a-s-2026-03-r2.pdf'],
    [{ customerName: '株式会社', month: '2026-03', revision: 1 }, 'service-report-customer-2026-03-r1.pdf'],
  ])('%j → %s', (r, name) => expect(reportFileName(r, 'pdf')).toBe(name));
});
