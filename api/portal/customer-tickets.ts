/**
 * Customer ticket pages (SPEC §8, §10): the ticket lists each customer role may open, the ticket page with exactly
 * the actions a customer may take in the ticket's current state, change-request approval for customer admins, and
 * the satisfaction page the closing e-mail links to. Every action runs through runTicketAction, as in the API.
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { changeStateOf, latestAssessments, listAwaitingApproval } from '../../db/change-requests';
import { findTicket, isValidCursor, listTickets, type Ticket } from '../../db/tickets';
import { isStaff, ticketScope, type Principal, type TicketScope } from '../../domain/access';
import { APPROVER_ROLE, checkChangeTransition } from '../../domain/change-requests';
import { checkDefectTransition, type DefectState } from '../../domain/defects';
import { OPEN_STATUSES, TICKET_TYPES, formatTicketNumber, type TicketStatus } from '../../domain/tickets';
import { checkTransition, REOPEN_WINDOW_MS, type TicketActionName } from '../../domain/transitions';
import { ProblemError, forbidden, notFound } from '../errors';
import { rateBySatisfactionLink, satisfactionSchema } from '../notifications';
import { ACTION_SCHEMAS, runTicketAction } from '../ticket-actions';
import { blankToUndefined, type PortalKit } from './kit';

export const PAGE_SIZE = 20;
export const LIST_VIEWS = ['mine', 'lines', 'org'] as const;
type ListView = (typeof LIST_VIEWS)[number];
const NO_ORGANISATION = '00000000-0000-0000-0000-000000000000';

/** Which lists a customer role may open (SPEC §8): everyone their own; key users their lines'; admins the organisation's. */
export function viewsFor(p: Principal): ListView[] {
  if (p.role === 'customer_key_user') return ['mine', 'lines'];
  if (p.role === 'customer_admin') return ['mine', 'org'];
  return ['mine'];
}

/** "Mine" is what the person reported; the wider views are exactly what their role may see. */
function scopeOfView(p: Principal, view: ListView): TicketScope {
  return view === 'mine' ? { kind: 'own', customerId: p.customerId ?? NO_ORGANISATION, requesterId: p.id } : ticketScope(p);
}

const STATUS_FILTERS = { open: OPEN_STATUSES, done: ['resolved', 'closed', 'cancelled'], all: [] as string[] } as const;
const listQuery = z.object({
  view: z.string().optional().catch(undefined),
  status: z.enum(['open', 'done', 'all']).catch('all'),
  type: z.enum(TICKET_TYPES).optional().catch(undefined),
  cursor: z
    .string()
    .max(300)
    .refine((c) => isValidCursor(c))
    .optional()
    .catch(undefined),
});

/** The actions a customer takes from the ticket page; `reply` is a public comment, as in the API. */
const PAGE_ACTIONS = ['reply', 'close', 'reopen', 'cancel', 'confirm-fix', 'approve', 'reject'] as const;
type PageAction = (typeof PAGE_ACTIONS)[number];
const API_ACTION: Record<PageAction, TicketActionName> = { reply: 'comment', close: 'close', reopen: 'reopen', cancel: 'cancel', 'confirm-fix': 'confirm-fix', approve: 'approve', reject: 'reject' };
/** Template-friendly names (no hyphen) for the forms' values and errors. */
const FORM_KEY: Record<PageAction, string> = { reply: 'reply', close: 'close', reopen: 'reopen', cancel: 'cancel', 'confirm-fix': 'confirmFix', approve: 'approve', reject: 'reject' };
const FIELD_MESSAGE: Record<string, string> = {
  body: 'customer.error.body',
  reason: 'customer.error.reason',
  rating: 'customer.error.rating',
  accepted: 'customer.error.accepted',
  note: 'customer.error.note',
};

/** Best first, as people read a scale. */
const RATINGS = ['5', '4', '3', '2', '1'];
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A form's fields as the action's API payload (then checked by the same ACTION_SCHEMAS as the JSON API). */
function payloadOf(action: PageAction, f: Record<string, unknown>): Record<string, unknown> {
  switch (action) {
    case 'reply':
      return { body: text(f.body), visibility: 'public' };
    case 'close': {
      const rating = blankToUndefined(f.rating);
      return rating === undefined ? {} : { rating: typeof rating === 'string' && /^\d$/.test(rating) ? Number(rating) : rating };
    }
    case 'reopen':
    case 'reject':
      return { reason: text(f.reason) };
    case 'cancel':
      return { reason: blankToUndefined(text(f.reason)) };
    case 'confirm-fix':
      return { accepted: f.accepted === 'yes' ? true : f.accepted === 'no' ? false : (f.accepted ?? null), reason: blankToUndefined(text(f.reason)) };
    case 'approve':
      return { note: blankToUndefined(text(f.note)) };
  }
}

