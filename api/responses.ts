/**
 * The shapes of every successful API answer, as zod schemas. The OpenAPI document publishes them (components/schemas)
 * and the API tests parse real answers with them, so the document cannot drift from what the handlers send.
 */
import { z } from 'zod';
import { TICKET_EVENT_TYPES } from '../domain/ticket/events';
import { ROLES } from '../domain/access';
import { LEVELS_OF_IMPACT, LEVELS_OF_URGENCY } from '../domain/priority';
import { PRIORITIES, TARGET_KINDS } from '../domain/plans';
import { CHANNELS, SLA_STATES, TICKET_STATUSES, TICKET_TYPES } from '../domain/tickets';
import { KB_KINDS, KB_STATUSES } from '../db/kb';
import { LANGUAGES } from '../domain/languages';

/** The named schemas, published under components/schemas by their id. */
export const responseSchemas = z.registry<{ id: string }>();
const named = <S extends z.ZodType>(id: string, schema: S): S => {
  responseSchemas.add(schema, { id });
  return schema;
};

const instant = z.iso.datetime({ offset: true });
const day = z.iso.date();
const uuid = z.uuid();
const priority = z.enum(PRIORITIES);
const level = z.enum(['L1', 'L2', 'L3']);
const language = z.enum(['en', 'sk']);
const byKind = <S extends z.ZodType>(s: S) => z.object(Object.fromEntries(TARGET_KINDS.map((k) => [k, s])) as Record<(typeof TARGET_KINDS)[number], S>);
/** A page of a list: `nextCursor` is null on the last page. */
const page = <S extends z.ZodType>(item: S) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const Target = named('Target', z.object({ ms: z.number().int().positive(), coverage: z.enum(['business', '24x7']) }).nullable());
const pausedInterval = z.object({ from: instant, to: instant.nullable() });

/** One SLA clock as a ticket shows it (SPEC §11): figures computed at request time. */
export const SlaClock = named(
  'SlaClock',
  z.object({
    target: Target,
    deadline: instant.nullable(),
    state: z.enum(['running', 'paused', 'met', 'warning', 'breached', 'none']),
    consumedMs: z.number().int().min(0),
    remainingMs: z.number().int().min(0).nullable(),
    warningAt: instant.nullable().optional(),
    pausedIntervals: z.array(pausedInterval).optional(),
  }),
);

export const Ticket = named(
  'Ticket',
  z.object({
    id: uuid,
    number: z.string().regex(/^T-\d{6,}$/),
    title: z.string(),
    description: z.string(),
    type: z.enum(TICKET_TYPES),
    status: z.enum(TICKET_STATUSES),
    subStatus: z.string().nullable(),
    priority,
    impact: z.enum(LEVELS_OF_IMPACT),
    urgency: z.enum(LEVELS_OF_URGENCY),
    level,
    customerId: uuid,
    requesterId: uuid,
    businessLine: z.string().nullable(),
    businessLineId: uuid.nullable(),
    module: z.string().nullable(),
    moduleVersion: z.string().nullable(),
    channel: z.enum(CHANNELS),
    assigneeId: uuid.nullable(),
    slaState: z.enum(SLA_STATES),
    createdAt: instant,
    updatedAt: instant,
    sla: byKind(SlaClock),
    links: z.object({
      duplicateOf: z.object({ id: uuid, number: z.string().regex(/^T-\d{6,}$/) }).nullable(),
      duplicates: z.array(z.object({ id: uuid, number: z.string().regex(/^T-\d{6,}$/) })),
    }),
  }),
);

const actor = z.union([z.object({ kind: z.literal('system') }), z.object({ kind: z.literal('user'), id: uuid.nullable() })]);

/** What an event records of each file it carries (download it from `GET /tickets/{id}/attachments/{id}`). */
export const AttachmentRef = named('AttachmentRef', z.object({ id: uuid, name: z.string(), size: z.number().int().min(0), contentType: z.string() }));

export const TicketEvent = named(
  'TicketEvent',
  z.object({
    seq: z.number().int().min(1),
    type: z.enum(TICKET_EVENT_TYPES),
    at: instant,
    actor,
    visibility: z.enum(['public', 'internal']),
    // Each type's own fields; an event that carries files lists them in `attachments`.
    data: z.looseObject({ attachments: z.array(AttachmentRef).optional() }),
  }),
);

