/**
 * Files arriving with a request (API upload, portal forms): reading multipart/form-data with the limits enforced
 * while the bytes stream in, and staging the files for the action that carries them, removed again when that
 * action is refused. The rules of who may attach what, where, stay in the action registry (runTicketAction).
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import type { Db } from '../../db/connection';
import { AttachmentLimitError, mib, removeStagedFiles, safeFilename, stageAttachments, ticketBytes, type AttachmentStorage, type IncomingFile } from '../../db/attachments';
import { MAX_FILES_PER_EVENT, type AttachmentRef } from '../../domain/attachments';
import { badRequest, ProblemError } from '../errors';
import { isStorableText, storableText, UNSTORABLE_TEXT } from '../../domain/text';

export interface UploadedFile extends IncomingFile {
  /** the form field it came in */
  field: string;
  filename: string;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: UploadedFile[];
}

/** 413 with the limit's message: which file, which limit. */
export const tooLarge = (message: string, limit: 'file' | 'ticket' | 'field') => new ProblemError(413, 'attachment-too-large', 'Attachment too large', message, { limit });

/** Too many files: a 400 naming the part (the schema's maxItems), with `limit: count` so a form keeps what was typed. */
export const tooManyFiles = (): ProblemError => {
  const problem = badRequest([{ field: 'file', message: `must be at most ${MAX_FILES_PER_EVENT} files at once` }]);
  return new ProblemError(problem.status, problem.type, problem.title, problem.detail, { ...problem.extra, limit: 'count' });
};
/** A refusal of the files, not of the form: the portal shows it and keeps the fields typed. */
export const isFileRefusal = (err: unknown): err is ProblemError => err instanceof ProblemError && (err.status === 413 || err.extra.limit === 'count');

const FIELD_BYTES = 128 * 1024;

export interface MultipartLimits {
  maxFileBytes: number;
  /** what the ticket may still take, all files of this request together */
  budgetBytes: number;
  /** the form fields that carry files */
  fileFields: readonly string[];
  /** runs when the first file starts, with the fields before it (the portal checks its CSRF token there) */
  beforeFirstFile?: (fields: Record<string, string>) => void;
  /** where the fields go as they arrive (so a refused request still has those before the refused file) */
  fields?: Record<string, string>;
  /**
   * A field holding text that cannot be stored (NUL, an unpaired surrogate): `refuse` answers 400 naming it (the
   * API), `replace` keeps it with U+FFFD in place (the portal: what people typed is never lost).
   */
  unstorableText: 'refuse' | 'replace';
}

/**
 * Reads a multipart/form-data body. Limits are enforced as the bytes arrive: the request is refused (413) as soon
 * as a file passes the per-file limit or the files pass what the ticket may still take, and 400 for too many files;
 * nothing past the limit is kept in memory. A browser's empty file input (no name, no bytes) is no file.
 */
export function readMultipart(req: Request, limits: MultipartLimits): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limits.maxFileBytes, files: MAX_FILES_PER_EVENT, fields: 20, parts: MAX_FILES_PER_EVENT + 20, fieldSize: FIELD_BYTES },
      });
    } catch {
      reject(badRequest([{ field: 'body', message: 'is not multipart/form-data with a boundary' }]));
      return;
    }
    const fields: Record<string, string> = limits.fields ?? {};
    const files: UploadedFile[] = [];
    let total = 0;
    let started = false;
    let failed = false;
    let open = 0;
    let closed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // The rest of the body is read and dropped, so the client gets the answer instead of a reset connection.
      req.resume();
      reject(err);
    };
    const finish = () => {
      if (!failed && closed && open === 0) resolve({ fields, files });
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(tooLarge(`The field "${name}" is longer than ${FIELD_BYTES / 1024} KiB`, 'field'));
      if (!isStorableText(name) || !isStorableText(value)) {
        if (limits.unstorableText === 'refuse') return fail(badRequest([{ field: `body.${storableText(name)}`, message: UNSTORABLE_TEXT }]));
        fields[storableText(name)] = storableText(value);
        return;
      }
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (failed) return stream.resume();
      if (!limits.fileFields.includes(name)) {
        stream.resume();
        return fail(badRequest([{ field: `body.${name}`, message: `is not a file field; send files as ${limits.fileFields.join(' or ')}` }]));
      }
      if (!started) {
        started = true;
        try {
          limits.beforeFirstFile?.(fields);
        } catch (err) {
          stream.resume();
          return fail(err);
        }
      }
      const shown = safeFilename(info.filename);
      const chunks: Buffer[] = [];
      open++;
      stream.on('data', (chunk: Buffer) => {
        if (failed) return;
        total += chunk.length;
        if (total > limits.budgetBytes) {
          fail(tooLarge(`These files would take the ticket past its limit: ${mib(limits.budgetBytes)} more may be attached to it`, 'ticket'));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(`The file "${shown}" is larger than ${mib(limits.maxFileBytes)}, the most one file may be`, 'file')));
      stream.on('error', fail);
      stream.on('end', () => {
        open--;
        const bytes = Buffer.concat(chunks);
        if (!failed && (info.filename || bytes.length)) files.push({ field: name, filename: info.filename ?? '', bytes });
        finish();
      });
    });
    // Too many files is a bad request (the schema's maxItems), not a size: 400 naming the part.
    parser.on('filesLimit', () => fail(tooManyFiles()));
    parser.on('partsLimit', () => fail(badRequest([{ field: 'body', message: 'has too many parts' }])));
    parser.on('fieldsLimit', () => fail(badRequest([{ field: 'body', message: 'has too many fields' }])));
    parser.on('error', () => fail(badRequest([{ field: 'body', message: 'is not valid multipart/form-data' }])));
    parser.on('close', () => {
      closed = true;
      finish();
    });
    req.pipe(parser);
  });
}

/** What the ticket may still take: the per-ticket limit less what it already holds (staged files included). */
export async function ticketBudget(db: Db, storage: AttachmentStorage, ticketId: string): Promise<number> {
  return Math.max(0, storage.limits.maxTicketBytes - (await ticketBytes(db, ticketId)));
}

/** Ids for files before they are stored, so the action's input can be checked (400) before anything is kept. */
export const newAttachmentIds = (files: readonly unknown[]): string[] => files.map(() => randomUUID());

/**
 * Stages the files (limits checked again inside the transaction), then runs the action that carries them; if the
 * action fails, the staged files are removed and the failure is passed on.
 */
export async function withStagedFiles<T>(
  deps: { db: Db; attachments: AttachmentStorage },
  args: { ticketId: string; uploadedBy: string; source: 'portal' | 'api'; files: readonly IncomingFile[]; ids: readonly string[] },
  action: (refs: AttachmentRef[]) => Promise<T>,
): Promise<{ result: T; refs: AttachmentRef[] }> {
  const { db, attachments } = deps;
  let refs: AttachmentRef[] = [];
  if (args.files.length) {
    try {
      refs = await db.transaction((trx) => stageAttachments(trx, attachments.store, { ticketId: args.ticketId, uploadedBy: args.uploadedBy, source: args.source, files: args.files, limits: attachments.limits, ids: args.ids }));
    } catch (err) {
      if (err instanceof AttachmentLimitError) throw err.limit === 'count' ? tooManyFiles() : tooLarge(err.message, err.limit);
      throw err;
    }
  }
  try {
    return { result: await action(refs), refs };
  } catch (err) {
    await removeStagedFiles(db, attachments, args.ticketId, args.ids);
    throw err;
  }
}
