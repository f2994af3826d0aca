/**
 * The door of inbound mail, shared by every way mail arrives (SMTP, the IMAP poller, the MTA's pipe): the raw message
 * is stored first — unique by its normalised Message-ID, or by the SHA-256 of its bytes when it has none — and only
 * then is its workflow started, with an id derived from the stored row. A redelivery finds the row and the workflow
 * and does nothing more. A crash between the two leaves a row without a workflow: the recovery sweep starts it.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { inboundMailWorkflowId, type InboundMailInput } from '../../workflows/definitions';
import type { Logger } from '../ports';
import { startPolling } from '../polling';
import { rootHeaders } from './parse';

export interface ReceiveDeps {
  db: Db;
  /** null when Temporal is not reachable (the MTA pipe): the message is stored and the sweep starts it */
  temporal: Client | null;
  taskQueue: string;
  log: Logger;
}

export interface ReceiveMeta {
  via: 'smtp' | 'imap' | 'relay';
  /** the SMTP envelope sender ('' for the null sender `<>`) */
  envelopeFrom?: string | null;
  envelopeTo?: readonly string[];
  /**
   * INBOUND_MAX_BYTES for paths that cannot refuse during the transfer (IMAP): a larger message is recorded as
   * `failed` ("larger than INBOUND_MAX_BYTES") without its body, and no workflow is started for it.
   */
  maxBytes?: number;
}

export interface Received {
  inboundMessageId: string;
  /** false for a redelivery of a message already stored */
  isNew: boolean;
  /** whether its workflow is known to run (false: Temporal was unreachable; the sweep starts it later) */
  started: boolean;
}

export const dedupeKeyOf = (messageId: string | null, raw: Buffer): string => (messageId ? `mid:${messageId}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`);

async function startWorkflow(deps: ReceiveDeps, id: string): Promise<boolean> {
  if (!deps.temporal) return false;
  try {
    await deps.temporal.workflow.start('inboundMailWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: inboundMailWorkflowId(id),
      args: [{ inboundMessageId: id } satisfies InboundMailInput],
      // A message is handled once: a finished workflow is never run again for it.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await deps.db('inbound_messages').where({ id }).whereNull('workflow_started_at').update({ workflow_started_at: deps.db.fn.now() });
  return true;
}

/**
 * Stores the message (throws only when it could not be stored: the sender must try again) and starts its workflow
 * (a failure to start is logged, not thrown: the message is safe and the sweep starts it).
 */
export async function receiveRawMessage(deps: ReceiveDeps, raw: Buffer, meta: ReceiveMeta): Promise<Received> {
  const { messageId } = await rootHeaders(raw);
  const key = dedupeKeyOf(messageId, raw);
  const tooLarge = meta.maxBytes !== undefined && raw.length > meta.maxBytes;
  const inserted: Array<{ id: string }> = await deps.db('inbound_messages')
    .insert({
      dedupe_key: key,
      message_id: messageId,
      received_via: meta.via,
      envelope_from: meta.envelopeFrom ?? null,
      envelope_to: [...(meta.envelopeTo ?? [])].map((a) => a.toLowerCase()),
      raw: tooLarge ? Buffer.alloc(0) : raw,
      size: raw.length,
      ...(tooLarge ? { status: 'failed', outcome: 'too-large', reason: `larger than INBOUND_MAX_BYTES (${raw.length} > ${meta.maxBytes} bytes)`, processed_at: deps.db.fn.now() } : {}),
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  const isNew = inserted.length === 1;
  const row = isNew ? inserted[0] : await deps.db('inbound_messages').where({ dedupe_key: key }).first('id', 'workflow_started_at', 'status');
  if (tooLarge) {
    if (isNew) deps.log.warn({ inboundMessageId: row.id, size: raw.length, maxBytes: meta.maxBytes }, 'inbound mail larger than INBOUND_MAX_BYTES recorded as failed, its body not stored');
    return { inboundMessageId: row.id, isNew, started: false };
  }
  if (!isNew && (row as { workflow_started_at?: Date | null }).workflow_started_at) return { inboundMessageId: row.id, isNew, started: true };
  try {
    return { inboundMessageId: row.id, isNew, started: await startWorkflow(deps, row.id) };
  } catch (err) {
    deps.log.warn({ inboundMessageId: row.id, err: (err as Error).message }, 'inbound mail stored; its workflow will be started by the sweep');
    return { inboundMessageId: row.id, isNew, started: false };
  }
}

/** Starts the workflows of stored messages that have none (older than `graceMs`, so the door has had its chance). */
export async function sweepUnstartedMail(deps: ReceiveDeps, opts: { graceMs?: number; limit?: number } = {}): Promise<number> {
  const rows: Array<{ id: string }> = await deps.db('inbound_messages')
    .whereNull('workflow_started_at')
    // A row already decided at the door (too large) needs no workflow.
    .where({ status: 'received' })
    .where('received_at', '<', new Date(Date.now() - (opts.graceMs ?? 30_000)))
    .orderBy('received_at')
    .limit(opts.limit ?? 200)
    .select('id');
  let started = 0;
  for (const r of rows) if (await startWorkflow(deps, r.id)) started++;
  if (started) deps.log.info({ started }, 'inbound mail recovery sweep started workflows');
  return started;
}

/** Runs the sweep every `everyMs` until stopped (in every worker process; the starts are idempotent). */
export function startMailSweep(deps: ReceiveDeps, everyMs = 30_000, graceMs = 30_000): { stop(): Promise<void> } {
  return startPolling({
    everyMs,
    firstDelayMs: Math.min(everyMs, 1_000),
    work: async () => void (await sweepUnstartedMail(deps, { graceMs })),
    onError: (err) => deps.log.warn({ err: err.message }, 'inbound mail recovery sweep failed'),
  });
}
