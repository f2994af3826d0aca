/**
 * Staff pages (SPEC §8, §10): the queues per level with filters and SLA badges, and the ticket page offering every
 * action of SPEC §11 that the ticket's type and state allow now. What is offered comes from the same domain tables
 * the workflow's validator uses (transitions, defects, change requests); the validator stays the final word, so a
 * refusal (409) is shown on the page as a readable message.
 */
import type { Response, Router } from 'express';
import { z } from 'zod';
import { changeStateOf } from '../../db/change-requests';
import { findTicket, isValidCursor, listTickets, type TicketFilters } from '../../db/tickets';
import { ASSIGNABLE_ROLES, ticketScope, type Principal } from '../../domain/access';
import { CHANGE_ACTIONS, checkChangeTransition, type ChangeAction, type ChangeState } from '../../domain/change-requests';
import { checkDefectTransition, DEFECT_ACTIONS, type DefectAction, type DefectState } from '../../domain/defects';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { LEVELS_OF_IMPACT } from '../../domain/priority';
import { formatTicketNumber, OPEN_STATUSES, SLA_STATES, TICKET_STATUSES, TICKET_TYPES, type TicketStatus } from '../../domain/tickets';
import { actorKindOfRole, checkTransition, TRANSITIONS, type TicketActionName } from '../../domain/transitions';
import { ProblemError, forbidden, notFound } from '../errors';
import { ACTION_SCHEMAS, runTicketAction } from '../ticket-actions';
import { freeText } from '../validation';
import { loadMessages } from './i18n';
import type { PortalKit, Visitor } from './kit';
import { mountPhonePages } from './phone';

const PAGE_SIZE = 25;

const optionalLevel = z.enum(LEVELS_OF_IMPACT).optional().or(z.literal('').transform(() => undefined));
const deskActionForms = {
  triage: z.object({ impact: optionalLevel, urgency: optionalLevel, note: freeText(2000).optional().or(z.literal('').transform(() => undefined)) }),
  comment: z.object({ body: freeText(20_000) }),
  note: z.object({ body: freeText(20_000) }),
} as const;

/** Each filter on its own: a bad value drops that filter only. */
const deskFilters = z.object({
  level: z.enum([...SUPPORT_LEVELS, 'all']).optional().catch(undefined),
  assignee: z.union([z.enum(['me', 'none']), z.string().uuid()]).optional().catch(undefined),
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  priority: z.enum(PRIORITIES).optional().catch(undefined),
  type: z.enum(TICKET_TYPES).optional().catch(undefined),
  sla: z.enum(SLA_STATES).optional().catch(undefined),
  customer: z.string().uuid().optional().catch(undefined),
  cursor: z.string().max(200).refine(isValidCursor).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(100).optional().catch(undefined),
});
type DeskFilters = z.infer<typeof deskFilters>;


/** The actions of SPEC §11 a staff member takes on the ticket page (triage and comments have their own forms). */
const DESK_ACTIONS = [
  'assign',
  'request-info',
  'resolve',
  'reopen',
  'close',
  'cancel',
  'escalate',
  'override-priority',
  ...DEFECT_ACTIONS,
  'assess',
  'schedule',
  'implement',
  'link-incident',
  'unlink-incident',
  'record-workaround',
] as const satisfies readonly TicketActionName[];
type DeskAction = (typeof DESK_ACTIONS)[number];
const isDeskAction = (a: string): a is DeskAction => (DESK_ACTIONS as readonly string[]).includes(a);
const BASIC_LEGENDS: Record<string, string> = { triage: 'desk.triage', comment: 'desk.publicComment', note: 'desk.internalNote' };
const PROBLEM_ACTIONS: readonly string[] = ['link-incident', 'unlink-incident', 'record-workaround'];


interface Option {
  value: string;
  labelKey?: string;
  label?: string;
}
interface Field {
  name: string;
  kind: 'text' | 'textarea' | 'select' | 'date' | 'checkbox' | 'hidden';
  label?: string;
  required?: boolean;
  options?: Option[];
  value?: string;
}
interface ActionForm {
  id: string;
  action: DeskAction;
  legend: string;
  submit: string;
  hint?: string;
  fields: Field[];
}

