/**
 * The one place configuration is read. Every process parses the environment through this schema at start-up and
 * stops with the name of the bad variable; nothing else in the code base reads process.env.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AttachmentSettings, S3Settings } from '../db/s3-blob-store';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number({ message: 'must be a port number' }).int('must be a whole number').min(1, 'must be 1–65535').max(65535, 'must be 1–65535');
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ticketflow'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  WORKER_METRICS_PORT: port.default(9464),
  /**
   * Open tickets kept in the worker's memory between events (SDK `maxCachedWorkflows`). The SDK's own default grows
   * with the heap limit (2,310 on a 23 GiB machine: 1.7 GiB RSS at 10,000 open tickets); an evicted ticket is
   * replayed from its history when a timer fires or someone opens it. bench/README.md has the measurements.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(500),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_FROM: z.string().min(3).max(254).default('ticketflow support <support@ticketflow.local>'),
  /** How long one delivery attempt reserves a message; a crashed sender's messages are retried after it. */
  MAIL_LEASE_MS: z.coerce.number().int().min(3_000).max(3_600_000).default(60_000),
  /** First retry delay after a failed delivery; doubles per attempt up to 15 minutes. */
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The support address customers write to; replies go to support+<token>@ its domain (SPEC §3.1). */
  SUPPORT_EMAIL: z.string().email('must be an email address').max(254).default('support@ticketflow.local'),
  /** Inbound SMTP of the embedded default (and of any process that sets it): mail for SUPPORT_EMAIL. */
  INBOUND_SMTP_PORT: port.default(2525),
  INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Whether this worker or API process also listens for inbound mail (`npm start` always does). */
  INBOUND_SMTP_ENABLED: bool.default(false),
  /** Poll this mailbox for mail to the support address: imap(s)://user:password@host:port/INBOX */
  IMAP_URL: url(['imap:', 'imaps:']).optional(),
  IMAP_POLL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  // How often a worker brings the monthly service report schedules in line with plans and contracts (SPEC §12.1).
  REPORT_SCHEDULE_SYNC_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  /** Where polled messages are moved once stored (created when missing). */
  IMAP_PROCESSED_MAILBOX: z.string().min(1).max(200).default('Processed'),
  /** Largest inbound message accepted (bytes, with its attachments). */
  INBOUND_MAX_BYTES: z.coerce.number().int().min(1024).max(200 * 1024 * 1024).default(30 * 1024 * 1024),
  /** Automatic answers (e.g. "we could not match your mail") one address gets per day at most. */
  MAIL_AUTO_REPLIES_PER_DAY: z.coerce.number().int().min(0).max(1000).default(3),
  MAIL_AUTO_REPLIES_TOTAL_PER_DAY: z.coerce.number().int().min(0).max(1_000_000).default(200),
  /** Attachments: bytes per file and per ticket. */
  ATTACHMENT_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  ATTACHMENT_MAX_TICKET_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  /**
   * Attachments in S3-compatible object storage instead of PostgreSQL:
   * s3://ACCESS_KEY:SECRET@HOST[:PORT]/BUCKET[/PREFIX]?region=eu-central-1&tls=false&pathStyle=true
   * (no credentials: the AWS SDK's default chain; host `s3.amazonaws.com`: AWS itself, virtual-hosted style).
   */
  S3_URL: url(['s3:']).optional(),
  /** Files uploaded but never put on an event (a failed action, a crash) are removed after this long. */
  ATTACHMENT_STAGED_TTL_MS: z.coerce.number().int().min(60_000).max(7 * 24 * 3_600_000).default(24 * 3_600_000),
  WRITE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
});

export type RawConfig = z.infer<typeof schema>;

export interface AppConfig extends Omit<RawConfig, 'PUBLIC_URL' | 'AUTH_SECRET'> {
  PUBLIC_URL: string;
  AUTH_SECRET: string;
  /** limits and, when S3_URL is set, the object storage (db/s3-blob-store attachmentStorageFromConfig) */
  attachments: AttachmentSettings;
  temporalTls?: { serverName?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } };
}

export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

const DEV_SECRET = 'ticketflow-development-secret-not-for-production';

function readFileVar(variable: string, path: string | undefined, problems: ConfigError['problems']): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    problems.push({ variable, message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return undefined;
  }
}

