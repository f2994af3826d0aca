/**
 * POST /tickets/:id/actions/:action and /tickets/:id/comments, over the action registry (domain/ticket/actions):
 * the registry's role rule answers 403 before anything else, its input schema 400, its lookups are resolved here
 * (the workflow does no I/O), and the workflow's update validator decides the state rule (409) before anything is
 * recorded.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Db } from '../db/connection';
import { stagedFiles } from '../db/attachments';
import { findTicket, type Ticket } from '../db/tickets';
import { ASSIGNABLE_ROLES, ticketScope, type Principal } from '../domain/access';
import { derivePriority, type Impact, type Urgency } from '../domain/priority';
import { getPriorityMatrix } from '../db/reference';
import { ACTIONS, permissionRefusal, roleRefusal, TICKET_ACTIONS, type ActionDefinition, type Lookup, type TicketActionName } from '../domain/ticket/actions';
import type { TicketFacts } from '../domain/ticket/state';
import type { DefectState } from '../domain/defects';
import { OPEN_STATUSES, type TicketType } from '../domain/tickets';
import { fixReleasedSignal, ticketActionUpdates, ticketWorkflowId } from '../workflows/definitions';
import type { TicketActionResult } from '../workflows/ticket-actions';
import { principal } from './auth';
import { conflict, forbidden, notFound, ProblemError, unavailable } from './errors';
import { idempotentCreate } from './idempotency';
import { idempotencyHeadersSchema, parseInput, ticketIdParamSchema } from './validation';

export { RELEASE_VERSION } from '../domain/text';

export const actionParamsSchema = z.strictObject({ id: z.string().min(1).max(64), action: z.enum(TICKET_ACTIONS) });
/** The input schema of each action, from the registry. */
export const actionInput = (action: TicketActionName): z.ZodType => (ACTIONS[action] as ActionDefinition).input;
export const commentBodySchema = ACTIONS.comment.input;

const isoDay = (d: Date | string): string => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

/** What the registry's rules read of a ticket, from its projection row. */
export function factsOfRow(row: Ticket): TicketFacts {
  return {
    ticketId: row.id,
    customerId: row.customerId,
    requesterId: row.requesterId,
    status: row.status,
    type: row.type,
    level: row.level,
    priority: row.priority,
    defectState: row.type === 'defect' ? ((row.subStatus as DefectState | null) ?? 'reported') : null,
    changeState: row.type === 'change_request' ? (row.changeState ?? 'submitted') : null,
    resolvedAt: row.resolvedAt ? new Date(row.resolvedAt).toISOString() : null,
    linkedIncidents: row.links.incidents?.length ?? 0,
  };
}

export interface ActionDeps {
  db: Db;
  temporal: Client;
}

const whoOf = (p: Principal) => ({ id: p.id, role: p.role });

/** The role rule alone (403): whether this principal may run the action on any ticket at all. */
export function assertMayRun(actor: Principal, action: TicketActionName): void {
  const refusal = roleRefusal(action, whoOf(actor));
  if (refusal) throw forbidden(refusal);
}

/** Resolves the registry's lookups of an action: the command the workflow receives (409 when a reference is wrong). */
async function resolveLookups(deps: ActionDeps, actor: Principal, ticket: Ticket, lookups: readonly Lookup[], payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = { ...payload };
  for (const l of lookups) {
    switch (l.kind) {
      case 'assignee': {
        const id = out[l.field];
        if (!id) break;
        const agent = await deps.db('users').where({ id }).whereIn('role', ASSIGNABLE_ROLES).whereNull('disabled_at').first('id');
        if (!agent) throw conflict('invalid-assignee', 'The assignee must be an active agent or manager');
        break;
      }
      case 'priority':
        if (out[l.impactField] || out[l.urgencyField]) {
          const impact = (out[l.impactField] ?? ticket.impact) as Impact;
          const urgency = (out[l.urgencyField] ?? ticket.urgency) as Urgency;
          out[l.priorityField] = derivePriority(impact, urgency, await getPriorityMatrix(deps.db));
        }
        break;
      case 'release': {
        // The release is named by version; the workflow gets its id and planned date so the customer is told both.
        const release = await deps.db('releases').where({ version: out[l.field] }).first();
        if (!release) throw conflict('unknown-release', `There is no release ${String(out[l.field])}; plan it first`);
        if (release.status !== 'planned') throw conflict('release-published', `Release ${release.version} is already published; schedule the fix into a planned release`);
        out[l.field] = release.version;
        out[l.idField] = release.id;
        out[l.plannedDateField] = isoDay(release.planned_date);
        break;
      }
      case 'attachments': {
        // Files uploaded for this ticket by the same person and not yet on an event; the event carries their references.
        const ids = (out[l.field] as string[] | undefined) ?? [];
        if (!ids.length) break;
        const found = await stagedFiles(deps.db, ticket.id, actor.id, ids);
        if ('refused' in found) throw conflict('unknown-attachment', found.refused);
        out[l.refsField] = found.refs;
        break;
      }
      case 'ticket': {
        // Staff name the other ticket by id or number; staff see every organisation, the rules below decide.
        const other = await findTicket(deps.db, { kind: 'all' }, String(out[l.field]));
        if (!other) throw conflict('unknown-ticket', `There is no ticket ${String(out[l.field])}`);
        if (l.types && !l.types.includes(other.type as TicketType)) throw conflict('wrong-ticket-type', `Ticket ${other.number} is not ${l.types.map((x) => `a ${x.replace(/_/g, ' ')}`).join(' or ')}`);
        if (l.open && ['closed', 'cancelled'].includes(other.status)) throw conflict('ticket-finished', `Ticket ${other.number} is ${other.status} and takes nothing more`);
        if (l.working && !(OPEN_STATUSES as readonly string[]).includes(other.status)) throw conflict('ticket-not-worked-on', `Ticket ${other.number} is ${other.status.replace(/_/g, ' ')}: only a ticket still being worked on takes its duplicates`);
        if (l.sameCustomer && other.customerId !== ticket.customerId) throw conflict('other-organisation', `Ticket ${other.number} belongs to another customer`);
        out[l.field] = other.id;
        out[l.numberField] = Number(other.number);
        break;
      }
    }
  }
  return out;
}

