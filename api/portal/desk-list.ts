/**
 * The desk's ticket list (SPEC §10, issue #14 point 2): queues per level with filters, a search box, the queue
 * order (or due time, priority, newest), numbered pages, the agent's saved views with their counts, and bulk
 * assign / escalate on the ticked rows. The filters mean what they mean in the API (api/ticket-list.ts); the bulk
 * bar's fields are the registry's assign and escalate forms, and a bulk post runs runBulkAction, the path of the
 * single-ticket action API.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { createSavedView, deleteSavedView } from '../../db/saved-views';
import { isValidCursor, listTickets, sortOfCursor, TICKET_SORTS } from '../../db/tickets';
import { ASSIGNABLE_ROLES, ticketScope, type Principal } from '../../domain/access';
import { ACTIONS, formById, type ActionDefinition, type FormField } from '../../domain/ticket/actions';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { SLA_STATES, TICKET_STATUSES, TICKET_TYPES } from '../../domain/tickets';
import { BULK_ACTIONS, runBulkAction, type BulkAction } from '../bulk-ticket-actions';
import { savedViewsOf } from '../saved-views';
import { deskHref, lenientListFilters, ownLevelsOf, ticketQueryOf, type ListFilters } from '../ticket-list';
import { formPayload, labelText } from './action-forms';
import { loadMessages, translate } from './i18n';
import { safeReturn, type PortalKit } from './kit';

const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 50;
const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };

/** Each filter on its own: a bad value drops that filter only (a hand-edited or old link still opens the list). */
const deskQuery = z.object({
  q: z.string().max(200).optional().catch(undefined),
  sort: z.enum(TICKET_SORTS).optional().catch(undefined),
  level: z.enum([...SUPPORT_LEVELS, 'all']).optional().catch(undefined),
  assignee: z.union([z.enum(['me', 'none']), z.string().uuid()]).optional().catch(undefined),
  status: z.enum([...TICKET_STATUSES, 'all']).optional().catch(undefined),
  priority: z.enum(PRIORITIES).optional().catch(undefined),
  type: z.enum(TICKET_TYPES).optional().catch(undefined),
  sla: z.enum(SLA_STATES).optional().catch(undefined),
  customer: z.string().uuid().optional().catch(undefined),
  cursor: z.string().max(200).refine(isValidCursor).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  // At most 50 rows: the bulk form posts a box per row, and the portal's forms take at most 100 fields.
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().catch(undefined),
});
type DeskQuery = z.infer<typeof deskQuery>;

/** The filters of the list (what a saved view keeps): the query without its paging, each filter on its own. */
const filtersOf = (f: DeskQuery, given: Record<string, unknown>): ListFilters => lenientListFilters({ ...given, ...f });

/** The page links: first, last, and two either side of the current one; a gap between them is an ellipsis. */
export function pageLinks(current: number, count: number): Array<number | null> {
  const wanted = new Set([1, count, current - 2, current - 1, current, current + 1, current + 2].filter((n) => n >= 1 && n <= count));
  const out: Array<number | null> = [];
  let last = 0;
  for (const n of [...wanted].sort((a, b) => a - b)) {
    if (n > last + 1) out.push(null);
    out.push(n);
    last = n;
  }
  return out;
}

/** What a bulk post did, as the list shows it after the redirect: `T-000001:409,T-000002:404`. */
const failedList = z
  .string()
  .max(2000)
  .regex(/^(T-\d{1,15}:\d{3})(,T-\d{1,15}:\d{3})*$/)
  .optional()
  .catch(undefined);
const bulkOutcome = z.object({ bulkOk: z.coerce.number().int().min(0).max(1000).optional().catch(undefined), bulkFailed: failedList, bulkInvalid: z.string().regex(/^[a-zA-Z]{1,40}$/).optional().catch(undefined) });