/** S3_URL as the object store's settings; a problem names what is wrong with it (the secret is never echoed). */
export function parseS3Url(value: string): S3Settings | string {
  const u = new URL(value);
  const [bucket, ...prefix] = decodeURIComponent(u.pathname).replace(/^\/+/, '').split('/');
  if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return 'must name the bucket as the path: s3://key:secret@host:port/bucket';
  if (Boolean(u.username) !== Boolean(u.password)) return 'give both the access key and the secret (s3://key:secret@host/bucket), or neither';
  const known = new Set(['region', 'tls', 'pathStyle']);
  const unknown = [...u.searchParams.keys()].filter((k) => !known.has(k));
  if (unknown.length) return `unknown parameter(s) ${unknown.join(', ')}; known: region, tls, pathStyle`;
  const flag = (name: string, dflt: boolean): boolean | string => {
    const v = u.searchParams.get(name);
    if (v === null) return dflt;
    return v === 'true' ? true : v === 'false' ? false : `${name} must be true or false`;
  };
  const tls = flag('tls', true);
  const aws = u.hostname === 's3.amazonaws.com';
  const pathStyle = flag('pathStyle', !aws);
  if (typeof tls === 'string') return tls;
  if (typeof pathStyle === 'string') return pathStyle;
  const region = u.searchParams.get('region') ?? 'us-east-1';
  if (!/^[a-z0-9-]{2,40}$/.test(region)) return 'region must be a region name such as eu-central-1';
  const prefixPath = prefix.filter(Boolean).join('/');
  return {
    ...(aws ? {} : { endpoint: `${tls ? 'https' : 'http'}://${u.host}` }),
    region,
    bucket,
    prefix: prefixPath ? `${prefixPath}/` : '',
    ...(u.username ? { credentials: { accessKeyId: decodeURIComponent(u.username), secretAccessKey: decodeURIComponent(u.password) } } : {}),
    forcePathStyle: pathStyle,
  };
}

/** Parses (a copy of) the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings are treated as unset, as shells and compose files produce them for "not configured".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message === 'Invalid input: expected string, received undefined' ? 'is required' : i.message })));
  }
  const raw = parsed.data;
  const problems: ConfigError['problems'] = [];
  if (raw.NODE_ENV === 'production' && !raw.AUTH_SECRET) problems.push({ variable: 'AUTH_SECRET', message: 'is required in production (32+ random characters)' });
  if (Boolean(raw.TEMPORAL_TLS_CERT_PATH) !== Boolean(raw.TEMPORAL_TLS_KEY_PATH)) {
    problems.push({ variable: raw.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH', message: 'client certificate and key must be given together' });
  }
  const crt = readFileVar('TEMPORAL_TLS_CERT_PATH', raw.TEMPORAL_TLS_CERT_PATH, problems);
  const key = readFileVar('TEMPORAL_TLS_KEY_PATH', raw.TEMPORAL_TLS_KEY_PATH, problems);
  const ca = readFileVar('TEMPORAL_TLS_CA_PATH', raw.TEMPORAL_TLS_CA_PATH, problems);
  const s3 = raw.S3_URL ? parseS3Url(raw.S3_URL) : undefined;
  if (typeof s3 === 'string') problems.push({ variable: 'S3_URL', message: s3 });
  if (raw.ATTACHMENT_MAX_TICKET_BYTES < raw.ATTACHMENT_MAX_FILE_BYTES) problems.push({ variable: 'ATTACHMENT_MAX_TICKET_BYTES', message: 'must be at least ATTACHMENT_MAX_FILE_BYTES' });
  if (problems.length) throw new ConfigError(problems);

  const tlsWanted = raw.TEMPORAL_TLS || Boolean(crt) || Boolean(ca);
  return {
    ...raw,
    PUBLIC_URL: raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`,
    AUTH_SECRET: raw.AUTH_SECRET ?? DEV_SECRET,
    attachments: { limits: { maxFileBytes: raw.ATTACHMENT_MAX_FILE_BYTES, maxTicketBytes: raw.ATTACHMENT_MAX_TICKET_BYTES }, ...(s3 && typeof s3 !== 'string' ? { s3 } : {}) },
    temporalTls: tlsWanted
      ? { serverName: raw.TEMPORAL_TLS_SERVER_NAME, serverRootCACertificate: ca, clientCertPair: crt && key ? { crt, key } : undefined }
      : undefined,
  };
}

/** For entry points: parse or print the problems and exit 1 (no stack trace). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

const embeddedSchema = z.object({
  PORT: port.default(3000),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  PG_PORT: port.default(5433),
  WORKER_METRICS_PORT: port.default(9464),
  SMTP_PORT: port.default(1025),
  DATA_DIR: z.string().min(1).default('.data'),
  DEMO_PASSWORD: z.string().min(1).max(200).default('demo'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});
export type EmbeddedConfig = z.infer<typeof embeddedSchema>;

/** Settings of `npm start` (the embedded default); the app config is then derived from the servers it starts. */
export function loadEmbeddedConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = embeddedSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  const c = parsed.data;
  const ports = [['PORT', c.PORT], ['TEMPORAL_PORT', c.TEMPORAL_PORT], ['TEMPORAL_UI_PORT', c.TEMPORAL_UI_PORT], ['PG_PORT', c.PG_PORT], ['WORKER_METRICS_PORT', c.WORKER_METRICS_PORT], ['SMTP_PORT', c.SMTP_PORT]] as const;
  const seen = new Map<number, string>();
  for (const [name, p] of ports) {
    if (seen.has(p)) throw new ConfigError([{ variable: name, message: `port ${p} is also used by ${seen.get(p)}` }]);
    seen.set(p, name);
  }
  return c;
}
