/** Writes a ticket's timeline and its list/report projection to PostgreSQL, idempotently. */
import type { Knex } from 'knex';
import { APPROVER_ROLES } from '../domain/ticket/actions/approve';
import { linkAttachments } from '../db/attachments';
import type { Db } from '../db/connection';
import { storableDeep, storableText } from '../domain/text';
import { ApplicationFailure } from '@temporalio/common';
import { PROJECTION_REFUSED } from '../workflows/definitions';
import type { Logger } from './ports';
import { customerRecipients, isCustomerRole, templateData, templateFor, type RecipientUser } from './notifications/policy';
import type { EmittedEvent } from '../domain/ticket/events';
import type { TicketWorkflowInput } from '../domain/ticket/state';

export interface TicketProjection {
  status: string;
  level: string;
  slaState: string;
  priority?: string;
  assigneeId?: string | null;
  subStatus?: string | null;
  sla?: unknown;
  firstResponseDue?: string | null;
  /** absent from workflows that wrote their timeline before the column existed: left as it is */
  nextUpdateDue?: string | null;
  resolutionDue?: string | null;
  resolvedAt?: string | null;
  closedAt?: string | null;
  /** converted (a rejected defect continuing as a question or change request) */
  type?: string;
  releaseId?: string | null;
  problemId?: string | null;
  /** change requests: the change sub-state */
  changeState?: string | null;
  /** links to other tickets (duplicates) */
  links?: unknown;
}

export interface RecordTicketEventsArgs {
  input: TicketWorkflowInput;
  events: EmittedEvent[];
  projection: TicketProjection;
  /** the workflow's last write was refused: a write that succeeds now clears the ticket from the stuck list */
  recovering?: boolean;
}

interface RecipientRow extends RecipientUser {
  customer_id: string | null;
}

async function resolveRecipients(trx: Knex.Transaction, r: NonNullable<EmittedEvent['notify']>[number], customerId: string): Promise<RecipientRow[]> {
  const active = () => trx('users').whereNull('disabled_at').select('id', 'email', 'language', 'role', 'customer_id');
  switch (r.kind) {
    case 'manager':
      return active().where('role', 'manager');
    case 'level':
      return active().where('role', 'agent').whereRaw('? = ANY(levels)', [r.level]);
    case 'levelLead': {
      const leads = await active().where('role', 'agent').whereRaw('? = ANY(lead_levels)', [r.level]);
      // A level without a named lead escalates its warnings to the managers.
      return leads.length ? leads : active().where('role', 'manager');
    }
    case 'user':
      return active().where('id', r.userId);
    case 'customerAdmins':
      return active().whereIn('role', APPROVER_ROLES).where({ customer_id: customerId });
  }
}

/**
 * Notifications go to the outbox in the same transaction as their event, keyed (ticket, seq, recipient):
 * a retried activity never queues one twice, and a crash never loses one. Each row names its email template and
 * carries the template's data; the sender renders it in the recipient's language when it delivers.
 */
async function queueNotifications(trx: Knex.Transaction, input: TicketWorkflowInput, events: RecordTicketEventsArgs['events'], projection: TicketProjection): Promise<void> {
  for (const e of events) {
    const recipients = [...(e.notify ?? []), ...customerRecipients(e, input)];
    if (!recipients.length) continue;
    const seen = new Set<string>();
    for (const r of recipients) {
      for (const u of await resolveRecipients(trx, r, input.customerId)) {
        // Internal events never reach a customer, whatever the recipient list says.
        if (seen.has(u.id) || (e.visibility === 'internal' && isCustomerRole(u.role))) continue;
        // A customer only hears about their own organisation's tickets.
        if (isCustomerRole(u.role) && u.customer_id !== input.customerId) continue;
        seen.add(u.id);
        const template = templateFor(e, u);
        if (!template) continue;
        const data = await templateData(template, e, { trx, input, firstResponseDue: projection.firstResponseDue ?? null, resolutionDue: projection.resolutionDue ?? null });
        await trx('notifications')
          .insert({
            idempotency_key: `${input.ticketId}:${e.seq}:${u.id}`,
            ticket_id: input.ticketId,
            event_seq: e.seq,
            recipient_id: u.id,
            recipient_email: u.email,
            template,
            language: u.language,
            payload: JSON.stringify({ eventType: e.type, at: e.at, data }),
          })
          .onConflict('idempotency_key')
          .ignore();
      }
    }
  }
}

export function ticketRowFromInput(input: TicketWorkflowInput) {
  return {
    id: input.ticketId,
    number: input.number,
    title: input.title,
    description: input.description,
    type: input.type,
    status: 'new',
    priority: input.priority,
    impact: input.impact,
    urgency: input.urgency,
    level: 'L1',
    customer_id: input.customerId,
    requester_id: input.requesterId,
    business_line_id: input.businessLineId,
    module_id: input.moduleId,
    module_version: input.moduleVersion,
    category: input.category,
    channel: input.channel,
    sla_state: 'ok',
    sla_snapshot: JSON.stringify(input.sla),
    created_by: input.createdBy.id,
    created_at: input.createdAt,
    updated_at: input.createdAt,
  };
}

