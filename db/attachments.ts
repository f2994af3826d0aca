/**
 * Files on tickets. One interface (BlobStore) keeps the bytes: in PostgreSQL (`attachment_blobs`, the embedded
 * default) or in S3-compatible object storage (db/s3-blob-store.ts, when S3_URL is set). The `attachments` row says
 * which ticket, who uploaded it, what it is (type detected from the content, never from the name) and — once the
 * event carrying it is recorded — that event's seq and visibility, which decide who may download it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { filetypeinfo } from 'magic-bytes.js';
import sanitize from 'sanitize-filename';
import type { Knex } from 'knex';
import type { AttachmentRef } from '../domain/attachments';
import { MAX_FILES_PER_EVENT } from '../domain/attachments';
import { storableText } from '../domain/text';
import type { Db } from './connection';

type Conn = Db | Knex.Transaction;

export interface BlobStore {
  readonly kind: 'pg' | 's3';
  /** The key under which a file's bytes are kept (recorded on its row). */
  keyFor(ticketId: string, attachmentId: string): string;
  /** Stores the bytes, after their row is inserted (in the same transaction: a failed put leaves no row). */
  put(conn: Conn, key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(conn: Conn, key: string): Promise<Buffer>;
  remove(conn: Conn, key: string): Promise<void>;
}

/** The embedded default: bytes in PostgreSQL, in the same transaction as their row. */
export const pgBlobStore: BlobStore = {
  kind: 'pg',
  keyFor: (_ticketId, attachmentId) => attachmentId,
  async put(conn, key, bytes) {
    await conn('attachment_blobs').insert({ attachment_id: key, content: bytes }).onConflict('attachment_id').ignore();
  },
  async get(conn, key) {
    const row = await conn('attachment_blobs').where({ attachment_id: key }).first('content');
    if (!row) throw new Error(`attachment ${key} has no stored content`);
    return row.content as Buffer;
  },
  async remove(conn, key) {
    await conn('attachment_blobs').where({ attachment_id: key }).delete();
  },
};

export interface AttachmentLimits {
  /** bytes per file */
  maxFileBytes: number;
  /** bytes per ticket, all its files together */
  maxTicketBytes: number;
}
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxFileBytes: 10 * 1024 * 1024, maxTicketBytes: 100 * 1024 * 1024 };

/** A file over a limit: the API answers 413 with this message. */
export class AttachmentLimitError extends Error {
  constructor(
    message: string,
    readonly limit: 'file' | 'ticket' | 'count',
  ) {
    super(message);
  }
}

/** A size as the limit messages say it (10 MiB, 2.5 MiB). */
export const mib = (n: number) => (n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KiB` : `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`);

/** A name safe to store and to send back in Content-Disposition: no path, no control characters, bounded. */
export function safeFilename(name: string | undefined | null): string {
  const base = storableText(
    String(name ?? '')
      .normalize('NFC')
      .split(/[\\/]/)
      .pop()!
      // eslint-disable-next-line no-control-regex -- control characters are what is removed
      .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
      .trim(),
  );
  // Bounded before sanitize-filename (which cuts at 255 bytes, extension and all): at most 180 characters and
  // 240 UTF-8 bytes, the extension kept.
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 12 ? base.slice(dot) : '';
  const chars = Array.from(ext ? base.slice(0, dot) : base).slice(0, 180 - ext.length);
  while (chars.length && Buffer.byteLength(chars.join('') + ext) > 240) chars.pop();
  const stem = chars.join('');
  const clean = sanitize(stem + ext, { replacement: '_' }).replace(/^\.+/, '');
  return clean || 'attachment';
}

/**
 * The file's type from its bytes (magic numbers). Text without a signature is text/plain when it is valid UTF-8
 * without NUL; anything else unknown is application/octet-stream. The name or the sender's claim is never trusted.
 */
export function detectContentType(bytes: Buffer): string {
  const found = filetypeinfo(new Uint8Array(bytes.subarray(0, 4100)))
    .map((t) => t.mime)
    .filter((m): m is string => Boolean(m));
  if (found.length) return found.includes('image/png') ? 'image/png' : found[0];
  if (bytes.length === 0) return 'application/octet-stream';
  const head = bytes.subarray(0, 64 * 1024);
  if (head.includes(0)) return 'application/octet-stream';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.length < bytes.length ? head.subarray(0, lastCompleteUtf8(head)) : head);
    return 'text/plain';
  } catch {
    return 'application/octet-stream';
  }
}

/** Where a cut of UTF-8 bytes ends on a whole character. */
function lastCompleteUtf8(b: Buffer): number {
  let i = b.length;
  let back = 0;
  while (i > 0 && back < 4 && (b[i - 1] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  return i > 0 && b[i - 1] >= 0xc0 ? i - 1 : b.length;
}

export interface IncomingFile {
  filename: string | undefined | null;
  bytes: Buffer;
}

interface AttachmentRow {
  id: string;
  ticket_id: string;
  event_seq: number | null;
  visibility: 'public' | 'internal' | null;
  uploaded_by: string | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  storage: 'pg' | 's3';
  storage_key: string;
  created_at: Date;
}

export interface Attachment {
  id: string;
  ticketId: string;
  eventSeq: number | null;
  visibility: 'public' | 'internal' | null;
  uploadedBy: string | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storage: 'pg' | 's3';
  storageKey: string;
  createdAt: string;
}

const toAttachment = (r: AttachmentRow): Attachment => ({
  id: r.id,
  ticketId: r.ticket_id,
  eventSeq: r.event_seq,
  visibility: r.visibility,
  uploadedBy: r.uploaded_by,
  name: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  storage: r.storage,
  storageKey: r.storage_key,
  createdAt: new Date(r.created_at).toISOString(),
});

export const refOf = (a: Attachment): AttachmentRef => ({ id: a.id, name: a.name, size: a.size, contentType: a.contentType });

/** Bytes already on a ticket (staged or carried), for the per-ticket limit. */
export async function ticketBytes(conn: Conn, ticketId: string): Promise<number> {
  const row = await conn('attachments').where({ ticket_id: ticketId }).sum({ total: 'size' }).first();
  return Number(row?.total ?? 0);
}

/** Checks the limits before anything is stored; throws AttachmentLimitError naming the file and the limit. */
export async function checkLimits(conn: Conn, ticketId: string | null, files: readonly IncomingFile[], limits: AttachmentLimits): Promise<void> {
  if (files.length > MAX_FILES_PER_EVENT) throw new AttachmentLimitError(`At most ${MAX_FILES_PER_EVENT} files can be attached at once (${files.length} were sent)`, 'count');
  for (const f of files) {
    if (f.bytes.length > limits.maxFileBytes) {
      throw new AttachmentLimitError(`The file "${safeFilename(f.filename)}" is ${mib(f.bytes.length)}; a file may be at most ${mib(limits.maxFileBytes)}`, 'file');
    }
  }
  const adding = files.reduce((n, f) => n + f.bytes.length, 0);
  const existing = ticketId ? await ticketBytes(conn, ticketId) : 0;
  if (existing + adding > limits.maxTicketBytes) {
    throw new AttachmentLimitError(`A ticket's files may be at most ${mib(limits.maxTicketBytes)} together; this ticket has ${mib(existing)} and these files add ${mib(adding)}`, 'ticket');
  }
}

