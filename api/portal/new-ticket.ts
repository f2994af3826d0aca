/**
 * Reporting a new ticket (SPEC §10): the form with impact/urgency help, business line and module, the SLA preview
 * and knowledge-base suggestions. Without JavaScript the preview button shows both; with /portal.js the preview
 * follows impact/urgency live and suggestions follow the typing, through the two small JSON endpoints below.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { suggestArticles, type KbSuggestion } from '../../db/kb';
import { getCustomer, getPriorityMatrix } from '../../db/reference';
import { isStaff, type Principal } from '../../domain/access';
import { TARGET_KINDS } from '../../domain/plans';
import { derivePriority, LEVELS_OF_IMPACT, LEVELS_OF_URGENCY, type Impact, type Urgency } from '../../domain/priority';
import { formatTicketNumber, TICKET_TYPES } from '../../domain/tickets';
import { ProblemError, forbidden, notFound } from '../errors';
import { createTicket, licensedModules } from '../services/ticket-intake';
import { slaDeadlines } from '../sla';
import { newTicketSchema } from '../tickets';
import type { Language } from '../../domain/languages';
import { formatInstant, loadMessages, translate } from './i18n';
import { blankToUndefined, type PortalKit } from './kit';
import { PORTAL_JS } from './script';

const api = newTicketSchema.shape;
/** The API's own field rules; empty optional fields mean "not given". */
const newTicketForm = z.object({
  title: api.title,
  description: api.description,
  type: api.type,
  impact: api.impact,
  urgency: api.urgency,
  businessLineId: z.preprocess(blankToUndefined, api.businessLineId),
  moduleId: z.preprocess(blankToUndefined, api.moduleId),
});
/** One key per rendered form: a double submit (or a retried POST) creates one ticket. */
const FORM_KEY = /^portal-[0-9a-f-]{36}$/;
const previewQuery = z.object({ impact: z.enum(LEVELS_OF_IMPACT), urgency: z.enum(LEVELS_OF_URGENCY) });

/** What the suggestions look at: the title and the start of the description, as typed. */
const SUGGEST_TEXT_CHARS = 1000;
const SUGGESTIONS = 5;
const FIELDS = ['title', 'description', 'type', 'impact', 'urgency', 'businessLineId', 'moduleId'] as const;
const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };
/** The clocks a preview shows: the next-update clock only starts with the first answer. */
const PREVIEW_KINDS = TARGET_KINDS.filter((k) => k !== 'nextUpdate');

/** A customer, with an organisation that exists; staff report tickets from the desk, not here. */
async function reporter(kit: PortalKit, req: Request, res: Response): Promise<Principal & { customerId: string }> {
  const p = kit.signedIn(req, res);
  if (isStaff(p)) throw forbidden();
  if (!p.customerId || !(await getCustomer(kit.db, p.customerId))) throw notFound('Customer');
  return p as Principal & { customerId: string };
}

const firstString = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

