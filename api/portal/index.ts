/**
 * The server-rendered portal (SPEC §10), mounted at the root beside /api/v1: plain HTML forms posting
 * application/x-www-form-urlencoded, a session cookie shared with the JSON API, and a CSRF token in every form.
 * Pages reuse the API's services and visibility rules, so a page never shows what the API would refuse.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { parse as parseCookies } from 'cookie';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { findActiveUserByEmail, issueToken, principalForToken, revokeToken } from '../../db/users';
import { findTicket, listTicketEvents, listTickets, toApiEvent, toApiTicket } from '../../db/tickets';
import { getCustomer, getPriorityMatrix, loadSlaSnapshot } from '../../db/reference';
import { isStaff, ticketScope, type Principal } from '../../domain/access';
import { addWorkingTime } from '../../domain/calendar';
import { TARGET_KINDS } from '../../domain/plans';
import { derivePriority, LEVELS_OF_IMPACT, LEVELS_OF_URGENCY } from '../../domain/priority';
import { SLA_STATES, TICKET_TYPES } from '../../domain/tickets';
import { createLoginLimiter, SESSION_COOKIE, SESSION_TTL_MS, tokenRequestSchema } from '../auth';
import { computeDashboard, dashboardScope } from '../dashboard';
import { ProblemError, forbidden, notFound } from '../errors';
import { runTicketAction } from '../ticket-actions';
import { createTicket } from '../services/ticket-intake';
import { verifyPassword } from '../passwords';
import { freeText } from '../validation';
import type { Logger } from '../../scripts/logger';
import { formatDuration, formatInstant, isPortalLanguage, loadMessages, type PortalLanguage } from './i18n';
import { PORTAL_CSS } from './style';
import { createViews, type PageContext } from './views';

export const LANGUAGE_COOKIE = 'tf_lang';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,200}$/;
const OPEN = ['new', 'triaged', 'in_progress', 'waiting_on_customer'];
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** Timeline events with a message of their own; the rest show as a generic event. */
const EVENT_KEYS = new Set(Object.keys(loadMessages('en')).filter((k) => k.startsWith('event.')));
/** Clock states for which a remaining time means something. */
const TICKING = new Set(['running', 'warning', 'breached', 'paused']);

export interface PortalDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  secureCookies: boolean;
  /** The API's sign-in limiter: one count of failed attempts for both. */
  loginLimiter?: RequestHandler;
}

interface Visitor {
  principal: Principal | null;
  session: string | null;
  csrfToken: string | null;
  lang: PortalLanguage;
}

const newTicketForm = z.object({
  title: freeText(200),
  description: freeText(20_000),
  type: z.enum(TICKET_TYPES),
  impact: z.enum(LEVELS_OF_IMPACT),
  urgency: z.enum(LEVELS_OF_URGENCY),
});
const optionalLevel = z.enum(LEVELS_OF_IMPACT).optional().or(z.literal('').transform(() => undefined));
const deskActionForms = {
  triage: z.object({ impact: optionalLevel, urgency: optionalLevel, note: freeText(2000).optional().or(z.literal('').transform(() => undefined)) }),
  comment: z.object({ body: freeText(20_000) }),
  note: z.object({ body: freeText(20_000) }),
} as const;
const deskFilters = z.object({
  level: z.enum(['L1', 'L2', 'L3']).optional().or(z.literal('').transform(() => undefined)),
  status: z.enum(OPEN as [string, ...string[]]).optional().or(z.literal('').transform(() => undefined)),
});

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Only local paths are followed after a form, so a crafted link cannot send people elsewhere. */
const safeReturn = (v: unknown): string => (typeof v === 'string' && /^\/(?![/\\])[\w\-/?=&.%]*$/.test(v) ? v : '/');

