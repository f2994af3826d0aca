/** GET /sla/preview: the deadlines a ticket created at `at` would get (the portal shows them before submitting). */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { getCustomer, loadSlaSnapshot } from '../db/reference';
import { isStaff } from '../domain/access';
import { PRIORITIES, TARGET_KINDS, type Coverage, type Priority, type SlaSnapshot, type Target, type TargetKind } from '../domain/plans';
import { addWorkingTime } from '../domain/calendar';
import { principal } from './auth';
import { notFound } from './errors';
import { parseInput } from './validation';

export const slaPreviewQuerySchema = z.strictObject({
  customerId: z.string().uuid('must be a UUID').optional(),
  priority: z.enum(PRIORITIES),
  at: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' }).optional(),
});

export interface SlaDeadline {
  target: Target | null;
  coverage: Coverage | null;
  /** When the clock would run out for a ticket created at `at` (none for nextUpdate, which starts later). */
  deadline: string | null;
}

/** The deadlines a ticket of `priority` created at `at` would get: what GET /sla/preview answers, and the portal shows. */
export async function slaDeadlines(db: Db, customerId: string, priority: Priority, at: Date): Promise<{ snapshot: SlaSnapshot; deadlines: Record<TargetKind, SlaDeadline> }> {
  const snap = await loadSlaSnapshot(db, customerId, at);
  const targets = snap.targets[priority];
  const deadlines = Object.fromEntries(
    TARGET_KINDS.map((k) => {
      const t = targets[k];
      if (!t) return [k, { target: null, deadline: null, coverage: null }];
      const cal = t.coverage === 'business' ? snap.businessCalendar : snap.wallClockCalendar;
      return [k, { target: t, coverage: t.coverage, deadline: k === 'nextUpdate' ? null : addWorkingTime(at, t.ms, cal).toISOString() }];
    }),
  ) as Record<TargetKind, SlaDeadline>;
  return { snapshot: snap, deadlines };
}

export function createSlaRouter(deps: { db: Db }): Router {
  const r = Router();
  r.get('/sla/preview', async (req, res) => {
    const actor = principal(res);
    const q = parseInput(slaPreviewQuerySchema, req.query, 'query');
    // Customers preview their own organisation only; another organisation is "not found", as everywhere.
    const customerId = isStaff(actor) ? q.customerId : q.customerId && q.customerId !== actor.customerId ? undefined : actor.customerId;
    if (!customerId || !(await getCustomer(deps.db, customerId))) throw notFound('Customer');
    const at = q.at ? new Date(q.at) : new Date();
    const { snapshot: snap, deadlines } = await slaDeadlines(deps.db, customerId, q.priority, at);
    res.json({ customerId, priority: q.priority, at: at.toISOString(), planId: snap.planId, contractId: snap.contractId, calendar: snap.businessCalendar.id, ...deadlines });
  });
  return r;
}