interface TicketContext {
  row: NonNullable<Awaited<ReturnType<typeof findTicket>>>;
  changeState: ChangeState | null;
  incidents: Array<{ id: string; number: string }>;
  staff: Array<{ id: string; name: string }>;
  releases: Array<{ version: string; plannedDate: string }>;
}

const textarea = (name: string, label: string, required = true): Field => ({ name, kind: 'textarea', label, required });
const optionalNote = (): Field => textarea('note', 'desk.f.note', false);

/** Every form the ticket page can show, whether or not it is allowed now (the POST handler uses them too). */
function actionForms(c: TicketContext): ActionForm[] {
  const t = c.row;
  const f = (id: string, action: DeskAction, fields: Field[], extra: Partial<ActionForm> = {}): ActionForm => ({ id, action, legend: `desk.a.${id}`, submit: `desk.a.${id}.submit`, fields, ...extra });
  return [
    f('assign-me', 'assign', [{ name: 'assigneeId', kind: 'hidden', value: 'me' }]),
    f('assign', 'assign', [
      {
        name: 'assigneeId',
        kind: 'select',
        label: 'desk.f.assignee',
        required: true,
        value: t.assigneeId ?? 'none',
        options: [{ value: 'none', labelKey: 'desk.unassigned' }, ...c.staff.map((s) => ({ value: s.id, label: s.name }))],
      },
    ]),
    f('request-info', 'request-info', [textarea('body', 'desk.f.question')]),
    f('resolve', 'resolve', [textarea('resolution', 'desk.f.resolution'), ...(t.type === 'problem' ? [{ name: 'resolveIncidents', kind: 'checkbox', label: 'desk.f.resolveIncidents' } satisfies Field] : [])]),
    f('reopen', 'reopen', [textarea('reason', 'desk.f.reason')]),
    f('close', 'close', []),
    f('cancel', 'cancel', [textarea('reason', 'desk.f.reasonOptional', false)]),
    f('escalate', 'escalate', [
      { name: 'toLevel', kind: 'select', label: 'desk.f.toLevel', required: true, options: SUPPORT_LEVELS.filter((l) => l !== t.level).map((l) => ({ value: l, label: l })) },
      textarea('reason', 'desk.f.reason'),
    ]),
    f('override-priority', 'override-priority', [
      { name: 'priority', kind: 'select', label: 'col.priority', required: true, options: PRIORITIES.filter((x) => x !== t.priority).map((x) => ({ value: x, label: x })) },
      textarea('reason', 'desk.f.reason'),
    ]),
    f('start-reproduction', 'start-reproduction', [optionalNote()]),
    f('confirm-defect', 'confirm-defect', [
      textarea('steps', 'desk.f.steps'),
      { name: 'environment', kind: 'text', label: 'desk.f.environment', required: true },
      { name: 'version', kind: 'text', label: 'desk.f.version', required: true },
    ]),
    f('mark-not-reproducible', 'mark-not-reproducible', [textarea('body', 'desk.f.detailsNeeded')]),
    f('reject-defect', 'reject-defect', [
      textarea('reason', 'desk.f.reason'),
      {
        name: 'convertTo',
        kind: 'select',
        label: 'desk.f.convertTo',
        options: [{ value: '', labelKey: 'desk.f.convertNone' }, { value: 'question', labelKey: 'type.question' }, { value: 'change_request', labelKey: 'type.change_request' }],
      },
    ]),
    f('start-fix', 'start-fix', [optionalNote()]),
    f(
      'schedule-fix',
      'schedule-fix',
      [{ name: 'releaseVersion', kind: 'select', label: 'desk.f.release', required: true, options: c.releases.map((r) => ({ value: r.version, label: `${r.version} · ${r.plannedDate}` })) }],
      c.releases.length ? {} : { hint: 'desk.noPlannedRelease' },
    ),
    f('confirm-fix', 'confirm-fix', [
      { name: 'accepted', kind: 'select', label: 'desk.f.accepted', options: [{ value: 'yes', labelKey: 'desk.f.acceptedYes' }, { value: 'no', labelKey: 'desk.f.acceptedNo' }] },
      textarea('reason', 'desk.f.reasonIfNot', false),
    ]),
    f('assess', 'assess', [
      { name: 'effort', kind: 'text', label: 'desk.f.effort', required: true },
      { name: 'risk', kind: 'select', label: 'desk.f.risk', required: true, options: LEVELS_OF_IMPACT.map((l) => ({ value: l, labelKey: `level.${l}` })) },
      textarea('assessment', 'desk.f.assessment'),
    ]),
    f('schedule', 'schedule', [{ name: 'plannedFor', kind: 'date', label: 'desk.f.plannedFor', required: true }, optionalNote()]),
    f('implement', 'implement', [optionalNote()]),
    f('link-incident', 'link-incident', [{ name: 'incidentId', kind: 'text', label: 'desk.f.incidentNumber', required: true }]),
    f(
      'unlink-incident',
      'unlink-incident',
      [{ name: 'incidentId', kind: 'select', label: 'desk.f.incident', required: true, options: c.incidents.map((i) => ({ value: i.id, label: i.number })) }],
    ),
    f('record-workaround', 'record-workaround', [textarea('workaround', 'desk.f.workaround')]),
  ];
}

