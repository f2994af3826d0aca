/**
 * What every portal page module shares: who is visiting, rendering a page in the visitor's language, the CSRF check
 * for forms, the role guards, and the ticket/timeline views. Area modules (customer.ts, desk.ts, …) receive one kit.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { mib, type AttachmentStorage } from '../../db/attachments';
import { isInlineImage, MAX_FILES_PER_EVENT, type AttachmentRef } from '../../domain/attachments';
import { attachmentHref } from '../attachments';
import { isFileRefusal, readMultipart, type UploadedFile } from '../services/attachments';
import type { Db } from '../../db/connection';
import { parse as parseCookies } from 'cookie';
import { expiredSessionOwner, FORM_DRAFT_TTL_MS, keepFormDraft, takeFormDraft } from '../../db/form-drafts';
import { SESSION_COOKIE } from '../auth';
import { listTicketEvents, type Ticket } from '../../db/tickets';
import { isStaff, type Principal } from '../../domain/access';
import { storableDeep } from '../../domain/text';
import { DEFAULT_TIME_ZONE } from '../../domain/calendars';
import { TARGET_KINDS } from '../../domain/plans';
import { dashboardScope } from '../dashboard';
import { ProblemError, forbidden } from '../errors';
import { toApiEvent, toApiTicket } from '../ticket-shape';
import type { Logger } from '../ports';
import type { Language } from '../../domain/languages';
import { formatDuration, formatInstant, loadMessages, translate } from './i18n';
import { createdEventData, isTicketEventType, TICKET_EVENTS } from '../../domain/ticket/events';
import { createViews, type PageContext } from './views';
import { eventDetails, type EventDetail } from './event-details';

export interface PortalDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  secureCookies: boolean;
  /** Base URL people open (links in invitation emails sent from the admin pages). */
  publicUrl?: string;
  /** The API's sign-in limiter: one count of failed attempts for both. */
  loginLimiter?: RequestHandler;
  /** Verifies the signed satisfaction links in e-mails (the same secret as the API). */
  authSecret?: string;
  /** Form posts per user (or address) per minute, like the API's write limit (counted separately). */
  writesPerMinute?: number;
  /** Files on tickets: where they are kept and their limits (the API's). */
  attachments: AttachmentStorage;
}

export interface Visitor {
  principal: Principal | null;
  session: string | null;
  csrfToken: string | null;
  lang: Language;
}

/** The cookie that finds what was typed into a form posted after its session expired. */
const DRAFT_COOKIE = 'tf_draft';

/** The title of a timeline row this code does not know (written by a newer version). */
const OTHER_EVENT = { en: translate(loadMessages('en'), 'event.other'), sk: translate(loadMessages('sk'), 'event.other') };
/** Clock states for which a remaining time means something. */
const TICKING = new Set(['running', 'warning', 'breached', 'paused']);

/** A file's size as people read it. */
const fileSize = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Only local paths are followed after a form, so a crafted link cannot send people elsewhere. */
export const safeReturn = (v: unknown): string => (typeof v === 'string' && /^\/(?![/\\])[\w\-/?=&.%]*$/.test(v) ? v : '/');

/** An empty form field means "not given". */
export const blankToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);

/** A file on a timeline entry: a download link, and a thumbnail for images. */
export interface TimelineFile {
  name: string;
  size: string;
  href: string;
  image: boolean;
}

/** The name of the file input of every form that takes files (the registry's FILES.formField). */
export const FILE_FIELD = 'attachments';

