/** The phone line's hours (SPEC §3): Mon–Fri 08:00–17:00 on the business-sk calendar; the portal shows whether it is open. */
import { Router } from 'express';
import type { Db } from '../db/connection';
import { getCalendar } from '../db/reference';
import { isWorkingTime, nextWorkingInstant, workingIntervalsBetween } from '../domain/calendar';
import { principal } from './auth';
import { notFound } from './errors';

export const PHONE_CALENDAR_ID = 'business-sk';

/** Whether the phone line is open at `now`, and when it closes or opens next; undefined without its calendar. */
export async function phoneLineStatus(db: Db, now: Date) {
  const calendar = await getCalendar(db, PHONE_CALENDAR_ID);
  if (!calendar) return undefined;
  const open = isWorkingTime(now, calendar);
  const closesAt = open ? (workingIntervalsBetween(now, new Date(now.getTime() + 24 * 3600 * 1000), calendar)[0]?.end ?? null) : null;
  return {
    calendarId: calendar.id,
    timeZone: calendar.timeZone,
    hours: calendar.week,
    open,
    now: now.toISOString(),
    closesAt: closesAt ? closesAt.toISOString() : null,
    opensAt: open ? null : nextWorkingInstant(now, calendar).toISOString(),
  };
}

export function createPhoneRouter(deps: { db: Db }): Router {
  const r = Router();
  r.get('/phone-line', async (_req, res) => {
    principal(res);
    const status = await phoneLineStatus(deps.db, new Date());
    if (!status) throw notFound('The phone line calendar');
    res.json(status);
  });
  return r;
}
