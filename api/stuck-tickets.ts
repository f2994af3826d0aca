/**
 * Stuck tickets: those whose timeline PostgreSQL refused for a reason waiting does not cure (activities/projection.ts
 * records them; the first write that succeeds clears them). Their workflows keep every event and their SLA timers and
 * try again (at most every 10 minutes), so what is fixed is picked up by itself. Managers and admins see the list, with
 * what was refused and why, to fix the cause; nobody else does (it names database errors).
 */
import { Router } from 'express';
import type { Db } from '../db/connection';
import type { Principal } from '../domain/access';
import { formatTicketNumber } from '../domain/tickets';
import { principal } from './auth';
import { forbidden } from './errors';
import { dashboardScope } from './dashboard';

/** Those who see every organisation's figures (the dashboard's rule) see the stuck tickets. */
export const mayListStuckTickets = (p: Principal): boolean => dashboardScope(p) === null;

export interface StuckTicket {
  ticketId: string;
  number: string;
  customerId: string;
  title: string;
  /** the timeline's events waiting to be written */
  events: { fromSeq: number; toSeq: number };
  attempts: number;
  error: { code: string | null; message: string };
  since: string;
  lastAttemptAt: string;
}

export async function listStuckTickets(db: Db): Promise<StuckTicket[]> {
  const rows = await db('projection_failures').orderBy([{ column: 'first_failed_at' }, { column: 'ticket_number' }]).limit(200);
  return rows.map((r: Record<string, any>) => ({
    ticketId: r.ticket_id,
    number: formatTicketNumber(Number(r.ticket_number)),
    customerId: r.customer_id,
    title: r.title,
    events: { fromSeq: r.from_seq, toSeq: r.to_seq },
    attempts: r.attempts,
    error: { code: r.error_code, message: r.error_message },
    since: new Date(r.first_failed_at).toISOString(),
    lastAttemptAt: new Date(r.last_failed_at).toISOString(),
  }));
}

export function createStuckTicketsRouter(deps: { db: Db }): Router {
  const r = Router();
  r.get('/stuck-tickets', async (_req, res) => {
    if (!mayListStuckTickets(principal(res))) throw forbidden('Stuck tickets are for managers and admins');
    res.json({ items: await listStuckTickets(deps.db) });
  });
  return r;
}