/**
 * Stores files for a ticket, not yet on any event ("staged"): only their uploader may use them, by naming their ids
 * in an action (lookup kind `attachments`), which puts them on its event. Returns their references in order.
 * With the PostgreSQL store the bytes go in the same transaction as the rows.
 */
export async function stageAttachments(
  conn: Conn,
  store: BlobStore,
  args: { ticketId: string; uploadedBy: string | null; source: 'portal' | 'api' | 'email'; files: readonly IncomingFile[]; limits: AttachmentLimits; ids?: readonly string[] },
): Promise<AttachmentRef[]> {
  await checkLimits(conn, args.ticketId, args.files, args.limits);
  const refs: AttachmentRef[] = [];
  for (const [i, f] of args.files.entries()) {
    const id = args.ids?.[i] ?? randomUUID();
    const contentType = detectContentType(f.bytes);
    const key = store.keyFor(args.ticketId, id);
    const row = {
      id,
      ticket_id: args.ticketId,
      uploaded_by: args.uploadedBy,
      source: args.source,
      filename: safeFilename(f.filename),
      content_type: contentType,
      size: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
      storage: store.kind,
      storage_key: key,
      // The wall clock, not the transaction's start: files of one upload keep their order.
      created_at: conn.raw('clock_timestamp()'),
    };
    // The row first: the PostgreSQL store's blob references it; object storage is written inside the transaction.
    await conn('attachments').insert(row).onConflict('id').ignore();
    await store.put(conn, key, f.bytes, contentType);
    refs.push({ id, name: row.filename, size: row.size, contentType });
  }
  return refs;
}

/**
 * The staged files an action names: each must be on this ticket, uploaded by this person, and not yet on an event.
 * Returns their references, or the reason one is not usable.
 */
export async function stagedFiles(conn: Conn, ticketId: string, uploadedBy: string, ids: readonly string[]): Promise<{ refs: AttachmentRef[] } | { refused: string }> {
  if (!ids.length) return { refs: [] };
  const rows: AttachmentRow[] = await conn('attachments').whereIn('id', [...new Set(ids)]).where({ ticket_id: ticketId });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const refs: AttachmentRef[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || r.uploaded_by !== uploadedBy) return { refused: `There is no uploaded file ${id} of yours on this ticket` };
    if (r.event_seq !== null) return { refused: `The file ${id} is already on the ticket's timeline` };
    refs.push(refOf(toAttachment(r)));
  }
  return { refs };
}

/** Puts files on the event that carries them (called by the projection in the event's transaction). */
export async function linkAttachments(trx: Knex.Transaction, ticketId: string, seq: number, visibility: 'public' | 'internal', ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await trx('attachments').whereIn('id', [...ids]).where({ ticket_id: ticketId }).whereNull('event_seq').update({ event_seq: seq, visibility });
}

