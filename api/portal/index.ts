/**
 * The server-rendered portal (SPEC §10), mounted at the root beside /api/v1: plain HTML forms posting
 * application/x-www-form-urlencoded (multipart/form-data where a form takes files), a session cookie shared with the
 * JSON API, and a CSRF token in every form.
 * Pages reuse the API's services and visibility rules, so a page never shows what the API would refuse.
 *
 * This file holds what is not an area of its own (visitor, sign-in, language, errors); each area of pages lives in
 * its own module with a `mount…Pages(router, kit)` function, mounted below in order.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { findActiveUserByEmail, issueToken, principalForToken, revokeToken } from '../../db/users';
import { isStaff } from '../../domain/access';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from '../../domain/languages';
import { createLoginLimiter, SESSION_COOKIE, SESSION_TTL_MS, tokenRequestSchema } from '../auth';
import { ProblemError, forbidden, notFound, isDependencyUnavailable, RETRY_AFTER_SECONDS } from '../errors';
import { DEFAULT_WRITES_PER_MINUTE, writeRateLimit } from '../rate-limit';
import { verifyPassword } from '../passwords';
import { createPortalKit, safeReturn, type PortalDeps, type Visitor } from './kit';
import { PORTAL_CSS } from './style';
import { mountCustomerPages } from './customer';
import { mountKbPages } from './kb';
import { mountNewTicketPages } from './new-ticket';
import { mountDeskPages } from './desk';
import { mountDashboardPages } from './dashboard';
import { mountReleasePages } from './releases';
import { mountAdminPages } from './admin';
import { mountTextModulePages } from './text-modules';
import { mountReportPages } from './reports';

export type { PortalDeps } from './kit';

/** The page a form is on: a ticket action's post (`/portal/tickets/T-1/reply`) is on the ticket's page. */
export const formPageOf = (path: string): string => path.replace(/^\/(portal|desk)\/tickets\/(T-\d+)\/[\w-]+$/, '/$1/tickets/$2');
export const LANGUAGE_COOKIE = 'tf_lang';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,200}$/;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The language a browser asks for (`Accept-Language`), for visitors who have chosen none: the best of ours by the
 * header's weights, through express's content negotiation (`sk-SK` is Slovak); none of ours is undefined.
 */
function browserLanguage(req: Request): Language | undefined {
  if (!req.get('accept-language')) return undefined;
  const best = req.acceptsLanguages(...LANGUAGES);
  return isLanguage(best) ? best : undefined;
}

