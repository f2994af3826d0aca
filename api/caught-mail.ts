/**
 * The embedded default's mail catcher, readable by admins so a demo shows every email sent. In production there is
 * no catcher (mail goes to SMTP_URL) and this answers 404.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Mailbox } from './ports';
import { principal } from './auth';
import { forbidden, ProblemError } from './errors';
import { parseInput } from './validation';

export const caughtMailQuerySchema = z.strictObject({
  to: z.string().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,6}$/, 'is not a cursor returned by this API').optional(),
});

export function createCaughtMailRouter(deps: { mailbox?: Mailbox }): Router {
  const r = Router();
  r.get('/admin/mail', (req, res) => {
    if (principal(res).role !== 'admin') throw forbidden('Only admins may read caught mail');
    const q = parseInput(caughtMailQuerySchema, req.query, 'query');
    if (!deps.mailbox) throw new ProblemError(404, 'mail-catcher-off', 'Not found', 'No mail catcher runs here: mail goes to the SMTP relay in SMTP_URL');
    const all = deps.mailbox.list().filter((m) => !q.to || m.to.some((t) => t.toLowerCase() === q.to!.toLowerCase()));
    const from = q.cursor ? Number(q.cursor) : 0;
    const items = all.slice(from, from + q.limit);
    res.json({ items, nextCursor: from + q.limit < all.length ? String(from + q.limit) : null });
  });
  return r;
}
