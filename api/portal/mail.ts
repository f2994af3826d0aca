/**
 * The desk's unassigned mail (issue #13 §3): mail whose sender we could not place, oldest first, each with the two
 * decisions of the API — open a ticket for one of a customer's users, or dismiss it — through the same function.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { listUnassignedMail } from '../../db/inbound-mail';
import { listPageQuery } from '../admin-customers';
import { ProblemError } from '../errors';
import { decideUnassignedMail } from '../mail';
import { formatInstant } from './i18n';
import type { PortalKit } from './kit';

const decision = z.object({ requesterId: z.string().uuid() });

export function mountMailPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, staffOnly, checkCsrf, formBody } = kit;

  r.get('/desk/mail', async (req, res) => {
    staffOnly(req, res);
    const v = visitorOf(res);
    const q = listPageQuery.safeParse({ limit: 50, cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined });
    const list = await listUnassignedMail(db, q.success ? q.data : { limit: 50 });
    const requesters: Array<{ id: string; name: string; email: string; customer: string }> = await db('users as u')
      .join('customers as c', 'c.id', 'u.customer_id')
      .whereNull('u.disabled_at')
      .orderBy([{ column: 'c.name' }, { column: 'u.name' }])
      .select('u.id', 'u.name', 'u.email', 'c.name as customer');
    const done = typeof req.query.done === 'string' && ['assigned', 'dismissed'].includes(req.query.done) ? `mail.done.${req.query.done}` : undefined;
    page(res, 'desk-mail', 'mail.title', {
      done,
      error: typeof req.query.error === 'string' ? 'mail.error' : undefined,
      items: list.items.map((m) => ({ ...m, receivedAt: formatInstant(m.receivedAt, v.lang, kit.zoneOf(v)) })),
      next: list.nextCursor,
      requesters,
    });
  });

  r.post('/desk/mail/:id/:decision', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const id = z.string().uuid().safeParse(req.params.id);
    const which = String(req.params.decision);
    if (!id.success || !['assign', 'dismiss'].includes(which)) return res.redirect(303, '/desk/mail?error=1');
    try {
      if (which === 'dismiss') await decideUnassignedMail(deps, p, id.data, { dismiss: true });
      else {
        const body = decision.safeParse(formBody(req));
        if (!body.success) return res.redirect(303, '/desk/mail?error=1');
        const requester = await db('users').where({ id: body.data.requesterId }).first('customer_id');
        if (!requester?.customer_id) return res.redirect(303, '/desk/mail?error=1');
        await decideUnassignedMail(deps, p, id.data, { assign: { customerId: requester.customer_id, requesterId: body.data.requesterId } });
      }
    } catch (err) {
      if (err instanceof ProblemError && err.status < 500) return res.redirect(303, '/desk/mail?error=1');
      throw err;
    }
    res.redirect(303, `/desk/mail?done=${which === 'assign' ? 'assigned' : 'dismissed'}`);
  });
}
