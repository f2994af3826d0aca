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

export function sendProblem(res: Parameters<RequestHandler>[1], err: ProblemError, instance?: string): void {
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
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    sendProblem(res, new ProblemError(500, 'internal', 'Internal server error', 'Something went wrong on our side; it has been logged'), req.originalUrl);
  };
}