/** What the page offers in the ticket's current state, from the same transition tables the workflow enforces. */
async function formsFor(kit: PortalKit, p: Principal, row: Ticket) {
  const status = row.status as TicketStatus;
  const can = (a: TicketActionName) => checkTransition(a, status, 'customer').ok;
  const resolvedAt = row.resolvedAt ? new Date(row.resolvedAt).getTime() : null;
  const withinReopenWindow = resolvedAt === null || Date.now() - resolvedAt <= REOPEN_WINDOW_MS;
  const changeState = row.type === 'change_request' ? await changeStateOf(kit.db, row.id) : null;
  const approvable = (a: 'approve' | 'reject') => changeState !== null && can(a) && checkChangeTransition(a, row.type, changeState, 'customer', p.role).ok;
  return {
    reply: can('comment'),
    close: can('close'),
    reopen: can('reopen') && withinReopenWindow,
    reopenExpired: can('reopen') && !withinReopenWindow,
    // The workflow lets a customer cancel only the tickets they reported.
    cancel: can('cancel') && row.requesterId === p.id,
    confirmFix: can('confirm-fix') && checkDefectTransition('confirm-fix', row.type, row.subStatus as DefectState | null, 'customer').ok,
    approve: approvable('approve'),
    reject: approvable('reject'),
    changeState,
    awaitingApprover: changeState === 'awaiting_approval' && p.role !== APPROVER_ROLE,
  };
}