/** Whether the action may be taken now, by the same rules the workflow's validator applies. */
function allowedNow(action: DeskAction, p: Principal, c: TicketContext): boolean {
  const t = c.row;
  const kind = actorKindOfRole(p.role);
  if (!checkTransition(action, t.status as TicketStatus, kind).ok) return false;
  if ((DEFECT_ACTIONS as readonly string[]).includes(action)) {
    return checkDefectTransition(action as DefectAction, t.type, (t.subStatus as DefectState | null) ?? null, kind).ok;
  }
  if ((CHANGE_ACTIONS as readonly string[]).includes(action)) {
    return checkChangeTransition(action as ChangeAction, t.type, c.changeState, kind, p.role).ok;
  }
  if (PROBLEM_ACTIONS.includes(action)) return t.type === 'problem' && (action !== 'unlink-incident' || c.incidents.length > 0);
  // resolveIncidents and the like are checked by the validator; nothing else depends on the type.
  return true;
}

/** The form's strings as the action's payload (ACTION_SCHEMAS validates it next). */
function toPayload(form: ActionForm, p: Principal, raw: Record<string, unknown>): Record<string, unknown> {
  const s = (k: string): string | undefined => (typeof raw[k] === 'string' && (raw[k] as string).trim() !== '' ? (raw[k] as string) : undefined);
  const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, s(n)]).filter(([, v]) => v !== undefined));
  switch (form.action) {
    case 'assign': {
      const a = s('assigneeId');
      return { assigneeId: a === 'me' ? p.id : a === 'none' ? null : a };
    }
    case 'resolve':
      return { ...pick(['resolution']), ...(s('resolveIncidents') ? { resolveIncidents: true } : {}) };
    case 'confirm-defect':
      return { evidence: pick(['steps', 'environment', 'version']) };
    case 'confirm-fix':
      return { accepted: s('accepted') !== 'no', ...pick(['reason']) };
    default:
      return pick(form.fields.map((x) => x.name));
  }
}

