/**
 * The agent's ticket page (#14, point 1): a compact header, the conversation (timeline in words, one composer with a
 * public/internal switch and text modules), and the ticket's actions in a side panel grouped by intent
 * (desk-panel.ts). What is offered comes from the action registry (formsNow), the same rules the workflow's
 * validator uses; the validator stays the final word, so a refusal (409) is shown on the page as a readable message.
 * A form that fails comes back on the ticket page with the field named and what was typed kept.
 */
import type { Response, Router } from 'express';
import { findTicket } from '../../db/tickets';
import { ASSIGNABLE_ROLES, ticketScope, type Principal } from '../../domain/access';
import { ACTIONS, formById, formsNow, roleRefusal, type ActionDefinition, type ActionForm, type FormField, type OptionSource, type TicketActionName } from '../../domain/ticket/actions';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { formatTicketNumber } from '../../domain/tickets';
import { ProblemError, forbidden, notFound } from '../errors';
import { canManageReleases } from '../releases';
import { factsOfRow, runTicketAction } from '../ticket-actions';
import { newAttachmentIds, withStagedFiles } from '../services/attachments';
import { listTextModules } from '../../db/text-modules';
import { renderTextModule, textModuleContext } from '../services/text-modules';
import { fileFieldOf, formPayload, invalidFields, labelText } from './action-forms';
import { buttonStyle, COMPOSER_FORMS, isComposerForm, PANEL_GROUPS, panelPlace } from './desk-panel';
import { DESK_TICKET_CSS, DESK_TICKET_JS } from './desk-ticket-assets';
import { eventSentence } from './event-text';
import { loadMessages, translate } from './i18n';
import type { PortalKit, Visitor } from './kit';

const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };

interface TicketContext {
  row: NonNullable<Awaited<ReturnType<typeof findTicket>>>;
  incidents: Array<{ id: string; number: string }>;
  staff: Array<{ id: string; name: string }>;
  releases: Array<{ version: string; plannedDate: string }>;
}

/** What a failed (or restored) form brings back to the page. */
interface FormState {
  formId?: string;
  values?: Record<string, unknown>;
  errors?: string[];
  conflict?: string;
  restored?: boolean;
  /** a text module was just put into the composer */
  inserted?: boolean;
}

type Choice = { value: string; labelKey?: string; label?: string };

/** A select's options: the form's own, or the ticket's (other levels, planned releases, linked incidents…). */
function optionsOf(source: OptionSource | undefined, field: FormField, c: TicketContext): Choice[] {
  if (field.kind === 'yesNo') return [{ value: 'yes', labelKey: 'desk.f.acceptedYes' }, { value: 'no', labelKey: 'desk.f.acceptedNo' }];
  if (!source) return [];
  if ('static' in source) return [...source.static];
  switch (source.dynamic) {
    case 'staff':
      return [{ value: 'none', labelKey: 'desk.unassigned' }, ...c.staff.map((x) => ({ value: x.id, label: x.name }))];
    case 'plannedReleases':
      return c.releases.map((r) => ({ value: r.version, label: `${r.version} · ${r.plannedDate}` }));
    case 'otherLevels':
      return SUPPORT_LEVELS.filter((l) => l !== c.row.level).map((l) => ({ value: l, label: l }));
    case 'otherPriorities':
      return PRIORITIES.filter((x) => x !== c.row.priority).map((x) => ({ value: x, label: x }));
    case 'linkedIncidents':
      return c.incidents.map((i) => ({ value: i.id, label: i.number }));
  }
}

/**
 * What staff read of an event besides its sentence: the levels or priorities it moved between (and whether that
 * cleared the assignee), and its text.
 */
function eventSummary(data: unknown, t_: (key: string) => string): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : null);
  const facts = [
    str('from') && str('to') ? `${str('from')} → ${str('to')}` : null,
    str('fromLevel') && str('level') && str('fromLevel') !== str('level') ? `${t_('desk.movedTo')} ${str('level')} (${str('fromLevel')} → ${str('level')})` : null,
    d.assigneeCleared === true ? t_('desk.assigneeCleared') : null,
    str('releaseVersion'),
    str('plannedDate') ?? str('plannedFor') ?? str('newDate'),
    str('effort'),
    str('risk'),
    str('convertedTo'),
    str('version') && str('environment') ? `${str('environment')} · ${str('version')}` : null,
  ].filter(Boolean);
  const text = str('resolution') ?? str('reason') ?? str('workaround') ?? str('assessment') ?? str('steps') ?? str('note') ?? str('text');
  const out = [facts.join(' · '), text].filter(Boolean).join('\n');
  return out || null;
}

