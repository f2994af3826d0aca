/** Customer pages: my tickets, reporting a new ticket with the SLA preview, the ticket page with its public timeline. */
import type { Response, Router } from 'express';
import { z } from 'zod';
import { findTicket, listTickets, toApiTicket } from '../../db/tickets';
import { getCustomer, getPriorityMatrix, loadSlaSnapshot } from '../../db/reference';
import { isStaff, ticketScope, type Principal } from '../../domain/access';
import { addWorkingTime } from '../../domain/calendar';
import { TARGET_KINDS } from '../../domain/plans';
import { derivePriority, LEVELS_OF_IMPACT, LEVELS_OF_URGENCY } from '../../domain/priority';
import { TICKET_TYPES } from '../../domain/tickets';
import { ProblemError, forbidden, notFound } from '../errors';
import { runTicketAction } from '../ticket-actions';
import { createTicket } from '../services/ticket-intake';
import { freeText } from '../validation';
import { formatInstant, type PortalLanguage } from './i18n';
import type { PortalKit } from './kit';

const newTicketForm = z.object({
  title: freeText(200),
  description: freeText(20_000),
  type: z.enum(TICKET_TYPES),
  impact: z.enum(LEVELS_OF_IMPACT),
  urgency: z.enum(LEVELS_OF_URGENCY),
});
const replyForm = z.object({ body: freeText(20_000) });

export function mountCustomerPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, signedIn, checkCsrf, formBody, fieldErrors, ticketView, timeline } = kit;

  /** The deadlines a new ticket would get now: the same computation as GET /api/v1/sla/preview. */
  const slaPreview = async (p: Principal, impact: (typeof LEVELS_OF_IMPACT)[number], urgency: (typeof LEVELS_OF_URGENCY)[number], lang: PortalLanguage) => {
    if (!p.customerId || !(await getCustomer(db, p.customerId))) throw notFound('Customer');
    const at = new Date();
    const priority = derivePriority(impact, urgency, await getPriorityMatrix(db));
    const snap = await loadSlaSnapshot(db, p.customerId, at);
    const rows = TARGET_KINDS.filter((k) => k !== 'nextUpdate').map((k) => {
      const t = snap.targets[priority][k];
      if (!t) return { kind: k, deadline: null, coverage: null };
      const cal = t.coverage === 'business' ? snap.businessCalendar : snap.wallClockCalendar;
      return { kind: k, deadline: formatInstant(addWorkingTime(at, t.ms, cal), lang, p.timeZone), coverage: t.coverage === 'business' ? 'clock.business' : 'clock.wallClock' };
    });
    return { priority, rows };
  };

  r.get('/portal', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const { rows } = await listTickets(db, ticketScope(p), {}, { limit: 100 });
    page(res, 'my-tickets', 'tickets.title', { tickets: rows.map((row) => ticketView(row, v)) });
  });

  const newTicketPage = (res: Response, values: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    page(res, 'new-ticket', 'new.title', { values, types: TICKET_TYPES, levels: LEVELS_OF_IMPACT, ...extra }, status);
  };
  r.get('/portal/tickets/new', (req, res) => {
    signedIn(req, res);
    newTicketPage(res, { type: 'incident', impact: 'medium', urgency: 'medium' });
  });
  r.post('/portal/tickets/new', form, async (req, res) => {
    const p = signedIn(req, res);
    checkCsrf(req, res);
    if (isStaff(p)) throw forbidden();
    const values = formBody(req);
    const parsed = newTicketForm.safeParse(values);
    if (!parsed.success) {
      newTicketPage(res, values, { errors: fieldErrors(parsed.error) }, 400);
      return;
    }
    if (values.intent === 'preview') {
      newTicketPage(res, values, { preview: await slaPreview(p, parsed.data.impact, parsed.data.urgency, visitorOf(res).lang) });
      return;
    }
    const { ticket } = await createTicket({ db, temporal: deps.temporal, taskQueue: deps.taskQueue }, p, parsed.data);
    res.redirect(303, `/portal/tickets/${toApiTicket(ticket).number}`);
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
