/** The HTTP application: JSON API under /api/v1, health and metrics at the root. */
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import { pgAttachmentStorage, type AttachmentStorage } from '../db/attachments';
import type { Db } from '../db/connection';
import { authenticate, createAuthRouter, createLoginLimiter } from './auth';
import { errorHandler, notFoundHandler, ProblemError, sendProblem } from './errors';
import { refuseUnstorableText } from './validation';
import { createStuckTicketsRouter } from './stuck-tickets';
import { createHealthRouter } from './health';
import { createApiMetrics, httpMetricsMiddleware, type ApiMetrics } from './metrics';
import { createTicketsRouter } from './tickets';
import { createTicketActionsRouter } from './ticket-actions';
import { createBulkTicketActionsRouter } from './bulk-ticket-actions';
import { createSavedViewsRouter } from './saved-views';
import { createAttachmentsRouter } from './attachments';
import { createSlaRouter } from './sla';
import { createSlaAdminRouter } from './admin-sla';
import { allowedMethods, buildOpenApi } from './openapi';
import { createCustomersRouter } from './admin-customers';
import { createUsersRouter } from './admin-users';
import { createTextModulesRouter } from './text-modules';
import { createNotificationsRouter } from './notifications';
import { createCaughtMailRouter } from './caught-mail';
import { syncServiceReportSchedules } from './services/report-schedules';
import { createReportsRouter } from './reports';
import { createReleasesRouter } from './releases';
import { createPhoneRouter } from './phone';
import { createDashboardRouter } from './dashboard';
import { createKbRouter } from './kb';
import { createMailRouter } from './mail';
import { createPortalRouter } from './portal';
import { auditWrites } from './audit';
import type { Logger, Mailbox } from './ports';
import { DEFAULT_WRITES_PER_MINUTE, writeRateLimit } from './rate-limit';

export interface AppDeps {
  db: Db;
  temporal: Client;
  namespace: string;
  taskQueue: string;
  log: Logger;
  metrics?: ApiMetrics;
  /** Base URL people open (links in emails and invitations); https also makes session cookies Secure. */
  publicUrl?: string;
  writesPerMinute?: number;
  /** Signs links in e-mails (satisfaction survey); AUTH_SECRET in production, DEV_AUTH_SECRET otherwise. */
  authSecret?: string;
  /** The embedded default's mail catcher, shown to admins; absent in production. */
  mailbox?: Mailbox;
  /** Where files on tickets are kept and their limits (db/s3-blob-store attachmentStorageFromConfig); PostgreSQL by default. */
  attachments?: AttachmentStorage;
}

/** The signing secret when none is given (development and tests; scripts/config.ts requires AUTH_SECRET in production). */
export const DEV_AUTH_SECRET = 'ticketflow-development-secret-not-for-production';

/** The one route that takes multipart/form-data: file uploads (api/attachments.ts reads it). */
const UPLOAD_PATH = /^\/tickets\/[^/]+\/attachments\/?$/;

/**
 * The JSON API reads JSON only: a body of another type is refused (415) rather than ignored; file uploads are
 * multipart. The portal's forms are not under /api.
 */
const requireJsonBody: RequestHandler = (req, res, next) => {
  const length = Number(req.get('content-length') ?? 0);
  const hasBody = req.get('transfer-encoding') !== undefined || length > 0;
  if (!hasBody || req.is('application/json')) return next();
  // Any method: the upload route answers POST, the others are 405 like on every documented path.
  if (UPLOAD_PATH.test(req.path) && req.is('multipart/form-data')) return next();
  sendProblem(res, new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'The request body must be application/json'), req.originalUrl);
};

/**
 * A documented path asked with a method it does not answer: 405 with the methods it does (from the document's
 * operations, the one list of what is served). Unknown paths fall through to 404.
 */
