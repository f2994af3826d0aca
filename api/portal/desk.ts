/**
 * Staff pages (SPEC §8, §10): the queues per level with filters and SLA badges, and the ticket page offering every
 * action of SPEC §11 that the ticket's type and state allow now. What is offered comes from the same domain tables
 * the workflow's validator uses (transitions, defects, change requests); the validator stays the final word, so a
 * refusal (409) is shown on the page as a readable message.
 */
import type { Response, Router } from 'express';
import { findTicket } from '../../db/tickets';
import { ASSIGNABLE_ROLES, ticketScope, type Principal } from '../../domain/access';
import { ACTIONS, formById, formsNow, roleRefusal, type ActionDefinition, type ActionForm, type FormField, type OptionSource, type TicketActionName } from '../../domain/ticket/actions';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { LEVELS_OF_IMPACT } from '../../domain/priority';
import { canManageReleases } from '../releases';
import { formatTicketNumber } from '../../domain/tickets';

import { ProblemError, forbidden, notFound } from '../errors';
import { factsOfRow, runTicketAction } from '../ticket-actions';
import { fileFieldOf, formPayload, invalidFields, labelText } from './action-forms';
import { newAttachmentIds, withStagedFiles } from '../services/attachments';
import { loadMessages, translate } from './i18n';
import type { PortalKit, Visitor } from './kit';
import { mountMailPages } from './mail';
import { mountPhonePages } from './phone';
import { mountDeskList } from './desk-list';

const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };
/** Forms the page lays out by hand (triage and the two comment boxes); every other action form is generic. */
const BASIC_FORMS = new Set(['triage', 'comment', 'note']);



