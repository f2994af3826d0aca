/**
 * Attachment bytes in S3-compatible object storage (AWS S3, MinIO, Ceph, moto…), with the official AWS SDK client.
 * Path-style addressing by default, which every S3-compatible server understands; the row in `attachments` stays in
 * PostgreSQL and names the object (`storage = 's3'`, `storage_key`).
 */
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pgBlobStore, type AttachmentLimits, type AttachmentStorage, type BlobStore } from './attachments';

/** Where the objects go (parsed from S3_URL by scripts/config.ts). */
export interface S3Settings {
  /** e.g. http://127.0.0.1:9000; absent for AWS itself (the SDK derives it from the region) */
  endpoint?: string;
  region: string;
  bucket: string;
  /** key prefix inside the bucket, '' or ending in '/' */
  prefix: string;
  /** absent: the SDK's default chain (environment, instance role…) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

export interface S3BlobStore extends BlobStore {
  readonly kind: 's3';
  /** Fails with a clear message when the bucket cannot be reached; `create` makes it when missing (tests, dev). */
  checkBucket(opts?: { create?: boolean }): Promise<void>;
  destroy(): void;
}

export function s3BlobStore(settings: S3Settings): S3BlobStore {
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    // A copy: the SDK annotates the credentials object it is given.
    ...(settings.credentials ? { credentials: { ...settings.credentials } } : {}),
    forcePathStyle: settings.forcePathStyle,
    // Bodies are Buffers of known length: no checksum streaming trailers, which not every S3-compatible server takes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = settings.bucket;
  const objectKey = (key: string) => `${settings.prefix}${key}`;
  return {
    kind: 's3',
    keyFor: (ticketId, attachmentId) => `tickets/${ticketId}/${attachmentId}`,
    async put(_conn, key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: objectKey(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
    },
    async get(_conn, key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        if (!out.Body) throw new Error(`object ${key} has no body`);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey) throw new Error(`attachment object ${key} is missing from bucket ${Bucket}`, { cause: err });
        throw err;
      }
    },
    async remove(_conn, key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    async checkBucket(opts = {}) {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 && opts.create) {
          await client.send(new CreateBucketCommand({ Bucket }));
          return;
        }
        throw new Error(`S3 bucket ${Bucket} is not usable${settings.endpoint ? ` at ${settings.endpoint}` : ''}: ${status ? `HTTP ${status}` : (err as Error).message}`, { cause: err });
      }
    },
    destroy: () => client.destroy(),
  };
}

/** What the config says about attachments (scripts/config.ts `attachments`). */
export interface AttachmentSettings {
  limits: AttachmentLimits;
  /** set when S3_URL is: new files go to object storage */
  s3?: S3Settings;
}

/**
 * The storage every process that handles files uses (API, portal, the worker's inbound mail): new files in S3 when
 * it is configured, else in PostgreSQL; files already in PostgreSQL stay readable after switching to S3.
 */
export function attachmentStorageFromConfig(cfg: AttachmentSettings): AttachmentStorage & { s3?: S3BlobStore; close(): void } {
  if (!cfg.s3) return { store: pgBlobStore, stores: { pg: pgBlobStore }, limits: cfg.limits, close: () => undefined };
  const s3 = s3BlobStore(cfg.s3);
  return { store: s3, stores: { pg: pgBlobStore, s3 }, limits: cfg.limits, s3, close: () => s3.destroy() };
}

