/**
 * Files on tickets over the API: `POST /tickets/{id}/attachments` (multipart: one or more `file` parts, optional
 * `body` and `visibility`) is a comment carrying the files, run through the action registry like every comment;
 * `GET /tickets/{id}/attachments` lists the files the caller may see, `GET …/attachments/{attachmentId}` sends the
 * bytes. A file is visible exactly where its event is: another organisation's ticket, or an internal note's file
 * asked for by a customer, is 404 like a missing one.
 */
import { createHash } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { create as contentDisposition } from 'content-disposition';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { attachmentsByIds, attachmentsOfEvent, getAttachment, mayDownload, pageAttachments, readAttachmentBytes, removeStagedFiles, type Attachment, type AttachmentStorage } from '../db/attachments';
import { findTicket, type Ticket } from '../db/tickets';
import { isStaff, ticketScope } from '../domain/access';
import { isInlineImage, type AttachmentRef } from '../domain/attachments';
import { uuid } from '../domain/text';
import { principal } from './auth';
import { badRequest, notFound, ProblemError } from './errors';
import { idempotentCreate } from './idempotency';
import { newAttachmentIds, readMultipart, ticketBudget, withStagedFiles, type MultipartBody } from './services/attachments';
import { assertMayRun, commentBodySchema, runTicketAction } from './ticket-actions';
import { idempotencyHeadersSchema, parseInput, ticketIdParamSchema } from './validation';

/** The multipart part name of the files; the other fields are the comment action's (`body`, `visibility`). */
export const UPLOAD_FILE_FIELD = 'file';
export const attachmentParamsSchema = z.strictObject({ id: ticketIdParamSchema.shape.id, attachmentId: uuid() });
/** The cursor is the last file's id: the next page starts after it in timeline order. */
const CURSOR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const listAttachmentsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().regex(CURSOR, 'is not a cursor returned by this API').optional(),
});

export interface AttachmentsRouterDeps {
  db: Db;
  temporal: Client;
  attachments: AttachmentStorage;
}

export const attachmentHref = (ticketId: string, attachmentId: string) => `/api/v1/tickets/${ticketId}/attachments/${attachmentId}`;

/** A file as the API shows it (R.Attachment). */
export const toApiAttachment = (ticketId: string, a: AttachmentRef & { eventSeq: number | null; visibility: 'public' | 'internal' | null }) => ({
  id: a.id,
  name: a.name,
  size: a.size,
  contentType: a.contentType,
  eventSeq: a.eventSeq,
  visibility: a.visibility,
  href: attachmentHref(ticketId, a.id),
});
const fromRow = (a: Attachment) => toApiAttachment(a.ticketId, a);

interface Upload {
  ticket: Ticket;
  body: MultipartBody;
}

export function createAttachmentsRouter(deps: AttachmentsRouterDeps): Router {
  const r = Router();
  const { db, attachments } = deps;

  /**
   * Reads the upload once the caller may comment at all (403 first) and the ticket is theirs to see (404); the
   * request's files are then known, so the Idempotency-Key compares them (name, size, SHA-256) like a JSON body.
   */
  const receive: RequestHandler = async (req, res, next) => {
    try {
      const actor = principal(res);
      assertMayRun(actor, 'comment');
      const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
      if (!req.is('multipart/form-data')) throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'Files are uploaded as multipart/form-data, in parts named "file"');
      const ticket = await findTicket(db, ticketScope(actor), id);
      if (!ticket) throw notFound('Ticket');
      const body = await readMultipart(req, { maxFileBytes: attachments.limits.maxFileBytes, budgetBytes: await ticketBudget(db, attachments, ticket.id), fileFields: [UPLOAD_FILE_FIELD], unstorableText: 'refuse' });
      res.locals.upload = { ticket, body } satisfies Upload;
      req.body = { ...body.fields, files: body.files.map((f) => ({ name: f.filename, size: f.bytes.length, sha256: sha256(f.bytes) })) };
      next();
    } catch (err) {
      next(err);
    }
  };

  r.post('/tickets/:id/attachments', receive, idempotentCreate(db), async (req, res) => {
    const actor = principal(res);
    const { ticket, body } = res.locals.upload as Upload;
    if (!body.files.length) throw badRequest([{ field: `body.${UPLOAD_FILE_FIELD}`, message: 'at least one file is required' }]);
    const ids = newAttachmentIds(body.files);
    // The comment's own input rules (400) before anything is stored.
    const payload = parseInput(commentBodySchema, { ...body.fields, attachments: ids }, 'body') as Record<string, unknown>;
    const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
    const { result } = await withStagedFiles(deps, { ticketId: ticket.id, uploadedBy: actor.id, source: 'api', files: body.files, ids }, () => runTicketAction(deps, actor, ticket.id, 'comment', payload, key));
    if (result.duplicate) {
      // An earlier attempt with this key recorded the comment (its answer was lost): these copies are not on it.
      await removeStagedFiles(db, attachments, ticket.id, ids);
      return res.status(201).json({ ...result, attachments: (await attachmentsOfEvent(db, ticket.id, result.seq)).map(fromRow) });
    }
    // The workflow answers once the event is in the timeline, so the files are on it by now.
    res.status(201).json({ ...result, attachments: (await attachmentsByIds(db, ticket.id, ids)).map(fromRow) });
  });

  r.get('/tickets/:id/attachments', async (req, res) => {
    const actor = principal(res);
    const { id } = parseInput(ticketIdParamSchema, req.params, 'params');
    const q = parseInput(listAttachmentsQuerySchema, req.query, 'query');
    const ticket = await findTicket(db, ticketScope(actor), id);
    if (!ticket) throw notFound('Ticket');
    const page = await pageAttachments(db, ticket.id, { publicOnly: !isStaff(actor), limit: q.limit, afterId: q.cursor });
    res.json({ items: page.items.map(fromRow), nextCursor: page.nextAfterId });
  });

  r.get('/tickets/:id/attachments/:attachmentId', async (req, res) => {
    const actor = principal(res);
    const { id, attachmentId } = parseInput(attachmentParamsSchema, req.params, 'params');
    const ticket = await findTicket(db, ticketScope(actor), id);
    if (!ticket) throw notFound('Ticket');
    const file = await getAttachment(db, ticket.id, attachmentId);
    // A file the caller may not see is exactly like one that does not exist.
    if (!file || !mayDownload(file, { id: actor.id, staff: isStaff(actor) })) throw notFound('Attachment');
    const bytes = await readAttachmentBytes(db, attachments.stores, file);
    const inline = isInlineImage(file.contentType);
    res.setHeader('Content-Type', file.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : file.contentType);
    res.setHeader('Content-Disposition', contentDisposition(file.name, { type: inline ? 'inline' : 'attachment' }));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Opened in a tab, the file is a document of its own: no scripts, no plugins, nothing loaded from anywhere.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private');
    res.status(200).send(bytes);
  });

  return r;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
