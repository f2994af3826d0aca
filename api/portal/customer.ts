/** Customer pages: my tickets, the ticket page with its public timeline (reporting a new ticket: new-ticket.ts). */
import type { Router } from 'express';
import { z } from 'zod';
import { findTicket, listTickets, toApiTicket } from '../../db/tickets';
import { isStaff, ticketScope } from '../../domain/access';
import { ProblemError, notFound } from '../errors';
import { runTicketAction } from '../ticket-actions';
import { freeText } from '../validation';
import type { PortalKit } from './kit';

const replyForm = z.object({ body: freeText(20_000) });

export function mountCustomerPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, signedIn, checkCsrf, formBody, ticketView, timeline } = kit;

  r.get('/portal', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const { rows } = await listTickets(db, ticketScope(p), {}, { limit: 100 });
    page(res, 'my-tickets', 'tickets.title', { tickets: rows.map((row) => ticketView(row, v)) });
  });

  r.get('/portal/tickets/:number', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    page(res, 'ticket', 'ticket.details', { ticket: ticketView(row, v), events: await timeline(row.id, v, !isStaff(p)) });
  });
  r.post('/portal/tickets/:number/reply', form, async (req, res) => {
    const p = signedIn(req, res);
    checkCsrf(req, res);
    const parsed = replyForm.safeParse(formBody(req));
    if (!parsed.success) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const result = await runTicketAction(deps, p, String(req.params.number), 'comment', { body: parsed.data.body, visibility: 'public' });
    const row = await findTicket(db, ticketScope(p), result.ticketId);
    res.redirect(303, `/portal/tickets/${row ? toApiTicket(row).number : ''}`);
  });
}
