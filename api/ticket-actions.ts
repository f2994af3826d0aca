/**
 * POST /tickets/:id/actions/:action and /tickets/:id/comments: the API checks role, organisation and input; the
 * workflow's update validator checks the transition and refuses before anything is recorded (→ 409).
 */
import { Router } from 'express';
import { z } from 'zod';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Db } from '../db/connection';
import { findTicket } from '../db/tickets';
import { isStaff, ticketScope, type Principal } from '../domain/access';
import { LEVELS_OF_IMPACT, LEVELS_OF_URGENCY, derivePriority } from '../domain/priority';
import { getPriorityMatrix } from '../db/reference';
import { TICKET_ACTIONS, type TicketActionName } from '../domain/transitions';
import { fixReleasedSignal, ticketActionUpdates, ticketWorkflowId } from '../workflows/definitions';
import type { TicketActionResult } from '../workflows/ticket-actions';
import { principal } from './auth';
import { conflict, forbidden, notFound, unavailable } from './errors';
import { idempotencyHeadersSchema, ticketIdParamSchema } from './tickets';
import { calendarDay, freeText, parseInput } from './validation';

const body = freeText(20_000);
export const RELEASE_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,49}$/;
const isoDay = (d: Date | string): string => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
const reason = freeText(2000);

/** Input of each action (kebab-case names, SPEC §11). Unknown fields are refused. */
export const ACTION_SCHEMAS = {
  triage: z.strictObject({ impact: z.enum(LEVELS_OF_IMPACT).optional(), urgency: z.enum(LEVELS_OF_URGENCY).optional(), note: freeText(2000).optional() }),
  assign: z.strictObject({ assigneeId: z.string().uuid('must be a UUID').nullable() }),
  comment: z.strictObject({ body, visibility: z.enum(['public', 'internal']).default('public') }),
  'request-info': z.strictObject({ body }),
  reply: z.strictObject({ body }),
  resolve: z.strictObject({ resolution: body, resolveIncidents: z.boolean().optional() }),
  reopen: z.strictObject({ reason }),
  close: z.strictObject({ rating: z.number().int().min(1).max(5).optional() }),
  cancel: z.strictObject({ reason: reason.optional() }),
  escalate: z.strictObject({ toLevel: z.enum(['L1', 'L2', 'L3']), reason }),
  'override-priority': z.strictObject({ priority: z.enum(['P1', 'P2', 'P3', 'P4']), reason }),
  'start-reproduction': z.strictObject({ note: freeText(2000).optional() }),
  'confirm-defect': z.strictObject({
    evidence: z.strictObject({ steps: freeText(10_000), environment: freeText(500), version: freeText(100) }),
  }),
  'mark-not-reproducible': z.strictObject({ body }),
  'reject-defect': z.strictObject({ reason, convertTo: z.enum(['question', 'change_request']).optional() }),
  'start-fix': z.strictObject({ note: freeText(2000).optional() }),
  'schedule-fix': z.strictObject({ releaseVersion: z.string().regex(RELEASE_VERSION, 'must be a release version such as 4.2.0') }),
  'confirm-fix': z
    .strictObject({ accepted: z.boolean().default(true), reason: reason.optional() })
    .refine((c) => c.accepted || c.reason, { message: 'is required when the fix is not accepted', path: ['reason'] })
    .meta({ anyOf: [{ properties: { accepted: { const: true } } }, { required: ['reason'] }] }),
  assess: z.strictObject({ effort: freeText(100), risk: z.enum(['low', 'medium', 'high']), assessment: freeText(10_000) }),
  approve: z.strictObject({ note: freeText(2000).optional() }),
  reject: z.strictObject({ reason }),
  schedule: z.strictObject({ plannedFor: calendarDay, note: freeText(2000).optional() }),
  implement: z.strictObject({ note: freeText(2000).optional() }),
  'link-incident': z.strictObject({ incidentId: z.string().uuid('must be a UUID') }),
  'unlink-incident': z.strictObject({ incidentId: z.string().uuid('must be a UUID') }),
  'record-workaround': z.strictObject({ workaround: freeText(10_000) }),
} satisfies Record<TicketActionName, z.ZodType>;

export const actionParamsSchema = z.strictObject({ id: z.string().min(1).max(64), action: z.enum(TICKET_ACTIONS) });
export const commentBodySchema = ACTION_SCHEMAS.comment;

/**
 * A fix scheduled into a release while it was being published may have missed the release's fan-out: if the
 * release is published by now, the ticket is told here (it ignores news it already has).
 */
