/** GET /sla/preview: the deadlines a ticket created at `at` would get (the portal shows them before submitting). */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { getCustomer, loadSlaSnapshot } from '../db/reference';
import { isStaff } from '../domain/access';
import { PRIORITIES, TARGET_KINDS } from '../domain/plans';
import { addWorkingTime } from '../domain/calendar';
import { principal } from './auth';
import { notFound } from './errors';
import { parseInput } from './validation';

export const slaPreviewQuerySchema = z.strictObject({
  customerId: z.string().uuid('must be a UUID').optional(),
  priority: z.enum(PRIORITIES),
  at: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' }).optional(),
});

export function createSlaRouter(deps: { db: Db }): Router {
  const r = Router();
  r.get('/sla/preview', async (req, res) => {
    const actor = principal(res);
    const q = parseInput(slaPreviewQuerySchema, req.query, 'query');
    // Customers preview their own organisation only; another organisation is "not found", as everywhere.
    const customerId = isStaff(actor) ? q.customerId : q.customerId && q.customerId !== actor.customerId ? undefined : actor.customerId;
    if (!customerId || !(await getCustomer(deps.db, customerId))) throw notFound('Customer');
    const at = q.at ? new Date(q.at) : new Date();
    const snap = await loadSlaSnapshot(deps.db, customerId, at);
    const targets = snap.targets[q.priority];
    const deadlines = Object.fromEntries(
      TARGET_KINDS.map((k) => {
        const t = targets[k];
        if (!t) return [k, { target: null, deadline: null, coverage: null }];
        const cal = t.coverage === 'business' ? snap.businessCalendar : snap.wallClockCalendar;
        return [k, { target: t, coverage: t.coverage, deadline: k === 'nextUpdate' ? null : addWorkingTime(at, t.ms, cal).toISOString() }];
      }),
    );
    res.json({ customerId, priority: q.priority, at: at.toISOString(), planId: snap.planId, contractId: snap.contractId, calendar: snap.businessCalendar.id, ...deadlines });
  });
  return r;
}
