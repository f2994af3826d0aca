/**
 * Creating a ticket: the row in PostgreSQL and its workflow are created together or not at all.
 * The workflow is started inside the database transaction: if the start fails the row rolls back; if the commit
 * fails after the start, the workflow's first activity inserts the row from its input (see activities/projection).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Knex } from 'knex';
import { AttachmentLimitError, stageAttachments, type AttachmentStorage, type IncomingFile } from '../../db/attachments';
import type { Db } from '../../db/connection';
import { getCustomer, getPriorityMatrix, loadSlaSnapshot } from '../../db/reference';
import { findTicket, type Ticket } from '../../db/tickets';
import { isStaff, type Principal } from '../../domain/access';
import { derivePriority, type Impact, type Urgency } from '../../domain/priority';
import type { TicketChannel, TicketType } from '../../domain/tickets';
import {
  CustomerIdKey,
  SlaStateKey,
  SupportLevelKey,
  TicketPriorityKey,
  TicketStatusKey,
  TicketTypeKey,
  ticketWorkflowId,
} from '../../workflows/definitions';
import type { TicketWorkflowInput } from '../../workflows/ticket-state';
import { badRequest, conflict, forbidden, ProblemError, unavailable } from '../errors';
import { runTicketAction } from '../ticket-actions';

export interface IntakeDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** needed only when the new ticket carries files */
  attachments?: AttachmentStorage;
}

/** Files the reporter attached to the new ticket, and where they came from. */
export interface NewTicketFiles {
  files: readonly IncomingFile[];
  source: 'portal' | 'api' | 'email';
}

export interface NewTicket {
  title: string;
  description: string;
  type: TicketType;
  impact: Impact;
  urgency: Urgency;
  customerId?: string;
  requesterId?: string;
  businessLineId?: string | null;
  moduleId?: string | null;
  moduleVersion?: string | null;
  category?: string | null;
  channel?: TicketChannel;
  phoneScope?: 'convert' | 'reject';
}

async function existingByIdempotencyKey(db: Db, actor: Principal, key: string): Promise<Ticket | undefined> {
  const row = await db('tickets').where({ created_by: actor.id, idempotency_key: key }).first('id');
  return row ? findTicket(db, { kind: 'all' }, row.id) : undefined;
}

/**
 * The id and number a keyed creation uses, reserved (and committed) before anything else, the same on every attempt
 * (migration 20261202010000_intake_reservations). Without a key a creation takes fresh ones in its transaction.
 */
async function reserveIdentity(db: Db, actor: Principal, key: string): Promise<{ ticketId: string; number: number }> {
  await db.raw(
    `INSERT INTO ticket_intake_reservations (created_by, idempotency_key, ticket_id, number)
     VALUES (?, ?, ?, nextval('ticket_number_seq')) ON CONFLICT (created_by, idempotency_key) DO NOTHING`,
    [actor.id, key, randomUUID()],
  );
  const r = await db('ticket_intake_reservations').where({ created_by: actor.id, idempotency_key: key }).first('ticket_id', 'number');
  return { ticketId: r.ticket_id, number: Number(r.number) };
}

/**
 * An earlier attempt of this keyed creation started the ticket's workflow and died before its transaction committed:
 * the workflow writes the ticket's row from its own input with its first event. Wait a moment for it; a worker that
 * is down makes the caller try again later (the API answers 503, the mail step retries).
 */