async function catchUpWithPublication(deps: ActionDeps, ticketNumber: number, payload: Record<string, unknown>): Promise<void> {
  const release = await deps.db('releases').where({ id: payload.releaseId }).first('status', 'published_at', 'version', 'id');
  if (release?.status !== 'published') return;
  const releasedOn = new Date(release.published_at).toISOString().slice(0, 10);
  await deps.temporal.workflow.getHandle(ticketWorkflowId(ticketNumber)).signal(fixReleasedSignal, { releaseId: release.id, version: release.version, releasedOn });
}

export interface ActionDeps {
  db: Db;
  temporal: Client;
}

/** Runs one action as a workflow update; refusals become 409 with the workflow's reason. */
export async function runTicketAction(
  deps: ActionDeps,
  actor: Principal,
  ticketRef: string,
  action: TicketActionName,
  payload: Record<string, unknown>,
  requestId?: string,
): Promise<TicketActionResult & { ticketId: string }> {
  const ticket = await findTicket(deps.db, ticketScope(actor), ticketRef);
  if (!ticket) throw notFound('Ticket');
  if (!isStaff(actor) && action === 'comment' && payload.visibility === 'internal') throw forbidden('Customers cannot write internal notes');
  if (action === 'assign' && payload.assigneeId) {
    const agent = await deps.db('users').where({ id: payload.assigneeId }).whereIn('role', ['agent', 'manager']).whereNull('disabled_at').first('id');
    if (!agent) throw conflict('invalid-assignee', 'The assignee must be an active agent or manager');
  }
  if (action === 'triage' && (payload.impact || payload.urgency)) {
    const impact = (payload.impact ?? ticket.impact) as (typeof LEVELS_OF_IMPACT)[number];
    const urgency = (payload.urgency ?? ticket.urgency) as (typeof LEVELS_OF_URGENCY)[number];
    payload = { ...payload, priority: derivePriority(impact, urgency, await getPriorityMatrix(deps.db)) };
  }
  // Staff-only actions that look things up elsewhere are refused first, so a customer learns nothing from them.
  if ((action === 'schedule-fix' || action === 'link-incident' || action === 'unlink-incident') && !isStaff(actor)) {
    throw conflict('invalid-transition', `${action} is not allowed for customers`, { action, ticketStatus: ticket.status });
  }
  if (action === 'schedule-fix') {
    // The release is named by version; the workflow gets its id and planned date so the customer is told both.
    const release = await deps.db('releases').where({ version: payload.releaseVersion }).first();
    if (!release) throw conflict('unknown-release', `There is no release ${String(payload.releaseVersion)}; plan it first`, { action });
    if (release.status !== 'planned') throw conflict('release-published', `Release ${release.version} is already published; schedule the fix into a planned release`, { action });
    payload = { releaseId: release.id, releaseVersion: release.version, plannedDate: isoDay(release.planned_date) };
  }
  if (action === 'link-incident' || action === 'unlink-incident') {
    // Problems are staff work: any organisation's incident may be linked, but it must be an open incident.
    const incident = await findTicket(deps.db, { kind: 'all' }, String(payload.incidentId));
    if (!incident) throw conflict('unknown-incident', 'There is no such incident', { action });
    if (action === 'link-incident' && (incident.type !== 'incident' || ['closed', 'cancelled'].includes(incident.status))) {
      throw conflict('not-an-open-incident', `Ticket ${incident.number} is not an open incident`, { action });
    }
    payload = { incidentId: incident.id, incidentNumber: Number(incident.number) };
  }
  const handle = deps.temporal.workflow.getHandle(ticketWorkflowId(Number(ticket.number)));
  try {
    const result = await handle.executeUpdate(ticketActionUpdates[action], {
      args: [{ actor: { id: actor.id, kind: 'user', role: actor.role }, payload, ...(requestId ? { requestId } : {}) }],
      ...(requestId ? { updateId: `${action}:${actor.id}:${requestId}` } : {}),
    });
    if (action === 'schedule-fix' && !result.duplicate) await catchUpWithPublication(deps, Number(ticket.number), payload);
    return { ...result, ticketId: ticket.id };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
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

  r.post('/tickets/:id/actions/:action', async (req, res) => {
    const actor = principal(res);
    const { id, action } = parseInput(actionParamsSchema, req.params, 'params');
    const payload = parseInput(ACTION_SCHEMAS[action], req.body ?? {}, 'body') as Record<string, unknown>;
    const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
    const result = await runTicketAction(deps, actor, id, action, payload, key);
    res.json(result);
  });

  r.post('/tickets/:id/comments', async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
    const payload = parseInput(commentBodySchema, req.body, 'body');
    const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
    const result = await runTicketAction(deps, actor, id, 'comment', payload, key);
    res.status(201).json(result);
  });

  return r;
}
