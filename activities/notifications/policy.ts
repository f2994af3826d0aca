/**
 * Which email a timeline event becomes, for whom, with which template data. The workflow names the staff who must
 * hear of an event (`notify`); the customer-facing side is decided here from the event itself, so every promise to
 * the customer (received, answered, information needed, resolved, closed) reaches the requester without the
 * workflow having to remember it.
 */
import type { Knex } from 'knex';
import { addWorkingTime } from '../../domain/calendar';
import { AUTO_CLOSE_AFTER_MS, WAITING_ABANDON_BH } from '../../domain/transitions';
import { formatTicketNumber } from '../../domain/tickets';
import { assertNever, type TicketEvent, type TicketEventOf } from '../../domain/ticket/events';
import type { Recipient, TicketWorkflowInput } from '../../domain/ticket/state';
import type { TemplateId } from './templates';

export interface RecipientUser {
  id: string;
  email: string;
  language: string;
  role: string;
}

export const isCustomerRole = (role: string) => role.startsWith('customer');

export interface PolicyContext {
  trx: Knex.Transaction;
  input: TicketWorkflowInput;
  /** Deadlines after the event, from the projection written with it. */
  firstResponseDue: string | null;
  resolutionDue: string | null;
}

const nameOf = async (trx: Knex.Transaction, id: string | null | undefined, fallback: string): Promise<string> => {
  if (!id) return fallback;
  const u = await trx('users').where({ id }).first('name');
  return (u?.name as string | undefined) ?? fallback;
};

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' && v.length ? v : fallback);

/**
 * How each event reaches people by e-mail: the customer's template (the requester gets public events), the staff's
 * template by role (for the staff the workflow named), and the template's data. One exhaustive switch: a new event
 * type that is not routed here does not compile.
 */
interface Route {
  customer?: TemplateId;
  staff?: (role: string) => TemplateId | null;
  data: (template: TemplateId, c: PolicyContext) => Promise<Record<string, unknown>> | Record<string, unknown>;
}

const none: Route = { data: () => ({}) };
const byAuthor = (e: TicketEvent, body: string) => async (_t: TemplateId, c: PolicyContext) => ({ authorName: await nameOf(c.trx, e.actor.id, 'ticketflow'), body });
const escalated = (e: TicketEventOf<'escalation.manual' | 'escalation.handback' | 'escalation.automatic'>): Route => ({
  staff: () => 'escalated',
  data: () => ({ fromLevel: e.data.from, toLevel: e.data.to, reason: str(e.data.reason, '—'), automatic: e.type === 'escalation.automatic' }),
});

