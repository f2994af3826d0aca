/**
 * Ticket queries. Every function that can return customer data takes the caller's TicketScope, so organisation
 * scoping is enforced here, in the data layer, and not only in handlers. Rows leave this module as typed camelCase
 * objects; the JSON shape clients see is built in api/ticket-shape.ts.
 */
import type { Knex } from 'knex';
import type { Db } from './connection';
import type { TicketScope } from '../domain/access';
import type { Priority, SlaSnapshot, SupportLevel, TargetKind } from '../domain/plans';
import type { Impact, Urgency } from '../domain/priority';
import type { SlaClock } from '../domain/sla-clock';
import type { ChangeState } from '../domain/change-requests';
import type { TicketLinks } from '../domain/ticket/state';
import { eventTypesCounted } from '../domain/ticket/events';
import { parseTicketNumber, type SlaState, type TicketChannel, type TicketStatus, type TicketType, type Visibility } from '../domain/tickets';

/** A ticket as the projection holds it. */
export interface Ticket {
  id: string;
  number: number;
  title: string;
  description: string;
  type: TicketType;
  status: TicketStatus;
  subStatus: string | null;
  priority: Priority;
  impact: Impact;
  urgency: Urgency;
  level: SupportLevel;
  customerId: string;
  requesterId: string;
  businessLineId: string | null;
  businessLineName: string | null;
  moduleId: string | null;
  moduleVersion: string | null;
  channel: TicketChannel;
  category: string | null;
  assigneeId: string | null;
  slaState: SlaState;
  /** The clock records the workflow last projected, per target kind. */
  sla: Partial<Record<TargetKind, SlaClock>>;
  slaSnapshot: SlaSnapshot;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** Change requests: the change sub-state the workflow projected (null before the first change action). */
  changeState: ChangeState | null;
  /** Links to other tickets (duplicates; a problem's incidents), as the workflow projected them. */
  links: TicketLinks;
}

/** The columns every ticket query selects: the ticket and the name of its business line. */
export function selectTickets(db: Db): Knex.QueryBuilder {
  return db('tickets as t').leftJoin('business_lines as bl', 'bl.id', 't.business_line_id').select('t.*', 'bl.name as business_line_name');
}

/** Maps a row of selectTickets to a Ticket (bigint number as a number). */
export function ticketFromRow(r: Record<string, any>): Ticket {
  return {
    id: r.id,
    number: Number(r.number),
    title: r.title,
    description: r.description,
    type: r.type,
    status: r.status,
    subStatus: r.sub_status,
    priority: r.priority,
    impact: r.impact,
    urgency: r.urgency,
    level: r.level,
    customerId: r.customer_id,
    requesterId: r.requester_id,
    businessLineId: r.business_line_id,
    businessLineName: r.business_line_name ?? null,
    moduleId: r.module_id,
    moduleVersion: r.module_version,
    channel: r.channel,
    category: r.category,
    assigneeId: r.assignee_id,
    slaState: r.sla_state,
    sla: r.sla ?? {},
    slaSnapshot: r.sla_snapshot,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    changeState: r.change_state ?? null,
    links: r.links ?? {},
  };
}

