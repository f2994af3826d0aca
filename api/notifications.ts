/**
 * Notifications in the portal (issue #6): the caller's own feed from the outbox, read marks, e-mail preferences per
 * template, and the customer satisfaction rating a requester gives through the signed link in the closing e-mail.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { isCustomer, type Principal } from '../domain/access';
import { formatTicketNumber } from '../domain/tickets';
import { verifySatisfactionToken } from '../activities/notifications/links';
import { EMAIL_TEMPLATES, TEMPLATE_IDS, type TemplateId } from '../activities/notifications/templates';
import { principal } from './auth';
import { badRequest, conflict, forbidden, notFound, type FieldProblem } from './errors';
import { parseInput } from './validation';

/** Keyset cursor: created_at (microseconds, UTC) and id of the last row of the previous page. */
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const encodeCursor = (at: string, id: number | string) => Buffer.from(JSON.stringify([at, String(id)])).toString('base64url');
/** The instant exists (no 31 February, no year 0): JavaScript is laxer than PostgreSQL about both. */
const realInstant = (at: string): boolean => {
  const ms = Date.parse(at);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === at.slice(0, 19) && at >= '1970';
};
function decodeCursor(cursor: string): [string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && CURSOR_AT.test(v[0]) && typeof v[1] === 'string' && /^[1-9][0-9]{0,15}$/.test(v[1]) && realInstant(v[0])
      ? [v[0], v[1]]
      : null;
  } catch {
    return null;
  }
}

