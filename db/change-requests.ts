/**
 * Change requests as customers see them (SPEC §7): the change sub-state lives in the ticket's workflow and reaches
 * the projection (`tickets.change_state`) with every event, so lists and pages read it from there.
 */
import type { Db } from './connection';
import type { TicketScope } from '../domain/access';
import type { ChangeState } from '../domain/change-requests';
import type { TicketEventType } from '../domain/ticket/events';
import { ACTIONS } from '../domain/ticket/actions';
import { applyTicketScope, selectTickets, ticketFromRow, type Ticket } from './tickets';

const ASSESSED: TicketEventType = 'change.assessed';

/** Open change requests within the scope that await the customer's approval. */
export async function listAwaitingApproval(db: Db, scope: TicketScope, limit = 200): Promise<Ticket[]> {
  const q = selectTickets(db)
    .where('t.type', 'change_request')
    .whereIn('t.status', ACTIONS.approve.from)
    .where('t.change_state', 'awaiting_approval' satisfies ChangeState);
  applyTicketScope(q, scope);
  const rows: Array<Record<string, any>> = await q.orderBy([{ column: 't.created_at', order: 'asc' }, { column: 't.id', order: 'asc' }]).limit(limit);
  return rows.map(ticketFromRow);
}
/** The latest assessment (effort, risk, text) of each of these change requests, from its timeline. */
export async function latestAssessments(db: Db, ticketIds: string[]): Promise<Map<string, { effort: string; risk: string; assessment: string }>> {
  if (!ticketIds.length) return new Map();
  const rows = (await db('ticket_events')
    .distinctOn('ticket_id')
    .whereIn('ticket_id', ticketIds)
    .where('type', ASSESSED)
    .orderBy([{ column: 'ticket_id' }, { column: 'seq', order: 'desc' }])
    .select('ticket_id', 'data')) as Array<{ ticket_id: string; data: { effort?: unknown; risk?: unknown; assessment?: unknown } }>;
  return new Map(rows.map((r) => [r.ticket_id, { effort: String(r.data.effort ?? ''), risk: String(r.data.risk ?? ''), assessment: String(r.data.assessment ?? '') }]));
}
