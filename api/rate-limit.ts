/**
 * Writes (POST, PUT, PATCH, DELETE) per caller per minute: a signed-in caller is counted by user, anyone else by
 * address. The counters are in PostgreSQL (rate-limit-store.ts), one count for every API process, the API and the
 * portal together.
 */
import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Principal } from '../domain/access';
import { ProblemError, sendProblem } from './errors';
import type { Db } from '../db/connection';
import { PostgresRateLimitStore } from './rate-limit-store';

export const DEFAULT_WRITES_PER_MINUTE = 300;

/** `passToErrorHandler`: the refusal goes to the router's error handler (the portal renders a page) instead of JSON. */
export function writeRateLimit(db: Db, limit: number, opts: { passToErrorHandler?: boolean } = {}): RequestHandler {
  return rateLimit({
    windowMs: 60 * 1000,
    store: new PostgresRateLimitStore(db, 'writes'),
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