function route(e: TicketEvent): Route {
  switch (e.type) {
    case 'ticket.created':
      return {
        // A call logged by staff is confirmed to the caller with what was noted.
        customer: e.data.channel === 'phone' ? 'phone-call-logged' : 'ticket-received',
        staff: (role) => (role === 'manager' && e.data.priority === 'P1' ? 'p1-created' : 'ticket-queued'),
        data: async (template, c) => {
          if (template === 'ticket-received') return { firstResponseDue: c.firstResponseDue, resolutionDue: c.resolutionDue };
          const requesterName = await nameOf(c.trx, c.input.requesterId, 'customer');
          if (template === 'phone-call-logged') return { callerName: requesterName, calledAt: e.at, summary: c.input.description };
          if (template === 'p1-created') return { requesterName, channel: c.input.channel, description: c.input.description };
          return { requesterName, channel: c.input.channel };
        },
      };
    case 'comment.public':
      // The customer's own comment is not mailed back to them.
      return { customer: e.actor.role?.startsWith('customer') ? undefined : 'staff-replied', data: byAuthor(e, e.data.body) };
    case 'info.requested':
      return { customer: 'info-requested', data: byAuthor(e, e.data.body) };
    case 'defect.not_reproducible':
      return { customer: 'info-requested', data: byAuthor(e, e.data.body) };
    case 'customer.replied':
      return { staff: () => 'customer-replied', data: byAuthor(e, e.data.body) };
    case 'ticket.reminder':
      return {
        customer: 'waiting-reminder',
        data: async (_t, c) => {
          const asked = await c.trx('ticket_events').where({ ticket_id: c.input.ticketId, type: 'info.requested' }).where('seq', '<', e.seq).orderBy('seq', 'desc').first('at');
          const since = asked ? new Date(asked.at) : new Date(e.at);
          return { waitingSince: since.toISOString(), autoResolveAt: addWorkingTime(since, WAITING_ABANDON_BH, c.input.sla.businessCalendar).toISOString() };
        },
      };
    case 'ticket.resolved':
      return {
        customer: 'ticket-resolved',
        data: () => ({ resolution: str(e.data.resolution, '—'), abandoned: e.data.abandoned === true, autoCloseAt: new Date(new Date(e.at).getTime() + AUTO_CLOSE_AFTER_MS).toISOString() }),
      };
    case 'ticket.closed':
      return { customer: 'ticket-closed', data: () => ({ automatic: e.data.confirmedBy === 'system', rating: typeof e.data.rating === 'number' ? e.data.rating : null }) };
    case 'defect.confirmed':
      return {
        customer: 'defect-confirmed',
        data: async (_t, c) => {
          const m = c.input.moduleId ? await c.trx('modules').where({ id: c.input.moduleId }).first('name') : undefined;
          return { module: (m?.name as string | undefined) ?? c.input.moduleId ?? '—', moduleVersion: c.input.moduleVersion };
        },
      };
    case 'defect.rejected':
      return { customer: 'defect-rejected', data: () => ({ reason: str(e.data.reason, '—') }) };
    case 'fix.scheduled':
      return { customer: 'fix-scheduled', data: () => ({ releaseVersion: e.data.releaseVersion, plannedDate: e.data.plannedDate }) };
    case 'release.date_moved':
      return { customer: 'release-date-moved', data: () => ({ releaseVersion: e.data.releaseVersion, previousDate: e.data.previousDate, newDate: e.data.newDate }) };
    case 'fix.released':
      return { customer: 'fix-released', data: () => ({ releaseVersion: e.data.releaseVersion, releasedOn: e.data.releasedOn }) };
    case 'change.assessed':
      return { customer: 'change-awaiting-approval', data: () => ({ effort: str(e.data.effort, '—'), risk: e.data.risk, assessment: str(e.data.assessment, '—') }) };
    case 'ticket.merged':
      return { customer: 'ticket-merged', data: () => ({ targetNumber: formatTicketNumber(e.data.targetNumber), note: e.data.note ?? null }) };
    case 'problem.workaround':
      return { customer: 'workaround-available', data: () => ({ problemNumber: formatTicketNumber(Number(e.data.problemNumber)), workaround: str(e.data.workaround, '—') }) };
    case 'priority.changed':
      return {
        staff: () => (e.data.to === 'P1' ? 'p1-created' : null),
        data: async (_t, c) => ({ requesterName: await nameOf(c.trx, c.input.requesterId, 'customer'), channel: c.input.channel, description: c.input.description }),
      };
    case 'ticket.assigned':
      return { staff: () => 'ticket-assigned', data: async (_t, c) => ({ assignedByName: await nameOf(c.trx, e.actor.id, 'ticketflow') }) };
    case 'escalation.automatic':
    case 'escalation.manual':
    case 'escalation.handback':
      return escalated(e);
    case 'sla.warning':
      return { staff: () => 'sla-warning', data: () => ({ clock: e.data.clock, threshold: e.data.threshold, dueAt: e.data.dueAt, deadline: e.data.deadline ?? null }) };
    case 'sla.breached':
      return { staff: () => 'sla-breached', data: () => ({ clock: e.data.clock, deadline: e.data.deadline }) };
    case 'ticket.reopened':
    case 'fix.rejected':
      return { staff: () => 'ticket-reopened', data: async (_t, c) => ({ reopenedByName: await nameOf(c.trx, e.actor.id, 'ticketflow'), reason: str(e.data.reason, '—') }) };
    // Events that are shown in the timeline but mailed to nobody.
    case 'ticket.triaged':
    case 'comment.internal':
    case 'ticket.cancelled':
    case 'ticket.converted':
    case 'ticket.duplicate_merged':
    case 'sla.met':
    case 'defect.reproduction_started':
    case 'defect.evidence':
    case 'defect.fix_started':
    case 'fix.confirmed':
    case 'change.approved':
    case 'change.rejected':
    case 'change.scheduled':
    case 'change.implemented':
    case 'problem.workaround_recorded':
    case 'problem.incident_linked':
    case 'problem.incident_unlinked':
    case 'problem.linked':
    case 'problem.unlinked':
    case 'mail.bounced':
      return none;
    default:
      return assertNever(e);
  }
}

/** The template for this event and recipient, or null when the recipient gets no mail for it. */
export function templateFor(e: TicketEvent, recipient: RecipientUser): TemplateId | null {
  const r = route(e);
  if (isCustomerRole(recipient.role)) return e.visibility === 'public' ? (r.customer ?? null) : null;
  return r.staff?.(recipient.role) ?? null;
}

/** Who the workflow did not name but must hear of the event: the requester, for customer-facing events. */
export function customerRecipients(e: TicketEvent, input: TicketWorkflowInput): Recipient[] {
  if (e.visibility !== 'public' || !route(e).customer) return [];
  // An approval request goes to the organisation's customer admins (named by the workflow), not the requester.
  if (e.type === 'change.assessed') return [];
  // Staff logging a call or writing on the customer's behalf still tells the customer; a customer's own act does not.
  if (e.actor.id === input.requesterId && e.type !== 'ticket.created' && e.type !== 'ticket.closed') return [];
  return [{ kind: 'user', userId: input.requesterId }];
}

/** The template's `event.data`, exactly its declared fields, built from the event and what the database knows. */
export async function templateData(template: TemplateId, e: TicketEvent, c: PolicyContext): Promise<Record<string, unknown>> {
  return route(e).data(template, c);
}
