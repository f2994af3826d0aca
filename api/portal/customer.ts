/** Customer pages: reporting a new ticket with the SLA preview; the ticket lists and ticket pages are in customer-tickets.ts. */
import type { Response, Router } from 'express';
import { z } from 'zod';
import { toApiTicket } from '../../db/tickets';
import { getCustomer, getPriorityMatrix, loadSlaSnapshot } from '../../db/reference';
import { isStaff, type Principal } from '../../domain/access';
import { addWorkingTime } from '../../domain/calendar';
import { TARGET_KINDS } from '../../domain/plans';
import { derivePriority, LEVELS_OF_IMPACT, LEVELS_OF_URGENCY } from '../../domain/priority';
import { TICKET_TYPES } from '../../domain/tickets';
import { forbidden, notFound } from '../errors';
import { createTicket } from '../services/ticket-intake';
import { freeText } from '../validation';
import { formatInstant, type PortalLanguage } from './i18n';
import type { PortalKit } from './kit';
import { mountCustomerTicketPages } from './customer-tickets';

const newTicketForm = z.object({
  title: freeText(200),
  description: freeText(20_000),
  type: z.enum(TICKET_TYPES),
  impact: z.enum(LEVELS_OF_IMPACT),
  urgency: z.enum(LEVELS_OF_URGENCY),
});

export function mountCustomerPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, signedIn, checkCsrf, formBody, fieldErrors } = kit;

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

  // After /portal/tickets/new, so that `new` is not taken for a ticket number.
  mountCustomerTicketPages(r, kit);
}
