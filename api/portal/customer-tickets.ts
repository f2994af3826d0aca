/**
 * Customer ticket pages (SPEC §8, §10): the ticket lists each customer role may open, the ticket page with exactly
 * the actions a customer may take in the ticket's current state, change-request approval for customer admins, and
 * the satisfaction page the closing e-mail links to. Every action runs through runTicketAction, as in the API.
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { latestAssessments, listAwaitingApproval } from '../../db/change-requests';
import { findTicket, isValidCursor, listTickets, visibleLinkedIds, type Ticket } from '../../db/tickets';
import { toApiTicket } from '../ticket-shape';
import { isStaff, ticketScope, type Principal, type TicketScope } from '../../domain/access';
import { ACTIONS, customerOffer, formById, roleRefusal, type ActionDefinition } from '../../domain/ticket/actions';
import { OPEN_STATUSES, TICKET_TYPES, formatTicketNumber } from '../../domain/tickets';
import { ProblemError, forbidden, notFound } from '../errors';
import { rateBySatisfactionLink, satisfactionSchema } from '../notifications';
import { factsOfRow, runTicketAction } from '../ticket-actions';
import { fileFieldOf, formPayload, invalidFields } from './action-forms';
import { newAttachmentIds, withStagedFiles } from '../services/attachments';
import type { PortalKit } from './kit';

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

/** Template-friendly names (no hyphen) for the forms' values and errors: confirm-fix → confirmFix. */
const formKey = (id: string) => id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** The approvals page is for whoever the registry lets approve a change. */
const isApprover = (p: Principal) => roleRefusal('approve', { id: p.id, role: p.role }) === null;
const FIELD_MESSAGE: Record<string, string> = {
  body: 'customer.error.body',
  reason: 'customer.error.reason',
  rating: 'customer.error.rating',
  accepted: 'customer.error.accepted',
  note: 'customer.error.note',
};

/** The status in which the ticket waits for the customer's answer (the list and the page ask for it). */
const WAITING: Ticket['status'] = 'waiting_on_customer';
/** Best first, as people read a scale. */
const RATINGS = ['5', '4', '3', '2', '1'];
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function mountCustomerTicketPages(r: Router, kit: PortalKit): void {
  const { db, deps, form, formWithFiles, typedBeforeSignIn, filesOf, filesRefused, page, visitorOf, signedIn, checkCsrf, formBody, fieldErrors, ticketView, timeline } = kit;

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
      tickets: rows.map((row) => ({ ...ticketView(row, v), requester: names.get(row.requesterId) ?? null, needReply: row.status === WAITING })),
      nextHref: nextCursor ? href({ cursor: nextCursor }) : null,
      firstHref: q.cursor ? href({}) : null,
      paging: Boolean(nextCursor || q.cursor),
    });
  });

  const ticketPage = async (res: Response, p: Principal, row: Ticket, extra: Record<string, unknown> = {}, status = 200, focusReply = false) => {
    const v = visitorOf(res);
    // What the page offers, as the registry decides it; form ids become template keys (confirm-fix → confirmFix).
    const offer = customerOffer({ id: p.id, role: p.role }, factsOfRow(row), new Date());
    const forms = { ...Object.fromEntries(offer.formIds.map((id) => [formKey(id), true])), reopenExpired: offer.reopenExpired, changeState: offer.changeState, awaitingApprover: offer.awaitingApprover };
    // Links only to the tickets this customer may open (a colleague's ticket stays unnamed).
    const ticket = { ...ticketView(row, v), links: toApiTicket(row, new Date(), await visibleLinkedIds(db, ticketScope(p), [row])).links };
    // Which of the offered forms take files, as the registry declares them.
    const fileForms = Object.fromEntries(offer.formIds.map((id) => [formKey(id), Boolean(formById('customer', id) && fileFieldOf(formById('customer', id)!.form))]));
    // Who handles it and at which level, as people read it: the assignee's display name only (SPEC §8: nothing internal).
    const assignee = row.assigneeId ? ((await db('users').where({ id: row.assigneeId }).first('name')) as { name: string } | undefined) : undefined;
    const handling = { level: row.level, assignee: assignee?.name ?? null };
    const needReply = row.status === WAITING && offer.formIds.includes('reply');
    page(res, 'ticket', 'ticket.details', { ticket, handling, needReply, focusReply: needReply && focusReply, events: await timeline(row.id, v, true, row), forms, fileForms, ratings: RATINGS, values: {}, invalid: {}, ...extra }, status);
  };

  r.get('/portal/tickets/:number', async (req, res) => {
    const p = customerOnly(req, res);
    if (!p) return res.redirect(303, `/desk/tickets/${encodeURIComponent(String(req.params.number))}`);
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    const done = typeof req.query.done === 'string' && formById('customer', req.query.done) ? `customer.done.${formKey(req.query.done)}` : null;
    // A form of this page posted after the session expired: what was typed comes back into it, to be sent again.
    const here = `/portal/tickets/${formatTicketNumber(Number(row.number))}/`;
    const draft = await typedBeforeSignIn(req, res, p, (path) => path.startsWith(here) && formById('customer', path.slice(here.length)) !== undefined);
    const restored = draft ? { values: { [formKey(draft.formPath.slice(here.length))]: draft.fields }, restored: true } : {};
    await ticketPage(res, p, row, { done, sentBefore: req.query.sentBefore === '1', ...restored }, 200, req.query.focus === 'reply');
  });

  r.post('/portal/tickets/:number/:action', formWithFiles, async (req, res) => {
    const p = signedIn(req, res);
    checkCsrf(req, res);
    if (isStaff(p)) throw forbidden();
    const found = formById('customer', String(req.params.action));
    if (!found) throw notFound('Page');
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    // Approving changes is the customer admin's; nobody else gets to try.
    if (roleRefusal(found.action, { id: p.id, role: p.role })) throw forbidden();
    const action = found.form.id;
    const key = formKey(action);
    const fields = formBody(req);
    const values = { [key]: fields };
    const fileField = fileFieldOf(found.form);
    const files = filesOf(res);
    const filesProblem = () => ticketPage(res, p, row, { values, invalid: { [key]: { [fileField?.name ?? 'attachments']: 'files.refused' } }, formError: key }, 413);
    if (filesRefused(res)) return filesProblem();
    if (files.length && !fileField) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const ids = newAttachmentIds(files);
    const parsed = (ACTIONS[found.action] as ActionDefinition).input.safeParse({ ...formPayload(found.form, fields, p.id), ...(fileField && ids.length ? { [fileField.name]: ids } : {}) });
    if (!parsed.success) {
      const names = invalidFields(found.form, parsed.error.issues);
      const invalid = { [key]: Object.fromEntries(names.map((n) => [n, FIELD_MESSAGE[n] ?? 'customer.error.field'])) };
      await ticketPage(res, p, row, { values, invalid, formError: key }, 400);
      return;
    }
    try {
      await withStagedFiles({ db, attachments: deps.attachments }, { ticketId: row.id, uploadedBy: p.id, source: 'portal', files, ids }, () => runTicketAction(deps, p, row.id, found.action, parsed.data as Record<string, unknown>));
    } catch (err) {
      if (err instanceof ProblemError && err.status === 413) return filesProblem();
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
    if (!isApprover(p)) throw forbidden();
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