export function mountCustomerTicketPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, signedIn, checkCsrf, formBody, fieldErrors, ticketView, timeline } = kit;

  /** Customer pages are for customers: staff have the desk. */
  const customerOnly = (req: Request, res: Response): Principal | null => {
    const p = signedIn(req, res);
    return isStaff(p) ? null : p;
  };

  const requesterNames = async (rows: Ticket[]): Promise<Map<string, string>> => {
    const ids = [...new Set(rows.map((t) => t.requesterId))];
    if (!ids.length) return new Map();
    return new Map((await db('users').whereIn('id', ids).select('id', 'name')).map((u: { id: string; name: string }) => [u.id, u.name]));
  };

  r.get('/portal', async (req, res) => {
    const p = customerOnly(req, res);
    if (!p) return res.redirect(303, '/desk');
    const v = visitorOf(res);
    const q = listQuery.parse(req.query);
    const allowed = viewsFor(p);
    const view = (q.view ?? 'mine') as ListView;
    if (!(LIST_VIEWS as readonly string[]).includes(view)) throw notFound('Page');
    if (!allowed.includes(view)) throw forbidden();
    const filters = { ...(STATUS_FILTERS[q.status].length ? { status: [...STATUS_FILTERS[q.status]] } : {}), ...(q.type ? { type: [q.type] } : {}) };
    const { rows, nextCursor } = await listTickets(db, scopeOfView(p, view), filters, { limit: PAGE_SIZE, cursor: q.cursor });
    const names = view === 'mine' ? new Map<string, string>() : await requesterNames(rows);
    const href = (extra: Record<string, string>) => `/portal?${new URLSearchParams({ view, status: q.status, ...(q.type ? { type: q.type } : {}), ...extra }).toString()}`;
    page(res, 'my-tickets', `customer.view.${view}`, {
      view,
      views: allowed.length > 1 ? allowed.map((id) => ({ id, labelKey: `customer.view.${id}`, current: id === view })) : [],
      showRequester: view !== 'mine',
      filters: { status: q.status, type: q.type ?? '' },
      statusFilters: Object.keys(STATUS_FILTERS),
      types: TICKET_TYPES,
      tickets: rows.map((row) => ({ ...ticketView(row, v), requester: names.get(row.requesterId) ?? null })),
      nextHref: nextCursor ? href({ cursor: nextCursor }) : null,
      firstHref: q.cursor ? href({}) : null,
      paging: Boolean(nextCursor || q.cursor),
    });
  });

  const ticketPage = async (res: Response, p: Principal, row: Ticket, extra: Record<string, unknown> = {}, status = 200) => {
    const v = visitorOf(res);
    const forms = await formsFor(kit, p, row);
    page(res, 'ticket', 'ticket.details', { ticket: ticketView(row, v), events: await timeline(row.id, v, true), forms, ratings: RATINGS, values: {}, invalid: {}, ...extra }, status);
  };

  r.get('/portal/tickets/:number', async (req, res) => {
    const p = customerOnly(req, res);
    if (!p) return res.redirect(303, `/desk/tickets/${encodeURIComponent(String(req.params.number))}`);
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    const done = (PAGE_ACTIONS as readonly string[]).includes(String(req.query.done)) ? `customer.done.${FORM_KEY[req.query.done as PageAction]}` : null;
    await ticketPage(res, p, row, { done });
  });

  r.post('/portal/tickets/:number/:action', form, async (req, res) => {
    const p = signedIn(req, res);
    checkCsrf(req, res);
    if (isStaff(p)) throw forbidden();
    const action = String(req.params.action) as PageAction;
    if (!(PAGE_ACTIONS as readonly string[]).includes(action)) throw notFound('Page');
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    // Approving changes is the customer admin's (domain/change-requests.ts); nobody else gets to try.
    if ((action === 'approve' || action === 'reject') && p.role !== APPROVER_ROLE) throw forbidden();
    const key = FORM_KEY[action];
    const fields = formBody(req);
    const values = { [key]: fields };
    const parsed = ACTION_SCHEMAS[API_ACTION[action]].safeParse(payloadOf(action, fields));
    if (!parsed.success) {
      const names = [...new Set(fieldErrors(parsed.error))];
      const invalid = { [key]: Object.fromEntries(names.map((n) => [n, FIELD_MESSAGE[n] ?? 'customer.error.field'])) };
      await ticketPage(res, p, row, { values, invalid, formError: key }, 400);
      return;
    }
    try {
      await runTicketAction(deps, p, row.id, API_ACTION[action], parsed.data as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 409) {
        await ticketPage(res, p, row, { values, conflict: err.detail ?? null }, 409);
        return;
      }
      throw err;
    }
    res.redirect(303, `/portal/tickets/${formatTicketNumber(Number(row.number))}?done=${action}`);
  });

  r.get('/portal/approvals', async (req, res) => {
    const p = signedIn(req, res);
    if (p.role !== APPROVER_ROLE) throw forbidden();
    const v = visitorOf(res);
    const rows = await listAwaitingApproval(db, ticketScope(p));
    const [names, assessments] = await Promise.all([requesterNames(rows), latestAssessments(db, rows.map((t) => t.id))]);
    page(res, 'customer-approvals', 'customer.approvals.title', {
      tickets: rows.map((row) => ({ ...ticketView(row, v), requester: names.get(row.requesterId) ?? null, assessment: assessments.get(row.id) ?? null })),
    });
  });

  // The closing e-mail's survey link: /satisfaction#token=… (the fragment never reaches the server; see links.ts).
  const satisfactionPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) => page(res, 'customer-satisfaction', 'customer.satisfaction.title', { values: {}, invalid: {}, ratings: RATINGS, ...extra }, status);
  r.get('/satisfaction', (_req, res) => satisfactionPage(res));
  r.post('/satisfaction', form, async (req, res) => {
    checkCsrf(req, res);
    const f = formBody(req);
    const values = { token: text(f.token) ?? '', rating: text(f.rating) ?? '', comment: text(f.comment) ?? '' };
    const parsed = satisfactionSchema.safeParse({
      token: values.token.trim(),
      rating: /^\d$/.test(values.rating) ? Number(values.rating) : undefined,
      comment: values.comment.trim() === '' ? undefined : values.comment,
    });
    if (!parsed.success) {
      const invalid = Object.fromEntries(fieldErrors(parsed.error).map((n) => [n, `customer.satisfaction.error.${n === 'token' || n === 'rating' ? n : 'comment'}`]));
      satisfactionPage(res, { values, invalid }, 400);
      return;
    }
    if (!deps.authSecret) throw new ProblemError(503, 'unavailable', 'Service unavailable');
    try {
      const rated = await rateBySatisfactionLink(db, deps.authSecret, parsed.data);
      satisfactionPage(res, { thanks: rated });
    } catch (err) {
      if (err instanceof ProblemError && [403, 404, 409].includes(err.status)) {
        const reason = err.status === 409 ? (err.type === 'already-rated' ? 'customer.satisfaction.already' : 'customer.satisfaction.notClosed') : 'customer.satisfaction.invalid';
        satisfactionPage(res, { values, refused: reason }, err.status === 404 ? 403 : err.status);
        return;
      }
      throw err;
    }
  });
  r.get('/portal/satisfaction.js', (_req, res) => {
    res.type('text/javascript').set('cache-control', 'public, max-age=3600').send(SATISFACTION_JS);
  });
}

/** Progressive enhancement: the token from the link's fragment fills the form's field (which can then be hidden). */
const SATISFACTION_JS = `(function () {
  var m = /[#&]token=([^&]+)/.exec(location.hash);
  var field = document.getElementById('sat-token');
  if (!m || !field || field.value) return;
  field.value = decodeURIComponent(m[1]);
  var box = document.getElementById('sat-token-box');
  if (box) box.hidden = true;
  history.replaceState(null, '', location.pathname);
})();
`;
