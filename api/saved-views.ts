/**
 * Saved views (issue #14): an agent's named desk filters, each with the number of tickets it matches now. A view
 * belongs to its owner: another user's view answers 404, as if it did not exist. Staff only (403 for customers).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { createSavedView, deleteSavedView, listSavedViews, MAX_SAVED_VIEWS, type SavedView } from '../db/saved-views';
import { countTickets } from '../db/tickets';
import { isStaff, ticketScope, type Principal } from '../domain/access';
import { principal } from './auth';
import { conflict, forbidden, notFound } from './errors';
import { deskHref, lenientListFilters, newViewSchema, ticketQueryOf, type ListFilters } from './ticket-list';
import { parseInput } from './validation';

export const viewIdParam = z.strictObject({ id: z.string().uuid('must be a UUID') });

/** A view as clients see it: its filters, its count now and the desk list it opens. */
export async function viewWithCount(db: Db, p: Principal, v: SavedView<ListFilters>) {
  // A view saved by an older version may hold a filter this one no longer knows: that filter is left out, not an error.
  const filters = lenientListFilters(v.filters ?? {});
  const { filters: query } = ticketQueryOf(filters, p);
  return {
    id: v.id,
    name: v.name,
    filters: Object.fromEntries(Object.entries(filters).filter(([, x]) => x !== undefined && x !== '').map(([k, x]) => [k, String(x)])),
    count: await countTickets(db, ticketScope(p), query),
    href: deskHref(filters),
    createdAt: new Date(v.createdAt).toISOString(),
  };
}

/** The views with their counts, counted one after another: one request holds one connection of the pool at a time. */
export async function savedViewsOf(db: Db, p: Principal) {
  const out = [];
  for (const v of await listSavedViews<ListFilters>(db, p.id)) out.push(await viewWithCount(db, p, v));
  return out;
}

const staffOnly = (p: Principal) => {
  if (!isStaff(p)) throw forbidden('Saved views are for staff');
};

export function createSavedViewsRouter(deps: { db: Db }): Router {
  const r = Router();
  r.get('/views', async (_req, res) => {
    const p = principal(res);
    staffOnly(p);
    res.json({ items: await savedViewsOf(deps.db, p), nextCursor: null });
  });
  r.post('/views', async (req, res) => {
    const p = principal(res);
    staffOnly(p);
    const body = parseInput(newViewSchema, req.body, 'body');
    const view = await createSavedView(deps.db, p.id, body.name, body.filters);
    if (view === 'exists') throw conflict('view-exists', `You already have a view named ${body.name}`);
    if (view === 'full') throw conflict('too-many-views', `You have ${MAX_SAVED_VIEWS} views, the most one person keeps: delete one first`);
    res.status(201).location(`/api/v1/views/${view.id}`).json(await viewWithCount(deps.db, p, view));
  });
  r.delete('/views/:id', async (req, res) => {
    const p = principal(res);
    staffOnly(p);
    const { id } = parseInput(viewIdParam, req.params, 'params');
    if (!(await deleteSavedView(deps.db, p.id, id))) throw notFound('View');
    res.status(204).end();
  });
  return r;
}
