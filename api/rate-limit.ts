/**
 * Writes (POST, PUT, PATCH, DELETE) per caller per minute: a signed-in caller is counted by user, anyone else by
 * address. Counters live in the process, so with N API replicas the effective limit is up to N times this.
 */
import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Principal } from '../domain/access';
import { ProblemError, sendProblem } from './errors';

export const DEFAULT_WRITES_PER_MINUTE = 300;

/** `passToErrorHandler`: the refusal goes to the router's error handler (the portal renders a page) instead of JSON. */
export function writeRateLimit(limit: number, opts: { passToErrorHandler?: boolean } = {}): RequestHandler {
  return rateLimit({
    windowMs: 60 * 1000,
    limit,
    skip: (req) => req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS',
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const p = res.locals.principal as Principal | undefined;
      return p ? `user:${p.id}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    handler: (req, res, next) => {
      const problem = new ProblemError(429, 'rate-limited', 'Too many requests', `More than ${limit} changes a minute; slow down and retry after the Retry-After seconds`);
      // The portal renders its own page for it; the API answers problem+json.
      if (opts.passToErrorHandler) return next(problem);
      sendProblem(res, problem, req.originalUrl);
    },
  });
}