export function createPortalRouter(deps: PortalDeps): Router {
  const { db } = deps;
  const kit = createPortalKit(deps);
  const { form, page, visitorOf, checkCsrf } = kit;
  const r = Router();

  r.get('/portal.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(PORTAL_CSS);
  });

  // Who is visiting, and in which language: the user's saved language, else the anonymous cookie, else what the
  // browser asks for (Accept-Language), else English.
  r.use(async (req, res, next) => {
    if (req.path.startsWith('/api/')) return next();
    try {
      const cookies = parseCookies(req.get('cookie') ?? '');
      const session = cookies[SESSION_COOKIE] && TOKEN_SHAPE.test(cookies[SESSION_COOKIE]) ? cookies[SESSION_COOKIE] : null;
      const found = session ? await principalForToken(db, session, 'session') : undefined;
      const cookieLang = isLanguage(cookies[LANGUAGE_COOKIE]) ? cookies[LANGUAGE_COOKIE] : undefined;
      res.locals.visitor = {
        principal: found?.principal ?? null,
        session: found ? session : null,
        csrfToken: found?.csrfToken ?? null,
        lang: found?.principal.language ?? cookieLang ?? browserLanguage(req) ?? DEFAULT_LANGUAGE,
      } satisfies Visitor;
      next();
    } catch (err) {
      next(err);
    }
  });

  // Form posts come from the portal's own pages. A browser says where a post comes from: one sent by another site
  // (e.g. a hidden form signing the visitor in as someone else) is refused, signed in or not; signed-in posts also
  // carry the session's CSRF token (kit.checkCsrf).
  const ownOrigins = new Set([deps.publicUrl ? new URL(deps.publicUrl).origin : null].filter((o): o is string => !!o));
  r.use((req, _res, next) => {
    if (req.method !== 'POST' || req.path.startsWith('/api/')) return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = site === 'cross-site' || (!!origin && origin !== 'null' && origin !== `${req.protocol}://${req.get('host')}` && !ownOrigins.has(origin));
    next(crossSite ? forbidden('A form of another site') : undefined);
  });
  // The API's write limit, for form posts too (counted by user when signed in, else by address).
  r.use((req, res, next) => {
    if (req.path.startsWith('/api/')) return next();
    res.locals.principal = visitorOf(res).principal ?? undefined;
    next();
  }, writeRateLimit(deps.db, deps.writesPerMinute ?? DEFAULT_WRITES_PER_MINUTE, { passToErrorHandler: true }));

  r.get('/', (_req, res) => {
    const p = visitorOf(res).principal;
    res.redirect(303, !p ? '/login' : isStaff(p) ? '/desk' : '/portal');
  });

  // Sign in: the same credential check and session as POST /api/v1/auth/session, as a form.
  const loginLimiter = deps.loginLimiter ?? createLoginLimiter(deps.db);
  r.get('/login', (req, res) => {
    page(res, 'login', 'login.title', { next: safeReturn(req.query.next), kept: req.query.kept === '1', ...(req.query.error === 'tooMany' ? { error: 'login.tooMany' } : {}) });
  });
  r.post('/login', form, loginLimiter, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const next = safeReturn(body.next);
    const creds = tokenRequestSchema.safeParse({ email: body.email, password: body.password });
    const user = creds.success ? await findActiveUserByEmail(db, creds.data.email) : undefined;
    const ok = creds.success && (await verifyPassword(user?.passwordHash, creds.data.password));
    if (!user || !ok) {
      page(res, 'login', 'login.title', { error: 'login.failed', email: typeof body.email === 'string' ? body.email : '', next }, 401);
      return;
    }
    const old = visitorOf(res).session;
    if (old) await revokeToken(db, old);
    const { token, expiresAt } = await issueToken(db, user.principal.id, 'session', SESSION_TTL_MS);
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/', expires: expiresAt });
    res.redirect(303, next !== '/' ? next : isStaff(user.principal) ? '/desk' : '/portal');
  });
  r.post('/logout', form, async (req, res) => {
    checkCsrf(req, res);
    const v = visitorOf(res);
    if (v.session) await revokeToken(db, v.session);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/' });
    res.redirect(303, '/login');
  });

  // Language: remembered on the user when signed in, in a cookie for everyone.
  r.post('/language', form, async (req, res) => {
    checkCsrf(req, res);
    const body = req.body as Record<string, unknown>;
    if (!isLanguage(body.lang)) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const p = visitorOf(res).principal;
    if (p) await db('users').where({ id: p.id }).update({ language: body.lang });
    res.cookie(LANGUAGE_COOKIE, body.lang, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/', maxAge: YEAR_MS });
    res.redirect(303, safeReturn(body.returnTo));
  });

  // The areas of pages, one module each (the new-ticket page before the customer's /portal/tickets/:number).
  mountNewTicketPages(r, kit);
  mountKbPages(r, kit);
  mountCustomerPages(r, kit);
  mountDashboardPages(r, kit);
  mountDeskPages(r, kit);
  mountReleasePages(r, kit);
  mountReportPages(r, kit);
  mountAdminPages(r, kit, { publicUrl: deps.publicUrl ?? 'http://localhost:3000' });
  mountTextModulePages(r, kit);

  // Any other address outside the API is a page that does not exist: an HTML 404 in the visitor's language (the
  // API's own unknown routes stay problem+json).
  r.use((req, _res, next) => next(req.path === '/api' || req.path.startsWith('/api/') ? undefined : notFound('Page')));

  // Errors on portal pages are pages too; another organisation's ticket looks exactly like a missing one.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!res.locals.visitor || res.headersSent) return next(err);
    if (err instanceof ProblemError && err.status === 401) {
      // A form's post goes back to the page the form is on (its text kept, see kit.formWithFiles).
      const back = req.method === 'POST' ? formPageOf(req.path) : req.originalUrl;
      res.redirect(303, `/login?next=${encodeURIComponent(safeReturn(back))}${res.locals.draftKept ? '&kept=1' : ''}`);
      return;
    }
    // Client errors of the body parser (too large, too many fields, bad encoding) are the sender's, not ours.
    const parserStatus = (err as { status?: unknown; expose?: unknown })?.expose === true ? Number((err as { status: number }).status) : NaN;
    // The database or Temporal out of reach: 503 with Retry-After, as in the API.
    const status = err instanceof ProblemError ? err.status : parserStatus >= 400 && parserStatus < 500 ? parserStatus : isDependencyUnavailable(err) ? 503 : 500;
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (status >= 500) deps.log.error({ err, url: req.originalUrl }, 'portal page failed');
    const key = [400, 403, 404, 409, 429].includes(status) ? String(status) : status === 413 || status === 415 ? '400' : 'other';
    const given = err instanceof ProblemError ? (err.detail ?? null) : null;
    const detail = given && (given.startsWith('error.') || status === 409) ? given : null;
    page(res, 'error', `error.${key}.title`, { status, titleKey: `error.${key}.title`, textKey: [403, 404, 429].includes(status) ? `error.${status}.text` : null, detailKey: detail?.startsWith('error.') ? detail : null, detail: detail && !detail.startsWith('error.') ? detail : null }, status);
  });
  return r;
}
