import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { findTicket, isValidCursor, listTicketEvents, listTickets, sortOfCursor, TICKET_SORTS, visibleLinkedIds } from '../db/tickets';
import { isStaff, ticketScope } from '../domain/access';
import { LEVELS_OF_IMPACT, LEVELS_OF_URGENCY } from '../domain/priority';
import { PRIORITIES, SUPPORT_LEVELS } from '../domain/plans';
import { CHANNELS, SLA_STATES, TICKET_STATUSES, TICKET_TYPES } from '../domain/tickets';
import { ticketStateQuery, ticketWorkflowId } from '../workflows/definitions';
import type { TicketView } from '../workflows/ticket-state';
import { principal } from './auth';
import { dashboardFiltersOf, dashboardListFilters, staffOnlyFilterIn } from './dashboard';
import { forbidden, notFound } from './errors';
import type { ApiMetrics } from './metrics';
import { toApiEvent, toApiTicket } from './ticket-shape';
import { applyPhoneScope, createTicket } from './services/ticket-intake';
import { idempotentCreate } from './idempotency';
import { freeText, idempotencyHeadersSchema, parseInput, ticketIdParamSchema } from './validation';
import { searchText } from './ticket-list';

const uuid = z.string().uuid('must be a UUID');
const text = freeText;

export const newTicketSchema = z.strictObject({
  title: text(200),
  description: text(20_000),
  type: z.enum(TICKET_TYPES),
  impact: z.enum(LEVELS_OF_IMPACT),
  urgency: z.enum(LEVELS_OF_URGENCY),
  customerId: uuid.optional(),
  requesterId: uuid.optional(),
  businessLineId: uuid.nullable().optional(),
  moduleId: z.string().regex(/^[a-z0-9_-]{1,50}$/, 'must be a module id').nullable().optional(),
  moduleVersion: z.string().max(50).nullable().optional(),
  category: z.string().regex(/^[a-z_]{1,50}$/, 'must be a category id').nullable().optional(),
  channel: z.enum(CHANNELS).optional(),
  /** Phone scope rule (SPEC §5.6): what the agent decided for a data_change / environment_access call. */
  phoneScope: z.enum(['convert', 'reject']).optional(),
});

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .optional();

export const listTicketsQuerySchema = z.strictObject({
  status: csv(TICKET_STATUSES),
  priority: csv(PRIORITIES),
  level: csv(SUPPORT_LEVELS),
  type: csv(TICKET_TYPES),
  slaState: csv(SLA_STATES),
  customerId: uuid.optional(),
  assigneeId: uuid.optional(),
  // The lists behind the dashboard's figures (#14 point 6): one block, defined beside the dashboard.
  ...dashboardListFilters,
  q: searchText.optional().describe('Full-text search over number, title, description and comments (accents ignored; staff also search internal notes), or a ticket number (T-000123, 123)'),
  sort: z.enum(TICKET_SORTS).optional().describe('queue: breached first, then at risk, then the nearest deadline (the default for staff); due: nearest deadline; priority; newest (the default for customers)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  page: z.coerce.number().int().min(1).max(100_000).optional().describe('Numbered page (1 is the first); the answer has total and pageCount. Not with cursor'),
  cursor: z.string().max(200).refine(isValidCursor, 'is not a cursor returned by this API').optional(),
})
  .superRefine((q, ctx) => {
    if (q.page !== undefined && q.cursor !== undefined) ctx.addIssue({ code: 'custom', path: ['page'], message: 'cannot be combined with cursor' });
    if (q.sort !== undefined && q.cursor !== undefined && isValidCursor(q.cursor) && sortOfCursor(q.cursor) !== q.sort) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: `continues the ${sortOfCursor(q.cursor)} order, not ${q.sort}` });
    }
  });

