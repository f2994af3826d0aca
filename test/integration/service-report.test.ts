/**
 * The monthly service report against the timeline it is made from (SPEC §12.1), on real PostgreSQL and Temporal.
 *
 * Acme's March 2026 is played through the ticket model (the same rules the workflow runs) and recorded by the real
 * projection: a DST change (29 March), a clock paused while waiting on the customer, a contract that takes over on
 * 16 March, next-update cycles, a ticket from February resolved in March and tickets on both sides of the month's
 * edges in local time. The report is then generated through the API, and every figure is recomputed here on its own,
 * with SQL over `ticket_events` and the calendar arithmetic, and compared.
 */
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { getCalendar, loadSlaSnapshot } from '../../db/reference';
import { localDateTime, localDay, workingTimeBetween, type Calendar } from '../../domain/calendar';
import type { Contract } from '../../domain/plans';
import { serviceReportScheduleId } from '../../workflows/definitions';
import { syncServiceReportSchedules } from '../../api/services/report-schedules';
import * as R from '../../api/responses';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { playAcmeMarch } from '../support/report-month';
import { createLogger } from '../../scripts/logger';
import { DEV_AUTH_SECRET } from '../../api/app';
import { signSatisfactionToken } from '../../activities/notifications/links';
import { emailServiceReport, generateServiceReport } from '../../activities/reports/service-report';
import { loadReportInput } from '../../db/service-reports';
import { computeServiceReport } from '../../domain/service-report';
import { serviceReportSchedule } from '../../api/services/report-schedules';

const ZONE = 'Europe/Bratislava';
const MARCH = { start: new Date('2026-02-28T23:00:00Z'), end: new Date('2026-03-31T22:00:00Z') }; // CET → CEST

let app: TestApp;
let acmeId: string;
let managerToken: string;
let contract: Contract;

beforeAll(async () => {
  app = await startTestApp();
  managerToken = await app.login('manager@demo.test');
  ({ acmeId, contract } = await playAcmeMarch(app.db));
}, 180_000);
afterAll(async () => app?.stop());

// ---- the independent recomputation ---------------------------------------------------------------------------

const W = [MARCH.start.toISOString(), MARCH.end.toISOString()];

/** Per clock: units breached in March, and units first met in March with no breach before (or in March). */
async function complianceFromSql(): Promise<Record<string, { met: number; breached: number }>> {
  const { rows } = await app.db.raw(
    `WITH outcome AS (
       SELECT e.ticket_id, e.type, e.data->>'clock' AS clock, coalesce((e.data->>'cycle')::int, 0) AS cycle, min(e.at) AS at
       FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
       WHERE t.customer_id = ? AND e.type IN ('sla.met', 'sla.breached')
       GROUP BY 1, 2, 3, 4)
     SELECT clock,
       count(*) FILTER (WHERE type = 'sla.breached' AND at >= ? AND at < ?)::int AS breached,
       count(*) FILTER (WHERE type = 'sla.met' AND at >= ? AND at < ? AND NOT EXISTS (
         SELECT 1 FROM outcome b WHERE b.type = 'sla.breached' AND b.ticket_id = o.ticket_id AND b.clock = o.clock AND b.cycle = o.cycle
           AND (b.at <= o.at OR (b.at >= ? AND b.at < ?))))::int AS met
     FROM outcome o GROUP BY clock`,
    [acmeId, ...W, ...W, ...W],
  );
  return Object.fromEntries(rows.map((r: any) => [r.clock, { met: r.met, breached: r.breached }]));
}

async function timelines(): Promise<Array<{ ticket: any; events: any[] }>> {
  const tickets = await app.db('tickets').where({ customer_id: acmeId }).orderBy('number');
  const out = [];
  for (const t of tickets) out.push({ ticket: t, events: await app.db('ticket_events').where({ ticket_id: t.id }).orderBy('seq') });
  return out;
}

const calendarFor = (coverage: string, business: Calendar, wall: Calendar) => (coverage === '24x7' ? wall : business);

