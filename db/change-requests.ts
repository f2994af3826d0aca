/**
 * Change requests as customers see them (SPEC §7): the change sub-state lives in the ticket's workflow and reaches
 * the database as public `change.*` events, so the state here is the one the latest such event led to.
 */
import type { Db } from './connection';
import type { TicketScope } from '../domain/access';
import { CHANGE_TRANSITIONS, type ChangeAction, type ChangeState } from '../domain/change-requests';
import { TRANSITIONS } from '../domain/transitions';
import { applyTicketScope, selectTickets, ticketFromRow, type Ticket } from './tickets';

/** The event each change action records. */
const EVENT_OF: Record<ChangeAction, string> = {
  assess: 'change.assessed',
  approve: 'change.approved',
  reject: 'change.rejected',
  schedule: 'change.scheduled',
  implement: 'change.implemented',
};
const ACTION_OF = new Map(Object.entries(EVENT_OF).map(([action, event]) => [event, action as ChangeAction]));
const CHANGE_EVENTS = Object.values(EVENT_OF);

/** The change state after a `change.*` event; null for a change request nothing has happened to yet. */
export function changeStateAfter(eventType: string | null | undefined): ChangeState | null {
  const action = eventType ? ACTION_OF.get(eventType) : undefined;
  return action ? CHANGE_TRANSITIONS[action].to : null;
}

const latestChangeEvent = (db: Db) =>
  db('ticket_events as e').select('e.type').whereRaw('e.ticket_id = t.id').whereIn('e.type', CHANGE_EVENTS).orderBy('e.seq', 'desc').limit(1);

/** A change request's current state as recorded (submitted when nothing was recorded yet). */
export async function changeStateOf(db: Db, ticketId: string): Promise<ChangeState> {
  const row = await db('ticket_events').where({ ticket_id: ticketId }).whereIn('type', CHANGE_EVENTS).orderBy('seq', 'desc').first('type');
  return changeStateAfter(row?.type as string | undefined) ?? 'submitted';
}

/** Open change requests within the scope whose latest change event is the assessment: they await approval. */
export async function listAwaitingApproval(db: Db, scope: TicketScope, limit = 200): Promise<Ticket[]> {
  const q = selectTickets(db)
    .where('t.type', 'change_request')
    .whereIn('t.status', TRANSITIONS.approve.from)
    .whereRaw('(?) = ?', [latestChangeEvent(db), EVENT_OF.assess]);
  applyTicketScope(q, scope);
  const rows: Array<Record<string, any>> = await q.orderBy([{ column: 't.created_at', order: 'asc' }, { column: 't.id', order: 'asc' }]).limit(limit);
  return rows.map(ticketFromRow);
}

/** The latest assessment (effort, risk, text) of each of these change requests. */
export async function latestAssessments(db: Db, ticketIds: string[]): Promise<Map<string, { effort: string; risk: string; assessment: string }>> {
  if (!ticketIds.length) return new Map();
  const rows = (await db('ticket_events')
    .distinctOn('ticket_id')
    .whereIn('ticket_id', ticketIds)
    .where('type', EVENT_OF.assess)
    .orderBy([{ column: 'ticket_id' }, { column: 'seq', order: 'desc' }])
    .select('ticket_id', 'data')) as Array<{ ticket_id: string; data: { effort?: unknown; risk?: unknown; assessment?: unknown } }>;
  return new Map(rows.map((r) => [r.ticket_id, { effort: String(r.data.effort ?? ''), risk: String(r.data.risk ?? ''), assessment: String(r.data.assessment ?? '') }]));
}