/** A clock in the live workflow state (domain/sla-clock figures). */
const clockView = z.object({
  kind: z.enum(TARGET_KINDS),
  target: Target,
  state: SlaClock.shape.state,
  deadline: instant.nullable(),
  warningAt: instant.nullable(),
  consumedMs: z.number().int().min(0),
  remainingMs: z.number().int().min(0).nullable(),
  startedAt: instant.nullable(),
  metAt: instant.nullable(),
  warnedAt: instant.nullable(),
  breachedAt: instant.nullable(),
  pausedIntervals: z.array(pausedInterval),
});
const workflowEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: instant,
  actor: z.record(z.string(), z.unknown()),
  visibility: z.enum(['public', 'internal']),
  data: z.record(z.string(), z.unknown()),
});
const customerWorkflowFields = {
  ticketId: uuid,
  number: z.number().int(),
  type: z.enum(TICKET_TYPES),
  status: z.enum(TICKET_STATUSES),
  priority,
  impact: z.enum(LEVELS_OF_IMPACT),
  urgency: z.enum(LEVELS_OF_URGENCY),
  slaState: z.enum(SLA_STATES),
  clocks: byKind(clockView),
  lastEvents: z.array(workflowEvent),
  asOf: instant,
};
/** The ticket workflow's query answer as staff see it. */
export const TicketWorkflowState = named(
  'TicketWorkflowState',
  z.object({
    ...customerWorkflowFields,
    level,
    assigneeId: uuid.nullable(),
    customerId: uuid,
    pendingTimers: z.array(z.object({ kind: z.string(), at: instant })),
    eventCount: z.number().int(),
    runsContinuedAsNew: z.number().int(),
  }),
);
/** What a customer sees of the live state: no levels, assignees or timers; public events only. */
export const CustomerTicketWorkflowState = named('CustomerTicketWorkflowState', z.object(customerWorkflowFields));

/** One ticket; staff also get the live workflow state (null with `workflowError` when the workflow did not answer). */
export const TicketDetail = named('TicketDetail', Ticket.extend({ workflow: TicketWorkflowState.nullable().optional(), workflowError: z.string().optional() }));
/** A page of tickets: `nextCursor` continues the list; `total`, `page` and `pageCount` number its pages (page null after a cursor). */
export const TicketPage = named(
  'TicketPage',
  page(Ticket).extend({
    total: z.number().int(),
    page: z.number().int().nullable(),
    pageCount: z.number().int(),
    sort: z.enum(['queue', 'due', 'priority', 'newest']),
  }),
);
/** A saved view with the number of tickets it matches now. */
export const SavedView = named(
  'SavedView',
  z.object({
    id: z.string().uuid(),
    name: z.string(),
    filters: z.record(z.string(), z.string()),
    count: z.number().int(),
    href: z.string(),
    createdAt: z.string(),
  }),
);
export const SavedViewPage = named('SavedViewPage', page(SavedView));
const bulkProblem = z.object({ status: z.number().int(), type: z.string(), detail: z.string() });
/** What a bulk action did to each ticket, in the order asked: ok with the status after it, or the problem. */
export const BulkTicketActionResult = named(
  'BulkTicketActionResult',
  z.object({
    action: z.enum(['assign', 'escalate']),
    succeeded: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.union([
        z.object({ ticketId: z.string(), ok: z.literal(true), id: z.string(), number: z.string(), status: z.string() }),
        z.object({ ticketId: z.string(), ok: z.literal(false), problem: bulkProblem }),
      ]),
    ),
  }),
);
/** The timeline is paged by sequence number: pass `nextAfterSeq` as `afterSeq`; null on the last page. */
export const TicketEventPage = named('TicketEventPage', z.object({ items: z.array(TicketEvent), nextAfterSeq: z.number().int().nullable() }));
export const TicketWorkflow = named(
  'TicketWorkflow',
  z.object({ workflowId: z.string(), state: z.union([TicketWorkflowState, CustomerTicketWorkflowState]).nullable(), error: z.string().optional() }),
);
/** What an action (or a comment) did: the status after it and the timeline seq it recorded; `duplicate` on a replay. */
export const TicketActionResult = named(
  'TicketActionResult',
  z.object({ accepted: z.boolean(), status: z.enum(TICKET_STATUSES), seq: z.number().int().min(0), duplicate: z.boolean().optional(), ticketId: uuid }),
);