async function ticketOfEarlierAttempt(db: Db, ticketId: string, waitMs = 10_000): Promise<Ticket> {
  const until = Date.now() + waitMs;
  for (;;) {
    const t = await findTicket(db, { kind: 'all' }, ticketId);
    if (t) return t;
    if (Date.now() > until) throw unavailable('This ticket is still being created by an earlier attempt of the same request; try again in a moment');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Who the ticket is for: customers report for themselves; staff must name the customer and requester. */
async function resolveParties(db: Db, actor: Principal, body: NewTicket): Promise<{ customerId: string; requesterId: string }> {
  if (!isStaff(actor)) {
    if (body.customerId && body.customerId !== actor.customerId) throw forbidden('Customers create tickets for their own organisation only');
    if (body.requesterId && body.requesterId !== actor.id) throw forbidden('Customers create tickets for themselves only');
    return { customerId: actor.customerId as string, requesterId: actor.id };
  }
  const missing = [
    ...(!body.customerId ? [{ field: 'body.customerId', message: 'is required when staff create a ticket' }] : []),
    ...(!body.requesterId ? [{ field: 'body.requesterId', message: 'is required when staff create a ticket' }] : []),
  ];
  if (missing.length) throw badRequest(missing);
  const requester = await db('users').where({ id: body.requesterId, customer_id: body.customerId }).whereNull('disabled_at').first('id');
  if (!(await getCustomer(db, body.customerId as string))) throw badRequest([{ field: 'body.customerId', message: 'no such customer' }]);
  if (!requester) throw badRequest([{ field: 'body.requesterId', message: 'is not an active user of that customer' }]);
  return { customerId: body.customerId as string, requesterId: body.requesterId as string };
}

/** The modules under a customer's licence today, with their names (`cm` is customer_modules, `m` modules). */
export function licensedModules(db: Db, customerId: string, today = new Date().toISOString().slice(0, 10)): Knex.QueryBuilder {
  return db('customer_modules as cm')
    .join('modules as m', 'm.id', 'cm.module_id')
    .where('cm.customer_id', customerId)
    .where((q) => q.whereNull('cm.licensed_from').orWhere('cm.licensed_from', '<=', today))
    .where((q) => q.whereNull('cm.licensed_to').orWhere('cm.licensed_to', '>=', today));
}

async function checkReferences(db: Db, customerId: string, body: NewTicket): Promise<void> {
  if (body.businessLineId) {
    const bl = await db('business_lines').where({ id: body.businessLineId, customer_id: customerId }).first('id');
    if (!bl) throw badRequest([{ field: 'body.businessLineId', message: 'is not a business line of this customer' }]);
  }
  if (body.moduleId) {
    const m = await db('modules').where({ id: body.moduleId }).first('id');
    if (!m) throw badRequest([{ field: 'body.moduleId', message: 'no such module' }]);
  }
  if (body.type === 'defect') {
    if (!body.moduleId) throw badRequest([{ field: 'body.moduleId', message: 'a defect report names the module it is about' }]);
    // SPEC §6: only modules under the customer's licence qualify for software maintenance.
    const licence = await licensedModules(db, customerId).where('cm.module_id', body.moduleId).first('cm.module_id');
    if (!licence) {
      throw new ProblemError(
        422,
        'out-of-scope',
        'Out of scope',
        `The module "${body.moduleId}" is not licensed to your organisation, so a defect in it is outside software maintenance. You can submit a change request instead.`,
        { field: 'body.moduleId', moduleId: body.moduleId },
      );
    }
  }
}

export const OUT_OF_PHONE_SCOPE = ['data_change', 'environment_access'];
const PHONE_SCOPE_REASON: Record<string, string> = {
  data_change: 'changing data in your system',
  environment_access: 'logging in to your environment',
};

/**
 * SPEC §5.6: phone support covers questions about basic functionality. A call about changing data or logging in
 * to the customer's environment is converted to a chargeable service request or rejected — the agent decides.
 */
function checkPhoneScope(body: NewTicket, channel: TicketChannel): NewTicket {
  const outOfScope = channel === 'phone' && OUT_OF_PHONE_SCOPE.includes(body.category ?? '');
  if (!outOfScope) {
    if (body.phoneScope) throw badRequest([{ field: 'body.phoneScope', message: 'applies only to phone calls in the data_change or environment_access category' }]);
    return body;
  }
  if (!body.phoneScope) {
    throw badRequest([
      { field: 'body.phoneScope', message: `phone support does not cover ${PHONE_SCOPE_REASON[body.category!]}: choose convert (a chargeable service request) or reject` },
    ]);
  }
  return body.phoneScope === 'convert' ? { ...body, type: 'service_request' } : body;
}

/**
 * After creation, the customer is told why: a public note on conversion, a resolution on rejection. Keyed by the
 * ticket, so a client retrying the creation (same Idempotency-Key) completes it exactly once.
 */
export async function applyPhoneScope(deps: IntakeDeps, actor: Principal, ticketId: string, decision: 'convert' | 'reject', category: string): Promise<void> {
  const what = PHONE_SCOPE_REASON[category] ?? 'this request';
  if (decision === 'convert') {
    await runTicketAction(
      deps,
      actor,
      ticketId,
      'comment',
      { body: `Phone support covers questions about basic functionality; ${what} is not part of it. We have recorded your call as a chargeable service request.`, visibility: 'public' },
      `phone-scope:${ticketId}`,
    );
  } else {
    await runTicketAction(
      deps,
      actor,
      ticketId,
      'resolve',
      { resolution: `Phone support covers questions about basic functionality; ${what} is not part of it, so we cannot handle this call. You can order it as a chargeable service request in the portal.` },
      `phone-scope:${ticketId}`,
    );
  }
}

/** SPEC §3: only plans with the phone channel get phone tickets. */
async function checkChannel(db: Db, customerId: string, channel: TicketChannel): Promise<void> {
  if (channel !== 'phone') return;
  const plan = await db('customers as c').join('plans as p', 'p.id', 'c.plan_id').where('c.id', customerId).first('p.name', 'p.channels');
  if (!plan || !(plan.channels as string[]).includes('phone')) {
    throw new ProblemError(422, 'channel-not-in-plan', 'Channel not in plan', `The ${plan?.name ?? ''} plan does not include phone support; log the request through the portal instead.`.replace('The  plan', 'This plan'), {
      field: 'body.channel',
    });
  }
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** What a trusted caller inside ticketflow states about how the request arrived (the mail intake: `email`). */
export interface IntakeOrigin {
  channel?: 'email';
}

/**
 * `extra.files`: files the reporter attached (staged in the ticket's transaction, on its ticket.created event);
 * `extra.origin`: how a trusted caller inside ticketflow says the request arrived.
 */
export async function createTicket(
  deps: IntakeDeps,
  actor: Principal,
  body: NewTicket,
  idempotencyKey?: string,
  extra: { files?: NewTicketFiles; origin?: IntakeOrigin } = {},
): Promise<{ ticket: Ticket; created: boolean }> {
  const { files, origin = {} } = extra;
  const { db } = deps;
  if (idempotencyKey) {
    const existing = await existingByIdempotencyKey(db, actor, idempotencyKey);
    if (existing) return { ticket: existing, created: false };
  }
  const { customerId, requesterId } = await resolveParties(db, actor, body);
  await checkReferences(db, customerId, body);
  const channel: TicketChannel = origin.channel ?? (isStaff(actor) ? (body.channel ?? 'portal') : 'portal');
  await checkChannel(db, customerId, channel);
  body = checkPhoneScope(body, channel);
  const priority = derivePriority(body.impact, body.urgency, await getPriorityMatrix(db));
  const createdAt = new Date();
  const sla = await loadSlaSnapshot(db, customerId, createdAt);
  const reserved = idempotencyKey ? await reserveIdentity(db, actor, idempotencyKey) : undefined;
  if (reserved) {
    const earlier = await findTicket(db, { kind: 'all' }, reserved.ticketId);
    if (earlier) return { ticket: earlier, created: false };
  }
  const ticketId = reserved?.ticketId ?? randomUUID();

  try {
    await db.transaction(async (trx) => {
      const number = reserved?.number ?? Number((await trx.raw<{ rows: Array<{ n: string }> }>("SELECT nextval('ticket_number_seq') AS n")).rows[0].n);
      const input: TicketWorkflowInput = {
        ticketId,
        number,
        title: body.title,
        description: body.description,
        type: body.type,
        impact: body.impact,
        urgency: body.urgency,
        priority,
        customerId,
        requesterId,
        businessLineId: body.businessLineId ?? null,
        moduleId: body.moduleId ?? null,
        moduleVersion: body.moduleVersion ?? null,
        category: body.category ?? null,
        channel,
        createdAt: createdAt.toISOString(),
        createdBy: { id: actor.id, kind: 'user', role: actor.role },
        sla,
      };
      await trx('tickets').insert({
        id: ticketId,
        number,
        title: input.title,
        description: input.description,
        type: input.type,
        status: 'new',
        priority,
        impact: input.impact,
        urgency: input.urgency,
        level: 'L1',
        customer_id: customerId,
        requester_id: requesterId,
        business_line_id: input.businessLineId,
        module_id: input.moduleId,
        module_version: input.moduleVersion,
        category: input.category,
        channel,
        sla_state: 'ok',
        sla_snapshot: JSON.stringify(sla),
        created_by: actor.id,
        idempotency_key: idempotencyKey ?? null,
        created_at: createdAt,
        updated_at: createdAt,
      });
      if (files?.files.length) {
        // The files in the same transaction as the ticket: both exist, or neither. The workflow puts them on ticket.created.
        if (!deps.attachments) throw new Error('createTicket: files given without attachment storage');
        input.attachments = await stageAttachments(trx, deps.attachments.store, { ticketId, uploadedBy: actor.id, source: files.source, files: files.files, limits: deps.attachments.limits });
      }
      await deps.temporal.workflow.start('ticketWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId: ticketWorkflowId(number),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: TicketStatusKey, value: 'new' },
          { key: TicketPriorityKey, value: priority },
          { key: TicketTypeKey, value: input.type },
          { key: SupportLevelKey, value: 'L1' },
          { key: CustomerIdKey, value: customerId },
          { key: SlaStateKey, value: 'ok' },
        ]),
      });
    });
  } catch (err) {
    if (err instanceof AttachmentLimitError) throw new ProblemError(413, 'attachment-too-large', 'Attachment too large', err.message, { limit: err.limit });
    if (idempotencyKey && isUniqueViolation(err)) {
      // A concurrent request with the same key won the race; answer with its ticket.
      const existing = await existingByIdempotencyKey(db, actor, idempotencyKey);
      if (existing) return { ticket: existing, created: false };
      // Or an earlier attempt's workflow wrote this ticket's row (from its input, without the key) between the look
      // above and this insert: the same ticket, not a new one.
      const earlier = reserved ? await findTicket(db, { kind: 'all' }, ticketId) : undefined;
      if (earlier) return { ticket: earlier, created: false };
    }
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      // With a reserved number the workflow is this very ticket's, started by an earlier attempt.
      if (reserved) return { ticket: await ticketOfEarlierAttempt(db, ticketId), created: false };
      throw conflict('ticket-exists', `A workflow for this ticket number already exists (${err.workflowId})`);
    }
    throw err;
  }
  const ticket = await findTicket(db, { kind: 'all' }, ticketId);
  if (!ticket) throw new Error(`ticket ${ticketId} vanished after creation`);
  return { ticket, created: true };
}