export interface PortalKit {
  deps: PortalDeps;
  db: Db;
  /** Parses application/x-www-form-urlencoded bodies (use on every POST route). */
  form: RequestHandler;
  /**
   * For forms that may carry files: multipart/form-data (files in `attachments`, limits enforced while they
   * arrive, the CSRF token checked before the first file is read) or urlencoded. Files over a limit are not kept:
   * the form comes back with `filesRefused` and the fields that arrived before them. A visitor who is not signed
   * in is sent to the sign-in page with no file read; if their session had just expired, the text they typed is
   * kept for them (typedBeforeSignIn).
   */
  formWithFiles: RequestHandler;
  /**
   * What this user typed into a form whose session had expired (kept by formWithFiles), if its form path is one
   * `accepts`; handed out once.
   */
  typedBeforeSignIn(req: Request, res: Response, p: Principal, accepts: (formPath: string) => boolean): Promise<{ formPath: string; fields: Record<string, string> } | undefined>;
  /** The files posted with the form (formWithFiles). */
  filesOf(res: Response): UploadedFile[];
  /** Why posted files were refused (a limit), if they were. */
  filesRefused(res: Response): string | null;
  visitorOf(res: Response): Visitor;
  /** Renders `templates/portal/<name>.hbs` inside the layout; `title` is a message key. */
  page(res: Response, name: string, title: string, extra?: Record<string, unknown>, status?: number): void;
  /** Every portal POST from a signed-in visitor must carry the session's CSRF token in `_csrf` (403 otherwise). */
  checkCsrf(req: Request, res: Response): void;
  /** The visitor, or a redirect to the sign-in page. */
  signedIn(req: Request, res: Response): Principal;
  /** Staff only (403 for customers). */
  staffOnly(req: Request, res: Response): Principal;
  /** The form's fields without `_csrf`. */
  formBody(req: Request): Record<string, unknown>;
  /** The names of the fields a zod error is about (for highlighting). */
  fieldErrors(err: z.ZodError): string[];
  /** A ticket row as the pages show it: the API shape plus formatted dates and clocks. */
  ticketView(row: Ticket, v: Visitor): ReturnType<typeof toApiTicket> & { created: string | null; clocks: Array<{ kind: string; deadline: string | null; remaining: string | null; state: string; paused: Array<{ from: string | null; to: string | null }> }>; hasPauses: boolean };
  /**
   * The ticket's timeline; `publicOnly` for customers. With the ticket's `row`, a ticket whose workflow has not
   * projected its first event yet (just created) shows its creation, as the workflow records it, at once.
   */
  timeline(ticketId: string, v: Visitor, publicOnly: boolean, row?: Ticket): Promise<Array<{ seq: number; at: string | null; label: string; type: string; internal: boolean; actor: string | null; body: string | null; details: EventDetail[]; files: TimelineFile[]; data: unknown }>>;
  zoneOf(v: Visitor): string;
}

