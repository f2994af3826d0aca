/**
 * Attachment storage for a process (API, worker, `npm start`): the store the config chooses — S3 when S3_URL is set,
 * checked at start-up so a wrong bucket or key stops the process with a clear message — and, in the worker, the
 * periodic removal of files uploaded for an action that never recorded them.
 */
import type { Db } from '../../db/connection';
import { removeAbandonedStaged, type AttachmentStorage } from '../../db/attachments';
import { attachmentStorageFromConfig } from '../../db/s3-blob-store';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';

export async function openAttachmentStorage(cfg: Pick<AppConfig, 'attachments'>, log: Logger): Promise<AttachmentStorage & { close(): void }> {
  const storage = attachmentStorageFromConfig(cfg.attachments);
  if (storage.s3) {
    try {
      await storage.s3.checkBucket();
    } catch (err) {
      storage.close();
      throw new Error(`S3_URL: ${(err as Error).message}`, { cause: err });
    }
    log.info({ bucket: cfg.attachments.s3?.bucket, endpoint: cfg.attachments.s3?.endpoint ?? 'AWS' }, 'attachments in S3-compatible object storage');
  }
  return storage;
}

/** Removes abandoned staged files now and then (every quarter of their time to live, at most hourly). */
export function startStagedSweeper(db: Db, storage: AttachmentStorage, ttlMs: number, log: Logger): { stop(): void } {
  const sweep = async () => {
    try {
      const removed = await removeAbandonedStaged(db, storage, ttlMs);
      if (removed) log.info({ removed }, 'removed abandoned staged attachments');
    } catch (err) {
      log.warn({ err }, 'removing abandoned staged attachments failed; retried later');
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(ttlMs / 4, 3_600_000));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