export function mountDeskList(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, staffOnly, checkCsrf, formBody, ticketView } = kit;
  const staffUsers = async () => (await db('users').whereIn('role', ASSIGNABLE_ROLES).whereNull('disabled_at').orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>;

  /** The registry's form of a bulk action, its fields as the bar shows them (every level: the tickets differ). */
  const bulkForms = (lang: 'en' | 'sk', staff: Array<{ id: string; name: string }>) => {
    const t_ = (key: string) => translate(MESSAGES[lang], key);
    const optionsOf = (f: FormField) =>
      f.kind === 'assignee'
        ? [{ value: 'me', label: t_('desk.tab.me') }, { value: 'none', label: t_('desk.unassigned') }, ...staff.map((s) => ({ value: s.id, label: s.name }))]
        : f.options && 'dynamic' in f.options && f.options.dynamic === 'otherLevels'
          ? SUPPORT_LEVELS.map((l) => ({ value: l, label: l }))
          : f.options && 'static' in f.options
            ? f.options.static.map((o) => ({ value: o.value, label: o.labelKey ? t_(o.labelKey) : (o.label ?? o.value) }))
            : [];
    return BULK_ACTIONS.map((action) => {
      const found = formById('desk', action);
      const fields = (found?.form.fields ?? []).map((f) => ({
        name: f.name,
        id: `bulk-${action}-${f.name}`,
        label: labelText(f.label, lang, t_) ?? f.name,
        select: f.kind === 'assignee' || f.kind === 'select',
        textarea: f.kind === 'textarea',
        options: optionsOf(f),
      }));
      return { action, label: (ACTIONS[action] as ActionDefinition).label[lang], button: t_(`desk.bulk.${action}`), fields };
    });
  };

  r.get('/desk', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const t_ = (key: string) => translate(MESSAGES[v.lang], key);
    const f = deskQuery.parse(req.query);
    const filters = filtersOf(f, req.query);
    const ownLevels = ownLevelsOf(p);
    const chosen = ticketQueryOf(filters, p);
    const query = chosen.filters;
    const sort = f.cursor ? sortOfCursor(f.cursor) : chosen.sort;
    const limit = f.limit ?? PAGE_SIZE;
    // A cursor (the "next page" link, older bookmarks) continues its own order; a page number is a plain offset.
    const current = f.cursor ? null : (f.page ?? 1);
    const { rows, nextCursor, total = 0 } = await listTickets(db, ticketScope(p), query, { limit, cursor: f.cursor, offset: current ? (current - 1) * limit : undefined, sort, withTotal: true });
    const assigneeIds = [...new Set(rows.map((x) => x.assigneeId).filter((x): x is string => !!x))];
    const [customers, staff, views, assignees] = await Promise.all([
      db('customers').orderBy('name').select('id', 'name') as Promise<Array<{ id: string; name: string }>>,
      staffUsers(),
      savedViewsOf(db, p),
      // Every assignee by name, a disabled one too (the bar offers active staff only).
      (assigneeIds.length ? db('users').whereIn('id', assigneeIds).select('id', 'name') : Promise.resolve([])) as Promise<Array<{ id: string; name: string }>>,
    ]);
    const customerNames = new Map(customers.map((c) => [c.id, c.name]));
    const staffNames = new Map(assignees.map((s) => [s.id, s.name]));
    const tickets = rows.map((row) => ({
      ...ticketView(row, v),
      customerName: customerNames.get(row.customerId) ?? '',
      assigneeName: row.assigneeId ? (staffNames.get(row.assigneeId) ?? '') : null,
      attention: row.slaState === 'breached' || row.slaState === 'at_risk',
    }));
    const base = deskHref(filters);
    const withParams = (extra: Record<string, string | number | undefined>) =>
      `${base}${base.includes('?') ? '&' : '?'}${new URLSearchParams(Object.entries(extra).flatMap(([k, x]): Array<[string, string]> => (x === undefined ? [] : [[k, String(x)]]))).toString()}`;
    const pageCount = Math.max(1, Math.ceil(total / limit));
    const limitParam = f.limit ? { limit: f.limit } : {};
    const pages = pageLinks(current ?? 0, pageCount).map((n) => (n === null ? { gap: true } : { n, href: n === 1 && !f.limit ? base : withParams({ ...limitParam, page: n }), current: n === current }));
    // Back here after a form, without the notices of an earlier one.
    const currentHref = current && current > 1 ? withParams({ ...limitParam, page: current }) : f.cursor ? withParams({ ...limitParam, cursor: f.cursor }) : base;
    const tab = f.assignee === 'me' ? 'me' : f.assignee === 'none' ? 'unassigned' : (f.level ?? (ownLevels.length ? 'mine' : 'all'));
    const isManager = p.role !== 'agent';
    const tabs = [
      ...(ownLevels.length ? [{ id: 'mine', labelKey: 'desk.tab.mine', href: '/desk' }] : []),
      ...SUPPORT_LEVELS.map((l) => ({ id: l, label: l, href: `/desk?level=${l}` })),
      ...(isManager ? [{ id: 'all', labelKey: 'desk.tab.all', href: '/desk?level=all' }] : []),
      { id: 'me', labelKey: 'desk.tab.me', href: '/desk?assignee=me' },
      { id: 'unassigned', labelKey: 'desk.tab.unassigned', href: '/desk?assignee=none' },
    ].map((t) => ({ ...t, current: t.id === tab }));
    const outcome = bulkOutcome.parse(req.query);
    const failures = (outcome.bulkFailed?.split(',') ?? []).map((x) => {
      const [number, status] = x.split(':');
      return { number, reason: t_(`desk.bulk.failed.${['404', '403', '409', '400'].includes(status) ? status : 'other'}`) };
    });
    const bulkNotice =
      outcome.bulkOk !== undefined || failures.length
        ? { ok: t_('desk.bulk.done').replace('{n}', String(outcome.bulkOk ?? 0)), failures, failedText: failures.length ? t_('desk.bulk.notDone').replace('{n}', String(failures.length)) : null }
        : null;
    const forms = bulkForms(v.lang, staff);
    const fieldLabel = (name: string) => forms.flatMap((x) => x.fields).find((x) => x.name === name)?.label ?? (name === 'ticket' ? t_('desk.bulk.select') : name);
    const shownFrom = rows.length ? (current ? (current - 1) * limit + 1 : null) : 0;
    page(res, 'desk', 'desk.title', {
      tickets,
      filters: { ...filters, q: filters.q ?? '' },
      figureFilter: query.dashboard !== undefined,
      sort,
      sorts: TICKET_SORTS,
      tabs,
      ownLevels: ownLevels.join(', '),
      levels: SUPPORT_LEVELS,
      statuses: TICKET_STATUSES,
      priorities: PRIORITIES,
      types: TICKET_TYPES,
      slaStates: SLA_STATES,
      customers,
      staff,
      views: views.map((x) => ({ ...x, current: x.href === base })),
      viewFilters: Object.entries(filters).filter(([, x]) => x !== undefined && x !== ''),
      bulkForms: forms,
      bulkNotice,
      viewInvalid: req.query.viewInvalid === '1',
      bulkInvalid: outcome.bulkInvalid ? t_('desk.bulk.invalid').replace('{field}', fieldLabel(outcome.bulkInvalid)) : null,
      returnTo: currentHref,
      total,
      totalText: t_('desk.total').replace('{n}', String(total)),
      rangeText: shownFrom ? t_('desk.range').replace('{from}', String(shownFrom)).replace('{to}', String(shownFrom + rows.length - 1)).replace('{n}', String(total)) : null,
      pages: pageCount > 1 ? pages : [],
      nextHref: nextCursor ? withParams({ ...limitParam, cursor: nextCursor }) : null,
      firstHref: f.cursor || (current ?? 1) > 1 ? base : null,
      breachedHref: deskHref({ ...filters, sla: 'breached' }),
      atRiskHref: deskHref({ ...filters, sla: 'at_risk' }),
    });
  });

  // Bulk assign / escalate: the ticked rows, the registry form's fields, then the same path as one ticket's action.
  r.post('/desk/bulk', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const back = safeReturn(values.returnTo);
    const to = (extra: Record<string, string>) => `${back}${back.includes('?') ? '&' : '?'}${new URLSearchParams(extra).toString()}`;
    const action = z.enum(BULK_ACTIONS).safeParse(values._action);
    const picked = values.ticket === undefined ? [] : Array.isArray(values.ticket) ? values.ticket : [values.ticket];
    const numbers = picked.filter((x): x is string => typeof x === 'string' && /^T-\d{1,15}$/.test(x)).slice(0, MAX_PAGE_SIZE);
    if (!action.success) return res.redirect(303, to({ bulkInvalid: 'action' }));
    if (!numbers.length) return res.redirect(303, to({ bulkInvalid: 'ticket' }));
    const fm = formById('desk', action.data)?.form;
    const parsed = (ACTIONS[action.data] as ActionDefinition).input.safeParse(fm ? formPayload(fm, values, p.id) : {});
    if (!parsed.success) return res.redirect(303, to({ bulkInvalid: String(parsed.error.issues[0]?.path[0] ?? 'input') }));
    const results = await runBulkAction(deps, p as Principal, action.data as BulkAction, [...new Set(numbers)], parsed.data as Record<string, unknown>);
    const failed = results.filter((x) => !x.ok).map((x) => `${x.ticketId}:${x.ok ? 200 : x.problem.status}`);
    res.redirect(303, to({ bulkOk: String(results.length - failed.length), ...(failed.length ? { bulkFailed: failed.join(',') } : {}) }));
  });

  // Saved views: the list's current filters under a name; deleting one (the owner's only).
  r.post('/desk/views', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const name = typeof values.name === 'string' ? values.name.trim().slice(0, 100) : '';
    const filters = filtersOf(deskQuery.parse(values), values);
    const href = deskHref(filters);
    // No name, one the agent already uses, or no room for another view: the list again, saying so.
    if (!name || typeof (await createSavedView(db, p.id, name, filters)) === 'string') return res.redirect(303, `${href}${href.includes('?') ? '&' : '?'}viewInvalid=1`);
    res.redirect(303, href);
  });
  r.post('/desk/views/:id/delete', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const id = z.string().uuid().safeParse(req.params.id);
    if (id.success) await deleteSavedView(db, p.id, id.data);
    res.redirect(303, safeReturn(formBody(req).returnTo));
  });
}