/**
 * A fix scheduled into a release while it was being published may have missed the release's fan-out: if the
 * release is published by now, the ticket is told here (it ignores news it already has).
 */
async function catchUpWithPublication(deps: ActionDeps, ticketNumber: number, releaseId: unknown): Promise<void> {
  const release = await deps.db('releases').where({ id: releaseId }).first('status', 'published_at', 'version', 'id');
  if (release?.status !== 'published') return;
  const releasedOn = new Date(release.published_at).toISOString().slice(0, 10);
  await deps.temporal.workflow.getHandle(ticketWorkflowId(ticketNumber)).signal(fixReleasedSignal, { releaseId: release.id, version: release.version, releasedOn });
}

/** Runs one action (its input already parsed by the registry's schema) as a workflow update. */
export async function runTicketAction(
  deps: ActionDeps,
  actor: Principal,
  ticketRef: string,
  action: TicketActionName,
  payload: Record<string, unknown>,
  requestId?: string,
): Promise<TicketActionResult & { ticketId: string }> {
  assertMayRun(actor, action);
  const ticket = await findTicket(deps.db, ticketScope(actor), ticketRef);
  if (!ticket) throw notFound('Ticket');
  const def = ACTIONS[action] as ActionDefinition;
  const refusal = permissionRefusal(action, whoOf(actor), factsOfRow(ticket), payload);
  if (refusal) throw forbidden(refusal);
  const command = await resolveLookups(deps, actor, ticket, def.lookups ?? [], payload);
  const handle = deps.temporal.workflow.getHandle(ticketWorkflowId(Number(ticket.number)));
  try {
    const result = await handle.executeUpdate(ticketActionUpdates[action], {
      args: [{ actor: { id: actor.id, kind: 'user', role: actor.role }, payload: command, ...(requestId ? { requestId } : {}) }],
      ...(requestId ? { updateId: `${action}:${actor.id}:${requestId}` } : {}),
    });
    const release = def.lookups?.find((l) => l.kind === 'release');
    if (release?.kind === 'release' && !result.duplicate) await catchUpWithPublication(deps, Number(ticket.number), command[release.idField]);
    return { ...result, ticketId: ticket.id };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === 'ActionForbidden') throw forbidden(err.cause.message);
      if (err.cause.type === 'InvalidInput') throw new ProblemError(400, 'validation-error', 'The request is not valid', err.cause.message, { errors: [{ field: 'body', message: err.cause.message }] });
      throw conflict('invalid-transition', err.cause.message, { action, ticketStatus: ticket.status });
    }
    if (err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error).message)) {
      throw conflict('invalid-transition', `The ticket is ${ticket.status} and takes no more actions; open a new ticket linked to it`, { action, ticketStatus: ticket.status });
    }
    throw unavailable(`The ticket's workflow did not answer: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function createTicketActionsRouter(deps: ActionDeps): Router {
  const r = Router();
  const idempotent = idempotentCreate(deps.db);
  /** The role rule before the idempotency key: a caller who may never run the action learns nothing else. */
  const mayRun =
    (fixed?: TicketActionName): RequestHandler =>
    (req, res, next) => {
      const action = fixed ?? parseInput(actionParamsSchema, req.params, 'params').action;
      assertMayRun(principal(res), action);
      next();
    };

  r.post('/tickets/:id/actions/:action', mayRun(), idempotent, async (req, res) => {
    const actor = principal(res);
    const { id, action } = parseInput(actionParamsSchema, req.params, 'params');
    const payload = parseInput(actionInput(action), req.body ?? {}, 'body') as Record<string, unknown>;
    const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
    res.json(await runTicketAction(deps, actor, id, action, payload, key));
  });

  r.post('/tickets/:id/comments', mayRun('comment'), idempotent, async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
    const payload = parseInput(commentBodySchema, req.body, 'body') as Record<string, unknown>;
    const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
    res.status(201).json(await runTicketAction(deps, actor, id, 'comment', payload, key));
  });

  return r;
}