function methodNotAllowed(paths: Map<string, string[]>): RequestHandler {
  const templates = [...paths].map(([path, methods]) => ({
    re: new RegExp(`^${path.replace(/[.+]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`),
    methods: [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])],
    allow: [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].join(', '),
  }));
  return (req, res, next) => {
    const known = templates.find((t) => t.re.test(req.path));
    if (!known || known.methods.includes(req.method)) return next();
    res.set('Allow', known.allow);
    sendProblem(res, new ProblemError(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not supported here; use ${known.allow}`), req.originalUrl);
  };
}

export function createApp(deps: AppDeps): Express {
  const metrics = deps.metrics ?? createApiMetrics(deps.db);
  const attachments = deps.attachments ?? pgAttachmentStorage();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(httpMetricsMiddleware(metrics));
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.info({ method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'http');
    });
    next();
  });
  app.use(createHealthRouter({ db: deps.db, temporal: deps.temporal, namespace: deps.namespace, metrics }));

  const publicUrl = (deps.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
  const openapi = buildOpenApi();
  const api = express.Router();
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  api.use(requireJsonBody);
  api.use(express.json({ limit: '256kb', strict: true }));
  api.use(authenticate(deps.db));
  api.use(writeRateLimit(deps.db, deps.writesPerMinute ?? DEFAULT_WRITES_PER_MINUTE));
  // Text that cannot be stored (NUL, an unpaired surrogate) is refused before any route, workflow or audit sees it.
  api.use(refuseUnstorableText);
  api.use(auditWrites(deps.db, deps.log));
  // One count of failed sign-ins for the API and the portal's login form.
  const loginLimiter = createLoginLimiter(deps.db);
  api.use(createAuthRouter({ db: deps.db, secureCookies: publicUrl.startsWith('https:'), loginLimiter }));
  api.use(createTicketsRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, metrics }));
  api.use(createTicketActionsRouter({ db: deps.db, temporal: deps.temporal }));
  api.use(createBulkTicketActionsRouter({ db: deps.db, temporal: deps.temporal }));
  api.use(createSavedViewsRouter({ db: deps.db }));
  api.use(createAttachmentsRouter({ db: deps.db, temporal: deps.temporal, attachments }));
  api.use(createSlaRouter({ db: deps.db }));
  // A plan, contract or customer edit moves the service report schedules at once (workers also do it every few minutes).
  const schedules = { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log };
  const onServiceTermsChanged = (customerId?: string) => {
    syncServiceReportSchedules(schedules, { customerId }).catch((err: Error) => deps.log.warn({ err: err.message, customerId }, 'service report schedules not synchronised; a worker will do it'));
  };
  api.use(createSlaAdminRouter({ db: deps.db, onServiceTermsChanged }));
  api.use(createCustomersRouter({ db: deps.db, onServiceTermsChanged }));
  api.use(createUsersRouter({ db: deps.db, publicUrl }));
  api.use(createTextModulesRouter({ db: deps.db }));
  api.use(createNotificationsRouter({ db: deps.db, authSecret: deps.authSecret ?? DEV_AUTH_SECRET }));
  api.use(createCaughtMailRouter({ mailbox: deps.mailbox }));
  api.use(createReleasesRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue }));
  api.use(createPhoneRouter({ db: deps.db }));
  api.use(createDashboardRouter({ db: deps.db }));
  api.use(createStuckTicketsRouter({ db: deps.db }));
  api.use(createKbRouter({ db: deps.db }));
  api.use(createReportsRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue }));
  api.use(createMailRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log, attachments }));
  app.use('/api/v1', api);
  app.use(methodNotAllowed(allowedMethods()));
  // The server-rendered portal at the root (SPEC §10); its pages are not part of the JSON API.
  app.use(createPortalRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log, secureCookies: publicUrl.startsWith('https:'), publicUrl, loginLimiter, authSecret: deps.authSecret ?? DEV_AUTH_SECRET, writesPerMinute: deps.writesPerMinute ?? DEFAULT_WRITES_PER_MINUTE, attachments }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
