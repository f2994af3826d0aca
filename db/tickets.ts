/**
 * Ticket queries. Every function that can return customer data takes the caller's TicketScope, so organisation
 * scoping is enforced here, in the data layer, and not only in handlers.
 */
import type { Knex } from 'knex';
import type { Db } from './connection';
import type { TicketScope } from '../domain/access';
import { formatTicketNumber, parseTicketNumber } from '../domain/tickets';
import { TARGET_KINDS, type SlaSnapshot, type TargetKind } from '../domain/plans';
import { figuresAt, type SlaClock } from '../domain/sla-clock';

export interface TicketRow {
  id: string;
  number: number;
  title: string;
  description: string;
  type: string;
  status: string;
  sub_status: string | null;
  priority: string;
  impact: string;
  urgency: string;
  level: string;
  customer_id: string;
  requester_id: string;
  business_line_id: string | null;
  business_line_name?: string | null;
  module_id: string | null;
  module_version: string | null;
  channel: string;
  category: string | null;
  assignee_id: string | null;
  sla_state: string;
  sla: Record<string, unknown>;
  sla_snapshot?: unknown;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
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
export async function findTicket(db: Db, scope: TicketScope, idOrNumber: string): Promise<TicketRow | undefined> {
  const q = db('tickets as t').leftJoin('business_lines as bl', 'bl.id', 't.business_line_id').select('t.*', 'bl.name as business_line_name');
  if (UUID.test(idOrNumber)) q.where('t.id', idOrNumber);
  else {
    const n = parseTicketNumber(idOrNumber) ?? (/^\d{1,15}$/.test(idOrNumber) ? Number(idOrNumber) : undefined);
    if (n === undefined) return undefined;
    q.where('t.number', n);
  }
  return (await applyTicketScope(q, scope).first()) as TicketRow | undefined;
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
}

export interface Page {
  limit: number;
  /** Opaque keyset cursor: created_at|id of the last row of the previous page. */
  cursor?: string;
}

export async function listTickets(db: Db, scope: TicketScope, filters: TicketFilters, page: Page): Promise<{ rows: TicketRow[]; nextCursor: string | null }> {
  const q = db('tickets as t').leftJoin('business_lines as bl', 'bl.id', 't.business_line_id').select('t.*', 'bl.name as business_line_name');
  applyTicketScope(q, scope);
  if (filters.status?.length) q.whereIn('t.status', filters.status);
  if (filters.priority?.length) q.whereIn('t.priority', filters.priority);
  if (filters.level?.length) q.whereIn('t.level', filters.level);
  if (filters.type?.length) q.whereIn('t.type', filters.type);
  if (filters.slaState?.length) q.whereIn('t.sla_state', filters.slaState);
  if (filters.customerId) q.where('t.customer_id', filters.customerId);
  if (filters.assigneeId) q.where('t.assignee_id', filters.assigneeId);
  else if (filters.assigneeId === null) q.whereNull('t.assignee_id');
  if (page.cursor) {
    const [at, id] = Buffer.from(page.cursor, 'base64url').toString().split('|');
    q.where((w) => w.where('t.created_at', '<', at).orWhere((w2) => w2.where('t.created_at', '=', at).andWhere('t.id', '<', id)));
  }
  const rows = (await q.orderBy([{ column: 't.created_at', order: 'desc' }, { column: 't.id', order: 'desc' }]).limit(page.limit + 1)) as TicketRow[];
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    rows: pageRows,
    nextCursor: more && last ? Buffer.from(`${new Date(last.created_at).toISOString()}|${last.id}`).toString('base64url') : null,
  };
}

export function isValidCursor(cursor: string): boolean {
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  // Only what nextCursor writes: a canonical ISO instant (so PostgreSQL accepts it too) and a UUID.
  if (parts.length !== 2 || !UUID.test(parts[1]) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(parts[0])) return false;
  const at = new Date(parts[0]);
  return !Number.isNaN(at.getTime()) && at.toISOString() === parts[0];
}

const NO_CLOCK = { target: null, deadline: null, state: 'none', consumedMs: 0, remainingMs: null };

/** Clock figures computed at request time from the projected clock records and the ticket's SLA snapshot. */
function liveClocks(r: TicketRow, now: Date): Record<TargetKind, unknown> {
  const records = (r.sla ?? {}) as Partial<Record<TargetKind, SlaClock>>;
  const snap = r.sla_snapshot as SlaSnapshot | undefined;
  const out = {} as Record<TargetKind, unknown>;
  for (const k of TARGET_KINDS) {
    const c = records[k];
    if (!c || !snap?.businessCalendar) {
      out[k] = NO_CLOCK;
      continue;
    }
    const f = figuresAt(c, now, { business: snap.businessCalendar, wallClock: snap.wallClockCalendar }, snap.warningThreshold);
    out[k] = { target: f.target, deadline: f.deadline, state: f.state, consumedMs: f.consumedMs, remainingMs: f.remainingMs, warningAt: f.warningAt, pausedIntervals: f.pausedIntervals };
  }
  return out;
}

/** The ticket shape every client may rely on (SPEC §11). */
export function toApiTicket(r: TicketRow, now: Date = new Date()) {
  const sla = liveClocks(r, now);
  return {
    id: r.id,
    number: formatTicketNumber(Number(r.number)),
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
    businessLine: r.business_line_name ?? null,
    businessLineId: r.business_line_id,
    module: r.module_id,
    moduleVersion: r.module_version,
    channel: r.channel,
    assigneeId: r.assignee_id,
    slaState: r.sla_state,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    sla,
  };
}

export interface EventRow {
  seq: number;
  type: string;
  at: Date;
  actor_id: string | null;
  actor_kind: string;
  visibility: string;
  data: Record<string, unknown>;
}

/** A ticket's timeline; customers get public events only (the filter is in the query, not the handler). */
export async function listTicketEvents(db: Db, ticketId: string, opts: { publicOnly: boolean; afterSeq: number; limit: number }): Promise<EventRow[]> {
  const q = db('ticket_events').where({ ticket_id: ticketId }).andWhere('seq', '>', opts.afterSeq).orderBy('seq').limit(opts.limit);
  if (opts.publicOnly) q.andWhere('visibility', 'public');
  return q.select('seq', 'type', 'at', 'actor_id', 'actor_kind', 'visibility', 'data');
}

export const toApiEvent = (e: EventRow) => ({
  seq: e.seq,
  type: e.type,
  at: new Date(e.at).toISOString(),
  actor: e.actor_kind === 'system' ? { kind: 'system' } : { kind: 'user', id: e.actor_id },
  visibility: e.visibility,
  data: e.data,
});