/** The success message after an action: the form's own, naming the level or priority it moved to. */
function doneMessage(msgs: Record<string, string>, formId: string, query: Record<string, unknown>): string {
  const level = typeof query.level === 'string' && (SUPPORT_LEVELS as readonly string[]).includes(query.level) ? query.level : null;
  const priority = typeof query.priority === 'string' && (PRIORITIES as readonly string[]).includes(query.priority) ? query.priority : null;
  const key = formId === 'escalate' && level ? 'desk.done.escalate.level' : `desk.done.${formId}`;
  const text = msgs[key] ?? msgs['desk.done'];
  return text.replace('{level}', level ?? '').replace('{priority}', priority ?? '');
}

export function mountDeskTicketPages(r: Router, kit: PortalKit): void {
  const { db, deps, formWithFiles, filesOf, filesRefused, page, visitorOf, staffOnly, checkCsrf, formBody, ticketView, timeline } = kit;

  const staffUsers = async () => (await db('users').whereIn('role', ASSIGNABLE_ROLES).whereNull('disabled_at').orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>;
  const namesOf = async (ids: Array<string | null>) => {
    const wanted = [...new Set(ids.filter((x): x is string => !!x))];
    const rows = wanted.length ? ((await db('users').whereIn('id', wanted).select('id', 'name')) as Array<{ id: string; name: string }>) : [];
    return new Map(rows.map((x) => [x.id, x.name]));
  };

  r.get('/desk-ticket.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(DESK_TICKET_CSS);
  });
  r.get('/desk-ticket.js', (_req, res) => {
    res.type('text/javascript').set('cache-control', 'public, max-age=3600').send(DESK_TICKET_JS);
  });

  const loadContext = async (p: Principal, number: string): Promise<TicketContext> => {
    const row = await findTicket(db, ticketScope(p), number);
    if (!row) throw notFound('Ticket');
    // A problem's linked incidents as its workflow projected them.
    const incidents = (row.links?.incidents ?? []).map((i) => ({ id: i.id, number: formatTicketNumber(i.number) }));
    const [staff, releases] = await Promise.all([
      staffUsers(),
      row.type === 'defect'
        ? (db('releases').where({ status: 'planned' }).orderBy([{ column: 'planned_date' }, { column: 'version' }]).select('version', 'planned_date') as Promise<Array<{ version: string; planned_date: Date | string }>>)
        : Promise.resolve([]),
    ]);
    return {
      row,
      incidents,
      staff,
      releases: releases.map((x) => ({ version: x.version, plannedDate: typeof x.planned_date === 'string' ? x.planned_date.slice(0, 10) : x.planned_date.toISOString().slice(0, 10) })),
    };
  };

  /** Renders the ticket page; `state` keeps what was typed into a form that failed, and why. */
  const ticketPage = async (res: Response, p: Principal, v: Visitor, c: TicketContext, state: FormState = {}, status = 200, done: string | null = null) => {
    const t = c.row;
    const number = formatTicketNumber(Number(t.number));
    const [names, customer, module, modules] = await Promise.all([
      namesOf([t.assigneeId, t.requesterId]),
      db('customers as c').join('plans as p', 'p.id', 'c.plan_id').where('c.id', t.customerId).first('c.name', 'p.name as plan') as Promise<{ name: string; plan: string } | undefined>,
      t.moduleId ? (db('modules').where({ id: t.moduleId }).first('name') as Promise<{ name: string } | undefined>) : Promise.resolve(undefined),
      listTextModules(db, { activeOnly: true }),
    ]);
    const msgs = MESSAGES[v.lang];
    const t_ = (key: string) => translate(msgs, key);
    const textOr = (key: string, fallback: string) => (key in msgs ? msgs[key] : fallback);
    const facts = factsOfRow(t);
    const offered = formsNow('desk', { id: p.id, role: p.role }, facts, new Date());
    const shown = (o: { action: TicketActionName; form: ActionForm }) => {
      const fm = o.form;
      const def = ACTIONS[o.action] as ActionDefinition;
      const mine = state.formId === fm.id;
      const fields = fm.fields.map((fd) => {
        const typed = mine ? state.values?.[fd.name] : undefined;
        const value = typeof typed === 'string' ? typed : (fd.value ?? (fd.kind === 'assignee' && fd.options ? (t.assigneeId ?? 'none') : ''));
        const kind = fd.kind === 'assignee' ? (fd.options ? 'select' : 'hidden') : fd.kind === 'yesNo' || fd.kind === 'rating' ? 'select' : fd.kind;
        const options = kind === 'select' ? optionsOf(fd.options, fd, c) : undefined;
        return {
          name: fd.name,
          required: fd.required,
          label: labelText(fd.label, v.lang, t_),
          id: `${fm.id}-${fd.name.split('.').pop()}`,
          value,
          checked: kind === 'checkbox' && mine && !!state.values?.[fd.name],
          invalid: mine && (state.errors ?? []).includes(fd.name),
          isText: kind === 'text',
          isDate: kind === 'date',
          isTextarea: kind === 'textarea',
          isSelect: kind === 'select',
          isCheckbox: kind === 'checkbox',
          isHidden: kind === 'hidden',
          isFile: kind === 'file',
          options: options?.map((x) => ({ ...x, selected: x.value === value })),
        };
      });
      const emptyHint = fm.hint && optionsOf(fm.hint.whenEmpty, { name: '', kind: 'select' }, c).length === 0 ? fm.hint.key : undefined;
      // A required choice with nothing to choose from cannot be sent: the button says so by being disabled.
      const blocked = fields.some((x) => x.isSelect && x.required && (x.options ?? []).length === 0);
      const place = panelPlace(o.action);
      return {
        id: fm.id,
        action: o.action,
        group: typeof place === 'object' ? place.group : null,
        style: buttonStyle(o.action, fm.id),
        legend: textOr(`desk.a.${fm.id}`, def.label[v.lang]),
        submit: textOr(`desk.a.${fm.id}.submit`, def.label[v.lang]),
        hint: emptyHint,
        blocked,
        // Nothing planned to schedule a fix into: whoever may plan releases gets there, and back to this ticket.
        planRelease: emptyHint && fm.hint?.whenEmpty.dynamic === 'plannedReleases' && canManageReleases(p) ? `/desk/releases?returnTo=${encodeURIComponent(`/desk/tickets/${number}`)}#plan-title` : null,
        fields,
        conflict: mine ? state.conflict : undefined,
        invalid: mine && (state.errors ?? []).length > 0,
        compact: fields.every((x) => x.isHidden),
        multipart: fileFieldOf(fm) !== undefined,
      };
    };
    const forms = offered.filter((o) => typeof panelPlace(o.action) === 'object').map(shown);
    const groups = PANEL_GROUPS.map((g) => ({ id: g, forms: forms.filter((f) => f.group === g) })).filter((g) => g.forms.length > 0);
    // A refused form that no longer applies is not offered again, but what was typed into it is shown, not lost.
    const failed = state.formId ? formById('desk', state.formId) : undefined;
    const canComment = offered.some((o) => o.form.id === COMPOSER_FORMS.public);
    const stillOffered = state.formId !== undefined && offered.some((o) => o.form.id === state.formId);
    const typedNames = failed ? failed.form.fields.filter((fd) => fd.kind === 'textarea' || fd.kind === 'text').map((fd) => fd.name) : ['body', 'note'];
    const typed = stillOffered ? [] : typedNames.map((n) => state.values?.[n]).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    const failedLegend = failed ? textOr(isComposerForm(failed.form.id) ? `desk.composer.${failed.form.id}` : `desk.a.${failed.form.id}`, (ACTIONS[failed.action] as ActionDefinition).label[v.lang]) : null;
    const inComposer = state.formId !== undefined && isComposerForm(state.formId);
    const composerErrors = inComposer ? (state.errors ?? []) : [];
    // Text modules rendered for this ticket, in its customer's language (the composer inserts them by keyword).
    const moduleCtx = modules.length ? await textModuleContext(db, t, p.name) : null;
    const textModules = moduleCtx
      ? modules.map((m) => ({ id: m.id, keyword: m.keyword, name: m.name, text: renderTextModule(moduleCtx.lang === 'sk' ? m.bodySk : m.bodyEn, moduleCtx.values), selected: state.values?.module === m.id }))
      : [];
    // The event's own details are listed under it; the summary is for events that have none.
    const rawEvents = await timeline(t.id, v, false, t);
    const assignees = await namesOf(rawEvents.map((e) => (e.type === 'ticket.assigned' ? ((e.data as { assigneeId?: string | null } | null)?.assigneeId ?? null) : null)));
    const events = rawEvents.map((e) => ({
      ...e,
      sentence: eventSentence(msgs, e.type, e.data, e.actor, assignees),
      customerSide: e.type === 'customer.replied' || (e.type === 'ticket.created' && t.channel !== 'phone'),
      body: e.type === 'ticket.created' ? t.description : (e.body ?? (e.details.length ? null : eventSummary(e.data, t_))),
      isCreation: e.type === 'ticket.created',
    }));
    page(
      res,
      'desk-ticket',
      'ticket.details',
      {
        ticket: ticketView(t, v),
        ticketPath: `/desk/tickets/${number}`,
        details: {
          level: t.level,
          assignee: t.assigneeId ? (names.get(t.assigneeId) ?? null) : null,
          requester: names.get(t.requesterId) ?? null,
          customer: customer?.name ?? null,
          plan: customer?.plan ?? null,
          businessLine: t.businessLineName ?? null,
          module: t.moduleId ? `${module?.name ?? t.moduleId}${t.moduleVersion ? ` ${t.moduleVersion}` : ''}` : null,
          channel: t.channel,
          category: t.category,
          defectState: t.type === 'defect' ? (t.subStatus ?? 'reported') : null,
          changeState: facts.changeState,
          incidents: c.incidents,
        },
        events,
        groups,
        hasActions: forms.length > 0,
        canComment,
        composer: {
          internal: inComposer && state.formId === COMPOSER_FORMS.internal,
          body: inComposer && typeof state.values?.body === 'string' ? state.values.body : '',
          invalidBody: composerErrors.includes('body'),
          invalidFiles: composerErrors.includes('attachments'),
          invalidModule: composerErrors.includes('module'),
          conflict: inComposer && stillOffered ? (state.conflict ?? null) : null,
          multipart: Boolean(formById('desk', COMPOSER_FORMS.public) && fileFieldOf(formById('desk', COMPOSER_FORMS.public)!.form)),
          inserted: state.inserted ?? false,
        },
        textModules,
        textModulesJson: JSON.stringify(textModules.map((m) => ({ keyword: m.keyword, text: m.text }))),
        failed: state.formId ?? null,
        // A refused form that is no longer offered (the composer on a ticket closed meanwhile too) says so above the panel.
        conflict: state.conflict && !stillOffered ? { legend: failedLegend, message: state.conflict, typed } : null,
        done,
        restored: state.restored ?? false,
      },
      status,
    );
  };

  r.get('/desk/tickets/:number', async (req, res) => {
    const p = staffOnly(req, res);
    const c = await loadContext(p, String(req.params.number));
    const v = visitorOf(res);
    const doneId = typeof req.query.done === 'string' && /^[a-z-]{1,40}$/.test(req.query.done) ? req.query.done : undefined;
    // A form of this page posted after the session expired: what was typed comes back into it (the form it names).
    const here = `/desk/tickets/${formatTicketNumber(Number(c.row.number))}/`;
    const draft = await kit.typedBeforeSignIn(req, res, p, (path) => path.startsWith(here));
    const formId = draft ? (formById('desk', draft.fields._form ?? draft.formPath.slice(here.length))?.form.id ?? null) : null;
    const done = doneId ? doneMessage(MESSAGES[v.lang], doneId, req.query) : null;
    await ticketPage(res, p, v, c, draft && formId ? { formId, values: draft.fields, restored: true } : {}, 200, done);
  });

  // A failed form is shown at its post address; that address, opened again (reload, bookmark), is the ticket.
  r.get('/desk/tickets/:number/:form', (req, res) => {
    staffOnly(req, res);
    const number = String(req.params.number);
    const form = String(req.params.form);
    if (!/^T-\d{1,12}$/.test(number) || !/^[a-z-]{1,40}$/.test(form)) throw notFound('Page');
    res.redirect(303, `/desk/tickets/${number}${isComposerForm(form) || form === 'insert-module' ? '#composer' : `#form-${form}`}`);
  });

  // Without JavaScript, a text module chosen in the composer comes back rendered into it (what was typed kept).
  r.post('/desk/tickets/:number/insert-module', formWithFiles, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const c = await loadContext(p, String(req.params.number));
    const v = visitorOf(res);
    const mode = values._form === COMPOSER_FORMS.internal ? COMPOSER_FORMS.internal : COMPOSER_FORMS.public;
    const chosen = typeof values.module === 'string' ? (await listTextModules(db, { activeOnly: true })).find((m) => m.id === values.module) : undefined;
    if (!chosen) {
      await ticketPage(res, p, v, c, { formId: mode, values, errors: ['module'] }, 400);
      return;
    }
    const ctx = await textModuleContext(db, c.row, p.name);
    const text = renderTextModule(ctx.lang === 'sk' ? chosen.bodySk : chosen.bodyEn, ctx.values);
    const typed = typeof values.body === 'string' ? values.body.trimEnd() : '';
    await ticketPage(res, p, v, c, { formId: mode, values: { ...values, body: typed ? `${typed}\n\n${text}` : text }, inserted: true });
  });

  r.post('/desk/tickets/:number/:form', formWithFiles, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const segment = String(req.params.form);
    const number = String(req.params.number);
    const values = formBody(req);
    // The URL names the action; `_form` picks one of the action's forms (the composer's switch picks reply or note).
    const found = formById('desk', typeof values._form === 'string' ? values._form : segment);
    if (!found || (found.action !== segment && found.form.id !== segment)) throw notFound('Page');
    // An action the role may never take is refused outright (an agent overriding a priority): 403, not a form error.
    if (roleRefusal(found.action, { id: p.id, role: p.role })) throw forbidden();
    const fm = found.form;
    const v = visitorOf(res);
    const fileField = fileFieldOf(fm);
    const files = filesOf(res);
    const filesProblem = async () => ticketPage(res, p, v, await loadContext(p, number), { formId: fm.id, values, errors: [fileField?.name ?? 'attachments'] }, 413);
    if (filesRefused(res)) return filesProblem();
    if (files.length && !fileField) throw new ProblemError(400, 'validation', 'Bad request', 'error.400.title');
    const ids = newAttachmentIds(files);
    const parsed = (ACTIONS[found.action] as ActionDefinition).input.safeParse({ ...formPayload(fm, values, p.id), ...(fileField && ids.length ? { [fileField.name]: ids } : {}) });
    if (!parsed.success) {
      await ticketPage(res, p, v, await loadContext(p, number), { formId: fm.id, values, errors: invalidFields(fm, parsed.error.issues) }, 400);
      return;
    }
    try {
      const ticket = await findTicket(db, ticketScope(p), number);
      if (!ticket) throw notFound('Ticket');
      await withStagedFiles({ db, attachments: deps.attachments }, { ticketId: ticket.id, uploadedBy: p.id, source: 'portal', files, ids }, () => runTicketAction(deps, p, ticket.id, found.action, parsed.data as Record<string, unknown>));
    } catch (err) {
      if (err instanceof ProblemError && err.status === 413) return filesProblem();
      if (err instanceof ProblemError && err.status === 409) {
        // A reference that names nothing (an unknown ticket number) is the field's fault, not the ticket's state.
        const lookup = (ACTIONS[found.action] as ActionDefinition).lookups?.find((l) => l.kind === 'ticket');
        if (err.type === 'unknown-ticket' && lookup?.kind === 'ticket') {
          await ticketPage(res, p, v, await loadContext(p, number), { formId: fm.id, values, errors: [lookup.field] }, 400);
          return;
        }
        await ticketPage(res, p, v, await loadContext(p, number), { formId: fm.id, values, conflict: err.detail ?? err.title }, 409);
        return;
      }
      throw err;
    }
    const moved = typeof values.toLevel === 'string' ? `&level=${encodeURIComponent(values.toLevel)}` : '';
    res.redirect(303, `/desk/tickets/${encodeURIComponent(number)}?done=${fm.id}${moved}#${isComposerForm(fm.id) ? 'composer' : 'action-done'}`);
  });
}