/** A file on a ticket: on the event `eventSeq`, visible where that event is; `href` downloads it. */
export const Attachment = named(
  'Attachment',
  z.object({
    id: uuid,
    name: z.string(),
    size: z.number().int().min(0),
    contentType: z.string().describe('detected from the content, not from the name'),
    eventSeq: z.number().int().min(1).nullable(),
    visibility: z.enum(['public', 'internal']).nullable(),
    href: z.string(),
  }),
);
export const AttachmentPage = named('AttachmentPage', page(Attachment));
/** An upload: the comment it made (as an action's result) and the files on it. */
export const AttachmentUpload = named('AttachmentUpload', TicketActionResult.extend({ attachments: z.array(Attachment) }));

export const Token = named('Token', z.object({ token: z.string(), expiresAt: instant }));

export const Customer = named(
  'Customer',
  z.object({
    id: uuid,
    name: z.string(),
    slug: z.string(),
    planId: z.string(),
    language,
    timeZone: z.string(),
    emailDomains: z.array(z.string()),
    accountManagerId: uuid.nullable().describe('the staff member who receives the monthly service report beside the customer admins'),
    createdAt: instant,
  }),
);
export const BusinessLine = named('BusinessLine', z.object({ id: uuid, name: z.string() }));
export const Module = named('Module', z.object({ id: z.string(), name: z.string(), product: z.string() }));
export const CustomerDetail = named(
  'CustomerDetail',
  Customer.extend({ businessLines: z.array(BusinessLine), modules: z.array(Module.extend({ licensedFrom: day.nullable(), licensedTo: day.nullable() })) }),
);
export const CustomerPage = named('CustomerPage', page(Customer));
export const ModulePage = named('ModulePage', page(Module));
export const TextModule = named(
  'TextModule',
  z.object({ id: z.string(), keyword: z.string(), name: z.string(), bodyEn: z.string(), bodySk: z.string(), active: z.boolean(), createdAt: z.string(), updatedAt: z.string() }),
);
export const TextModulePage = named('TextModulePage', page(TextModule));

export const User = named(
  'User',
  z.object({
    id: uuid,
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    customerId: uuid.nullable(),
    levels: z.array(level),
    leadLevels: z.array(level),
    businessLineIds: z.array(uuid),
    language,
    timeZone: z.string(),
    phone: z.string().nullable(),
    disabled: z.boolean(),
    active: z.boolean().describe('false until an invited user has set a password'),
    emailBouncing: z.object({ since: instant, reason: z.string().nullable() }).nullable().describe('mail to this address bounced; nothing more is sent to it until it changes'),
    createdAt: instant,
  }),
);
/** The signed-in person: their account as `User` shows it, less what only administration needs. */
export const Me = named(
  'Me',
  User.pick({ id: true, email: true, name: true, role: true, customerId: true, levels: true, businessLineIds: true, language: true, timeZone: true }).extend({
    csrfToken: z.string().optional().describe('Browser sessions only: send it in X-CSRF-Token with every write'),
  }),
);
export const Session = named('Session', z.object({ csrfToken: z.string(), expiresAt: instant, user: Me.omit({ csrfToken: true }) }));
export const InvitedUser = named('InvitedUser', User.extend({ invitation: z.object({ sentTo: z.string(), expiresAt: instant }) }));
export const UserPage = named('UserPage', page(User));

export const NotificationFeed = named(
  'NotificationFeed',
  z.object({
    items: z.array(
      z.object({ id: z.string(), template: z.string(), ticketId: uuid.nullable(), ticketNumber: z.string().nullable(), ticketTitle: z.string().nullable(), at: instant, read: z.boolean() }),
    ),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().min(0),
  }),
);
export const NotificationPreferences = named('NotificationPreferences', z.object({ email: z.record(z.string(), z.boolean()) }));
export const SatisfactionRating = named(
  'SatisfactionRating',
  z.object({ ticketId: uuid, ticketNumber: z.string(), rating: z.number().int().min(1).max(5), comment: z.string().nullable(), ratedAt: instant }),
);

export const CaughtMailPage = named(
  'CaughtMailPage',
  page(
    z.object({
      messageId: z.string(),
      from: z.string(),
      to: z.array(z.string()),
      subject: z.string(),
      text: z.string(),
      html: z.string(),
      headers: z.record(z.string(), z.string()),
      receivedAt: instant,
    }),
  ),
);

