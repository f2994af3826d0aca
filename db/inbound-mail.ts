/** Received mail as staff see it: the "unassigned mail" list and the decisions taken on it. */
import type { Knex } from 'knex';
import type { Db } from './connection';
import type { Page } from './organisations';

export interface InboundMail {
  id: string;
  receivedAt: string;
  receivedVia: string;
  from: string | null;
  subject: string | null;
  status: string;
  outcome: string | null;
  reason: string | null;
  ticketId: string | null;
  size: number;
}

interface Row {
  id: string;
  received_at: Date;
  received_via: string;
  sender_email: string | null;
  subject: string | null;
  status: string;
  outcome: string | null;
  reason: string | null;
  ticket_id: string | null;
  size: number;
  cursor_at: string;
}

const COLUMNS = ['id', 'received_at', 'received_via', 'sender_email', 'subject', 'status', 'outcome', 'reason', 'ticket_id', 'size'];

const fromRow = (r: Row): InboundMail => ({
  id: r.id,
  receivedAt: new Date(r.received_at).toISOString(),
  receivedVia: r.received_via,
  from: r.sender_email,
  subject: r.subject,
  status: r.status,
  outcome: r.outcome,
  reason: r.reason,
  ticketId: r.ticket_id,
  size: Number(r.size),
});

/** Keyset cursor: received_at (microseconds, UTC) and id of the last row of the previous page. */
const encodeCursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
const decodeCursor = (c: string): [string, string] => JSON.parse(Buffer.from(c, 'base64url').toString()) as [string, string];

/** Unassigned mail, oldest first (the queue order); `cursor` as validated by api/admin-customers' listPageQuery. */
export async function listUnassignedMail(db: Db, page: Page): Promise<{ items: InboundMail[]; nextCursor: string | null }> {
  const q = db('inbound_messages')
    .where((w) => w.where({ status: 'unassigned' }).orWhere((x) => claimExpired(x)))
    .orderBy([{ column: 'received_at' }, { column: 'id' }])
    .limit(page.limit + 1)
    .select(...COLUMNS, db.raw(`to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`));
  if (page.cursor) q.whereRaw('(received_at, id) > (?::timestamptz, ?::uuid)', decodeCursor(page.cursor));
  const rows: Row[] = await q;
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items: items.map(fromRow), nextCursor: rows.length > page.limit && last ? encodeCursor(last.cursor_at, last.id) : null };
}

export async function getInboundMail(db: Db, id: string): Promise<InboundMail | undefined> {
  const row: Row | undefined = await db('inbound_messages').where({ id }).first(...COLUMNS);
  return row ? fromRow(row) : undefined;
}

/** Claims unassigned mail for a decision by this staff member (a repeat of their own claim is theirs again). */
/**
 * How long a staff member's claim on unassigned mail holds. A claim is settled within seconds; one that is older
 * was left by a crash, and the mail is back in the list for anyone to take.
 */
export const CLAIM_LEASE_MS = 5 * 60_000;
const claimExpired = (q: Knex.QueryBuilder) => q.where({ status: 'assigning' }).where('assigning_since', '<', new Date(Date.now() - CLAIM_LEASE_MS));

export async function claimUnassignedMail(db: Db, id: string, staffId: string): Promise<boolean> {
  const n = await db('inbound_messages')
    .where({ id })
    .where((q) => q.where({ status: 'unassigned' }).orWhere({ status: 'assigning', assigned_by: staffId }).orWhere((x) => claimExpired(x)))
    .update({ status: 'assigning', assigned_by: staffId, assigning_since: db.fn.now() });
  return n === 1;
}

export async function settleUnassignedMail(db: Db, id: string, staffId: string, done: { status: 'assigned' | 'dismissed' | 'unassigned'; ticketId?: string; outcome?: string }): Promise<void> {
  await db('inbound_messages')
    .where({ id, assigned_by: staffId })
    .whereIn('status', ['assigning', 'unassigned'])
    .update({ status: done.status, ticket_id: done.ticketId ?? null, outcome: done.outcome ?? done.status, processed_at: db.fn.now(), ...(done.status === 'unassigned' ? { assigned_by: null } : {}) });
}
