/** Connections to Temporal for the API (client) and the worker process, from the validated config. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { pgBlobStore, type AttachmentStorage } from '../db/attachments';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { loadConfig, type AppConfig } from './config';
import type { Logger } from './logger';
import { buildWorkflowBundle } from './lib/workflow-bundle';

type TemporalSettings = Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'temporalTls'>;

function connectionOptions(cfg: TemporalSettings) {
  return {
    address: cfg.TEMPORAL_ADDRESS,
    tls: cfg.temporalTls,
    apiKey: cfg.TEMPORAL_API_KEY,
  };
}

export async function connectClient(cfg: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(cfg), connectTimeout: 10_000 });
  return new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
}

let runtimeInstalled = false;

/** Once per process, before the first worker connection: SDK metrics for Prometheus and SDK logs into ours. */
export function installWorkerRuntime(metricsBindAddress: string | undefined, log: Logger, opts: { handleSignals?: boolean } = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    // The embedded stack orders its own shutdown (API first, then worker drain, then servers).
    ...(opts.handleSignals === false ? { shutdownSignals: [] } : {}),
    logger: {
      log: (level, message, meta) => log[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error')]({ ...meta, sdk: true }, message),
      trace: (m, meta) => log.trace(meta ?? {}, m),
      debug: (m, meta) => log.debug(meta ?? {}, m),
      info: (m, meta) => log.info(meta ?? {}, m),
      warn: (m, meta) => log.warn(meta ?? {}, m),
      error: (m, meta) => log.error(meta ?? {}, m),
    },
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsBindAddress ? { metrics: { prometheus: { bindAddress: metricsBindAddress } } } : {}),
    },
  });
}

/** What the inbound mail pipeline reads of the config; defaults as in scripts/config.ts. */
type MailConfig = Pick<AppConfig, 'SUPPORT_EMAIL' | 'AUTH_SECRET' | 'MAIL_AUTO_REPLIES_PER_DAY' | 'MAIL_AUTO_REPLIES_TOTAL_PER_DAY' | 'ATTACHMENT_MAX_FILE_BYTES' | 'ATTACHMENT_MAX_TICKET_BYTES'>;
/** The config's own defaults, for callers (tests) whose cfg names only the Temporal settings. */
const MAIL_DEFAULTS: MailConfig = loadConfig({ DATABASE_URL: 'postgres://defaults.invalid/ticketflow' });

export interface WorkerSetup {
  cfg: TemporalSettings & Pick<AppConfig, 'TEMPORAL_TASK_QUEUE'> & Partial<Pick<AppConfig, 'WORKER_MAX_CACHED_WORKFLOWS'>> & Partial<MailConfig>;
  deps: ActivityDeps;
  /** Tests pass a pre-built bundle to avoid re-bundling per worker. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  extra?: Partial<WorkerOptions>;
  /** Where the mail activities keep the files of inbound mail (the configured storage; PostgreSQL when absent). */
  attachments?: AttachmentStorage;
}

export async function createTicketWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(connectionOptions(setup.cfg));
  // The mail activities act on tickets through the same connection (a client over the worker's native connection).
  const mailCfg = { ...MAIL_DEFAULTS, ...Object.fromEntries(Object.entries(setup.cfg).filter(([, v]) => v !== undefined)) } as MailConfig;
  const mail = setup.deps.mail ?? {
    temporal: new Client({ connection, namespace: setup.cfg.TEMPORAL_NAMESPACE }),
    taskQueue: setup.cfg.TEMPORAL_TASK_QUEUE,
    supportEmail: mailCfg.SUPPORT_EMAIL,
    authSecret: mailCfg.AUTH_SECRET,
    autoRepliesPerDay: mailCfg.MAIL_AUTO_REPLIES_PER_DAY,
    autoRepliesTotalPerDay: mailCfg.MAIL_AUTO_REPLIES_TOTAL_PER_DAY,
    attachmentLimits: setup.attachments?.limits ?? { maxFileBytes: mailCfg.ATTACHMENT_MAX_FILE_BYTES, maxTicketBytes: mailCfg.ATTACHMENT_MAX_TICKET_BYTES },
    blobStore: setup.attachments?.store ?? pgBlobStore,
  };
  // Bundled in a child process unless given (scripts/lib/workflow-bundle.ts); the worker reads the file once, here.
  const built = setup.workflowBundle ? undefined : await buildWorkflowBundle();
  try {
    const worker = await Worker.create({
      connection,
      namespace: setup.cfg.TEMPORAL_NAMESPACE,
      taskQueue: setup.cfg.TEMPORAL_TASK_QUEUE,
      activities: createActivities({ ...setup.deps, mail }),
      workflowBundle: setup.workflowBundle ?? built,
      shutdownGraceTime: '20 seconds',
      ...(setup.cfg.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: setup.cfg.WORKER_MAX_CACHED_WORKFLOWS } : {}),
      ...setup.extra,
    });
    return { worker, connection };
  } finally {
    if (built) rmSync(dirname(built.codePath), { recursive: true, force: true });
  }
}
