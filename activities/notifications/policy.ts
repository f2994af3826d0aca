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
import type { Recipient } from '../../workflows/ticket-model';
import type { TicketEventRecord, TicketWorkflowInput } from '../../workflows/ticket-state';
import type { TemplateId } from './templates';

/** Customer-facing events and their template; the requester gets them when the event is public. */
function customerTemplate(e: TicketEventRecord): TemplateId | null {
  switch (e.type) {
    case 'ticket.created':
      // A call logged by staff is confirmed to the caller with what was noted.
      return e.data.channel === 'phone' ? 'phone-call-logged' : 'ticket-received';
    case 'comment.public':
      // The customer's own comment is not mailed back to them.
      return e.actor.role?.startsWith('customer') ? null : 'staff-replied';
    case 'info.requested':
      return 'info-requested';
    case 'ticket.reminder':
      return 'waiting-reminder';
    case 'ticket.resolved':
      return 'ticket-resolved';
    case 'ticket.closed':
      return 'ticket-closed';
    case 'defect.confirmed':
      return 'defect-confirmed';
    case 'defect.not_reproducible':
      return 'info-requested';
    case 'defect.rejected':
      return 'defect-rejected';
    case 'fix.scheduled':
      return 'fix-scheduled';
    case 'release.date_moved':
      return 'release-date-moved';
    case 'fix.released':
      return 'fix-released';
    case 'change.assessed':
      return 'change-awaiting-approval';
    case 'problem.workaround':
      return 'workaround-available';
    default:
      return null;
  }
}

/** Staff-facing template for an event the workflow addressed to staff; `role` picks the manager's P1 alert. */
function staffTemplate(e: TicketEventRecord, role: string): TemplateId | null {
  switch (e.type) {
    case 'ticket.created':
      return role === 'manager' && e.data.priority === 'P1' ? 'p1-created' : 'ticket-queued';
    case 'priority.changed':
      return e.data.to === 'P1' ? 'p1-created' : null;
    case 'ticket.assigned':
      return 'ticket-assigned';
    case 'customer.replied':
      return 'customer-replied';
    case 'escalation.automatic':
    case 'escalation.manual':
    case 'escalation.handback':
      return 'escalated';
    case 'sla.warning':
      return 'sla-warning';
    case 'sla.breached':
      return 'sla-breached';
    case 'ticket.reopened':
    case 'fix.rejected':
      return 'ticket-reopened';
    default:
      return null;
  }
}

export interface RecipientUser {
  id: string;
  email: string;
  language: string;
  role: string;
}

export const isCustomerRole = (role: string) => role.startsWith('customer');

/** The template for this event and recipient, or null when the recipient gets no mail for it. */
export function templateFor(e: TicketEventRecord, recipient: RecipientUser): TemplateId | null {
  if (isCustomerRole(recipient.role)) return e.visibility === 'public' ? customerTemplate(e) : null;
  return staffTemplate(e, recipient.role);
}

/** Who the workflow did not name but must hear of the event: the requester, for customer-facing events. */
export function customerRecipients(e: TicketEventRecord, input: TicketWorkflowInput): Recipient[] {
  if (e.visibility !== 'public' || !customerTemplate(e)) return [];
  // An approval request goes to the organisation's customer admins (named by the workflow), not the requester.
  if (e.type === 'change.assessed') return [];
  // Staff logging a call or writing on the customer's behalf still tells the customer; a customer's own act does not.
  if (e.actor.id === input.requesterId && e.type !== 'ticket.created' && e.type !== 'ticket.closed') return [];
  return [{ kind: 'user', userId: input.requesterId }];
}

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

/** The template's `event.data`, exactly its declared fields, built from the event and what the database knows. */
export async function templateData(template: TemplateId, e: TicketEventRecord, c: PolicyContext): Promise<Record<string, unknown>> {
  const actorName = () => nameOf(c.trx, e.actor.id, 'ticketflow');
  switch (template) {
    case 'ticket-received':
      return { firstResponseDue: c.firstResponseDue, resolutionDue: c.resolutionDue };
    case 'phone-call-logged':
      return { callerName: await nameOf(c.trx, c.input.requesterId, 'customer'), calledAt: e.at, summary: c.input.description };
    case 'defect-confirmed': {
      const m = c.input.moduleId ? await c.trx('modules').where({ id: c.input.moduleId }).first('name') : undefined;
      return { module: (m?.name as string | undefined) ?? c.input.moduleId ?? '—', moduleVersion: c.input.moduleVersion };
    }
    case 'defect-rejected':
      return { reason: str(e.data.reason, '—') };
    case 'fix-scheduled':
      return { releaseVersion: e.data.releaseVersion, plannedDate: e.data.plannedDate };
    case 'release-date-moved':
      return { releaseVersion: e.data.releaseVersion, previousDate: e.data.previousDate, newDate: e.data.newDate };
    case 'fix-released':
      return { releaseVersion: e.data.releaseVersion, releasedOn: e.data.releasedOn };
    case 'workaround-available':
      return { problemNumber: formatTicketNumber(Number(e.data.problemNumber)), workaround: str(e.data.workaround, '—') };
    case 'change-awaiting-approval':
      return { effort: str(e.data.effort, '—'), risk: e.data.risk, assessment: str(e.data.assessment, '—') };
    case 'staff-replied':
    case 'info-requested':
    case 'customer-replied':
      return { authorName: await actorName(), body: str(e.data.body) };
    case 'waiting-reminder': {
      const asked = await c.trx('ticket_events').where({ ticket_id: c.input.ticketId, type: 'info.requested' }).where('seq', '<', e.seq).orderBy('seq', 'desc').first('at');
      const since = asked ? new Date(asked.at) : new Date(e.at);
      return { waitingSince: since.toISOString(), autoResolveAt: addWorkingTime(since, WAITING_ABANDON_BH, c.input.sla.businessCalendar).toISOString() };
    }
    case 'ticket-resolved':
      return { resolution: str(e.data.resolution, '—'), abandoned: e.data.abandoned === true, autoCloseAt: new Date(new Date(e.at).getTime() + AUTO_CLOSE_AFTER_MS).toISOString() };
    case 'ticket-closed':
      return { automatic: e.data.confirmedBy === 'system', rating: typeof e.data.rating === 'number' ? e.data.rating : null };
    case 'ticket-queued':
      return { requesterName: await nameOf(c.trx, c.input.requesterId, 'customer'), channel: c.input.channel };
    case 'p1-created':
      return { requesterName: await nameOf(c.trx, c.input.requesterId, 'customer'), channel: c.input.channel, description: c.input.description };
    case 'ticket-assigned':
      return { assignedByName: await actorName() };
    case 'escalated':
      return { fromLevel: e.data.from, toLevel: e.data.to, reason: str(e.data.reason, '—'), automatic: e.type === 'escalation.automatic' };
    case 'sla-warning':
      return { clock: e.data.clock, threshold: e.data.threshold, dueAt: e.data.dueAt, deadline: e.data.deadline ?? null };
    case 'sla-breached':
      return { clock: e.data.clock, deadline: e.data.deadline };
    case 'ticket-reopened':
      return { reopenedByName: await actorName(), reason: str(e.data.reason, '—') };
    default:
      throw new Error(`no data builder for template ${template}`);
  }
}