interface TicketContext {
  row: NonNullable<Awaited<ReturnType<typeof findTicket>>>;
  incidents: Array<{ id: string; number: string }>;
  staff: Array<{ id: string; name: string }>;
  releases: Array<{ version: string; plannedDate: string }>;
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
 * What staff read of an event besides its name: the levels or priorities it moved between (and whether that cleared
 * the assignee), and its text.
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

export function mountDeskPages(r: Router, kit: PortalKit): void {
  const { db, deps, formWithFiles, filesOf, filesRefused, page, visitorOf, staffOnly, checkCsrf, formBody, ticketView, timeline } = kit;
  // Events the shared messages do not name get the desk's own name (en and sk have the same keys).

  const staffUsers = async () => (await db('users').whereIn('role', ASSIGNABLE_ROLES).whereNull('disabled_at').orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>;
  const namesOf = async (table: 'users' | 'customers', ids: Array<string | null>) => {
    const wanted = [...new Set(ids.filter((x): x is string => !!x))];
    const rows = wanted.length ? ((await db(table).whereIn('id', wanted).select('id', 'name')) as Array<{ id: string; name: string }>) : [];
    return new Map(rows.map((x) => [x.id, x.name]));
  };

  mountDeskList(r, kit);

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
  const ticketPage = async (res: Response, p: Principal, v: Visitor, c: TicketContext, state: { formId?: string; values?: Record<string, unknown>; errors?: string[]; conflict?: string; restored?: boolean } = {}, status = 200, done?: string) => {
    const t = c.row;
    const [names, customer, module] = await Promise.all([
      namesOf('users', [t.assigneeId, t.requesterId]),
      db('customers as c').join('plans as p', 'p.id', 'c.plan_id').where('c.id', t.customerId).first('c.name', 'p.name as plan') as Promise<{ name: string; plan: string } | undefined>,
      t.moduleId ? (db('modules').where({ id: t.moduleId }).first('name') as Promise<{ name: string } | undefined>) : Promise.resolve(undefined),
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
      return {
        id: fm.id,
        action: o.action,
        legend: textOr(`desk.a.${fm.id}`, def.label[v.lang]),
        submit: textOr(`desk.a.${fm.id}.submit`, def.label[v.lang]),
        hint: emptyHint,
        blocked,
        // Nothing planned to schedule a fix into: whoever may plan releases gets there, and back to this ticket.
        planRelease: emptyHint && fm.hint?.whenEmpty.dynamic === 'plannedReleases' && canManageReleases(p) ? `/desk/releases?returnTo=${encodeURIComponent(`/desk/tickets/${formatTicketNumber(Number(t.number))}`)}#plan-title` : null,
        fields,
        conflict: mine ? state.conflict : undefined,
        invalid: mine && (state.errors ?? []).length > 0,
        compact: fields.every((x) => x.isHidden),
        multipart: fileFieldOf(fm) !== undefined,
      };
    };
    const forms = offered.filter((o) => !BASIC_FORMS.has(o.form.id)).map(shown);
    // A refused form that no longer applies is not offered again, but what was typed into it is shown, not lost.
    const failed = state.formId ? formById('desk', state.formId) : undefined;
    const canTriage = offered.some((o) => o.form.id === 'triage');
    const canComment = offered.some((o) => o.form.id === 'comment');
    const stillOffered = state.formId !== undefined && offered.some((o) => o.form.id === state.formId);
    const typedNames = failed ? failed.form.fields.filter((fd) => fd.kind === 'textarea' || fd.kind === 'text').map((fd) => fd.name) : ['body', 'note'];
    const typed = stillOffered ? [] : typedNames.map((n) => state.values?.[n]).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    const failedLegend = failed ? textOr(`desk.a.${failed.form.id}`, textOr(`desk.${failed.form.id === 'comment' ? 'publicComment' : failed.form.id === 'note' ? 'internalNote' : failed.form.id}`, (ACTIONS[failed.action] as ActionDefinition).label[v.lang])) : null;
    // The event's own details are listed under it; the summary is for events that have none.
    const events = (await timeline(t.id, v, false)).map((e) => ({ ...e, body: e.body ?? (e.details.length ? null : eventSummary(e.data, t_)) }));
    page(
      res,
      'desk-ticket',
      'ticket.details',
      {
        ticket: ticketView(t, v),
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
        levels: LEVELS_OF_IMPACT,
        forms,
        canTriage,
        canComment,
        // The hand-laid comment boxes take files when their registry forms do.
        fileForms: Object.fromEntries(['comment', 'note'].map((id) => [id, Boolean(formById('desk', id) && fileFieldOf(formById('desk', id)!.form))])),
        failed: state.formId ?? null,
        basic: ['triage', 'comment', 'note'].includes(state.formId ?? '')
          ? { [state.formId as string]: { values: state.values ?? {}, invalid: Object.fromEntries((state.errors ?? []).map((x) => [x, true])), conflict: state.conflict ?? null } }
          : {},
        conflict: state.conflict && !stillOffered ? { legend: failedLegend, message: state.conflict, typed } : null,
        done: done ?? null,
        restored: state.restored ?? false,
      },
      status,
    );
  };

  r.get('/desk/tickets/:number', async (req, res) => {
    const p = staffOnly(req, res);
    const c = await loadContext(p, String(req.params.number));
    const done = typeof req.query.done === 'string' && /^[a-z-]{1,40}$/.test(req.query.done) ? req.query.done : undefined;
    // A form of this page posted after the session expired: what was typed comes back into it (the form it names).
    const here = `/desk/tickets/${formatTicketNumber(Number(c.row.number))}/`;
    const draft = await kit.typedBeforeSignIn(req, res, p, (path) => path.startsWith(here));
    const formId = draft ? (formById('desk', draft.fields._form ?? draft.formPath.slice(here.length))?.form.id ?? null) : null;
    await ticketPage(res, p, visitorOf(res), c, draft && formId ? { formId, values: draft.fields, restored: true } : {}, 200, done);
  });

  mountPhonePages(r, kit);
  mountMailPages(r, kit);

  r.post('/desk/tickets/:number/:form', formWithFiles, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const segment = String(req.params.form);
    const number = String(req.params.number);
    const values = formBody(req);
    // The URL names the action (or a hand-laid form); `_form` picks one of the action's forms.
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
    res.redirect(303, `/desk/tickets/${encodeURIComponent(number)}?done=${BASIC_FORMS.has(fm.id) ? '1' : fm.id}`);
  });
}