export const InboundMail = named(
  'InboundMail',
  z.object({
    id: uuid,
    receivedAt: instant,
    receivedVia: z.enum(['smtp', 'imap', 'relay']),
    from: z.string().nullable(),
    subject: z.string().nullable(),
    status: z.enum(['received', 'processed', 'ignored', 'bounce', 'unassigned', 'assigning', 'assigned', 'dismissed', 'failed']),
    outcome: z.string().nullable(),
    reason: z.string().nullable(),
    ticketId: uuid.nullable(),
    size: z.number().int().min(0),
  }),
);
export const InboundMailPage = named('InboundMailPage', page(InboundMail));

export const Release = named(
  'Release',
  z.object({
    id: uuid,
    version: z.string(),
    product: z.string(),
    plannedDate: day,
    status: z.enum(['planned', 'published']),
    notes: z.string(),
    publishedAt: instant.nullable(),
    linkedTickets: z.number().int().min(0),
  }),
);
const releaseWorkflowState = z.object({
  releaseId: uuid,
  version: z.string(),
  plannedDate: day,
  status: z.enum(['planned', 'published']),
  publishedOn: day.nullable(),
  overdueNotifiedFor: day.nullable(),
  pendingFanOuts: z.number().int().min(0),
  ticketsSignalled: z.number().int().min(0),
});
export const ReleaseWorkflowState = named('ReleaseWorkflowState', releaseWorkflowState);
/** A release with its workflow's state; null once the workflow has completed. */
export const ReleaseDetail = named('ReleaseDetail', Release.extend({ workflow: ReleaseWorkflowState.nullable() }));
export const ReleaseChange = named('ReleaseChange', Release.extend({ workflow: ReleaseWorkflowState }));
export const ReleasePage = named('ReleasePage', page(Release));

const dashboardItem = z.object({
  id: uuid,
  number: z.string(),
  title: z.string(),
  customer: z.string(),
  customerId: uuid,
  assigneeId: uuid.nullable(),
  assignee: z.string().nullable().describe("the assignee's name"),
  priority,
  level,
  status: z.enum(TICKET_STATUSES),
  firstResponseDue: instant.nullable(),
  resolutionDue: instant.nullable(),
  clock: z.enum(TARGET_KINDS).nullable().describe('the clock furthest past (breached) or nearest to (at risk) its deadline'),
  remainingMs: z.number().nullable().describe('at risk: working time left on that clock; breached: negative, how long ago its deadline passed'),
});
const complianceRow = z.object({
  id: z.string().nullable(),
  name: z.string().nullable().describe("the plan's or the customer's name"),
  tickets: z.number().int(),
  breached: z.number().int(),
  compliance: z.number().nullable(),
  band: z.enum(['full', 'near', 'below', 'none']).describe("the service report's compliance band: full = 100 %, near ≥ 90 %, below"),
  state: z.enum(['onTarget', 'atRisk', 'belowTarget', 'none']).describe('the band as the dashboard names it'),
});
const counts = z.record(z.string(), z.number().int());
export const Dashboard = named(
  'Dashboard',
  z.object({
    scope: z.union([z.object({ customerId: uuid }), z.object({ all: z.literal(true) })]),
    asOf: instant,
    windowDays: z.number().int(),
    windowFrom: instant.describe('compliance and satisfaction count tickets created (rated) since'),
    open: z.object({ total: z.number().int(), byLevel: counts, byPriority: counts, byStatus: counts, bySla: counts.describe('open tickets by SLA state (ok, at_risk, breached); the atRisk and breached lists hold the first 50') }),
    atRisk: z.array(dashboardItem),
    breached: z.array(dashboardItem),
    compliance: z.object({ perPlan: z.array(complianceRow), perCustomer: z.array(complianceRow) }),
    escalationsToday: z.object({ automatic: z.number().int().describe('tickets escalated automatically today'), manual: z.number().int(), timeZone: z.string(), since: instant.describe("today's start in timeZone") }).nullable().describe('null for a customer admin: escalations are internal'),
    satisfaction: z.object({ rated: z.number().int(), average: z.number().nullable(), distribution: counts }),
    trend: z.array(z.object({ from: instant, before: instant, created: z.number().int(), resolved: z.number().int() })).describe('tickets created and resolved per local day, the last 30 days, today last'),
  }),
);

export const StuckTicketList = named(
  'StuckTicketList',
  z.object({
    items: z.array(
      z.object({
        ticketId: uuid,
        number: z.string(),
        customerId: uuid,
        title: z.string(),
        events: z.object({ fromSeq: z.number().int(), toSeq: z.number().int() }).describe('the timeline events waiting to be written'),
        attempts: z.number().int(),
        error: z.object({ code: z.string().nullable().describe('the PostgreSQL SQLSTATE'), message: z.string() }),
        since: instant,
        lastAttemptAt: instant,
      }),
    ),
  }),
);