export const eventsQuerySchema = z.strictObject({
  // ticket_events.seq is a PostgreSQL integer: a larger afterSeq is refused here, not by the database (a 500).
  afterSeq: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export interface TicketsRouterDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  metrics: ApiMetrics;
}

/** Live workflow state with a short deadline: a missing worker must not hang the API. */
async function queryWorkflow(temporal: Client, number: number): Promise<{ state: TicketView | null; error?: string }> {
  try {
    const state = await temporal.withDeadline(Date.now() + 3000, () => temporal.workflow.getHandle(ticketWorkflowId(number)).query(ticketStateQuery));
    return { state };
  } catch (err) {
    return { state: null, error: (err as Error).message.split('\n')[0] };
  }
}

export function createTicketsRouter(deps: TicketsRouterDeps): Router {
  const r = Router();

  r.post('/tickets', idempotentCreate(deps.db), async (req, res) => {
    const actor = principal(res);
    const body = parseInput(newTicketSchema, req.body, 'body');
    const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
    const { ticket, created } = await createTicket(deps, actor, body, key);
    if (created) deps.metrics.ticketsCreated.inc({ channel: ticket.channel, type: ticket.type });
    if (body.phoneScope) await applyPhoneScope(deps, actor, ticket.id, body.phoneScope, body.category ?? '');
    res.status(created ? 201 : 200).location(`/api/v1/tickets/${ticket.id}`).json(toApiTicket(ticket));
  });

  r.get('/tickets', async (req, res) => {
    const actor = principal(res);
    const q = parseInput(listTicketsQuerySchema, req.query, 'query');
    // Escalations are internal timeline events: a customer cannot select tickets by them.
    const staffOnly = isStaff(actor) ? undefined : staffOnlyFilterIn(q);
    if (staffOnly) throw forbidden(`Filtering by ${staffOnly} is for staff`);
    const sort = q.cursor ? sortOfCursor(q.cursor) : (q.sort ?? (isStaff(actor) ? 'queue' : 'newest'));
    const offset = q.page ? (q.page - 1) * q.limit : undefined;
    const { rows, nextCursor, total = 0 } = await listTickets(deps.db, ticketScope(actor), { ...q, dashboard: dashboardFiltersOf(q) }, { limit: q.limit, cursor: q.cursor, offset, sort, withTotal: true });
    const now = new Date();
    const visible = await visibleLinkedIds(deps.db, ticketScope(actor), rows);
    res.json({ items: rows.map((row) => toApiTicket(row, now, visible)), nextCursor, total, page: q.page ?? (q.cursor ? null : 1), pageCount: Math.ceil(total / q.limit), sort });
  });

  r.get('/tickets/:id', async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
    const row = await findTicket(deps.db, ticketScope(actor), id);
    if (!row) throw notFound('Ticket');
    const ticket = toApiTicket(row, new Date(), await visibleLinkedIds(deps.db, ticketScope(actor), [row]));
    if (!isStaff(actor)) return res.json(ticket);
    const live = await queryWorkflow(deps.temporal, Number(row.number));
    res.json({ ...ticket, workflow: live.state, ...(live.error && { workflowError: live.error }) });
  });

  r.get('/tickets/:id/events', async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
    const q = parseInput(eventsQuerySchema, req.query, 'query');
    const row = await findTicket(deps.db, ticketScope(actor), id);
    if (!row) throw notFound('Ticket');
    const events = await listTicketEvents(deps.db, row.id, { publicOnly: !isStaff(actor), afterSeq: q.afterSeq, limit: q.limit });
    const items = events.map(toApiEvent);
    res.json({ items, nextAfterSeq: items.length === q.limit ? items[items.length - 1].seq : null });
  });

  r.get('/tickets/:id/workflow', async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
    const row = await findTicket(deps.db, ticketScope(actor), id);
    if (!row) throw notFound('Ticket');
    const live = await queryWorkflow(deps.temporal, Number(row.number));
    res.json({ workflowId: ticketWorkflowId(Number(row.number)), state: live.state && !isStaff(actor) ? customerView(live.state) : live.state, ...(live.error && { error: live.error }) });
  });

  return r;
}

/** What a customer may see of the live state: status and clocks, public events; no levels, assignees or timers. */
function customerView(s: TicketView) {
  return {
    ticketId: s.ticketId,
    number: s.number,
    type: s.type,
    status: s.status,
    priority: s.priority,
    impact: s.impact,
    urgency: s.urgency,
    slaState: s.slaState,
    clocks: s.clocks,
    lastEvents: s.lastEvents.filter((e) => e.visibility === 'public'),
    asOf: s.asOf,
  };
}