export const feedQuerySchema = z.strictObject({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: unread only; false or absent: all'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(300)
    .refine((c) => decodeCursor(c) !== null, 'is not a cursor returned by this API')
    .optional(),
});
export const notificationIdParam = z.strictObject({ id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a notification id') });
/** Marking read takes no body; anything sent is refused rather than ignored. */
const noBody = z.strictObject({});

export const notificationPreferencesSchema = z.strictObject({
  email: z
    .record(z.string().max(100).meta({ enum: [...TEMPLATE_IDS] }), z.boolean('must be true or false'))
    .refine((m) => Object.keys(m).length <= TEMPLATE_IDS.length, `must name at most ${TEMPLATE_IDS.length} templates`)
    .describe('template id → send (true) or not (false); templates left out keep their setting'),
});

export const satisfactionSchema = z.strictObject({
  token: z.string().min(1, 'is required').max(500),
  rating: z.number('must be a whole number 1–5').int('must be a whole number 1–5').min(1, 'must be at least 1').max(5, 'must be at most 5'),
  comment: z
    .string()
    .trim()
    .max(2000, 'must be at most 2000 characters')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .nullable()
    .optional(),
});

const STAFF_TEMPLATE_IDS = TEMPLATE_IDS.filter((id) => EMAIL_TEMPLATES[id].audience === 'staff');

/** The templates a person may receive, and so may switch off: customers get customer templates only. */
const templatesFor = (p: Principal): TemplateId[] => (isCustomer(p) ? TEMPLATE_IDS.filter((id) => EMAIL_TEMPLATES[id].audience === 'customer') : [...TEMPLATE_IDS]);

/**
 * The caller's own rows, and for a customer only rows about public events: the outbox never queues an internal
 * event for a customer, but the feed does not rely on that alone.
 */
function ownRows(db: Db, p: Principal): Knex.QueryBuilder {
  const q = db('notifications as n').where('n.recipient_id', p.id);
  if (isCustomer(p)) {
    q.whereNotIn('n.template', STAFF_TEMPLATE_IDS).where((w) =>
      w
        .where((x) => x.whereNull('n.ticket_id').whereNull('n.event_seq'))
        .orWhereExists(db('ticket_events as e').select(db.raw('1')).whereRaw('e.ticket_id = n.ticket_id AND e.seq = n.event_seq').where('e.visibility', 'public')),
    );
  }
  return q;
}

async function effectivePreferences(db: Db, p: Principal): Promise<{ email: Record<string, boolean> }> {
  const row = await db('users').where({ id: p.id }).first('email_preferences');
  const stored = (row?.email_preferences ?? {}) as Record<string, unknown>;
  // A template without a stored choice is sent.
  return { email: Object.fromEntries(templatesFor(p).map((id) => [id, !Object.hasOwn(stored, id) || stored[id] !== false])) };
}

/**
 * The rating given through the signed link in the closing e-mail (the API and the portal's /satisfaction page):
 * the token names the ticket and its requester; a ticket is rated once, and only once it is closed.
 */
export async function rateBySatisfactionLink(db: Db, authSecret: string, body: z.infer<typeof satisfactionSchema>) {
  const claim = verifySatisfactionToken(authSecret, body.token);
  if (!claim) throw forbidden('The satisfaction link is invalid or has expired');
  const ticket = await db('tickets').where({ id: claim.ticketId }).first('id', 'number', 'status', 'requester_id', 'satisfaction_rating');
  if (!ticket) throw notFound('Ticket');
  if (ticket.requester_id !== claim.userId) throw forbidden('The satisfaction link is invalid or has expired');
  if (ticket.satisfaction_rating !== null) throw conflict('already-rated', 'This ticket has already been rated; thank you');
  if (ticket.status !== 'closed') throw conflict('ticket-not-closed', 'A ticket can be rated once it is closed');
  const comment = body.comment ? body.comment : null;
  // One use, also under concurrent submissions: only the update that finds no rating yet wins.
  const [rated] = await db('tickets')
    .where({ id: ticket.id, status: 'closed' })
    .whereNull('satisfaction_rating')
    .update({ satisfaction_rating: body.rating, satisfaction_comment: comment, satisfaction_at: db.fn.now() })
    .returning(['satisfaction_at']);
  if (!rated) throw conflict('already-rated', 'This ticket has already been rated; thank you');
  return { ticketId: ticket.id as string, ticketNumber: formatTicketNumber(Number(ticket.number)), rating: body.rating, comment, ratedAt: new Date(rated.satisfaction_at).toISOString() };
}

export interface NotificationsRouterDeps {
  db: Db;
  /** Signs and verifies the links in e-mails (satisfaction survey). */
  authSecret: string;
}

export function createNotificationsRouter(deps: NotificationsRouterDeps): Router {
  const { db } = deps;
  const r = Router();

  r.get('/notifications', async (req, res) => {
    const p = principal(res);
    const q = parseInput(feedQuerySchema, req.query, 'query');
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    const [rows, unread] = await Promise.all([
      ownRows(db, p)
        .leftJoin('tickets as t', 't.id', 'n.ticket_id')
        .modify((b) => {
          if (q.unread) b.whereNull('n.read_at');
          if (after) b.whereRaw('(n.created_at, n.id) < (?::timestamptz, ?::bigint)', after);
        })
        .orderBy([
          { column: 'n.created_at', order: 'desc' },
          { column: 'n.id', order: 'desc' },
        ])
        .limit(q.limit + 1)
        .select('n.id', 'n.template', 'n.ticket_id', 'n.created_at', 'n.read_at', 't.number', 't.title', db.raw(`to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`)),
      ownRows(db, p).whereNull('n.read_at').count('* as n').first(),
    ]);
    const page = rows.slice(0, q.limit) as Array<Record<string, any>>;
    const last = page[page.length - 1];
    res.json({
      items: page.map((n) => ({
        id: String(n.id),
        template: n.template,
        ticketId: n.ticket_id,
        ticketNumber: n.number === null ? null : formatTicketNumber(Number(n.number)),
        ticketTitle: n.title,
        at: new Date(n.created_at).toISOString(),
        read: n.read_at !== null,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursor_at, last.id) : null,
      unreadCount: Number(unread?.n ?? 0),
    });
  });

  r.post('/notifications/read-all', async (req, res) => {
    const p = principal(res);
    parseInput(noBody, req.body, 'body');
    await ownRows(db, p).whereNull('n.read_at').update({ read_at: db.fn.now() });
    res.status(204).end();
  });

  r.post('/notifications/:id/read', async (req, res) => {
    const p = principal(res);
    const { id } = parseInput(notificationIdParam, req.params, 'params');
    parseInput(noBody, req.body, 'body');
    // Another person's notification is "not found", exactly like a missing one; reading twice keeps the first time.
    const updated = await ownRows(db, p)
      .where('n.id', id)
      .update({ read_at: db.raw('coalesce(n.read_at, now())') });
    if (!updated) throw notFound('Notification');
    res.status(204).end();
  });

  r.get('/me/notification-preferences', async (_req, res) => {
    res.json(await effectivePreferences(db, principal(res)));
  });

  r.put('/me/notification-preferences', async (req, res) => {
    const p = principal(res);
    const body = parseInput(notificationPreferencesSchema, req.body, 'body');
    const allowed = new Set<string>(templatesFor(p));
    const problems: FieldProblem[] = Object.keys(body.email)
      .filter((id) => !allowed.has(id))
      .map((id) => ({
        field: `body.email.${id}`,
        message: Object.hasOwn(EMAIL_TEMPLATES, id) ? 'is not an e-mail you receive in your role' : 'is not a known e-mail template',
      }));
    if (problems.length) throw badRequest(problems);
    if (Object.keys(body.email).length) {
      await db('users')
        .where({ id: p.id })
        .update({ email_preferences: db.raw('email_preferences || ?::jsonb', [JSON.stringify(body.email)]), updated_at: db.fn.now() });
    }
    res.json(await effectivePreferences(db, p));
  });

  // Anonymous on purpose: the signed link from the closing e-mail is the authority, not a session.
  r.post('/satisfaction', async (req, res) => {
    res.json(await rateBySatisfactionLink(db, deps.authSecret, parseInput(satisfactionSchema, req.body, 'body')));
  });

  return r;
}
