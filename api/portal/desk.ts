/** Staff pages: the queue with filters, and the ticket page with triage, public reply and internal note. */
import type { Router } from 'express';
import { z } from 'zod';
import { findTicket, listTickets } from '../../db/tickets';
import { ticketScope } from '../../domain/access';
import { LEVELS_OF_IMPACT } from '../../domain/priority';
import { SLA_STATES } from '../../domain/tickets';
import { ProblemError, notFound } from '../errors';
import { runTicketAction } from '../ticket-actions';
import { freeText } from '../validation';
import { OPEN_STATUSES, type PortalKit } from './kit';

const optionalLevel = z.enum(LEVELS_OF_IMPACT).optional().or(z.literal('').transform(() => undefined));
const deskActionForms = {
  triage: z.object({ impact: optionalLevel, urgency: optionalLevel, note: freeText(2000).optional().or(z.literal('').transform(() => undefined)) }),
  comment: z.object({ body: freeText(20_000) }),
  note: z.object({ body: freeText(20_000) }),
} as const;
const deskFilters = z.object({
  level: z.enum(['L1', 'L2', 'L3']).optional().or(z.literal('').transform(() => undefined)),
  status: z.enum(OPEN_STATUSES as [string, ...string[]]).optional().or(z.literal('').transform(() => undefined)),
});

export function mountDeskPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, staffOnly, checkCsrf, formBody, ticketView, timeline } = kit;

  r.get('/desk', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const f = deskFilters.safeParse(req.query);
    const filters = f.success ? f.data : {};
    const { rows } = await listTickets(db, ticketScope(p), { status: filters.status ? [filters.status] : OPEN_STATUSES, ...(filters.level ? { level: [filters.level] } : {}) }, { limit: 200 });
    page(res, 'desk', 'desk.title', { tickets: rows.map((row) => ticketView(row, v)), filters, levels: ['L1', 'L2', 'L3'], statuses: OPEN_STATUSES, slaStates: SLA_STATES });
  });
  r.get('/desk/tickets/:number', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    page(res, 'desk-ticket', 'ticket.details', { ticket: ticketView(row, v), events: await timeline(row.id, v, false), levels: LEVELS_OF_IMPACT, done: req.query.done === '1' });
  });
  r.post('/desk/tickets/:number/:form', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const kind = String(req.params.form);
    if (kind !== 'triage' && kind !== 'comment' && kind !== 'note') throw notFound('Page');
    const parsed = deskActionForms[kind].safeParse(formBody(req));
    if (!parsed.success) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const number = String(req.params.number);
    if (kind === 'triage') {
      const d = parsed.data as z.infer<typeof deskActionForms.triage>;
      await runTicketAction(deps, p, number, 'triage', Object.fromEntries(Object.entries(d).filter(([, x]) => x !== undefined)));
    } else {
      const d = parsed.data as z.infer<typeof deskActionForms.comment>;
      await runTicketAction(deps, p, number, 'comment', { body: d.body, visibility: kind === 'note' ? 'internal' : 'public' });
    }
    res.redirect(303, `/desk/tickets/${encodeURIComponent(number)}?done=1`);
  });
}
