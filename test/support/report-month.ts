/**
 * Acme's March 2026, played through the ticket model (the same rules the workflow runs) and recorded by the real
 * projection, for tests that need a month of real timelines: a DST change (29 March), a clock paused while waiting on
 * the customer, a contract that takes over on 16 March ("Acme Gold 2026", a one-hour P2 first response), next-update
 * cycles, a ticket from February resolved in March and tickets on both sides of the month's edges in local time.
 */
import { randomUUID } from 'node:crypto';
import { recordTicketEvents } from '../../activities/projection';
import type { Db } from '../../db/connection';
import { always247, businessSk } from '../../domain/calendars';
import { DEFAULT_PLANS, effectiveTargets, type Contract, type Priority } from '../../domain/plans';
import { TicketModel } from '../../workflows/ticket-model';
import type { TicketActionRequest } from '../../workflows/ticket-actions';

const premium = DEFAULT_PLANS.find((p) => p.id === 'premium')!;
const local = (s: string) => new Date(s); // written with the local offset, e.g. 2026-03-02T09:00:00+01:00
const agent = { id: randomUUID(), kind: 'user' as const, role: 'agent' };

/** Gives Acme the contract from 16 March and plays the month; the contract is returned for the expectations. */
export async function playAcmeMarch(db: Db): Promise<{ acmeId: string; requesterId: string; contract: Contract }> {
  const acmeId = (await db('customers').where({ slug: 'acme' }).first('id')).id as string;
  const requesterId = (await db('users').where({ email: 'user@acme.test' }).first('id')).id as string;
  const [row] = await db('contracts')
    .insert({ customer_id: acmeId, name: 'Acme Gold 2026', valid_from: '2026-03-16', targets: JSON.stringify({ P2: { firstResponse: { ms: 3_600_000, coverage: 'business' } } }) })
    .returning('*');
  const contract: Contract = { id: row.id, customerId: acmeId, name: row.name, validFrom: '2026-03-16', validTo: null, targets: JSON.parse(JSON.stringify(row.targets)), businessCalendarId: null, warningThreshold: null, levelBudgets: null, serviceReport: null };
  await playMarch(db, acmeId, requesterId, contract);
  return { acmeId, requesterId, contract };
}

export interface Script {
  title: string;
  createdAt: string;
  priority: Priority;
  type?: 'incident' | 'change_request' | 'defect';
  steps: Array<[string, TicketActionRequest['action'], 'agent' | 'customer', Record<string, unknown>]>;
}

export const SCRIPTS: Script[] = [
  { title: 'Answered within the hour', createdAt: '2026-03-02T09:00:00+01:00', priority: 'P2', steps: [['2026-03-02T10:00:00+01:00', 'comment', 'agent', { body: 'Looking at it' }], ['2026-03-04T11:00:00+01:00', 'resolve', 'agent', { resolution: 'Fixed' }], ['2026-03-05T09:00:00+01:00', 'close', 'customer', { rating: 5 }]] },
  { title: 'First response late', createdAt: '2026-03-03T09:00:00+01:00', priority: 'P2', steps: [['2026-03-03T12:00:00+01:00', 'comment', 'agent', { body: 'Sorry for the wait' }]] },
  {
    title: 'Waits on the customer for two days',
    createdAt: '2026-03-04T09:00:00+01:00',
    priority: 'P3',
    steps: [
      ['2026-03-04T10:00:00+01:00', 'request-info', 'agent', { body: 'Which invoice?' }],
      ['2026-03-06T10:00:00+01:00', 'reply', 'customer', { body: 'INV-4711' }],
      ['2026-03-09T12:00:00+01:00', 'resolve', 'agent', { resolution: 'Reposted' }],
      ['2026-03-10T09:00:00+01:00', 'close', 'customer', { rating: 3 }],
    ],
  },
  {
    title: 'Outage over the DST night',
    createdAt: '2026-03-28T23:30:00+01:00',
    priority: 'P1',
    steps: [['2026-03-29T03:30:00+02:00', 'comment', 'agent', { body: 'On it' }], ['2026-03-29T10:00:00+02:00', 'resolve', 'agent', { resolution: 'Restarted the cluster' }]],
  },
  { title: 'Under the new contract, late by its terms', createdAt: '2026-03-17T09:00:00+01:00', priority: 'P2', steps: [['2026-03-17T10:30:00+01:00', 'comment', 'agent', { body: 'Checking' }]] },
  {
    title: 'Next updates, one kept, one missed',
    createdAt: '2026-03-10T09:00:00+01:00',
    priority: 'P2',
    steps: [
      ['2026-03-10T09:30:00+01:00', 'comment', 'agent', { body: 'First look' }],
      ['2026-03-10T10:00:00+01:00', 'comment', 'customer', { body: 'Any news?' }],
      ['2026-03-10T10:30:00+01:00', 'escalate', 'agent', { toLevel: 'L2', reason: 'Needs a specialist' }],
      ['2026-03-10T11:00:00+01:00', 'comment', 'agent', { body: 'Still on it' }],
      ['2026-03-11T09:00:00+01:00', 'comment', 'customer', { body: 'And now?' }],
      ['2026-03-11T13:00:00+01:00', 'comment', 'agent', { body: 'Sorry, busy morning' }],
    ],
  },
  { title: 'From February, resolved in March', createdAt: '2026-02-26T09:00:00+01:00', priority: 'P3', steps: [['2026-02-26T10:00:00+01:00', 'comment', 'agent', { body: 'Seen' }], ['2026-03-03T15:00:00+01:00', 'resolve', 'agent', { resolution: 'Done' }], ['2026-03-06T09:00:00+01:00', 'close', 'customer', {}]] },
  { title: 'Late on the last evening of March', createdAt: '2026-03-31T23:30:00+02:00', priority: 'P4', steps: [] },
  { title: 'Just after midnight: April', createdAt: '2026-04-01T00:30:00+02:00', priority: 'P4', steps: [] },
  { title: 'A change request', type: 'change_request', createdAt: '2026-03-18T09:00:00+01:00', priority: 'P3', steps: [['2026-03-18T10:00:00+01:00', 'comment', 'agent', { body: 'We will assess it' }]] },
];