export async function recordTicketEvents(db: Db, received: RecordTicketEventsArgs): Promise<{ inserted: number }> {
  // The last line against text PostgreSQL refuses (a workflow started or signalled around the API): the timeline is
  // written with U+FFFD in its place rather than retried forever.
  const { input, events, projection } = storableDeep(received);
  if (events.length === 0) return { inserted: 0 };
  return db.transaction(async (trx) => {
    // Normally the API committed the row before the workflow ran; if it crashed in between, the workflow's input
    // is the source of truth and creates it, so no workflow is ever left without its ticket row.
    await trx('tickets').insert(ticketRowFromInput(input)).onConflict('id').ignore();
    const rows = events.map((e) => ({
      ticket_id: input.ticketId,
      seq: e.seq,
      type: e.type,
      at: e.at,
      actor_id: e.actor.id,
      actor_kind: e.actor.kind,
      visibility: e.visibility,
      data: JSON.stringify(e.data),
    }));
    const inserted = await trx('ticket_events').insert(rows).onConflict(['ticket_id', 'seq']).ignore().returning('seq');
    const fresh = new Set(inserted.map((r: { seq: number }) => r.seq));
    // Files go where their event is: visible to whoever sees that event, from the moment it is recorded.
    for (const e of events) {
      const files = (e.data as { attachments?: Array<{ id: string }> }).attachments;
      if (files?.length) await linkAttachments(trx, input.ticketId, e.seq, e.visibility, files.map((f) => f.id));
    }
    await queueNotifications(trx, input, events.filter((e) => fresh.has(e.seq)), projection);
    // A rating given on closing is the ticket's satisfaction rating, as one given through the survey link is: a
    // ticket is rated once, and the dashboard and the service report count that rating.
    for (const e of events) {
      if (e.type !== 'ticket.closed' || !fresh.has(e.seq) || typeof e.data.rating !== 'number') continue;
      await trx('tickets').where({ id: input.ticketId }).whereNull('satisfaction_rating').update({ satisfaction_rating: e.data.rating, satisfaction_at: e.at });
    }
    const maxSeq = Math.max(...events.map((e) => e.seq));
    const lastAt = events[events.length - 1].at;
    // A retried or late activity carrying older state never overwrites newer state.
    await trx('tickets')
      .where({ id: input.ticketId })
      .andWhere('last_event_seq', '<', maxSeq)
      .update({
        status: projection.status,
        level: projection.level,
        sla_state: projection.slaState,
        ...(projection.priority !== undefined && { priority: projection.priority }),
        ...(projection.assigneeId !== undefined && { assignee_id: projection.assigneeId }),
        ...(projection.subStatus !== undefined && { sub_status: projection.subStatus }),
        ...(projection.type !== undefined && { type: projection.type }),
        ...(projection.releaseId !== undefined && { release_id: projection.releaseId }),
        ...(projection.problemId !== undefined && { problem_id: projection.problemId }),
        ...(projection.changeState !== undefined && { change_state: projection.changeState }),
        ...(projection.links !== undefined && { links: JSON.stringify(projection.links) }),
        ...(projection.sla !== undefined && { sla: JSON.stringify(projection.sla) }),
        ...(projection.firstResponseDue !== undefined && { first_response_due: projection.firstResponseDue }),
        ...(projection.nextUpdateDue !== undefined && { next_update_due: projection.nextUpdateDue }),
        ...(projection.resolutionDue !== undefined && { resolution_due: projection.resolutionDue }),
        ...(projection.resolvedAt !== undefined && { resolved_at: projection.resolvedAt }),
        ...(projection.closedAt !== undefined && { closed_at: projection.closedAt }),
        last_event_seq: maxSeq,
        updated_at: lastAt,
      });
    return { inserted: inserted.length };
  });
}

/**
 * PostgreSQL error classes a retry cannot cure: data exceptions (22), integrity constraints (23), syntax or access
 * rules (42: a schema the code does not match), program limits (54). Everything else (connections, deadlocks,
 * serialisation, a server shutting down) is transient and retried until the database is back.
 */
const REFUSING_CLASSES = new Set(['22', '23', '42', '54']);
export function refusalOf(err: unknown): { code: string; message: string } | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || !REFUSING_CLASSES.has(code.slice(0, 2))) return null;
  return { code, message: String((err as Error).message ?? code) };
}

/**
 * The projection as the workflow runs it: a refused write is recorded on the stuck list (with what was refused and
 * why), logged, and failed at once as PROJECTION_REFUSED instead of being retried forever; the first write that
 * succeeds after one takes the ticket off the list.
 */
export async function projectTicketEvents(deps: { db: Db; log: Logger }, args: RecordTicketEventsArgs): Promise<{ inserted: number }> {
  const { input } = args;
  try {
    const result = await recordTicketEvents(deps.db, args);
    if (args.recovering && (await deps.db('projection_failures').where({ ticket_id: input.ticketId }).delete()) > 0) {
      deps.log.info({ ticketId: input.ticketId, ticketNumber: input.number }, 'ticket timeline written again after a refusal');
    }
    return result;
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    const seqs = args.events.map((e) => e.seq);
    const failure = {
      ticket_id: input.ticketId,
      ticket_number: input.number,
      customer_id: input.customerId,
      title: storableText(String(input.title ?? '')).slice(0, 300),
      from_seq: Math.min(...seqs),
      to_seq: Math.max(...seqs),
      error_code: refusal.code,
      error_message: storableText(refusal.message).slice(0, 2000),
    };
    await deps.db('projection_failures')
      .insert(failure)
      .onConflict('ticket_id')
      .merge({ to_seq: failure.to_seq, error_code: failure.error_code, error_message: failure.error_message, attempts: deps.db.raw('projection_failures.attempts + 1'), last_failed_at: deps.db.fn.now() });
    deps.log.error(
      { ticketId: input.ticketId, ticketNumber: input.number, code: refusal.code, fromSeq: failure.from_seq, toSeq: failure.to_seq, err: failure.error_message },
      'ticket timeline refused by the database; the workflow keeps its events and timers and tries again',
    );
    throw ApplicationFailure.nonRetryable(`the database refused the timeline of ticket ${input.number}: ${refusal.code} ${failure.error_message}`, PROJECTION_REFUSED);
  }
}
