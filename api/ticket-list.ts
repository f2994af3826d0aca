/**
 * The desk's list filters in one place: what the desk list reads from its URL, what a saved view stores, and how
 * both become the ticket query (db/tickets.ts). A saved view is the desk list's query string by another name, so
 * selecting one is following its link.
 */
import { z } from 'zod';
import { TICKET_SORTS, type TicketFilters, type TicketSort } from '../db/tickets';
import type { Principal } from '../domain/access';
import { PRIORITIES, SUPPORT_LEVELS } from '../domain/plans';
import { OPEN_STATUSES, SLA_STATES, TICKET_STATUSES, TICKET_TYPES } from '../domain/tickets';
import { dashboardFiltersOf, dashboardListFilters } from './dashboard';
import { freeText, NO_NUL } from './validation';

/** What people type into the search box (the query is websearch syntax: words, "a phrase", or, -word). */
export const searchText = z.string().max(200, 'must be at most 200 characters').regex(NO_NUL, 'must not contain NUL characters').trim();

/** The filters of the desk list, each optional; a view stores these. */
export const listFiltersSchema = z.strictObject({
  q: searchText.optional(),
  sort: z.enum(TICKET_SORTS).optional(),
  level: z.enum([...SUPPORT_LEVELS, 'all']).optional(),
  assignee: z.union([z.enum(['me', 'none']), z.string().uuid('must be me, none or a user id')]).optional(),
  // `all`: every status (the dashboard's compliance figures count closed tickets too); none: the open ones.
  status: z.enum([...TICKET_STATUSES, 'all']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  type: z.enum(TICKET_TYPES).optional(),
  sla: z.enum(SLA_STATES).optional(),
  customer: z.string().uuid('must be a customer id').optional(),
  // The lists behind the dashboard's figures (#14 point 6), as the API takes them.
  ...dashboardListFilters,
});
export type ListFilters = z.infer<typeof listFiltersSchema>;

/**
 * The list filters among `given` (an address's query, a form, a stored view), each parsed on its own: a value the
 * list cannot take (a NUL in the search, a filter an older version stored) drops that filter only. A list (a
 * stored view's ratings) is read in its comma-separated form.
 */
export function lenientListFilters(given: Record<string, unknown>): ListFilters {
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(listFiltersSchema.shape)) {
    const raw = Array.isArray(given[k]) ? (given[k] as unknown[]).join(',') : given[k];
    const parsed = (field as z.ZodType).safeParse(raw);
    if (parsed.success && parsed.data !== undefined && parsed.data !== '') out[k] = parsed.data;
  }
  return out as ListFilters;
}

export const newViewSchema = z.strictObject({ name: freeText(100), filters: listFiltersSchema.default({}) });

/** The levels an agent works (their queues); managers and admins may have none. */
export const ownLevelsOf = (p: Principal): string[] => p.levels.filter((l) => (SUPPORT_LEVELS as readonly string[]).includes(l));

/**
 * The ticket query of a list: open tickets unless a status is chosen; without a level, the agent's own levels,
 * except for "assigned to me", which follows the agent everywhere. Staff see the queue order unless they choose.
 */
export function ticketQueryOf(f: ListFilters, p: Principal): { filters: TicketFilters; sort: TicketSort } {
  const ownLevels = ownLevelsOf(p);
  const levels = f.level === 'all' ? undefined : f.level ? [f.level] : f.assignee === 'me' || !ownLevels.length ? undefined : ownLevels;
  return {
    filters: {
      ...(f.status !== 'all' && { status: f.status ? [f.status] : OPEN_STATUSES }),
      ...(levels && { level: levels }),
      ...(f.priority && { priority: [f.priority] }),
      ...(f.type && { type: [f.type] }),
      ...(f.sla && { slaState: [f.sla] }),
      ...(f.customer && { customerId: f.customer }),
      ...(f.assignee && { assigneeId: f.assignee === 'me' ? p.id : f.assignee === 'none' ? null : f.assignee }),
      ...(f.q && { q: f.q }),
      dashboard: dashboardFiltersOf(f),
    },
    sort: f.sort ?? 'queue',
  };
}

/** The desk list's address for these filters. */
export function deskHref(f: ListFilters): string {
  const q = new URLSearchParams();
  // Arrays (a dashboard figure's ratings) as the query takes them: comma-separated.
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  // %20, not +: a return address after a form keeps to the characters safeReturn follows.
  const s = q.toString().replace(/\+/g, '%20');
  return s ? `/desk?${s}` : '/desk';
}
