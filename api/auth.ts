/** Bearer-token authentication for API clients. */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { findActiveUserByEmail, issueToken, principalForToken, revokeToken } from '../db/users';
import type { Principal } from '../domain/access';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { ProblemError, sendProblem, unauthorized } from './errors';
import { verifyPassword } from './passwords';
import { parseInput } from './validation';

const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

export const tokenRequestSchema = z.strictObject({
  email: z.string().trim().min(3).max(254).email('must be an email address'),
  password: z.string().min(1, 'is required').max(1024),
});

function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(h) : null;
  return m?.[1];
}

/** Resolves the caller (if any) into res.locals.principal; routes decide whether one is required. */
export function authenticate(db: Db): RequestHandler {
  return async (req, res, next) => {
    try {
      const token = bearer(req);
      if (token) {
        const found = await principalForToken(db, token);
        if (!found) throw unauthorized('The token is invalid, expired or revoked');
        res.locals.principal = found.principal;
        res.locals.token = token;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function principal(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw unauthorized();
  return p;
}

/** Failed logins per client address and email; successful ones do not count. */
export const LOGIN_ATTEMPTS_PER_15_MIN = 10;

export function createAuthRouter(deps: { db: Db }): Router {
  const r = Router();
  const loginLimiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: LOGIN_ATTEMPTS_PER_15_MIN,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase().slice(0, 254)}`,
    handler: (req, res) => sendProblem(res, new ProblemError(429, 'rate-limited', 'Too many requests', 'Too many failed logins; try again in 15 minutes'), req.originalUrl),
  });
  r.post('/auth/token', loginLimiter, async (req, res) => {
    const body = parseInput(tokenRequestSchema, req.body, 'body');
    const user = await findActiveUserByEmail(deps.db, body.email);
    // Same answer whether the email is unknown or the password wrong: the API never reveals which emails exist.
    const ok = await verifyPassword(user?.password_hash, body.password);
    if (!user || !ok) throw unauthorized('Email or password is not correct');
    const { token, expiresAt } = await issueToken(deps.db, user.id, 'api', TOKEN_TTL_MS);
    res.status(201).json({ token, expiresAt: expiresAt.toISOString() });
  });
  r.delete('/auth/token', async (_req, res) => {
    principal(res);
    await revokeToken(deps.db, res.locals.token as string);
    res.status(204).end();
  });
  return r;
}