/** Business time from creation to the first met event of a clock, leaving out the time spent waiting on the customer. */
function elapsedToMet(t: any, events: any[], clock: 'firstResponse' | 'resolution', business: Calendar, wall: Calendar): { at: Date; ms: number } | null {
  const met = events.find((e) => e.type === 'sla.met' && e.data.clock === clock);
  if (!met) return null;
  const target = t.sla_snapshot.targets[t.priority][clock];
  const cal = calendarFor(target.coverage, business, wall);
  let ms = 0;
  let from: Date | null = new Date(t.created_at);
  for (const e of events) {
    if (e.seq >= met.seq) break;
    if (clock === 'resolution' && e.type === 'info.requested' && from) {
      ms += workingTimeBetween(from, new Date(e.at), cal);
      from = null;
    }
    if (clock === 'resolution' && e.type === 'customer.replied' && !from) from = new Date(e.at);
  }
  if (from) ms += workingTimeBetween(from, new Date(met.at), cal);
  return { at: new Date(met.at), ms };
}

async function percentileDisc(values: number[], p: number): Promise<number | null> {
  if (!values.length) return null;
  const { rows } = await app.db.raw(`SELECT percentile_disc(?) WITHIN GROUP (ORDER BY v)::bigint AS v FROM unnest(?::bigint[]) AS v`, [p, values]);
  return Number(rows[0].v);
}

// ---- the tests -------------------------------------------------------------------------------------------------