export function createPortalRouter(deps: PortalDeps): Router {
  const { db } = deps;
  const render = createViews();
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 50 });

  const visitorOf = (res: Response): Visitor => res.locals.visitor as Visitor;

  r.get('/portal.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(PORTAL_CSS);
  });

  // Who is visiting, and in which language: the user's saved language, else the anonymous cookie, else English.
  r.use(async (req, res, next) => {
    if (req.path.startsWith('/api/')) return next();
    try {
      const cookies = parseCookies(req.get('cookie') ?? '');
      const session = cookies[SESSION_COOKIE] && TOKEN_SHAPE.test(cookies[SESSION_COOKIE]) ? cookies[SESSION_COOKIE] : null;
      const found = session ? await principalForToken(db, session, 'session') : undefined;
      const cookieLang = isPortalLanguage(cookies[LANGUAGE_COOKIE]) ? cookies[LANGUAGE_COOKIE] : undefined;
      res.locals.visitor = {
        principal: found?.principal ?? null,
        session: found ? session : null,
        csrfToken: found?.csrfToken ?? null,
        lang: found?.principal.language ?? cookieLang ?? 'en',
      } satisfies Visitor;
      next();
    } catch (err) {
      next(err);
    }
  });

  const page = (res: Response, name: string, title: string, extra: Record<string, unknown> = {}, status = 200) => {
    const v = visitorOf(res);
    const p = v.principal;
    const ctx: PageContext = {
      lang: v.lang,
      title,
      csrfToken: v.csrfToken,
      returnTo: safeReturn(res.req.originalUrl),
      user: p ? { name: p.name, role: p.role, isStaff: isStaff(p), isManager: dashboardScope(p) === null } : null,
      ...extra,
    };
    res.status(status).type('html').set('cache-control', 'no-store').send(render(name, ctx));
  };

  /** Every portal POST from a signed-in visitor must carry the session's CSRF token in `_csrf`. */
  const checkCsrf = (req: Request, res: Response) => {
    const v = visitorOf(res);
    if (!v.principal) return;
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof sent !== 'string' || !v.csrfToken || !sameSecret(sent, v.csrfToken)) {
      throw new ProblemError(403, 'csrf-failed', 'Forbidden', 'error.csrf');
    }
  };
  const signedIn = (_req: Request, res: Response): Principal => {
    const p = visitorOf(res).principal;
    if (!p) throw new ProblemError(401, 'unauthorized', 'Unauthorized', 'login');
    return p;
  };
  const staffOnly = (req: Request, res: Response): Principal => {
    const p = signedIn(req, res);
    if (!isStaff(p)) throw forbidden();
    return p;
  };
  const formBody = (req: Request): Record<string, unknown> => {
    const { _csrf: _ignored, ...rest } = (req.body ?? {}) as Record<string, unknown>;
    return rest;
  };
  const fieldErrors = (err: z.ZodError) => err.issues.map((i) => String(i.path[0] ?? ''));

  const ticketView = (row: Parameters<typeof toApiTicket>[0], v: Visitor) => {
    const t = toApiTicket(row);
    const zone = v.principal?.timeZone ?? 'Europe/Bratislava';
    const clocks = TARGET_KINDS.map((k) => {
      const c = t.sla[k] as { deadline: string | null; remainingMs: number | null; state: string };
      return { kind: k, deadline: formatInstant(c.deadline, v.lang, zone), remaining: TICKING.has(c.state) ? formatDuration(c.remainingMs) : null, state: c.state };
    });
    return { ...t, created: formatInstant(t.createdAt, v.lang, zone), clocks };
  };
  const timeline = async (ticketId: string, v: Visitor, publicOnly: boolean) => {
    const zone = v.principal?.timeZone ?? 'Europe/Bratislava';
    const events = (await listTicketEvents(db, ticketId, { publicOnly, afterSeq: 0, limit: 500 })).map(toApiEvent);
    const actorIds = [...new Set(events.map((e) => (e.actor.kind === 'user' ? e.actor.id : null)).filter((x): x is string => !!x))];
    const names = new Map<string, string>(actorIds.length ? (await db('users').whereIn('id', actorIds).select('id', 'name')).map((u: { id: string; name: string }) => [u.id, u.name]) : []);
    return events.map((e) => ({
      seq: e.seq,
      at: formatInstant(e.at, v.lang, zone),
      eventKey: EVENT_KEYS.has(`event.${e.type}`) ? `event.${e.type}` : 'event.other',
      type: e.type,
      internal: e.visibility === 'internal',
      actor: e.actor.kind === 'user' ? (names.get(e.actor.id ?? '') ?? null) : null,
      body: typeof (e.data as { body?: unknown } | null)?.body === 'string' ? (e.data as { body: string }).body : null,
    }));
  };

  /** The deadlines a new ticket would get now: the same computation as GET /api/v1/sla/preview. */
  const slaPreview = async (p: Principal, impact: (typeof LEVELS_OF_IMPACT)[number], urgency: (typeof LEVELS_OF_URGENCY)[number], lang: PortalLanguage) => {
    if (!p.customerId || !(await getCustomer(db, p.customerId))) throw notFound('Customer');
    const at = new Date();
    const priority = derivePriority(impact, urgency, await getPriorityMatrix(db));
    const snap = await loadSlaSnapshot(db, p.customerId, at);
    const rows = TARGET_KINDS.filter((k) => k !== 'nextUpdate').map((k) => {
      const t = snap.targets[priority][k];
      if (!t) return { kind: k, deadline: null, coverage: null };
      const cal = t.coverage === 'business' ? snap.businessCalendar : snap.wallClockCalendar;
      return { kind: k, deadline: formatInstant(addWorkingTime(at, t.ms, cal), lang, p.timeZone), coverage: t.coverage === 'business' ? 'clock.business' : 'clock.wallClock' };
    });
    return { priority, rows };
  };

  r.get('/', (_req, res) => {
    const p = visitorOf(res).principal;
    res.redirect(303, !p ? '/login' : isStaff(p) ? '/desk' : '/portal');
  });

  // Sign in: the same credential check and session as POST /api/v1/auth/session, as a form.
  const loginLimiter = deps.loginLimiter ?? createLoginLimiter();
  r.get('/login', (req, res) => {
    page(res, 'login', 'login.title', { next: safeReturn(req.query.next), ...(req.query.error === 'tooMany' ? { error: 'login.tooMany' } : {}) });
  });
  r.post('/login', form, loginLimiter, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const next = safeReturn(body.next);
    const creds = tokenRequestSchema.safeParse({ email: body.email, password: body.password });
    const user = creds.success ? await findActiveUserByEmail(db, creds.data.email) : undefined;
    const ok = creds.success && (await verifyPassword(user?.password_hash, creds.data.password));
    if (!user || !ok) {
      page(res, 'login', 'login.title', { error: 'login.failed', email: typeof body.email === 'string' ? body.email : '', next }, 401);
      return;
    }
    const old = visitorOf(res).session;
    if (old) await revokeToken(db, old);
    const { token, expiresAt } = await issueToken(db, user.id, 'session', SESSION_TTL_MS);
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
    if (!isPortalLanguage(body.lang)) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const p = visitorOf(res).principal;
    if (p) await db('users').where({ id: p.id }).update({ language: body.lang });
    res.cookie(LANGUAGE_COOKIE, body.lang, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/', maxAge: YEAR_MS });
    res.redirect(303, safeReturn(body.returnTo));
  });

  // Customer pages.
  r.get('/portal', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const { rows } = await listTickets(db, ticketScope(p), {}, { limit: 100 });
    page(res, 'my-tickets', 'tickets.title', { tickets: rows.map((row) => ticketView(row, v)) });
  });

  const newTicketPage = (res: Response, values: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    page(res, 'new-ticket', 'new.title', { values, types: TICKET_TYPES, levels: LEVELS_OF_IMPACT, ...extra }, status);
  };
  r.get('/portal/tickets/new', (req, res) => {
    signedIn(req, res);
    newTicketPage(res, { type: 'incident', impact: 'medium', urgency: 'medium' });
  });
  r.post('/portal/tickets/new', form, async (req, res) => {
    const p = signedIn(req, res);
    checkCsrf(req, res);
    if (isStaff(p)) throw forbidden();
    const values = formBody(req);
    const parsed = newTicketForm.safeParse(values);
    if (!parsed.success) {
      newTicketPage(res, values, { errors: fieldErrors(parsed.error) }, 400);
      return;
    }
    if (values.intent === 'preview') {
      newTicketPage(res, values, { preview: await slaPreview(p, parsed.data.impact, parsed.data.urgency, visitorOf(res).lang) });
      return;
    }
    const { ticket } = await createTicket({ db, temporal: deps.temporal, taskQueue: deps.taskQueue }, p, parsed.data);
    res.redirect(303, `/portal/tickets/${toApiTicket(ticket).number}`);
  });

  r.get('/portal/tickets/:number', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    page(res, 'ticket', 'ticket.details', { ticket: ticketView(row, v), events: await timeline(row.id, v, !isStaff(p)) });
  });
  r.post('/portal/tickets/:number/reply', form, async (req, res) => {
    const p = signedIn(req, res);
    checkCsrf(req, res);
    const parsed = deskActionForms.comment.safeParse(formBody(req));
    if (!parsed.success) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const result = await runTicketAction(deps, p, String(req.params.number), 'comment', { body: parsed.data.body, visibility: 'public' });
    const row = await findTicket(db, ticketScope(p), result.ticketId);
    res.redirect(303, `/portal/tickets/${row ? toApiTicket(row).number : ''}`);
  });

  // Staff pages.
  r.get('/desk', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const f = deskFilters.safeParse(req.query);
    const filters = f.success ? f.data : {};
    const { rows } = await listTickets(db, ticketScope(p), { status: filters.status ? [filters.status] : OPEN, ...(filters.level ? { level: [filters.level] } : {}) }, { limit: 200 });
    page(res, 'desk', 'desk.title', { tickets: rows.map((row) => ticketView(row, v)), filters, levels: ['L1', 'L2', 'L3'], statuses: OPEN, slaStates: SLA_STATES });
  });
  r.get('/desk/dashboard', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    if (dashboardScope(p) !== null) throw forbidden();
    const zone = p.timeZone ?? 'Europe/Bratislava';
    const figures = await computeDashboard(db, null, { days: 30 }, zone);
    const { rows } = await listTickets(db, { kind: 'all' }, { status: OPEN }, { limit: 10 });
    page(res, 'dashboard', 'dash.title', {
      figures,
      levelChart: barChart(['L1', 'L2', 'L3'].map((k) => ({ label: k, value: Number(figures.open.byLevel[k] ?? 0) }))),
      priorityChart: barChart(['P1', 'P2', 'P3', 'P4'].map((k) => ({ label: k, value: Number(figures.open.byPriority[k] ?? 0) }))),
      statusRows: OPEN.map((s) => ({ status: s, n: Number(figures.open.byStatus[s] ?? 0) })),
      compliance: figures.compliance.perCustomer.map((c) => ({ ...c, percent: c.compliance === null ? null : `${Math.round(c.compliance * 1000) / 10} %` })),
      newest: rows.map((row) => ticketView(row, v)),
    });
  });
  r.get('/desk/tickets/:number', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const row = await findTicket(db, ticketScope(p), String(req.params.number));
    if (!row) throw notFound('Ticket');
    page(res, 'desk-ticket', 'ticket.details', { ticket: ticketView(row, v), events: await timeline(row.id, v, false), levels: LEVELS_OF_IMPACT, done: req.query.done === '1' });
  });
  r.post('/desk/tickets/:number/:form', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const kind = String(req.params.form);
    if (kind !== 'triage' && kind !== 'comment' && kind !== 'note') throw notFound('Page');
    const parsed = deskActionForms[kind].safeParse(formBody(req));
    if (!parsed.success) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const number = String(req.params.number);
    if (kind === 'triage') {
      const d = parsed.data as z.infer<typeof deskActionForms.triage>;
      await runTicketAction(deps, p, number, 'triage', Object.fromEntries(Object.entries(d).filter(([, x]) => x !== undefined)));
    } else {
      const d = parsed.data as z.infer<typeof deskActionForms.comment>;
      await runTicketAction(deps, p, number, 'comment', { body: d.body, visibility: kind === 'note' ? 'internal' : 'public' });
    }
    res.redirect(303, `/desk/tickets/${encodeURIComponent(number)}?done=1`);
  });

  r.use(['/portal', '/desk'], (_req, _res, next) => next(notFound('Page')));

  // Errors on portal pages are pages too; another organisation's ticket looks exactly like a missing one.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!res.locals.visitor || res.headersSent) return next(err);
    if (err instanceof ProblemError && err.status === 401) {
      res.redirect(303, `/login?next=${encodeURIComponent(safeReturn(req.originalUrl))}`);
      return;
    }
    const status = err instanceof ProblemError ? err.status : 500;
    if (status >= 500) deps.log.error({ err, url: req.originalUrl }, 'portal page failed');
    const key = [400, 403, 404, 409].includes(status) ? String(status) : 'other';
    const given = err instanceof ProblemError ? (err.detail ?? null) : null;
    const detail = given && (given.startsWith('error.') || status === 409) ? given : null;
    page(res, 'error', `error.${key}.title`, { status, titleKey: `error.${key}.title`, textKey: [403, 404].includes(status) ? `error.${status}.text` : null, detailKey: detail?.startsWith('error.') ? detail : null, detail: detail && !detail.startsWith('error.') ? detail : null }, status);
  });
  return r;
}

/** A horizontal bar chart as inline SVG (no script), with the figures also written as text. */
export function barChart(bars: Array<{ label: string; value: number }>): { svg: string; height: number } {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 28;
  const width = 320;
  const labelW = 40;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = bars
    .map((b, i) => {
      const w = Math.round(((width - labelW - 40) * b.value) / max);
      const y = i * rowH;
      return `<g><text x="0" y="${y + 19}" class="chart-label">${esc(b.label)}</text><rect x="${labelW}" y="${y + 4}" width="${w}" height="20" class="chart-bar"></rect><text x="${labelW + w + 6}" y="${y + 19}" class="chart-value">${b.value}</text></g>`;
    })
    .join('');
  const height = bars.length * rowH;
  return { svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" focusable="false" aria-hidden="true">${rows}</svg>`, height };
}