export function applyTicketScope<T extends Knex.QueryBuilder>(q: T, scope: TicketScope, alias = 't'): T {
  switch (scope.kind) {
    case 'all':
      return q;
    case 'organisation':
      return q.where(`${alias}.customer_id`, scope.customerId) as T;
    case 'businessLines':
      return q.where(`${alias}.customer_id`, scope.customerId).andWhere((w) => {
        w.where(`${alias}.requester_id`, scope.requesterId);
        if (scope.businessLineIds.length) w.orWhereIn(`${alias}.business_line_id`, scope.businessLineIds);
      }) as T;
    case 'own':
      return q.where(`${alias}.customer_id`, scope.customerId).andWhere(`${alias}.requester_id`, scope.requesterId) as T;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A ticket by uuid or number (T-000123); undefined when absent *or* outside the caller's scope (both answer 404). */
export async function findTicket(db: Db, scope: TicketScope, idOrNumber: string): Promise<Ticket | undefined> {
  const q = selectTickets(db);
  if (UUID.test(idOrNumber)) q.where('t.id', idOrNumber);
  else {
    const n = parseTicketNumber(idOrNumber) ?? (/^\d{1,15}$/.test(idOrNumber) ? Number(idOrNumber) : undefined);
    if (n === undefined) return undefined;
    q.where('t.number', n);
  }
  const row = await applyTicketScope(q, scope).first();
  return row ? ticketFromRow(row) : undefined;
}

export interface TicketFilters {
  status?: readonly string[];
  priority?: readonly string[];
  level?: readonly string[];
  type?: readonly string[];
  customerId?: string;
  slaState?: readonly string[];
  /** A user's id, or null for tickets nobody is assigned to. */
  assigneeId?: string | null;
  /** The lists behind the manager's dashboard figures (applyDashboardFilters). */
  dashboard?: DashboardTicketFilters;
  /**
   * Full-text search (websearch syntax, accents ignored) over title, description and the text of timeline entries,
   * or a ticket number (T-000123, #123, 123). Internal entries count only for the scope that sees them (staff).
   */
  q?: string;
}

/**
 * The filters the dashboard's figures link to (#14 point 6): each figure is a count of the tickets these select.
 * Instants are bounds `[from, before)`.
 */
export interface DashboardTicketFilters {
  /** the plan of the ticket's SLA snapshot (the plan in force at creation) */
  planId?: string;
  createdFrom?: Date;
  createdBefore?: Date;
  resolvedFrom?: Date;
  resolvedBefore?: Date;
  /** true: an SLA breach was recorded on the ticket at some time; false: never */
  breached?: boolean;
  /** an escalation (of `escalation`'s kind, if given) recorded at or after this instant */
  escalatedSince?: Date;
  escalation?: 'automatic' | 'manual';
  rating?: readonly number[];
  ratedFrom?: Date;
}

/** A ticket (alias `t`) has an SLA breach recorded: the one definition the dashboard's compliance and its list share. */
export const breachRecorded = (db: Db, alias = 't'): Knex.Raw =>
  db.raw(`exists (select 1 from ticket_events be where be.ticket_id = ${alias}.id and be.type = any(?))`, [eventTypesCounted('breach')]);

/** The escalation event types of a kind (all of them without one). */
export const escalationTypes = (kind?: 'automatic' | 'manual'): string[] =>
  eventTypesCounted('escalation').filter((t) => !kind || (kind === 'automatic') === (t === 'escalation.automatic'));

export function applyDashboardFilters<T extends Knex.QueryBuilder>(db: Db, q: T, f: DashboardTicketFilters): T {
  if (f.planId) q.whereRaw(`t.sla_snapshot->>'planId' = ?`, [f.planId]);
  if (f.createdFrom) q.where('t.created_at', '>=', f.createdFrom);
  if (f.createdBefore) q.where('t.created_at', '<', f.createdBefore);
  if (f.resolvedFrom) q.where('t.resolved_at', '>=', f.resolvedFrom);
  if (f.resolvedBefore) q.where('t.resolved_at', '<', f.resolvedBefore);
  if (f.breached !== undefined) q.whereRaw(f.breached ? '?' : 'not ?', [breachRecorded(db)]);
  if (f.escalatedSince || f.escalation) {
    q.whereExists((sub) => {
      sub.select(db.raw('1')).from('ticket_events as ee').whereRaw('ee.ticket_id = t.id').whereIn('ee.type', escalationTypes(f.escalation));
      if (f.escalatedSince) sub.where('ee.at', '>=', f.escalatedSince);
    });
  }
  if (f.rating?.length) q.whereIn('t.satisfaction_rating', f.rating);
  if (f.ratedFrom) q.where('t.satisfaction_at', '>=', f.ratedFrom);
  return q;
}

/** The orders a list can take; `queue`: breached first, then at risk, then the nearest running deadline. */
export const TICKET_SORTS = ['queue', 'due', 'priority', 'newest'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export interface Page {
  limit: number;
  /**
   * Opaque cursor from nextCursor: for `newest` a keyset (created_at|id of the last row), for the other orders the
   * position in the list (which carries its order, so a cursor always continues the list it came from).
   */
  cursor?: string;
  /** Rows to skip (numbered pages); not with a cursor. */
  offset?: number;
  sort?: TicketSort;
  /** Also count every ticket the filters match (numbered pages). */
  withTotal?: boolean;
}

/** A ticket number as people type it into a search box: T-000123, TF-123, #123 or 123. */
export function searchedTicketNumber(q: string): number | undefined {
  const m = /^(?:TF?-?|#)?0*(\d{1,15})$/i.exec(q.trim());
  return m ? Number(m[1]) : undefined;
}

const TSQUERY = `websearch_to_tsquery('simple', kb_unaccent(?))`;
/** The nearest deadline of a running clock (the projection leaves a due time empty while its clock does not run). */
const DUE = 'LEAST(t.first_response_due, t.next_update_due, t.resolution_due)';
const SLA_RANK = `CASE t.sla_state WHEN 'breached' THEN 0 WHEN 'at_risk' THEN 1 ELSE 2 END`;
const ORDERS: Record<Exclude<TicketSort, 'newest'>, string> = {
  queue: `${SLA_RANK}, ${DUE} ASC NULLS LAST, t.priority, t.number`,
  due: `${DUE} ASC NULLS LAST, t.priority, t.number`,
  priority: `t.priority, ${DUE} ASC NULLS LAST, t.number`,
};

/** Applies the filters (and the search) to a query over `tickets as t`, within the scope. */
export function applyTicketFilters<T extends Knex.QueryBuilder>(db: Db, q: T, scope: TicketScope, filters: TicketFilters): T {
  applyTicketScope(q, scope);
  if (filters.status?.length) q.whereIn('t.status', filters.status);
  if (filters.priority?.length) q.whereIn('t.priority', filters.priority);
  if (filters.level?.length) q.whereIn('t.level', filters.level);
  if (filters.type?.length) q.whereIn('t.type', filters.type);
  if (filters.slaState?.length) q.whereIn('t.sla_state', filters.slaState);
  if (filters.customerId) q.where('t.customer_id', filters.customerId);
  if (filters.assigneeId) q.where('t.assignee_id', filters.assigneeId);
  else if (filters.assigneeId === null) q.whereNull('t.assignee_id');
  if (filters.dashboard) applyDashboardFilters(db, q, filters.dashboard);
  const text = filters.q?.trim();
  if (text) {
    const number = searchedTicketNumber(text);
    // Only staff (scope 'all') search internal entries: a customer's search never matches text they may not read.
    const events = db('ticket_events as e').whereRaw('e.ticket_id = t.id').whereRaw(`ticket_event_search_vector(e.data) @@ ${TSQUERY}`, [text]).select(db.raw('1'));
    if (scope.kind !== 'all') events.where('e.visibility', 'public');
    q.where((w) => {
      if (number !== undefined) w.orWhere('t.number', number);
      w.orWhereRaw(`ticket_search_vector(t.title, t.description) @@ ${TSQUERY}`, [text]).orWhereExists(events);
    });
  }
  return q;
}

/** The furthest a list goes: page 100,000 of 200 rows (the API's bounds); a cursor past it is not one of ours. */
export const MAX_LIST_OFFSET = 100_000 * 200;

interface OffsetCursor {
  s: Exclude<TicketSort, 'newest'>;
  o: number;
}
const offsetCursor = (c: OffsetCursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function readOffsetCursor(cursor: string): OffsetCursor | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Partial<OffsetCursor>;
    const sorts: readonly string[] = TICKET_SORTS;
    if (v && typeof v === 'object' && typeof v.s === 'string' && (v.s as string) !== 'newest' && sorts.includes(v.s) && Number.isSafeInteger(v.o) && (v.o as number) > 0 && (v.o as number) <= MAX_LIST_OFFSET && Object.keys(v).length === 2) return v as OffsetCursor;
  } catch {
    // not JSON: not one of these cursors
  }
  return null;
}

/** The order a cursor continues (a keyset cursor: newest). */
export const sortOfCursor = (cursor: string): TicketSort => readOffsetCursor(cursor)?.s ?? 'newest';

export async function listTickets(db: Db, scope: TicketScope, filters: TicketFilters, page: Page): Promise<{ rows: Ticket[]; nextCursor: string | null; total?: number }> {
  const q = applyTicketFilters(db, selectTickets(db), scope, filters);
  const total = page.withTotal ? await countTickets(db, scope, filters) : undefined;
  const sort = page.cursor ? sortOfCursor(page.cursor) : (page.sort ?? 'newest');
  if (sort === 'newest') {
    if (page.cursor) {
      const [at, id] = Buffer.from(page.cursor, 'base64url').toString().split('|');
      q.where((w) => w.where('t.created_at', '<', at).orWhere((w2) => w2.where('t.created_at', '=', at).andWhere('t.id', '<', id)));
    }
    q.orderBy([{ column: 't.created_at', order: 'desc' }, { column: 't.id', order: 'desc' }]);
    if (page.offset) q.offset(page.offset);
  } else {
    q.orderByRaw(ORDERS[sort]);
    const offset = page.cursor ? (readOffsetCursor(page.cursor)?.o ?? 0) : (page.offset ?? 0);
    if (offset) q.offset(offset);
  }
  const rows: Array<Record<string, any>> = await q.limit(page.limit + 1);
  const more = rows.length > page.limit;
  const pageRows = (more ? rows.slice(0, page.limit) : rows).map(ticketFromRow);
  const last = pageRows[pageRows.length - 1];
  let nextCursor: string | null = null;
  if (more && last) {
    if (sort === 'newest') nextCursor = Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url');
    else nextCursor = offsetCursor({ s: sort, o: (page.cursor ? (readOffsetCursor(page.cursor)?.o ?? 0) : (page.offset ?? 0)) + page.limit });
  }
  return { rows: pageRows, nextCursor, ...(total !== undefined && { total }) };
}

/** How many tickets the filters match within the scope (page totals, the counts of saved views). */
export async function countTickets(db: Db, scope: TicketScope, filters: TicketFilters): Promise<number> {
  const row = (await applyTicketFilters(db, db('tickets as t'), scope, filters).count('* as n').first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

export function isValidCursor(cursor: string): boolean {
  if (readOffsetCursor(cursor)) return true;
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  // Only what nextCursor writes: a canonical ISO instant (so PostgreSQL accepts it too) and a UUID.
  if (parts.length !== 2 || !UUID.test(parts[1]) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(parts[0])) return false;
  const at = new Date(parts[0]);
  return !Number.isNaN(at.getTime()) && at.toISOString() === parts[0];
}

/** One event of a ticket's timeline. */
export interface TicketEvent {
  seq: number;
  type: string;
  at: Date;
  /** null for the system */
  actorId: string | null;
  actorKind: string;
  visibility: Visibility;
  data: Record<string, unknown>;
}

/** A ticket's timeline; customers get public events only (the filter is in the query, not the handler). */
export async function listTicketEvents(db: Db, ticketId: string, opts: { publicOnly: boolean; afterSeq: number; limit: number }): Promise<TicketEvent[]> {
  const q = db('ticket_events').where({ ticket_id: ticketId }).andWhere('seq', '>', opts.afterSeq).orderBy('seq').limit(opts.limit);
  if (opts.publicOnly) q.andWhere('visibility', 'public');
  const rows: Array<Record<string, any>> = await q.select('seq', 'type', 'at', 'actor_id', 'actor_kind', 'visibility', 'data');
  return rows.map((e) => ({ seq: e.seq, type: e.type, at: e.at, actorId: e.actor_id, actorKind: e.actor_kind, visibility: e.visibility, data: e.data }));
}

/**
 * Of the tickets these tickets link to (duplicates), the ids the scope may see: a customer user sees only the links
 * to their own tickets, a key user those of their business lines. Staff see every link (undefined: no filter).
 */
export async function visibleLinkedIds(db: Db, scope: TicketScope, tickets: Ticket[]): Promise<Set<string> | undefined> {
  if (scope.kind === 'all') return undefined;
  const ids = [...new Set(tickets.flatMap((t) => [t.links.duplicateOf?.id, ...(t.links.duplicates ?? []).map((d) => d.id)]).filter((x): x is string => !!x))];
  if (!ids.length) return new Set();
  const rows: Array<{ id: string }> = await applyTicketScope(db('tickets as t').whereIn('t.id', ids).select('t.id'), scope);
  return new Set(rows.map((r) => r.id));
}

