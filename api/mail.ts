/**
 * Unassigned mail (issue #13 §3): mail whose sender we could not place waits here for staff, who open a ticket from
 * it for a customer's requester or dismiss it. Agents, managers and admins only.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { openTicketFromUnassignedMail } from '../activities/mail/inbound';
import type { AttachmentStorage } from '../db/attachments';
import type { Db } from '../db/connection';
import { claimUnassignedMail, getInboundMail, listUnassignedMail, settleUnassignedMail, type InboundMail } from '../db/inbound-mail';
import { findActiveUserByEmail } from '../db/users';
import { isStaff, type Principal } from '../domain/access';
import { uuid } from '../domain/text';
import { listPageQuery } from './admin-customers';
import { principal } from './auth';
import { badRequest, conflict, forbidden, notFound } from './errors';
import type { Logger } from './ports';
import { parseInput } from './validation';

export const inboundMailIdParam = z.strictObject({ id: uuid() });
export const assignMailSchema = z.strictObject({ customerId: uuid(), requesterId: uuid() });

export interface MailRouterDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  /** where the files of a mail go when staff open a ticket from it */
  attachments: AttachmentStorage;
}

function requireStaff(p: Principal): void {
  if (!isStaff(p)) throw forbidden('Only staff handle unassigned mail');
}

/** The unassigned mail named, or 404 (409 when someone already decided on it). */
async function unassigned(db: Db, id: string): Promise<InboundMail> {
  const mail = await getInboundMail(db, id);
  if (!mail || !['unassigned', 'assigning', 'assigned', 'dismissed'].includes(mail.status)) throw notFound('Unassigned mail');
  return mail;
}

/** Opens a ticket from unassigned mail for the requester (once), or dismisses it; shared by the API and the desk page. */
export async function decideUnassignedMail(deps: MailRouterDeps, staff: Principal, id: string, decision: { assign: { customerId: string; requesterId: string } } | { dismiss: true }): Promise<InboundMail> {
  requireStaff(staff);
  const mail = await unassigned(deps.db, id);
  if ('assign' in decision) {
    if (mail.status === 'assigned') return mail;
    const requesterRow = await deps.db('users').where({ id: decision.assign.requesterId, customer_id: decision.assign.customerId }).whereNull('disabled_at').first('email');
    const requester = requesterRow ? (await findActiveUserByEmail(deps.db, requesterRow.email))?.principal : undefined;
    if (!requester) throw badRequest([{ field: 'body.requesterId', message: 'is not an active user of that customer' }]);
    if (!(await claimUnassignedMail(deps.db, id, staff.id))) throw conflict('mail-decided', `This mail is already ${mail.status}`);
    try {
      const opened = await openTicketFromUnassignedMail({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log, blobStore: deps.attachments.store, attachmentLimits: deps.attachments.limits }, id, staff, requester);
      await settleUnassignedMail(deps.db, id, staff.id, { status: 'assigned', ticketId: opened.ticketId, outcome: 'ticket-created' });
    } catch (err) {
      await settleUnassignedMail(deps.db, id, staff.id, { status: 'unassigned', outcome: 'not-answered' });
      throw err;
    }
  } else {
    if (mail.status === 'dismissed') return mail;
    if (!(await claimUnassignedMail(deps.db, id, staff.id))) throw conflict('mail-decided', `This mail is already ${mail.status}`);
    await settleUnassignedMail(deps.db, id, staff.id, { status: 'dismissed' });
  }
  return (await getInboundMail(deps.db, id))!;
}

export function createMailRouter(deps: MailRouterDeps): Router {
  const r = Router();
  r.get('/mail/unassigned', async (req, res) => {
    requireStaff(principal(res));
    res.json(await listUnassignedMail(deps.db, parseInput(listPageQuery, req.query, 'query')));
  });
  r.post('/mail/unassigned/:id/assign', async (req, res) => {
    const staff = principal(res);
    requireStaff(staff);
    const { id } = parseInput(inboundMailIdParam, req.params, 'params');
    const body = parseInput(assignMailSchema, req.body, 'body');
    res.json(await decideUnassignedMail(deps, staff, id, { assign: body }));
  });
  r.post('/mail/unassigned/:id/dismiss', async (req, res) => {
    const staff = principal(res);
    requireStaff(staff);
    const { id } = parseInput(inboundMailIdParam, req.params, 'params');
    parseInput(z.strictObject({}), req.body ?? {}, 'body');
    res.json(await decideUnassignedMail(deps, staff, id, { dismiss: true }));
  });
  return r;
}