export function mountNewTicketPages(r: Router, kit: PortalKit): void {
  const { db, deps, formWithFiles, filesOf, filesRefused, page, visitorOf, checkCsrf, formBody } = kit;

  /** The deadlines a new ticket would get now: the same computation as GET /api/v1/sla/preview. */
  const slaPreview = async (p: Principal & { customerId: string }, impact: Impact, urgency: Urgency, lang: Language) => {
    const at = new Date();
    const priority = derivePriority(impact, urgency, await getPriorityMatrix(db));
    const { deadlines } = await slaDeadlines(db, p.customerId, priority, at);
    const rows = PREVIEW_KINDS.map((k) => {
      const d = deadlines[k];
      return { kind: k, deadline: d.deadline ? formatInstant(d.deadline, lang, p.timeZone) : null, coverage: d.coverage ? (d.coverage === 'business' ? 'clock.business' : 'clock.wallClock') : null };
    });
    return { priority, rows };
  };

  const suggestions = async (p: Principal, text: string, lang: Language): Promise<Array<KbSuggestion & { url: string }>> => {
    const found = await suggestArticles(db, { drafts: isStaff(p) }, text.slice(0, SUGGEST_TEXT_CHARS), { preferLanguage: lang, limit: SUGGESTIONS });
    return found.map((a) => ({ ...a, url: `/kb/articles/${a.id}` }));
  };

  /** The customer's own business lines and licensed modules: the only values the API accepts without a problem. */
  const choices = async (customerId: string) => ({
    businessLines: (await db('business_lines').where({ customer_id: customerId }).orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>,
    modules: (await licensedModules(db, customerId).orderBy('m.name').select('m.id', 'm.name', 'm.product')) as Array<{ id: string; name: string; product: string }>,
  });

  const newTicketPage = async (res: Response, p: Principal & { customerId: string }, values: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    page(res, 'new-ticket', 'new.title', { values, types: TICKET_TYPES, levels: LEVELS_OF_IMPACT, previewKinds: PREVIEW_KINDS, ...(await choices(p.customerId)), ...extra }, status);
  };

  r.get('/portal.js', (_req, res) => {
    res.type('text/javascript').set('cache-control', 'public, max-age=3600').send(PORTAL_JS);
  });

  // The form's one-time key is in its address: Back after creating shows the same form with the same key, so
  // submitting it again lands on the ticket it created instead of making a second one.
  r.get('/portal/tickets/new', async (req, res) => {
    const p = await reporter(kit, req, res);
    const key = typeof req.query.key === 'string' && FORM_KEY.test(req.query.key) ? req.query.key : null;
    if (!key) return res.redirect(303, `/portal/tickets/new?key=portal-${randomUUID()}`);
    // Posted after the session expired: the form comes back as it was typed (its own key kept), to be sent again.
    const draft = await kit.typedBeforeSignIn(req, res, p, (path) => path === '/portal/tickets/new');
    if (draft) return newTicketPage(res, p, { ...draft.fields, formKey: FORM_KEY.test(draft.fields.formKey ?? '') ? draft.fields.formKey : key }, { restored: true });
    await newTicketPage(res, p, { type: 'incident', impact: 'medium', urgency: 'medium', formKey: key });
  });

  r.post('/portal/tickets/new', formWithFiles, async (req, res) => {
    const p = await reporter(kit, req, res);
    checkCsrf(req, res);
    const v = visitorOf(res);
    const values = formBody(req);
    // Files over a limit were not kept: the form comes back saying so, with what was typed (files must be chosen again).
    if (filesRefused(res)) {
      await newTicketPage(res, p, values, { errors: ['attachments'], err: { attachments: 'files.refused' } }, 413);
      return;
    }
    const parsed = newTicketForm.safeParse(values);
    if (!parsed.success) {
      const err = Object.fromEntries(kit.fieldErrors(parsed.error).filter((f) => (FIELDS as readonly string[]).includes(f)).map((f) => [f, `newticket.err.${f}`]));
      await newTicketPage(res, p, values, { errors: Object.keys(err), err }, 400);
      return;
    }
    if (values.intent === 'preview') {
      const text = `${parsed.data.title} ${parsed.data.description}`;
      await newTicketPage(res, p, values, { preview: await slaPreview(p, parsed.data.impact, parsed.data.urgency, v.lang), suggestions: await suggestions(p, text, v.lang) });
      return;
    }
    try {
      const formKey = typeof values.formKey === 'string' && FORM_KEY.test(values.formKey) ? values.formKey : undefined;
      const files = filesOf(res);
      const { ticket, created } = await createTicket({ db, temporal: deps.temporal, taskQueue: deps.taskQueue, attachments: deps.attachments }, p, parsed.data, formKey, files.length ? { files: { files, source: 'portal' } } : {});
      // A form sent again (Back, then Create) shows the ticket it created the first time, saying so.
      res.redirect(303, `/portal/tickets/${formatTicketNumber(ticket.number)}${created ? '' : '?sentBefore=1'}`);
    } catch (e) {
      if (e instanceof ProblemError && e.status === 413) {
        await newTicketPage(res, p, values, { errors: ['attachments'], err: { attachments: 'files.refused' } }, 413);
        return;
      }
      // The API's reference checks name a field: show the problem on it, with everything typed kept.
      const field = e instanceof ProblemError && [400, 422].includes(e.status) ? fieldOf(e) : null;
      if (!field || !(e instanceof ProblemError)) throw e;
      const key = e.status === 422 && e.type === 'out-of-scope' ? 'newticket.err.outOfScope' : field === 'moduleId' && parsed.data.type === 'defect' && !parsed.data.moduleId ? 'newticket.err.defectModule' : `newticket.err.${field}`;
      await newTicketPage(res, p, values, { errors: [field], err: { [field]: key } }, e.status);
    }
  });

  // Progressive enhancement (/portal.js): the preview for the chosen impact/urgency, and suggestions for the text.
  r.get('/portal/tickets/new/preview', async (req, res) => {
    const p = await reporter(kit, req, res);
    const q = previewQuery.safeParse({ impact: firstString(req.query.impact), urgency: firstString(req.query.urgency) });
    if (!q.success) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const lang = visitorOf(res).lang;
    const preview = await slaPreview(p, q.data.impact, q.data.urgency, lang);
    const none = translate(MESSAGES[lang], 'none');
    res.set('cache-control', 'no-store').json({
      priority: preview.priority,
      rows: preview.rows.map((row) => ({ kind: row.kind, deadline: row.deadline ?? none, coverage: row.coverage ? translate(MESSAGES[lang], row.coverage) : none })),
    });
  });
  r.get('/portal/tickets/new/suggestions', async (req, res) => {
    const p = await reporter(kit, req, res);
    const lang = visitorOf(res).lang;
    const items = await suggestions(p, firstString(req.query.q), lang);
    res.set('cache-control', 'no-store').json({ items: items.map((a) => ({ title: a.title, url: a.url, language: a.language, kind: translate(MESSAGES[lang], `kb.kind.${a.kind}`), languageName: translate(MESSAGES[lang], `kb.lang.${a.language}`) })) });
  });
}

/** The form field an API problem is about (`body.moduleId` → `moduleId`), if it is one of this form's. */
function fieldOf(e: ProblemError): (typeof FIELDS)[number] | null {
  const named = [e.extra.field, ...((e.extra.errors as Array<{ field?: unknown }> | undefined) ?? []).map((x) => x.field)];
  for (const f of named) {
    const name = typeof f === 'string' ? f.replace(/^body\./, '') : '';
    if ((FIELDS as readonly string[]).includes(name)) return name as (typeof FIELDS)[number];
  }
  return null;
}
