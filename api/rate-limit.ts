/**
 * Writes (POST, PUT, PATCH, DELETE) per caller per minute: a signed-in caller is counted by user, anyone else by
 * address. Counters live in the process, so with N API replicas the effective limit is up to N times this.
 */
import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Principal } from '../domain/access';
import { ProblemError, sendProblem } from './errors';

export const DEFAULT_WRITES_PER_MINUTE = 300;

export function writeRateLimit(limit: number): RequestHandler {
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
    handler: (req, res) =>
      sendProblem(res, new ProblemError(429, 'rate-limited', 'Too many requests', `More than ${limit} changes a minute; slow down and retry after the Retry-After seconds`), req.originalUrl),
  });
}
