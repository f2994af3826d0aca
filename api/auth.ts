/**
 * Authentication. API clients exchange email and password for a bearer token; the portal gets an httpOnly session
 * cookie plus a CSRF token that every cookie-authenticated write must echo in `X-CSRF-Token`. Tokens and sessions
 * are revocable; only their hashes are stored. Failed logins are rate-limited and never reveal whether an email exists.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { z } from 'zod';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Db } from '../db/connection';
import { acceptInvitation, findActiveUserByEmail, issueToken, principalForToken, revokeToken } from '../db/users';
import type { Principal } from '../domain/access';
import { ProblemError, badRequest, forbidden, sendProblem, unauthorized } from './errors';
import { hashPassword, verifyPassword } from './passwords';
import { parseInput } from './validation';
import { PostgresRateLimitStore } from './rate-limit-store';

const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'tf_session';
export const CSRF_HEADER = 'x-csrf-token';
export const MIN_PASSWORD_LENGTH = 12;

export const tokenRequestSchema = z.strictObject({
  email: z.string().trim().min(3).max(254).email('must be an email address'),
  password: z.string().min(1, 'is required').max(1024),
});

export const acceptInvitationSchema = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,200}$/, 'is not an invitation token'),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024, 'must be at most 1024 characters')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
});

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,200}$/;

function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(h) : null;
  return m?.[1];
}

function sessionCookie(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  const value = parseCookies(header)[SESSION_COOKIE];
  return value && TOKEN_SHAPE.test(value) ? value : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in takes no authority from an existing cookie, so it needs no CSRF token. */
const COOKIE_IGNORED = new Set(['POST /auth/token', 'POST /auth/session', 'POST /auth/invitations/accept']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves the caller (if any) into res.locals.principal; routes decide whether one is required. A bearer token wins
 * over a cookie. Cookie-authenticated writes must carry the session's CSRF token: a page on another site can make
 * the browser send the cookie, but cannot read the token.
 */
export function authenticate(db: Db): RequestHandler {
  return async (req, res, next) => {
    try {
      const token = bearer(req);
      if (token) {
        const found = await principalForToken(db, token, 'api');
        if (!found) throw unauthorized('The token is invalid, expired or revoked');
        res.locals.principal = found.principal;
        res.locals.token = token;
        return next();
      }
      const session = COOKIE_IGNORED.has(`${req.method} ${req.path}`) ? undefined : sessionCookie(req);
      if (session) {
        const found = await principalForToken(db, session, 'session');
        // An expired session is just "not signed in"; the route decides whether that matters.
        if (found) {
          if (!SAFE_METHODS.has(req.method)) {
            const sent = req.get(CSRF_HEADER);
            if (!sent || !found.csrfToken || !sameSecret(sent, found.csrfToken)) {
              throw new ProblemError(403, 'csrf-failed', 'Forbidden', `A signed-in browser request that changes something must send the session's CSRF token in ${CSRF_HEADER}`);
            }
          }
          res.locals.principal = found.principal;
          res.locals.session = session;
          res.locals.csrfToken = found.csrfToken;
        }
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

export const me = (p: Principal) => ({
  id: p.id,
  email: p.email,
  name: p.name,
  role: p.role,
  customerId: p.customerId,
  levels: p.levels,
  businessLineIds: p.businessLineIds,
  language: p.language,
  timeZone: p.timeZone,
});

/** Failed logins per client address and email; successful ones do not count. */
export const LOGIN_ATTEMPTS_PER_15_MIN = 10;

export interface AuthRouterDeps {
  db: Db;
  /** Secure cookies when the public URL is https (and behind a TLS-terminating proxy). */
  secureCookies: boolean;
  /** Failed sign-ins, one counter shared with the portal's login form so alternating between them gains nothing. */
  loginLimiter?: RequestHandler;
}

/**
 * The sign-in limiter: failed attempts per client address and email over 15 minutes (successes do not count).
 * The API answers 429 problem+json; browser forms go back to the login page saying so.
 */
export function createLoginLimiter(db: Db, counts: 'login' | 'invitation' = 'login'): RequestHandler {
  return rateLimit({
    windowMs: 15 * 60 * 1000,
    // In PostgreSQL: every API process counts the same failed attempts.
    store: new PostgresRateLimitStore(db, counts),
    limit: LOGIN_ATTEMPTS_PER_15_MIN,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase().slice(0, 254)}`,
    handler: (req, res) => {
      if (req.originalUrl.startsWith('/api/')) {
        sendProblem(res, new ProblemError(429, 'rate-limited', 'Too many requests', 'Too many failed attempts; try again in 15 minutes'), req.originalUrl);
      } else {
        res.redirect(303, '/login?error=tooMany');
      }
    },
  });
}

export function createAuthRouter(deps: AuthRouterDeps): Router {
  const r = Router();
  // One counter for both ways of logging in, so alternating between them gains nothing.
  const loginLimiter = deps.loginLimiter ?? createLoginLimiter(deps.db);
  // Invitation tokens get their own counter of failed attempts, on the same terms.
  const invitationLimiter = createLoginLimiter(deps.db, 'invitation');

  const checkCredentials = async (body: unknown) => {
    const creds = parseInput(tokenRequestSchema, body, 'body');
    const user = await findActiveUserByEmail(deps.db, creds.email);
    // Same answer whether the email is unknown or the password wrong: the API never reveals which emails exist.
    const ok = await verifyPassword(user?.passwordHash, creds.password);
    if (!user || !ok) throw unauthorized('Email or password is not correct');
    return user;
  };

  r.post('/auth/token', loginLimiter, async (req, res) => {
    const user = await checkCredentials(req.body);
    const { token, expiresAt } = await issueToken(deps.db, user.principal.id, 'api', TOKEN_TTL_MS);
    res.status(201).json({ token, expiresAt: expiresAt.toISOString() });
  });
  r.delete('/auth/token', async (_req, res) => {
    principal(res);
    if (!res.locals.token) throw badRequest([{ field: 'headers.authorization', message: 'revoking needs the bearer token itself; browsers sign out with DELETE /api/v1/auth/session' }]);
    await revokeToken(deps.db, res.locals.token as string);
    res.status(204).end();
  });

  r.post('/auth/session', loginLimiter, async (req, res) => {
    const user = await checkCredentials(req.body);
    // A new sign-in never reuses an old session (no session fixation).
    const old = sessionCookie(req);
    if (old) await revokeToken(deps.db, old);
    const { token, expiresAt, csrfToken } = await issueToken(deps.db, user.principal.id, 'session', SESSION_TTL_MS);
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/', expires: expiresAt });
    res.status(201).json({ csrfToken, expiresAt: expiresAt.toISOString(), user: me(user.principal) });
  });
  r.delete('/auth/session', async (req, res) => {
    // Signing out always works: the cookie is cleared even if the session had already expired.
    const session = sessionCookie(req);
    if (session && res.locals.session) await revokeToken(deps.db, session);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/' });
    res.status(204).end();
  });
  r.get('/auth/me', (_req, res) => {
    const p = principal(res);
    res.json({ ...me(p), ...(res.locals.csrfToken ? { csrfToken: res.locals.csrfToken as string } : {}) });
  });

  r.post('/auth/invitations/accept', invitationLimiter, async (req, res) => {
    const body = parseInput(acceptInvitationSchema, req.body, 'body');
    const accepted = await acceptInvitation(deps.db, body.token, await hashPassword(body.password));
    if (!accepted) throw forbidden('The invitation is invalid, expired or already used');
    res.status(204).end();
  });
  return r;
}