/** What the timers did up to here is recorded too (breaches, escalations, auto-close). */
export const OBSERVED_UNTIL = new Date('2026-04-02T08:00:00+02:00');

/** Fires each timer at its own time, as the workflow's timers do (not all at once, late). */
function timersUntil(m: TicketModel, until: Date): void {
  for (let next = m.nextDueAt(); next && next <= until; next = m.nextDueAt()) m.fireDue(next);
}

async function playMarch(db: Db, acmeId: string, requesterId: string, contract: Contract): Promise<void> {
  let number = 880_000 + Math.floor(Math.random() * 100_000);
  for (const s of SCRIPTS) {
    const createdAt = local(s.createdAt);
    const underContract = createdAt.toISOString().slice(0, 10) >= '2026-03-16' && createdAt < local('2026-04-01T00:00:00+02:00');
    const input = {
      ticketId: randomUUID(),
      number: number++,
      title: s.title,
      description: 'From the March scenario',
      type: s.type ?? 'incident',
      impact: 'medium',
      urgency: 'high',
      priority: s.priority,
      customerId: acmeId,
      requesterId,
      businessLineId: null,
      moduleId: null,
      moduleVersion: null,
      category: null,
      channel: 'portal' as const,
      createdAt: createdAt.toISOString(),
      createdBy: { id: requesterId, kind: 'user' as const, role: 'customer_user' },
      sla: {
        planId: 'premium',
        contractId: underContract ? contract.id : null,
        targets: effectiveTargets(premium, underContract ? contract : null),
        warningThreshold: premium.warningThreshold,
        levelBudgets: premium.levelBudgets,
        businessCalendar: businessSk,
        wallClockCalendar: always247,
      },
    };
    const m = TicketModel.create(input as never, { slaMetEvents: true, firstResponseOnly: s.type === 'change_request' });
    const customer = { id: requesterId, kind: 'user' as const, role: 'customer_user' };
    for (const [at, action, who, payload] of s.steps) {
      timersUntil(m, local(at));
      m.apply({ action, actor: who === 'agent' ? agent : customer, payload }, local(at));
    }
    timersUntil(m, OBSERVED_UNTIL);
    const d = m.data;
    const figures = m.clockViews(OBSERVED_UNTIL);
    await recordTicketEvents(db, {
      input: input as never,
      events: m.takePending(),
      projection: {
        status: d.status,
        level: d.level,
        slaState: m.slaState(OBSERVED_UNTIL),
        priority: d.priority,
        assigneeId: d.assigneeId,
        sla: d.clocks,
        firstResponseDue: figures.firstResponse.deadline,
        resolutionDue: figures.resolution.deadline,
        resolvedAt: d.resolvedAt,
        closedAt: d.closedAt,
      } as never,
    });
  }
}
