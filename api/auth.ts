/** Bearer-token authentication for API clients. */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { findActiveUserByEmail, issueToken, principalForToken, revokeToken } from '../db/users';
import type { Principal } from '../domain/access';
import { unauthorized } from './errors';
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

export function createAuthRouter(deps: { db: Db }): Router {
  const r = Router();
  r.post('/auth/token', async (req, res) => {
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