export function createPortalKit(deps: PortalDeps): PortalKit {
  const { db } = deps;
  const render = createViews();
  const parseForm = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 100 });
  // What people type is kept: a NUL or an unpaired surrogate (no browser sends one, a script may) becomes U+FFFD.
  const form: RequestHandler = (req, res, next) =>
    parseForm(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.body) req.body = storableDeep(req.body);
      next();
    });
  const visitorOf = (res: Response): Visitor => res.locals.visitor as Visitor;
  const { limits } = deps.attachments;
  const fileLimits = { count: MAX_FILES_PER_EVENT, file: mib(limits.maxFileBytes), ticket: mib(limits.maxTicketBytes) };
  const zoneOf = (v: Visitor) => v.principal?.timeZone ?? DEFAULT_TIME_ZONE;

  const page: PortalKit['page'] = (res, name, title, extra = {}, status = 200) => {
    const v = visitorOf(res);
    const p = v.principal;
    const ctx: PageContext = {
      lang: v.lang,
      title,
      csrfToken: v.csrfToken,
      returnTo: safeReturn(res.req.originalUrl),
      user: p ? { name: p.name, role: p.role, isStaff: isStaff(p), isManager: dashboardScope(p) === null, isAdmin: p.role === 'admin', isCustomerAdmin: p.role === 'customer_admin' } : null,
      fileLimits,
      ...extra,
    };
    res.status(status).type('html').set('cache-control', 'no-store').send(render(name, ctx));
  };

  const checkCsrf: PortalKit['checkCsrf'] = (req, res) => {
    const v = visitorOf(res);
    if (!v.principal) return;
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof sent !== 'string' || !v.csrfToken || !sameSecret(sent, v.csrfToken)) {
      throw new ProblemError(403, 'csrf-failed', 'Forbidden', 'error.csrf');
    }
  };
  /**
   * A form posted after its session expired: what was typed (text fields only; files are not read) is kept for the
   * session's owner, if the post carries that session's CSRF token, and the visitor is sent to sign in again.
   */
  const keepTypedThenSignIn = async (req: Request, res: Response): Promise<void> => {
    const token = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
    const owner = token ? await expiredSessionOwner(db, token) : undefined;
    if (!owner?.csrfToken) return;
    const fields: Record<string, string> = {};
    if (req.is('multipart/form-data')) {
      const stop = new Error('text fields read');
      await readMultipart(req, { maxFileBytes: 1, budgetBytes: 1, fileFields: [FILE_FIELD], fields, unstorableText: 'replace', beforeFirstFile: () => { throw stop; } }).catch(() => undefined);
    } else {
      await new Promise<void>((done) => form(req, res, () => done()));
      for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v;
    }
    const { _csrf: sent, ...typed } = fields;
    if (typeof sent !== 'string' || !sameSecret(sent, owner.csrfToken) || !Object.values(typed).some((v) => v.trim() !== '')) return;
    const draft = await keepFormDraft(db, owner.userId, req.path, typed);
    res.cookie(DRAFT_COOKIE, draft, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/', maxAge: FORM_DRAFT_TTL_MS });
    res.locals.draftKept = true;
  };
  const formWithFiles: PortalKit['formWithFiles'] = (req, res, next) => {
    // Every form with files is for a signed-in visitor: an anonymous post goes to the sign-in page with no file read
    // (files could otherwise be read up to the limits before the route finds nobody signed in); its text is kept
    // when the session had only expired.
    if (!visitorOf(res).principal) {
      keepTypedThenSignIn(req, res).then(
        () => next(new ProblemError(401, 'unauthorized', 'Unauthorized', 'login')),
        (err: unknown) => next(err),
      );
      return;
    }
    if (!req.is('multipart/form-data')) return form(req, res, next);
    const fields: Record<string, string> = {};
    readMultipart(req, {
      maxFileBytes: limits.maxFileBytes,
      // The ticket's own limit is checked when the files are staged, with the ticket known.
      budgetBytes: limits.maxTicketBytes,
      fileFields: [FILE_FIELD],
      fields,
      unstorableText: 'replace',
      // The form's token comes first (partials/csrf): a post without it reads no file.
      beforeFirstFile: (before) => checkCsrf({ body: before } as Request, res),
    }).then(
      (body) => {
        req.body = body.fields;
        res.locals.files = body.files;
        next();
      },
      (err: unknown) => {
        if (!isFileRefusal(err)) return next(err);
        req.body = fields;
        res.locals.files = [];
        res.locals.filesRefused = err.detail ?? err.title;
        next();
      },
    );
  };
  const typedBeforeSignIn: PortalKit['typedBeforeSignIn'] = async (req, res, p, accepts) => {
    const token = parseCookies(req.get('cookie') ?? '')[DRAFT_COOKIE];
    if (!token) return undefined;
    const draft = await takeFormDraft(db, token, p.id, accepts);
    if (draft) res.clearCookie(DRAFT_COOKIE, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: '/' });
    return draft;
  };
  const filesOf: PortalKit['filesOf'] = (res) => (res.locals.files as UploadedFile[] | undefined) ?? [];
  const filesRefused: PortalKit['filesRefused'] = (res) => (res.locals.filesRefused as string | undefined) ?? null;
  const signedIn: PortalKit['signedIn'] = (_req, res) => {
    const p = visitorOf(res).principal;
    if (!p) throw new ProblemError(401, 'unauthorized', 'Unauthorized', 'login');
    return p;
  };
  const staffOnly: PortalKit['staffOnly'] = (req, res) => {
    const p = signedIn(req, res);
    if (!isStaff(p)) throw forbidden();
    return p;
  };
  const formBody: PortalKit['formBody'] = (req) => {
    const { _csrf: _ignored, ...rest } = (req.body ?? {}) as Record<string, unknown>;
    return rest;
  };
  const fieldErrors: PortalKit['fieldErrors'] = (err) => err.issues.map((i) => String(i.path[0] ?? ''));

  const ticketView: PortalKit['ticketView'] = (row, v) => {
    const t = toApiTicket(row);
    const zone = zoneOf(v);
    const clocks = TARGET_KINDS.map((k) => {
      const c = t.sla[k] as { deadline: string | null; remainingMs: number | null; state: string; pausedIntervals?: Array<{ from: string; to: string | null }> };
      const paused = (c.pausedIntervals ?? []).map((i) => ({ from: formatInstant(i.from, v.lang, zone), to: formatInstant(i.to, v.lang, zone) }));
      return { kind: k, deadline: formatInstant(c.deadline, v.lang, zone), remaining: TICKING.has(c.state) ? formatDuration(c.remainingMs) : null, state: c.state, paused };
    });
    return { ...t, created: formatInstant(t.createdAt, v.lang, zone), clocks, hasPauses: clocks.some((c) => c.paused.length > 0) };
  };
  /** The ticket.created event its workflow writes first (workflows/ticket-model.ts), from the row created with it. */
  const creationNotYetProjected = async (row: Ticket): Promise<ReturnType<typeof toApiEvent>> => {
    const creator = (await db('tickets').where({ id: row.id }).first('created_by')) as { created_by: string | null } | undefined;
    const data = createdEventData(row);
    return { seq: 1, type: 'ticket.created', at: row.createdAt.toISOString(), actor: creator?.created_by ? { kind: 'user', id: creator.created_by } : { kind: 'system' }, visibility: TICKET_EVENTS['ticket.created'].visibility, data };
  };
  const timeline: PortalKit['timeline'] = async (ticketId, v, publicOnly, row) => {
    const zone = zoneOf(v);
    const events = (await listTicketEvents(db, ticketId, { publicOnly, afterSeq: 0, limit: 500 })).map(toApiEvent);
    if (row && events.length === 0) events.push(await creationNotYetProjected(row));
    const actorIds = [...new Set(events.map((e) => (e.actor.kind === 'user' ? e.actor.id : null)).filter((x): x is string => !!x))];
    const names = new Map<string, string>(actorIds.length ? (await db('users').whereIn('id', actorIds).select('id', 'name')).map((u: { id: string; name: string }) => [u.id, u.name]) : []);
    return events.map((e) => ({
      seq: e.seq,
      at: formatInstant(e.at, v.lang, zone),
      label: isTicketEventType(e.type) ? TICKET_EVENTS[e.type].label[v.lang] : OTHER_EVENT[v.lang],
      type: e.type,
      internal: e.visibility === 'internal',
      actor: e.actor.kind === 'user' ? (names.get(e.actor.id ?? '') ?? null) : null,
      body: typeof (e.data as { body?: unknown } | null)?.body === 'string' ? (e.data as { body: string }).body : null,
      details: eventDetails(e.type, e.data),
      // The timeline holds only the events this visitor may see, so it shows exactly their files.
      files: ((e.data as { attachments?: AttachmentRef[] } | null)?.attachments ?? []).map((f) => ({ name: f.name, size: fileSize(f.size), href: attachmentHref(ticketId, f.id), image: isInlineImage(f.contentType) })),
      data: e.data,
    }));
  };

  return { deps, db, form, formWithFiles, typedBeforeSignIn, filesOf, filesRefused, visitorOf, page, checkCsrf, signedIn, staffOnly, formBody, fieldErrors, ticketView, timeline, zoneOf };
}