/** What staff read of an event besides its name: the levels or priorities it moved between, and its text. */
function eventSummary(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : null);
  const facts = [
    str('from') && str('to') ? `${str('from')} → ${str('to')}` : null,
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
  const { db, deps, form, page, visitorOf, staffOnly, checkCsrf, formBody, ticketView, timeline } = kit;
  // Events the shared messages do not name get the desk's own name (en and sk have the same keys).
  const deskEventKeys = new Set(Object.keys(loadMessages('en')).filter((k) => k.startsWith('deskEvent.')));
  const deskEventKey = (type: string) => (deskEventKeys.has(`deskEvent.${type}`) ? `deskEvent.${type}` : 'event.other');

  const staffUsers = async () => (await db('users').whereIn('role', ASSIGNABLE_ROLES).whereNull('disabled_at').orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>;
  const namesOf = async (table: 'users' | 'customers', ids: Array<string | null>) => {
    const wanted = [...new Set(ids.filter((x): x is string => !!x))];
    const rows = wanted.length ? ((await db(table).whereIn('id', wanted).select('id', 'name')) as Array<{ id: string; name: string }>) : [];
    return new Map(rows.map((x) => [x.id, x.name]));
  };

  r.get('/desk', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const f: DeskFilters = deskFilters.parse(req.query);
    const ownLevels = p.levels.filter((l) => (SUPPORT_LEVELS as readonly string[]).includes(l));
    // Without a level: the agent's own levels, except for "assigned to me", which follows the agent everywhere.
    const levels = f.level === 'all' ? undefined : f.level ? [f.level] : f.assignee === 'me' || !ownLevels.length ? undefined : ownLevels;
    const filters: TicketFilters = {
      status: f.status ? [f.status] : OPEN_STATUSES,
      ...(levels && { level: levels }),
      ...(f.priority && { priority: [f.priority] }),
      ...(f.type && { type: [f.type] }),
      ...(f.sla && { slaState: [f.sla] }),
      ...(f.customer && { customerId: f.customer }),
      ...(f.assignee && { assigneeId: f.assignee === 'me' ? p.id : f.assignee === 'none' ? null : f.assignee }),
    };
    const { rows, nextCursor } = await listTickets(db, ticketScope(p), filters, { limit: f.limit ?? PAGE_SIZE, cursor: f.cursor });
    const [customers, staff, assignees] = await Promise.all([
      db('customers').orderBy('name').select('id', 'name') as Promise<Array<{ id: string; name: string }>>,
      staffUsers(),
      namesOf('users', rows.map((x) => x.assigneeId)),
    ]);
    const customerNames = new Map(customers.map((c) => [c.id, c.name]));
    const tickets = rows.map((row) => ({
      ...ticketView(row, v),
      customerName: customerNames.get(row.customerId) ?? '',
      assigneeName: row.assigneeId ? (assignees.get(row.assigneeId) ?? '') : null,
      attention: row.slaState === 'breached' || row.slaState === 'at_risk',
    }));
    const query = (over: Record<string, string | undefined>) => {
      const q = new URLSearchParams();
      for (const [k, val] of Object.entries({ ...f, cursor: undefined, ...over })) if (val !== undefined && val !== '') q.set(k, String(val));
      const s = q.toString();
      return s ? `/desk?${s}` : '/desk';
    };
    const tab = f.assignee === 'me' ? 'me' : f.assignee === 'none' ? 'unassigned' : (f.level ?? (ownLevels.length ? 'mine' : 'all'));
    const isManager = p.role !== 'agent';
    const tabs = [
      ...(ownLevels.length ? [{ id: 'mine', labelKey: 'desk.tab.mine', href: '/desk' }] : []),
      ...SUPPORT_LEVELS.map((l) => ({ id: l, label: l, href: `/desk?level=${l}` })),
      ...(isManager ? [{ id: 'all', labelKey: 'desk.tab.all', href: '/desk?level=all' }] : []),
      { id: 'me', labelKey: 'desk.tab.me', href: '/desk?assignee=me' },
      { id: 'unassigned', labelKey: 'desk.tab.unassigned', href: '/desk?assignee=none' },
    ].map((t) => ({ ...t, current: t.id === tab }));
    page(res, 'desk', 'desk.title', {
      tickets,
      filters: f,
      tabs,
      ownLevels: ownLevels.join(', '),
      levels: SUPPORT_LEVELS,
      statuses: TICKET_STATUSES,
      priorities: PRIORITIES,
      types: TICKET_TYPES,
      slaStates: SLA_STATES,
      customers,
      staff,
      nextHref: nextCursor ? `${query({})}${query({}).includes('?') ? '&' : '?'}cursor=${encodeURIComponent(nextCursor)}` : null,
      firstHref: f.cursor ? query({}) : null,
      breachedHref: query({ sla: 'breached' }),
      atRiskHref: query({ sla: 'at_risk' }),
    });
  });

  const loadContext = async (p: Principal, number: string): Promise<TicketContext> => {
    const row = await findTicket(db, ticketScope(p), number);
    if (!row) throw notFound('Ticket');
    const kinds = ['problem.incident_linked', 'problem.incident_unlinked'];
    const events = (await db('ticket_events').where({ ticket_id: row.id }).whereIn('type', kinds).orderBy('seq').select('type', 'data')) as Array<{ type: string; data: Record<string, unknown> }>;
    // The change sub-state by the same rule as the customer pages (db/change-requests.ts).
    const changeState: ChangeState | null = row.type === 'change_request' ? await changeStateOf(db, row.id) : null;
    const incidents = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'problem.incident_linked') incidents.set(String(e.data.incidentId), formatTicketNumber(Number(e.data.incidentNumber)));
      if (e.type === 'problem.incident_unlinked') incidents.delete(String(e.data.incidentId));
    }
    const [staff, releases] = await Promise.all([
      staffUsers(),
      row.type === 'defect'
        ? (db('releases').where({ status: 'planned' }).orderBy([{ column: 'planned_date' }, { column: 'version' }]).select('version', 'planned_date') as Promise<Array<{ version: string; planned_date: Date | string }>>)
        : Promise.resolve([]),
    ]);
    return {
      row,
      changeState,
      incidents: [...incidents].map(([id, n]) => ({ id, number: n })),
      staff,
      releases: releases.map((x) => ({ version: x.version, plannedDate: typeof x.planned_date === 'string' ? x.planned_date.slice(0, 10) : x.planned_date.toISOString().slice(0, 10) })),
    };
  };

  /** Renders the ticket page; `state` keeps what was typed into a form that failed, and why. */
  const ticketPage = async (res: Response, p: Principal, v: Visitor, c: TicketContext, state: { formId?: string; values?: Record<string, unknown>; errors?: string[]; conflict?: string } = {}, status = 200, done?: string) => {
    const t = c.row;
    const [names, customer, module] = await Promise.all([
      namesOf('users', [t.assigneeId, t.requesterId]),
      db('customers as c').join('plans as p', 'p.id', 'c.plan_id').where('c.id', t.customerId).first('c.name', 'p.name as plan') as Promise<{ name: string; plan: string } | undefined>,
      t.moduleId ? (db('modules').where({ id: t.moduleId }).first('name') as Promise<{ name: string } | undefined>) : Promise.resolve(undefined),
    ]);
    const forms = actionForms(c)
      .filter((fm) => allowedNow(fm.action, p, c))
      .map((fm) => {
        const mine = state.formId === fm.id;
        const fields = fm.fields.map((fd) => {
          const typed = mine ? state.values?.[fd.name] : undefined;
          const value = typeof typed === 'string' ? typed : (fd.value ?? '');
          const invalid = mine && (state.errors ?? []).includes(fd.name);
          return {
            ...fd,
            id: `${fm.id}-${fd.name}`,
            value,
            checked: fd.kind === 'checkbox' && mine && !!state.values?.[fd.name],
            invalid,
            isText: fd.kind === 'text',
            isDate: fd.kind === 'date',
            isTextarea: fd.kind === 'textarea',
            isSelect: fd.kind === 'select',
            isCheckbox: fd.kind === 'checkbox',
            isHidden: fd.kind === 'hidden',
            options: fd.options?.map((o) => ({ ...o, selected: o.value === value })),
          };
        });
        return { ...fm, fields, conflict: mine ? state.conflict : undefined, invalid: mine && (state.errors ?? []).length > 0, compact: fields.every((x) => x.isHidden) };
      });
    // A refused form that no longer applies is not offered again, but what was typed into it is shown, not lost.
    const failedForm = state.formId ? actionForms(c).find((fm) => fm.id === state.formId) : undefined;
    const kind = actorKindOfRole(p.role);
    const canTriage = checkTransition('triage', t.status as TicketStatus, kind).ok;
    const canComment = checkTransition('comment', t.status as TicketStatus, kind).ok;
    const basicShown: Record<string, boolean> = { triage: canTriage, comment: canComment, note: canComment };
    const stillOffered = state.formId !== undefined && (basicShown[state.formId] ?? forms.some((fm) => fm.id === state.formId));
    const typedNames = failedForm ? failedForm.fields.filter((fd) => fd.kind === 'textarea' || fd.kind === 'text').map((fd) => fd.name) : ['body', 'note'];
    const typed = stillOffered ? [] : typedNames.map((n) => state.values?.[n]).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    const events = (await timeline(t.id, v, false)).map((e) => ({ ...e, eventKey: e.eventKey === 'event.other' ? deskEventKey(e.type) : e.eventKey, body: e.body ?? eventSummary(e.data) }));
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
          changeState: c.changeState,
          incidents: c.incidents,
        },
        events,
        levels: LEVELS_OF_IMPACT,
        forms,
        canTriage,
        canComment,
        failed: state.formId ?? null,
        basic: ['triage', 'comment', 'note'].includes(state.formId ?? '')
          ? { [state.formId as string]: { values: state.values ?? {}, invalid: Object.fromEntries((state.errors ?? []).map((x) => [x, true])), conflict: state.conflict ?? null } }
          : {},
        conflict: state.conflict && !stillOffered ? { legend: failedForm?.legend ?? (state.formId ? (BASIC_LEGENDS[state.formId] ?? null) : null), message: state.conflict, typed } : null,
        done: done ?? null,
      },
      status,
    );
  };

  r.get('/desk/tickets/:number', async (req, res) => {
    const p = staffOnly(req, res);
    const c = await loadContext(p, String(req.params.number));
    const done = typeof req.query.done === 'string' && /^[a-z-]{1,40}$/.test(req.query.done) ? req.query.done : undefined;
    await ticketPage(res, p, visitorOf(res), c, {}, 200, done);
  });

  mountPhonePages(r, kit);

  r.post('/desk/tickets/:number/:form', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const kind = String(req.params.form);
    const number = String(req.params.number);
    if (kind === 'triage' || kind === 'comment' || kind === 'note') {
      const values = formBody(req);
      const parsed = deskActionForms[kind].safeParse(values);
      if (!parsed.success) {
        await ticketPage(res, p, visitorOf(res), await loadContext(p, number), { formId: kind, values, errors: kit.fieldErrors(parsed.error) }, 400);
        return;
      }
      try {
        if (kind === 'triage') {
          const d = parsed.data as z.infer<typeof deskActionForms.triage>;
          await runTicketAction(deps, p, number, 'triage', Object.fromEntries(Object.entries(d).filter(([, x]) => x !== undefined)));
        } else {
          const d = parsed.data as z.infer<typeof deskActionForms.comment>;
          await runTicketAction(deps, p, number, 'comment', { body: d.body, visibility: kind === 'note' ? 'internal' : 'public' });
        }
      } catch (err) {
        if (err instanceof ProblemError && err.status === 409) {
          await ticketPage(res, p, visitorOf(res), await loadContext(p, number), { formId: kind, values, conflict: err.detail ?? err.title }, 409);
          return;
        }
        throw err;
      }
      res.redirect(303, `/desk/tickets/${encodeURIComponent(number)}?done=1`);
      return;
    }
    if (!isDeskAction(kind)) throw notFound('Page');
    // An action the role may never take is refused outright (an agent overriding a priority): 403, not a form error.
    if (!TRANSITIONS[kind].who.includes(actorKindOfRole(p.role))) throw forbidden();
    const c = await loadContext(p, number);
    const values = formBody(req);
    const forms = actionForms(c).filter((fm) => fm.action === kind);
    const fm = forms.find((x) => x.id === values._form) ?? forms[forms.length - 1];
    const v = visitorOf(res);
    const payload = toPayload(fm, p, values);
    if (fm.action === 'link-incident' && typeof payload.incidentId === 'string') {
      const incident = await findTicket(db, { kind: 'all' }, payload.incidentId.trim());
      if (!incident) {
        await ticketPage(res, p, v, c, { formId: fm.id, values, errors: ['incidentId'] }, 400);
        return;
      }
      payload.incidentId = incident.id;
    }
    const parsed = ACTION_SCHEMAS[kind].safeParse(payload);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => String(i.path[i.path.length - 1] ?? ''));
      await ticketPage(res, p, v, c, { formId: fm.id, values, errors }, 400);
      return;
    }
    try {
      await runTicketAction(deps, p, String(c.row.id), kind, parsed.data as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 409) {
        await ticketPage(res, p, v, await loadContext(p, number), { formId: fm.id, values, conflict: err.detail ?? err.title }, 409);
        return;
      }
      throw err;
    }
    res.redirect(303, `/desk/tickets/${encodeURIComponent(number)}?done=${fm.id}`);
  });
}