describe('the monthly service report equals the timeline', () => {
  let report: any;

  beforeAll(async () => {
    const res = await app.request('POST', '/api/v1/reports', { token: managerToken, body: { customerId: acmeId, month: '2026-03' } });
    expect(res.status).toBe(201);
    report = R.ServiceReport.parse(res.body);
  }, 120_000);

  it('counts every target met and breached in March as the events say', async () => {
    const sql = await complianceFromSql();
    for (const clock of ['firstResponse', 'nextUpdate', 'resolution'] as const) {
      const expected = sql[clock] ?? { met: 0, breached: 0 };
      expect({ clock, met: report.figures.compliance[clock].met, breached: report.figures.compliance[clock].breached }).toEqual({ clock, ...expected });
    }
    // The scenario itself: first responses met by 1, 3, 6 and the change request; missed by 2, the outage and 5.
    expect(report.figures.compliance.firstResponse).toMatchObject({ met: 4, breached: 3 });
    // Next updates: 6 kept its first and missed its second; 3 missed the one its customer's answer started on Friday.
    expect(report.figures.compliance.nextUpdate).toMatchObject({ met: 1, breached: 2 });
    expect(report.figures.compliance.firstResponse.rate).toBeCloseTo(4 / 7, 10);
  });

  it('measures a ticket against the terms in force when it was created (a contract from 16 March)', async () => {
    expect(report.figures.terms).toEqual([
      { kind: 'plan', id: 'premium', name: 'Premium', from: '2026-03-01', to: '2026-03-15' },
      { kind: 'contract', id: contract.id, name: 'Acme Gold 2026', from: '2026-03-16', to: '2026-03-31' },
    ]);
    const underContract = report.figures.byTerms.find((t: any) => t.kind === 'contract');
    // Under the contract: the change request met its first response; the outage and ticket 5 did not (1.5 business
    // hours: within the plan's 2 bh, late by the contract's 1 bh).
    expect(underContract.compliance.firstResponse).toMatchObject({ met: 1, breached: 2 });
    expect(report.figures.byTerms.find((t: any) => t.kind === 'plan').compliance.firstResponse).toMatchObject({ met: 3, breached: 1 });
    const late = report.figures.breaches.find((b: any) => b.title.startsWith('Under the new contract'));
    expect(late).toMatchObject({ clock: 'firstResponse', priority: 'P2', lateMs: 30 * 60_000 });
  });

  it('lists every breach with its deadline and how late, across the DST night in wall-clock time', async () => {
    const { rows } = await app.db.raw(
      `SELECT t.number, e.data->>'clock' AS clock, e.data->>'deadline' AS deadline FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
       WHERE t.customer_id = ? AND e.type = 'sla.breached' AND e.at >= ? AND e.at < ? ORDER BY 1, 2`,
      [acmeId, ...W],
    );
    expect(report.figures.breaches.map((b: any) => [b.number, b.clock, b.deadline]).sort()).toEqual(rows.map((r: any) => [Number(r.number), r.clock, new Date(r.deadline).toISOString()]).sort());
    const outage = report.figures.breaches.filter((b: any) => b.title === 'Outage over the DST night');
    // Created 23:30 CET, answered 03:30 CEST: 3 hours of wall time, so 2 hours past the 1 h target.
    expect(outage.find((b: any) => b.clock === 'firstResponse')).toMatchObject({ deadline: '2026-03-28T23:30:00.000Z', lateMs: 2 * 3_600_000 });
    // Resolved 10:00 CEST = 9.5 h after creation: 1.5 h past the 8 h target.
    expect(outage.find((b: any) => b.clock === 'resolution')).toMatchObject({ lateMs: 1.5 * 3_600_000 });
    const nextUpdate = report.figures.breaches.find((b: any) => b.clock === 'nextUpdate' && b.title.startsWith('Next updates'));
    // A breach lists the escalations of its ticket from its deadline until it was met (or the month ended): that
    // ticket was escalated by hand to L2, then automatically to L3 at 75 % of its resolution target, both before
    // this next-update deadline, so none of them is this breach's.
    for (const b of report.figures.breaches) {
      const until = b.metAt ?? MARCH.end.toISOString();
      const { rows: esc } = await app.db.raw(
        `SELECT e.at, e.data->>'from' AS "from", e.data->>'to' AS "to", e.type = 'escalation.automatic' AS automatic FROM ticket_events e
         WHERE e.ticket_id = ? AND e.type IN ('escalation.manual', 'escalation.automatic') AND e.at >= ? AND e.at <= ? ORDER BY e.seq`,
        [b.ticketId, b.deadline, until],
      );
      expect({ breach: [b.number, b.clock, b.cycle], escalations: b.escalations }).toEqual({ breach: [b.number, b.clock, b.cycle], escalations: esc.map((r: any) => ({ ...r, at: new Date(r.at).toISOString() })) });
    }
    const ticketEscalations = await app.db('ticket_events').where({ ticket_id: nextUpdate.ticketId }).whereIn('type', ['escalation.manual', 'escalation.automatic']).count('* as n').first();
    expect(ticketEscalations).toEqual({ n: 2 });
    expect(nextUpdate.escalations).toEqual([]);
    expect(nextUpdate).toMatchObject({ cycle: 2, deadline: '2026-03-11T10:00:00.000Z', lateMs: 2 * 3_600_000 });
  });

  it('has the response and resolution times the timestamps give, waiting on the customer left out', async () => {
    const business = (await getCalendar(app.db, 'business-sk'))!;
    const wall = (await getCalendar(app.db, '24x7'))!;
    const fr: number[] = [];
    const res: number[] = [];
    for (const { ticket, events } of await timelines()) {
      for (const [clock, list] of [['firstResponse', fr], ['resolution', res]] as const) {
        const e = elapsedToMet(ticket, events, clock, business, wall);
        if (e && e.at >= MARCH.start && e.at < MARCH.end) {
          list.push(e.ms);
          // the workflow's own measure agrees with the timestamps
          expect(events.find((x) => x.type === 'sla.met' && x.data.clock === clock).data.consumedMs).toBe(e.ms);
        }
      }
    }
    expect(fr.length).toBeGreaterThanOrEqual(6);
    expect(report.figures.times.firstResponse).toEqual({ count: fr.length, medianMs: await percentileDisc(fr, 0.5), p90Ms: await percentileDisc(fr, 0.9) });
    expect(report.figures.times.resolution).toEqual({ count: res.length, medianMs: await percentileDisc(res, 0.5), p90Ms: await percentileDisc(res, 0.9) });
    // The paused ticket: 1 h before the question, then from Friday 10:00 to Monday 12:00 = 7 + 4 bh.
    const waited = (await timelines()).find((x) => x.ticket.title.startsWith('Waits on the customer'))!;
    expect(elapsedToMet(waited.ticket, waited.events, 'resolution', business, wall)!.ms).toBe(12 * 3_600_000);
  });

  it('counts opened, resolved and backlog in local months (the last evening of March is March, 00:30 on 1 April is not)', async () => {
    const [{ opened }] = (await app.db.raw(`SELECT count(*)::int AS opened FROM tickets WHERE customer_id = ? AND created_at >= ? AND created_at < ?`, [acmeId, ...W])).rows;
    const [{ resolved }] = (
      await app.db.raw(
        `SELECT count(DISTINCT e.ticket_id)::int AS resolved FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.customer_id = ? AND e.type = 'ticket.resolved' AND e.at >= ? AND e.at < ?`,
        [acmeId, ...W],
      )
    ).rows;
    const [{ backlog }] = (
      await app.db.raw(
        `SELECT count(*)::int AS backlog FROM tickets t WHERE t.customer_id = ? AND t.created_at < ? AND coalesce((
           SELECT e.type FROM ticket_events e WHERE e.ticket_id = t.id AND e.at < ?
             AND e.type IN ('ticket.resolved','ticket.reopened','ticket.closed','ticket.cancelled','ticket.merged','change.rejected')
           ORDER BY e.seq DESC LIMIT 1), 'ticket.reopened') = 'ticket.reopened'`,
        [acmeId, W[1], W[1]],
      )
    ).rows;
    expect(report.figures.volume).toEqual({ month: '2026-03', opened, resolved, backlog });
    expect(opened).toBe(8);
    expect(report.figures.trend.map((m: any) => m.month)).toEqual(['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(report.figures.trend[4]).toMatchObject({ month: '2026-02', opened: 1, backlog: 1 });
    expect(report.figures.tickets.map((t: any) => t.title)).toContain('Late on the last evening of March');
    expect(report.figures.tickets.map((t: any) => t.title)).not.toContain('Just after midnight: April');
  });

  it('reports satisfaction, escalations and change requests of the month', async () => {
    // The ratings given on closing are the tickets' ratings (the projection keeps them on the ticket, as the survey does).
    const { rows } = await app.db.raw(
      `SELECT count(*)::int AS n, avg(satisfaction_rating)::float AS average FROM tickets WHERE customer_id = ? AND satisfaction_at >= ? AND satisfaction_at < ?`,
      [acmeId, ...W],
    );
    expect(rows[0]).toEqual({ n: 2, average: 4 });
    expect(report.figures.satisfaction).toMatchObject({ ratings: 2, average: 4 });
    expect(report.figures.escalations.manual).toBe(1);
    expect(report.figures.changes.submitted).toBe(1);
  });

  it('serves the PDF and the CSV, and a second request is a new revision', async () => {
    const pdf = await fetch(`${app.baseUrl}/api/v1/reports/${report.id}/pdf`, { headers: { authorization: `Bearer ${managerToken}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('service-report-acme-2026-03-r1.pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const csv = await fetch(`${app.baseUrl}/api/v1/reports/${report.id}/csv`, { headers: { authorization: `Bearer ${managerToken}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain('Outage over the DST night');
    const again = await app.request('POST', '/api/v1/reports', { token: managerToken, body: { customerId: acmeId, month: '2026-03' } });
    expect(again.status).toBe(201);
    expect(again.body.revision).toBe(2);
    expect(again.body.figures).toEqual(report.figures);
  });
});

describe('who may see and ask for reports', () => {
  it('lets a customer admin see their organisation only; other customer users not at all', async () => {
    const acmeAdmin = await app.login('admin@acme.test');
    const betaAdmin = await app.login('admin@beta.test');
    const acmeUser = await app.login('user@acme.test');
    const list = await app.request('GET', '/api/v1/reports', { token: acmeAdmin });
    expect(list.status).toBe(200);
    expect(R.ServiceReportPage.parse(list.body).items.every((r) => r.customerId === acmeId)).toBe(true);
    const id = list.body.items[0].id;
    expect((await app.request('GET', `/api/v1/reports/${id}`, { token: betaAdmin })).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/api/v1/reports/${id}/pdf`, { headers: { authorization: `Bearer ${betaAdmin}` } })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/reports?customerId=${acmeId}`, { token: betaAdmin })).status).toBe(404);
    expect((await app.request('POST', '/api/v1/reports', { token: betaAdmin, body: { customerId: acmeId, month: '2026-03' } })).status).toBe(404);
    expect((await app.request('GET', '/api/v1/reports', { token: acmeUser })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/reports', { token: acmeUser, body: { customerId: acmeId, month: '2026-03' } })).status).toBe(403);
    // a customer admin generates their report but does not mail it around on request: that is staff's (and the 1st's)
    const before = await app.db('service_reports').count('* as n').first();
    const mail = await app.request('POST', '/api/v1/reports', { token: acmeAdmin, body: { customerId: acmeId, month: '2026-03', email: true } });
    expect(mail.status).toBe(403);
    expect(mail.body.errors).toEqual([expect.objectContaining({ field: 'body.email' })]);
    expect(await app.db('service_reports').count('* as n').first()).toEqual(before);
  });

  it('refuses a month that is not over yet, or not a month, naming the field', async () => {
    const future = await app.request('POST', '/api/v1/reports', { token: managerToken, body: { customerId: acmeId, month: '2099-01' } });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ type: expect.stringContaining('month-not-over'), errors: [{ field: 'body.month' }] });
    const early = await app.request('POST', '/api/v1/reports', { token: managerToken, body: { customerId: acmeId, month: '1999-12' } });
    expect(early.status).toBe(400);
    expect(JSON.stringify(early.body)).toContain('body.month');
    const bad = await app.request('POST', '/api/v1/reports', { token: managerToken, body: { customerId: acmeId, month: '2026-13' } });
    expect(bad.status).toBe(400);
    const before = await app.db('service_reports').count('* as n').first();
    expect((await app.request('POST', '/api/v1/reports', { token: managerToken, body: { customerId: randomUUID(), month: '2026-03' } })).status).toBe(404);
    expect(await app.db('service_reports').count('* as n').first()).toEqual(before);
  });
});

describe('the schedule', () => {
  const log = createLogger('silent', 'test');

  it('fires on the 1st at 06:00 in the customer zone, across DST, for the customers whose service includes it', async () => {
    await syncServiceReportSchedules({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log }, { customerId: acmeId });
    const handle = app.temporal.schedule.getHandle(serviceReportScheduleId(acmeId));
    const d = await handle.describe();
    expect(d.spec.timezone).toBe(ZONE);
    expect(d.info.nextActionTimes.length).toBeGreaterThanOrEqual(6);
    for (const at of d.info.nextActionTimes) {
      expect(localDateTime(at, ZONE)).toMatchObject({ day: 1, hour: 6, minute: 0, second: 0 });
      // 06:00 is 05:00 UTC in winter (CET) and 04:00 UTC in summer (CEST)
      const month = at.getUTCMonth() + 1;
      expect(at.getUTCHours()).toBe(month >= 4 && month <= 10 ? 4 : 5);
    }
    // Beta's Basic plan does not include the review: no schedule.
    const beta = await app.db('customers').where({ slug: 'beta' }).first('id');
    await syncServiceReportSchedules({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log }, { customerId: beta.id });
    await expect(app.temporal.schedule.getHandle(serviceReportScheduleId(beta.id)).describe()).rejects.toThrow();
  });

  it('reports the month before each run, across the March DST change, and mails the admins (backfilled runs)', async () => {
    const handle = app.temporal.schedule.getHandle(serviceReportScheduleId(acmeId));
    // The server runs the schedule's own spec over a past range: 1 March 06:00 CET and 1 April 06:00 CEST.
    await handle.backfill({ start: new Date('2026-02-20T00:00:00Z'), end: new Date('2026-04-10T00:00:00Z'), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    const runs = await eventually(async () => {
      const rows = await app.db('service_reports').where({ customer_id: acmeId, trigger: 'schedule' }).orderBy('month');
      return rows.length >= 2 && rows.every((r: any) => r.emailed_at) ? rows : null;
    }, 'the backfilled schedule runs', 90_000);
    expect(runs.map((r: any) => r.month)).toEqual(['2026-02', '2026-03']);
    const mails = await app.db('notifications').where({ template: 'service-report' });
    const admin = await app.db('users').where({ email: 'admin@acme.test' }).first('id');
    expect(mails.filter((n: any) => n.recipient_id === admin.id).map((n: any) => n.payload.serviceReportId).sort()).toEqual(runs.map((r: any) => r.id).sort());
    expect(mails.every((n: any) => n.recipient_email !== 'user@acme.test')).toBe(true);
    await handle.delete();
  }, 120_000);
});

describe('the terms a ticket is measured against', () => {
  it('reads a contract\'s first day in the customer\'s zone, as the report does', async () => {
    // the contract starts on 16 March: 00:30 local on the 16th is 23:30 UTC on the 15th
    expect((await loadSlaSnapshot(app.db, acmeId, new Date('2026-03-15T23:30:00Z'))).contractId).toBe(contract.id);
    expect((await loadSlaSnapshot(app.db, acmeId, new Date('2026-03-15T22:59:00Z'))).contractId).toBeNull();
  });
});

describe('one rating per ticket, wherever it was given', () => {
  it('counts a rating given through the survey link in the month it was given, and refuses a second one', async () => {
    const t = await app.db('tickets').where({ customer_id: acmeId, title: 'From February, resolved in March' }).first('id', 'requester_id', 'status');
    expect(t.status).toBe('closed');
    const token = signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: t.id, userId: t.requester_id });
    const rated = await app.request('POST', '/api/v1/satisfaction', { body: { token, rating: 2 } });
    expect(rated.status).toBe(200);
    // the survey's moment is now: the month it counts in is this one, as on the dashboard
    const month = localDay(new Date(rated.body.ratedAt), ZONE).slice(0, 7);
    const input = (await loadReportInput(app.db, acmeId, month))!;
    const figures = computeServiceReport({ month, timeZone: input.customer.timeZone, terms: input.terms, tickets: input.tickets });
    expect(figures.satisfaction).toMatchObject({ ratings: 1, average: 2 });
    // a ticket rated on closing cannot be rated again through the link
    const closedRated = await app.db('tickets').where({ customer_id: acmeId, title: 'Answered within the hour' }).first('id', 'requester_id', 'satisfaction_rating');
    expect(closedRated.satisfaction_rating).toBe(5);
    const again = await app.request('POST', '/api/v1/satisfaction', { body: { token: signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: closedRated.id, userId: closedRated.requester_id }), rating: 1 } });
    expect(again.status).toBe(409);
  });
});

describe('the report activities, run again and again', () => {
  const log = createLogger('silent', 'test');
  const deps = () => ({ db: app.db, log });

  it('make one report per request however often they run, and mail each recipient once', async () => {
    const requestKey = `test/${randomUUID()}`;
    const args = { customerId: acmeId, month: '2026-02', trigger: 'request' as const, requestedBy: null, requestKey };
    const first = await generateServiceReport(deps(), args);
    const second = await generateServiceReport(deps(), args);
    expect(second).toEqual(first);
    expect(await app.db('service_reports').where({ request_key: requestKey }).count('* as n').first()).toEqual({ n: 1 });
    const reportId = first.reportId!;
    const mailed = await emailServiceReport(deps(), { reportId });
    expect(mailed.recipients).toBeGreaterThan(0);
    await emailServiceReport(deps(), { reportId });
    const rows = await app.db('notifications').where({ template: 'service-report' }).whereRaw(`payload->>'serviceReportId' = ?`, [reportId]);
    expect(rows).toHaveLength(mailed.recipients);
    expect(new Set(rows.map((r: any) => r.recipient_id)).size).toBe(rows.length);
  });

  it('report a scheduled month only if the service included the review in it, and only once', async () => {
    const beta = await app.db('customers').where({ slug: 'beta' }).first('id');
    const scheduled = (month: string) => generateServiceReport(deps(), { customerId: beta.id, month, trigger: 'schedule', requestedBy: null, requestKey: `test/${randomUUID()}` });
    // Beta's Basic plan has no review
    expect(await scheduled('2026-02')).toEqual({ reportId: null, month: '2026-02', revision: null, skipped: 'not-reviewed' });
    // a contract bringing the review from 16 March to the end of March: March is reviewed, February and April are not
    const [k] = await app.db('contracts')
      .insert({ customer_id: beta.id, name: 'Beta review trial', valid_from: '2026-03-16', valid_to: '2026-03-31', targets: '{}', service_report: true })
      .returning('id');
    try {
      expect((await scheduled('2026-02')).reportId).toBeNull();
      expect((await scheduled('2026-04')).reportId).toBeNull();
      const march = await scheduled('2026-03');
      expect(march.reportId).not.toBeNull();
      // a second scheduled run of March (the zone moved, so the 1st came twice) finds the first one's report
      expect(await scheduled('2026-03')).toEqual(march);
      expect(await app.db('service_reports').where({ customer_id: beta.id, month: '2026-03' }).count('* as n').first()).toEqual({ n: 1 });
      expect(await app.db('service_reports').where({ customer_id: beta.id }).whereNot({ month: '2026-03' }).count('* as n').first()).toEqual({ n: 0 });
    } finally {
      await app.db('contracts').where({ id: k.id }).delete();
    }
  });

  it('do not mark a report mailed when nobody could receive it', async () => {
    const [c] = await app.db('customers')
      .insert({ name: 'Nobody to tell s.r.o.', slug: `nobody-${randomUUID().slice(0, 8)}`, plan_id: 'premium', language: 'sk', time_zone: ZONE })
      .returning('id');
    const made = await generateServiceReport(deps(), { customerId: c.id, month: '2026-03', trigger: 'request', requestedBy: null, requestKey: `test/${randomUUID()}` });
    expect(await emailServiceReport(deps(), { reportId: made.reportId! })).toEqual({ recipients: 0 });
    expect((await app.db('service_reports').where({ id: made.reportId }).first('emailed_at')).emailed_at).toBeNull();
    await app.db('service_reports').where({ customer_id: c.id }).delete();
    await app.db('customers').where({ id: c.id }).delete();
  });
});

describe('the schedules follow the customers', () => {
  const log = createLogger('silent', 'test');

  it('removes the schedule of a customer that no longer exists, and tolerates one already gone', async () => {
    const ghost = randomUUID();
    await app.temporal.schedule.create({ ...serviceReportSchedule({ id: ghost, timeZone: ZONE }, app.taskQueue), state: { paused: true } });
    const result = await syncServiceReportSchedules({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log });
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(0);
    await expect(app.temporal.schedule.getHandle(serviceReportScheduleId(ghost)).describe()).rejects.toThrow();
    // the same sync for that customer again: nothing to do, no error
    expect(await syncServiceReportSchedules({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log }, { customerId: ghost })).toEqual({ created: 0, updated: 0, deleted: 0, failed: 0 });
    // the customers with the review keep theirs
    const acme = app.temporal.schedule.getHandle(serviceReportScheduleId(acmeId));
    expect((await acme.describe()).spec.timezone).toBe(ZONE);
  });

  it('leaves alone the schedules of another deployment sharing the namespace (another task queue)', async () => {
    const theirs = randomUUID();
    await app.temporal.schedule.create({ ...serviceReportSchedule({ id: theirs, timeZone: ZONE }, `${app.taskQueue}-elsewhere`), state: { paused: true } });
    await syncServiceReportSchedules({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log });
    const handle = app.temporal.schedule.getHandle(serviceReportScheduleId(theirs));
    expect((await handle.describe()).spec.timezone).toBe(ZONE);
    await handle.delete();
  });

  it('runs once at once when the zone moves, so a 1st skipped by moving east is reported, and never twice', async () => {
    const handle = app.temporal.schedule.getHandle(serviceReportScheduleId(acmeId));
    const runsOf = async () => (await handle.describe()).info.recentActions.map((a) => a.action);
    const finished = async (n: number) => {
      const actions = await eventually(async () => ((await runsOf()).length >= n ? runsOf() : null), `${n} schedule runs`, 60_000);
      for (const a of actions) await app.temporal.workflow.getHandle(a.workflow.workflowId, a.workflow.firstExecutionRunId).result();
    };
    const before = (await runsOf()).length;
    const moved = async (zone: string) => {
      await app.db('customers').where({ id: acmeId }).update({ time_zone: zone });
      expect(await syncServiceReportSchedules({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, log }, { customerId: acmeId })).toMatchObject({ updated: 1, failed: 0 });
    };
    try {
      await moved('Asia/Tokyo');
      expect((await handle.describe()).spec.timezone).toBe('Asia/Tokyo');
      await finished(before + 1);
      const month = localDay(new Date(), 'Asia/Tokyo').slice(0, 7);
      const previous = (await app.db.raw(`SELECT to_char((date_trunc('month', ?::date) - interval '1 month'), 'YYYY-MM') AS m`, [`${month}-01`])).rows[0].m;
      const scheduled = () => app.db('service_reports').where({ customer_id: acmeId, trigger: 'schedule', month: previous });
      expect(await scheduled()).toHaveLength(1);
      // and back: another run, which finds that month reported and neither reports nor mails it again
      const mails = await app.db('notifications').where({ template: 'service-report' }).count('* as n').first();
      await moved(ZONE);
      await finished(before + 2);
      expect(await scheduled()).toHaveLength(1);
      expect(await app.db('notifications').where({ template: 'service-report' }).count('* as n').first()).toEqual(mails);
    } finally {
      await app.db('customers').where({ id: acmeId }).update({ time_zone: ZONE });
    }
  }, 120_000);
});
