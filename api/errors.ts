/** Typed errors and the one middleware that turns them into application/problem+json. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './ports';

export interface FieldProblem {
  field: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    /** Stable machine-readable type; clients switch on it. */
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (errors: FieldProblem[], detail?: string) =>
  new ProblemError(400, 'validation-error', 'The request is not valid', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
export const unauthorized = (detail = 'Authentication is required') => new ProblemError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail = 'You are not allowed to do this') => new ProblemError(403, 'forbidden', 'Forbidden', detail);
export const notFound = (what = 'Resource') => new ProblemError(404, 'not-found', 'Not found', `${what} was not found`);
export const conflict = (type: string, detail: string, extra: Record<string, unknown> = {}) => new ProblemError(409, type, 'Conflict', detail, extra);
export const unavailable = (detail: string) => new ProblemError(503, 'unavailable', 'Service unavailable', detail);

const PROBLEM_BASE = 'https://ticketflow.dev/problems/';

/** How long a client is asked to wait when a dependency is down (Retry-After on every 503). */
export const RETRY_AFTER_SECONDS = 5;

/** Node socket errors of a dependency that is down or unreachable. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * Whether an error means PostgreSQL or Temporal cannot be reached now (down, restarting, out of connections), which
 * waiting cures: the answer is 503 with Retry-After, not a 500. PostgreSQL: connection exceptions (class 08), admin
 * or crash shutdown and "cannot connect now" (57P01–57P03), too many connections (53300); knex: no pooled connection
 * in time; pg: a connection lost mid-query; Temporal: gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4).
 */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || /^08/.test(e.code) || ['57P01', '57P02', '57P03', '53300'].includes(e.code))) return true;
  if (e.name === 'KnexTimeoutError') return true;
  // The configured namespace is unknown only while a Temporal server that was restarted loads its registry (seen
  // for about a second in bench/faults.ts); a namespace that is really missing also fails /readyz and start-up.
  if (e.name === 'NamespaceNotFoundError') return true;
  if (typeof e.message === 'string' && /Connection terminated|connection error|Client was closed|not queryable/i.test(e.message)) return true;
  if ((e.name === 'ServiceError' || e.name === 'ConnectionError' || typeof e.code === 'number') && (e.code === 14 || e.code === 4)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDependencyUnavailable(x, depth + 1))) return true;
  return isDependencyUnavailable(e.cause, depth + 1);
}

export function sendProblem(res: Parameters<RequestHandler>[1], err: ProblemError, instance?: string): void {
  if (err.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res
    .status(err.status)
    .type('application/problem+json')
    .json({ ...err.extra, type: PROBLEM_BASE + err.type, title: err.title, status: err.status, detail: err.detail, instance });
}

export const notFoundHandler: RequestHandler = (req, res) => sendProblem(res, notFound(`Route ${req.method} ${req.path}`), req.originalUrl);

/** Unknown errors are logged with their stack and answered with a generic 500: no stack trace reaches a client. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof ProblemError) return sendProblem(res, err, req.originalUrl);
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    // body-parser errors: malformed JSON, too large, wrong charset
    if (e.type === 'entity.parse.failed') return sendProblem(res, badRequest([{ field: 'body', message: 'is not valid JSON' }]), req.originalUrl);
    if (e.type === 'entity.too.large') return sendProblem(res, new ProblemError(413, 'payload-too-large', 'Payload too large', 'The request body is larger than allowed'), req.originalUrl);
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500) {
      return sendProblem(res, new ProblemError(status, 'bad-request', 'Bad request', e.message ?? 'Bad request'), req.originalUrl);
    }
    if (isDependencyUnavailable(err)) {
      log.warn({ err: (err as Error).message, method: req.method, url: req.originalUrl }, 'a dependency is unavailable; answered 503');
      return sendProblem(res, unavailable('The service cannot reach its database or workflow engine right now; retry shortly'), req.originalUrl);
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    sendProblem(res, new ProblemError(500, 'internal', 'Internal server error', 'Something went wrong on our side; it has been logged'), req.originalUrl);
  };
}
