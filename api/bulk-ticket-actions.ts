/**
 * POST /bulk-ticket-actions: one action (assign, escalate) on a selection of tickets. Each ticket goes through the
 * same path as POST /tickets/:id/actions/:action (runTicketAction: the registry's role rule, schema, lookups and the
 * workflow's state rule), one after the other; the answer says, per ticket, what happened: ok, or the problem the
 * single-ticket API would have answered (404 for a ticket the caller cannot see, 409 for a state that refuses it).
 */
import { Router } from 'express';
import { z } from 'zod';
import { ACTIONS } from '../domain/ticket/actions';
import { formatTicketNumber } from '../domain/tickets';
import { ticketScope, type Principal } from '../domain/access';
import { principal } from './auth';
import { ProblemError } from './errors';
import { assertMayRun, runTicketAction, type ActionDeps } from './ticket-actions';
import { parseInput } from './validation';
import { findTicket } from '../db/tickets';

export const BULK_ACTIONS = ['assign', 'escalate'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

const ticketIds = z
  .array(z.string().min(1).max(64), 'must be a list of ticket ids or numbers')
  .min(1, 'must name at least one ticket')
  .max(100, 'must name at most 100 tickets')
  .refine((ids) => new Set(ids).size === ids.length, 'must not name a ticket twice')
  .meta({ uniqueItems: true });

/** The body: the action, the tickets (ids or numbers) and the action's own input, as the registry defines it. */
export const bulkTicketActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('assign'), ticketIds, input: ACTIONS.assign.input }),
  z.strictObject({ action: z.literal('escalate'), ticketIds, input: ACTIONS.escalate.input }),
]);

export type BulkResult =
  | { ticketId: string; ok: true; id: string; number: string; status: string }
  | { ticketId: string; ok: false; problem: { status: number; type: string; detail: string } };

/**
 * Runs the action on each ticket in turn; a ticket's refusal is its own result and never stops the others. Each
 * reference is looked up first (in the caller's scope), so one ticket named twice (its id, its number) runs once.
 */
export async function runBulkAction(deps: ActionDeps, actor: Principal, action: BulkAction, refs: readonly string[], input: Record<string, unknown>): Promise<BulkResult[]> {
  assertMayRun(actor, action);
  const results: BulkResult[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const ticket = await findTicket(deps.db, ticketScope(actor), ref);
    if (!ticket) {
      results.push({ ticketId: ref, ok: false, problem: { status: 404, type: 'not-found', detail: 'Ticket was not found' } });
      continue;
    }
    if (seen.has(ticket.id)) {
      results.push({ ticketId: ref, ok: false, problem: { status: 400, type: 'validation-error', detail: 'names a ticket already in this selection; it ran once' } });
      continue;
    }
    seen.add(ticket.id);
    const number = formatTicketNumber(Number(ticket.number));
    try {
      const done = await runTicketAction(deps, actor, ticket.id, action, input);
      results.push({ ticketId: ref, ok: true, id: ticket.id, number, status: done.status });
    } catch (err) {
      if (err instanceof ProblemError) results.push({ ticketId: ref, ok: false, problem: { status: err.status, type: err.type, detail: err.detail ?? err.title } });
      else results.push({ ticketId: ref, ok: false, problem: { status: 500, type: 'internal-error', detail: 'The action failed unexpectedly; look at the ticket before trying again' } });
    }
  }
  return results;
}

export function createBulkTicketActionsRouter(deps: ActionDeps): Router {
  const r = Router();
  r.post('/bulk-ticket-actions', async (req, res) => {
    const actor = principal(res);
    // The role rule first: a caller who may never run the action learns nothing about the input or the tickets.
    const asked = (req.body as { action?: unknown } | undefined)?.action;
    if (typeof asked === 'string' && (BULK_ACTIONS as readonly string[]).includes(asked)) assertMayRun(actor, asked as BulkAction);
    const body = parseInput(bulkTicketActionSchema, req.body, 'body');
    const results = await runBulkAction(deps, actor, body.action, body.ticketIds, body.input as Record<string, unknown>);
    const succeeded = results.filter((x) => x.ok).length;
    res.json({ action: body.action, succeeded, failed: results.length - succeeded, results });
  });
  return r;
}