export async function getAttachment(conn: Conn, ticketId: string, attachmentId: string): Promise<Attachment | undefined> {
  const row: AttachmentRow | undefined = await conn('attachments').where({ id: attachmentId, ticket_id: ticketId }).first();
  return row ? toAttachment(row) : undefined;
}

/**
 * Whether a person may download a file: staff any file on an event; a customer only a public event's file; the
 * uploader also their own staged file. The ticket's own scope (organisation) is checked by the caller first.
 */
export function mayDownload(a: Attachment, who: { id: string; staff: boolean }): boolean {
  if (a.eventSeq === null) return a.uploadedBy === who.id;
  return who.staff || a.visibility === 'public';
}

/** Staged files nobody put on an event (the upload's action failed or the process died) are removed after a while. */
export async function removeAbandonedStaged(conn: Db, storage: Pick<AttachmentStorage, 'stores'>, olderThanMs: number): Promise<number> {
  const rows: AttachmentRow[] = await conn('attachments')
    .whereNull('event_seq')
    .where('created_at', '<', new Date(Date.now() - olderThanMs))
    .limit(500);
  let removed = 0;
  for (const r of rows) {
    // The row first, and only while it is still staged: a file that an event took meanwhile keeps its bytes.
    const deleted = await conn('attachments').where({ id: r.id }).whereNull('event_seq').delete();
    if (!deleted) continue;
    removed++;
    // The PostgreSQL blob went with its row (ON DELETE CASCADE); an object is removed from its store.
    if (r.storage !== 'pg') await storage.stores[r.storage]?.remove(conn, r.storage_key);
  }
  return removed;
}

export async function readAttachmentBytes(conn: Conn, stores: Partial<Record<'pg' | 's3', BlobStore>>, a: Attachment): Promise<Buffer> {
  const store = stores[a.storage];
  if (!store) throw new Error(`attachment ${a.id} is kept in ${a.storage}, which is not configured`);
  return store.get(conn, a.storageKey);
}

/**
 * Everything that handles files needs the same three things: where new files go, every store old files may be in
 * (a switch to S3 keeps the PostgreSQL-stored files readable), and the limits.
 */
export interface AttachmentStorage {
  store: BlobStore;
  stores: Partial<Record<'pg' | 's3', BlobStore>>;
  limits: AttachmentLimits;
}

/** The embedded default: PostgreSQL, default limits. */
export const pgAttachmentStorage = (limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): AttachmentStorage => ({ store: pgBlobStore, stores: { pg: pgBlobStore }, limits });

/** Removes files that were staged for an action that then failed (not those already on an event). */
export async function removeStagedFiles(conn: Db, storage: AttachmentStorage, ticketId: string, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const rows: AttachmentRow[] = await conn('attachments').whereIn('id', [...ids]).where({ ticket_id: ticketId }).whereNull('event_seq');
  for (const r of rows) {
    const deleted = await conn('attachments').where({ id: r.id }).whereNull('event_seq').delete();
    // The PostgreSQL blob goes with its row (ON DELETE CASCADE); an object in S3 is removed once its row is gone.
    if (deleted && r.storage !== 'pg') await storage.stores[r.storage]?.remove(conn, r.storage_key);
  }
}

/** A page of a ticket's files on events, in timeline order (event, then upload order); customers get public ones only. */
export async function pageAttachments(conn: Conn, ticketId: string, opts: { publicOnly: boolean; limit: number; afterId?: string }): Promise<{ items: Attachment[]; nextAfterId: string | null }> {
  const q = conn('attachments').where({ ticket_id: ticketId }).whereNotNull('event_seq').orderBy([{ column: 'event_seq' }, { column: 'created_at' }, { column: 'id' }]).limit(opts.limit + 1);
  if (opts.publicOnly) q.where({ visibility: 'public' });
  if (opts.afterId) q.whereRaw('(event_seq, created_at, id) > (SELECT event_seq, created_at, id FROM attachments WHERE id = ?::uuid AND ticket_id = ?::uuid)', [opts.afterId, ticketId]);
  const rows = ((await q) as AttachmentRow[]).map(toAttachment);
  const items = rows.slice(0, opts.limit);
  return { items, nextAfterId: rows.length > opts.limit ? items[items.length - 1].id : null };
}

/** The files of a ticket with these ids, in the given order (after their action: with their event). */
export async function attachmentsByIds(conn: Conn, ticketId: string, ids: readonly string[]): Promise<Attachment[]> {
  if (!ids.length) return [];
  const rows: AttachmentRow[] = await conn('attachments').whereIn('id', [...ids]).where({ ticket_id: ticketId });
  const byId = new Map(rows.map((r) => [r.id, toAttachment(r)]));
  return ids.map((id) => byId.get(id)).filter((a): a is Attachment => !!a);
}

/** The files one event carries. */
export async function attachmentsOfEvent(conn: Conn, ticketId: string, seq: number): Promise<Attachment[]> {
  const rows: AttachmentRow[] = await conn('attachments').where({ ticket_id: ticketId, event_seq: seq }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  return rows.map(toAttachment);
}