const workingInterval = z.object({ start: z.string(), end: z.string() });
const week = z.record(z.string(), z.array(workingInterval)).describe('ISO weekday 1–7 → working intervals HH:MM');
export const PhoneLine = named(
  'PhoneLine',
  z.object({ calendarId: z.string(), timeZone: z.string(), hours: week, open: z.boolean(), now: instant, closesAt: instant.nullable(), opensAt: instant.nullable() }),
);

const kbFields = {
  id: uuid,
  translationGroup: uuid,
  language: z.enum(LANGUAGES),
  kind: z.enum(KB_KINDS),
  title: z.string(),
  moduleId: z.string().nullable(),
  versions: z.array(z.string()),
  status: z.enum(KB_STATUSES),
  revision: z.number().int().min(1),
  updatedAt: instant,
};
export const KbArticleSummary = named('KbArticleSummary', z.object({ ...kbFields, excerpt: z.string() }));
export const KbArticle = named(
  'KbArticle',
  z.object({
    ...kbFields,
    bodyMd: z.string(),
    releaseId: uuid.nullable(),
    createdBy: uuid.nullable(),
    updatedBy: uuid.nullable(),
    createdAt: instant,
    translations: z.array(z.object({ id: uuid, language: z.enum(LANGUAGES), title: z.string(), status: z.enum(KB_STATUSES) })),
    html: z.string().optional().describe('With format=html: the body rendered and sanitised'),
  }),
);
export const KbArticlePage = named('KbArticlePage', page(KbArticleSummary));
export const KbRevisionPage = named(
  'KbRevisionPage',
  page(z.object({ revision: z.number().int().min(1), title: z.string(), bodyMd: z.string(), editedBy: z.object({ id: uuid, name: z.string() }).nullable(), at: instant, current: z.boolean() })),
);

const slaDeadline = z.object({ target: Target, coverage: z.enum(['business', '24x7']).nullable(), deadline: instant.nullable() });
export const SlaPreview = named(
  'SlaPreview',
  z.object({ customerId: uuid, priority, at: instant, planId: z.string(), contractId: uuid.nullable(), calendar: z.string(), ...byKind(slaDeadline).shape }),
);

const targetsTable = z.record(z.string(), z.record(z.string(), Target)).describe('priority → target kind → target (null: best effort)');
const levelBudgets = z.object({ L1: z.number(), L2: z.number() });
export const Plan = named(
  'Plan',
  z.object({
    id: z.string(),
    name: z.string(),
    channels: z.array(z.enum(['portal', 'docs', 'phone', 'email'])),
    businessCalendarId: z.string(),
    targets: targetsTable,
    warningThreshold: z.number(),
    levelBudgets,
    namedAccountManager: z.boolean(),
    serviceReport: z.boolean().describe('the monthly SLA service report is part of the service'),
  }),
);
export const PlanPage = named('PlanPage', page(Plan));
const holiday = z.union([
  z.object({ kind: z.literal('fixed'), date: day, name: z.string() }),
  z.object({
    kind: z.literal('yearly'),
    month: z.number().int(),
    day: z.number().int(),
    name: z.string(),
    fromYear: z.number().int().optional(),
    toYear: z.number().int().optional(),
    suspendedYears: z.array(z.number().int()).optional(),
  }),
  z.object({
    kind: z.literal('easter'),
    offsetDays: z.number().int(),
    name: z.string(),
    fromYear: z.number().int().optional(),
    toYear: z.number().int().optional(),
    suspendedYears: z.array(z.number().int()).optional(),
  }),
]);
export const Calendar = named('Calendar', z.object({ id: z.string(), name: z.string(), timeZone: z.string(), week, holidays: z.array(holiday) }));
export const CalendarPage = named('CalendarPage', page(Calendar));
export const Contract = named(
  'Contract',
  z.object({
    id: uuid,
    customerId: uuid,
    name: z.string(),
    validFrom: day,
    validTo: day.nullable(),
    targets: targetsTable,
    businessCalendarId: z.string().nullable(),
    warningThreshold: z.number().nullable(),
    levelBudgets: levelBudgets.nullable(),
    serviceReport: z.boolean().nullable().describe('includes the monthly service report; null: as the plan says'),
  }),
);
export const ContractPage = named('ContractPage', page(Contract));

export const Health = named('Health', z.object({ status: z.literal('ok') }));
export const Readiness = named(
  'Readiness',
  z.object({ status: z.enum(['ready', 'not ready']), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional() })) }),
);

const compliance = z.object({ met: z.number().int(), breached: z.number().int(), rate: z.number().min(0).max(1).nullable().describe('met / (met + breached); null: nothing measured') });
const complianceByTarget = byKind(compliance);
const distribution = z.object({ count: z.number().int(), medianMs: z.number().nullable(), p90Ms: z.number().nullable() });
const monthVolume = z.object({ month: z.string(), opened: z.number().int(), resolved: z.number().int(), backlog: z.number().int() });
const unitSummary = z.object({ outcome: z.enum(['met', 'breached', 'open']), at: instant.nullable(), elapsedMs: z.number().nullable() }).nullable();
export const ServiceReportFigures = named(
  'ServiceReportFigures',
  z.object({
    month: z.string(),
    timeZone: z.string(),
    period: z.object({ start: instant, end: instant }),
    terms: z.array(z.object({ kind: z.enum(['plan', 'contract']), id: z.string(), name: z.string(), from: day, to: day })),
    compliance: complianceByTarget,
    byPriority: z.object(Object.fromEntries(PRIORITIES.map((p) => [p, complianceByTarget])) as Record<(typeof PRIORITIES)[number], typeof complianceByTarget>),
    byTerms: z.array(z.object({ kind: z.enum(['plan', 'contract']), id: z.string(), name: z.string().optional().describe('absent only in reports generated before names were stored'), compliance: complianceByTarget })),
    breaches: z.array(
      z.object({
        ticketId: uuid,
        number: z.number().int(),
        title: z.string(),
        clock: z.enum(TARGET_KINDS),
        cycle: z.number().int(),
        priority,
        deadline: instant,
        metAt: instant.nullable(),
        lateMs: z.number(),
        escalations: z.array(z.object({ at: instant, from: z.string(), to: z.string(), automatic: z.boolean() })),
      }),
    ),
    times: z.object({ firstResponse: distribution, resolution: distribution }),
    volume: monthVolume,
    trend: z.array(monthVolume),
    escalations: z.object({ manual: z.number().int(), automatic: z.number().int() }),
    defects: z.object({
      confirmed: z.array(z.object({ number: z.number().int(), title: z.string(), at: instant })),
      fixScheduled: z.array(z.object({ number: z.number().int(), title: z.string(), version: z.string(), plannedDate: z.string() })),
      released: z.array(z.object({ number: z.number().int(), title: z.string(), version: z.string(), releasedOn: z.string() })),
    }),
    changes: z.object({ submitted: z.number().int(), approved: z.number().int(), rejected: z.number().int(), implemented: z.number().int() }),
    satisfaction: z.object({ ratings: z.number().int(), average: z.number().nullable(), distribution: z.record(z.string(), z.number().int()) }),
    tickets: z.array(
      z.object({
        ticketId: uuid,
        number: z.number().int(),
        title: z.string(),
        type: z.enum(TICKET_TYPES),
        priority,
        createdAt: instant,
        statusAtMonthEnd: z.enum(['open', 'resolved', 'closed', 'cancelled']),
        terms: z.string(),
        termsName: z.string().optional().describe('the plan or contract by name; absent only in reports generated before names were stored'),
        firstResponse: unitSummary,
        resolution: unitSummary,
        nextUpdate: z.object({ met: z.number().int(), breached: z.number().int() }),
        escalations: z.number().int(),
      }),
    ),
  }),
);
const reportCommon = {
  id: uuid,
  customerId: uuid,
  customerName: z.string(),
  month: z.string(),
  revision: z.number().int().min(1),
  language,
  timeZone: z.string(),
  trigger: z.enum(['schedule', 'request']),
  requestedBy: uuid.nullable(),
  generatedAt: instant,
  emailedAt: instant.nullable(),
  pdfBytes: z.number().int(),
  pdfUrl: z.string(),
  csvUrl: z.string(),
};
export const ServiceReportSummary = named('ServiceReportSummary', z.object(reportCommon));
export const ServiceReport = named('ServiceReport', z.object({ ...reportCommon, figures: ServiceReportFigures }));
export const ServiceReportPage = named('ServiceReportPage', page(ServiceReportSummary));
