/**
 * E-mail templates (issue #6): one `templates/emails/<template>.<lang>.hbs` per template and language, each defining
 * three inline partials `subject`, `html` and `text`, plus shared layouts in `templates/emails/partials/`.
 *
 * Rendering is strict on three levels, so a mistake throws instead of mailing "undefined" or an empty sentence:
 * - at load time every file is checked against the catalogue below: only known paths, helpers and template
 *   fields; enums and dates only through their helpers; a nullable value only inside `{{#if}}` on it;
 * - at render time the context is validated against the catalogue (every field present, `null` only where
 *   declared, no unknown keys, so nothing internal slips into a customer's mail);
 * - Handlebars runs with `strict: true`, and `if`/`unless` throw on an absent value (Handlebars itself treats an
 *   absent helper parameter as `undefined` and would silently take the `else` branch).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { CHANGE_RISKS, type ChangeRisk } from '../../domain/change-requests';
import { LANGUAGES, LOCALE_TAGS, type Language } from '../../domain/languages';
import { PRIORITIES, SUPPORT_LEVELS, TARGET_KINDS, type Priority, type SupportLevel, type TargetKind } from '../../domain/plans';
import { CHANNELS, TICKET_STATUSES, TICKET_TYPES, type TicketChannel, type TicketStatus, type TicketType } from '../../domain/tickets';

// ---- the catalogue ---------------------------------------------------------------------------------------------

/** What one `event.data` field holds; a trailing `?` means the caller passes `null` when it does not apply. */
type BaseKind =
  | 'text' // user-written prose (comment bodies, reasons): may span lines; escaped in HTML
  | 'name' // a single-line name or title
  | 'datetime' // an instant, ISO 8601 with Z or an offset; shown in the recipient's zone
  | 'date' // a calendar date, YYYY-MM-DD
  | 'count' // a whole number >= 0
  | 'rating' // 1..5
  | 'percent' // a fraction in (0, 1]
  | 'boolean'
  | 'level'
  | 'clock'
  | 'risk'
  | 'channel';
type FieldKind = BaseKind | `${BaseKind}?`;

interface KindValues {
  text: string;
  name: string;
  datetime: string;
  date: string;
  count: number;
  rating: number;
  percent: number;
  boolean: boolean;
  level: SupportLevel;
  clock: TargetKind;
  risk: ChangeRisk;
  channel: TicketChannel;
}
type ValueOfKind<K> = K extends `${infer B extends BaseKind}?` ? KindValues[B] | null : K extends BaseKind ? KindValues[K] : never;

export interface TemplateSpec {
  /** Customer templates are refused for staff-only content; staff templates are refused for customer recipients. */
  audience: 'customer' | 'staff';
  /** Whether the mail is about one ticket (`ticket` is then required, otherwise it must be `null`). */
  ticket: boolean;
  /** The template-specific fields under `event.data`, each with its kind. */
  data: Readonly<Record<string, FieldKind>>;
  /** Named links under `links` (absolute http(s) URLs) the template uses. */
  links: readonly string[];
  /** An answer to a mail someone sent (RFC 3834 `Auto-Submitted: auto-replied`); others are `auto-generated`. */
  autoReply?: boolean;
}

export const EMAIL_TEMPLATES = {
  // customer-facing
  'ticket-received': { audience: 'customer', ticket: true, data: { firstResponseDue: 'datetime?', resolutionDue: 'datetime?' }, links: [] },
  'staff-replied': { audience: 'customer', ticket: true, data: { authorName: 'name', body: 'text' }, links: [] },
  'info-requested': { audience: 'customer', ticket: true, data: { authorName: 'name', body: 'text' }, links: [] },
  'waiting-reminder': { audience: 'customer', ticket: true, data: { waitingSince: 'datetime', autoResolveAt: 'datetime' }, links: [] },
  'ticket-resolved': { audience: 'customer', ticket: true, data: { resolution: 'text', abandoned: 'boolean', autoCloseAt: 'datetime' }, links: ['confirm', 'reopen'] },
  'ticket-closed': { audience: 'customer', ticket: true, data: { automatic: 'boolean', rating: 'rating?' }, links: ['survey'] },
  'defect-confirmed': { audience: 'customer', ticket: true, data: { module: 'name', moduleVersion: 'name?' }, links: [] },
  'defect-rejected': { audience: 'customer', ticket: true, data: { reason: 'text' }, links: [] },
  'out-of-scope': { audience: 'customer', ticket: true, data: { module: 'name', reason: 'text' }, links: [] },
  'fix-scheduled': { audience: 'customer', ticket: true, data: { releaseVersion: 'name', plannedDate: 'date' }, links: [] },
  'release-date-moved': { audience: 'customer', ticket: true, data: { releaseVersion: 'name', previousDate: 'date', newDate: 'date' }, links: [] },
  'fix-released': { audience: 'customer', ticket: true, data: { releaseVersion: 'name', releasedOn: 'date' }, links: ['releaseNotes'] },
  'change-awaiting-approval': { audience: 'customer', ticket: true, data: { effort: 'name', risk: 'risk', assessment: 'text' }, links: ['approve'] },
  'phone-call-logged': { audience: 'customer', ticket: true, data: { callerName: 'name', calledAt: 'datetime', summary: 'text' }, links: [] },
  'ticket-merged': { audience: 'customer', ticket: true, data: { targetNumber: 'name', note: 'text?' }, links: [] },
  'workaround-available': { audience: 'customer', ticket: true, data: { problemNumber: 'name', workaround: 'text' }, links: [] },
  'user-invited': { audience: 'customer', ticket: false, data: { inviterName: 'name', organisationName: 'name', expiresAt: 'datetime' }, links: ['invitation'] },
  'mail-unassigned': { audience: 'customer', ticket: false, data: { receivedAt: 'datetime' }, links: [], autoReply: true },
  // the monthly SLA service report, with its PDF attached (to customer admins and the account manager)
  'service-report': { audience: 'customer', ticket: false, data: { customerName: 'name', monthName: 'name', revision: 'count' }, links: ['report'] },
  // staff-facing
  'ticket-queued': { audience: 'staff', ticket: true, data: { requesterName: 'name', channel: 'channel' }, links: [] },
  'ticket-assigned': { audience: 'staff', ticket: true, data: { assignedByName: 'name' }, links: [] },
  'customer-replied': { audience: 'staff', ticket: true, data: { authorName: 'name', body: 'text' }, links: [] },
  escalated: { audience: 'staff', ticket: true, data: { fromLevel: 'level', toLevel: 'level', reason: 'text', automatic: 'boolean' }, links: [] },
  'sla-warning': { audience: 'staff', ticket: true, data: { clock: 'clock', threshold: 'percent', dueAt: 'datetime', deadline: 'datetime?' }, links: [] },
  'sla-breached': { audience: 'staff', ticket: true, data: { clock: 'clock', deadline: 'datetime' }, links: [] },
  'p1-created': { audience: 'staff', ticket: true, data: { requesterName: 'name', channel: 'channel', description: 'text' }, links: [] },
  'ticket-reopened': { audience: 'staff', ticket: true, data: { reopenedByName: 'name', reason: 'text' }, links: [] },
  'release-overdue': { audience: 'staff', ticket: false, data: { releaseVersion: 'name', plannedDate: 'date', openTickets: 'count' }, links: ['release'] },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateId = keyof typeof EMAIL_TEMPLATES;
export const TEMPLATE_IDS = Object.keys(EMAIL_TEMPLATES) as TemplateId[];
type Spec<T extends TemplateId> = (typeof EMAIL_TEMPLATES)[T];

/** The `event.data` a template needs, derived from the catalogue. */
export type EmailData<T extends TemplateId> = { -readonly [F in keyof Spec<T>['data']]: ValueOfKind<Spec<T>['data'][F]> };
export type EmailLinks<T extends TemplateId> = { [L in Spec<T>['links'][number]]: string };

// ---- the context ----------------------------------------------------------------------------------------------

export interface EmailRecipient {
  name: string;
  email: string;
  /** Must equal the language rendered. */
  language: Language;
  /** IANA zone every date and time is shown in. */
  timeZone: string;
  isCustomer: boolean;
}

export interface EmailTicket {
  /** Human-readable, e.g. T-000123 (formatTicketNumber). */
  number: string;
  title: string;
  /** The ticket's page as this recipient opens it (portal for customers, desk for staff). */
  url: string;
  priority: Priority;
  status: TicketStatus;
  level: SupportLevel;
  type: TicketType;
  customerName: string;
}

/**
 * Everything a template may read. Values that do not apply are passed as `null`, never left out: an absent key
 * throws. `event.data` holds exactly the template's fields from EMAIL_TEMPLATES, already safe for the recipient
 * (the caller picks public fields; internal notes never go here for a customer).
 */
export interface EmailContext<T extends TemplateId = TemplateId> {
  recipient: EmailRecipient;
  /** `null` for templates not about one ticket (EMAIL_TEMPLATES[id].ticket === false). */
  ticket: Spec<T>['ticket'] extends true ? EmailTicket : null;
  event: { type: string; at: string; data: EmailData<T> };
  links: EmailLinks<T>;
  product: { name: string; portalUrl: string };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export class EmailTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailTemplateError';
  }
}

// ---- words shared by templates --------------------------------------------------------------------------------

type Labels = {
  priority: Record<Priority, string>;
  level: Record<SupportLevel, string>;
  clock: Record<TargetKind, string>;
  type: Record<TicketType, string>;
  status: Record<TicketStatus, string>;
  channel: Record<TicketChannel, string>;
  risk: Record<ChangeRisk, string>;
};
type LabelKind = keyof Labels;

const LABELS: Record<Language, Labels> = {
  en: {
    priority: { P1: 'P1 – critical', P2: 'P2 – high', P3: 'P3 – medium', P4: 'P4 – low' },
    level: { L1: 'L1 – service desk', L2: 'L2 – application specialists', L3: 'L3 – engineering' },
    clock: { firstResponse: 'first response', nextUpdate: 'next update', resolution: 'resolution' },
    type: { question: 'question', incident: 'incident', service_request: 'service request', problem: 'problem', change_request: 'change request', defect: 'defect report' },
    status: { new: 'new', triaged: 'triaged', in_progress: 'in progress', waiting_on_customer: 'waiting on customer', resolved: 'resolved', closed: 'closed', cancelled: 'cancelled' },
    channel: { portal: 'portal', phone: 'phone', email: 'e-mail', api: 'API' },
    risk: { low: 'low', medium: 'medium', high: 'high' },
  },
  sk: {
    priority: { P1: 'P1 – kritická', P2: 'P2 – vysoká', P3: 'P3 – stredná', P4: 'P4 – nízka' },
    level: { L1: 'L1 – centrum podpory', L2: 'L2 – aplikační špecialisti', L3: 'L3 – vývoj' },
    clock: { firstResponse: 'prvá odozva', nextUpdate: 'ďalšia aktualizácia', resolution: 'vyriešenie' },
    type: { question: 'otázka', incident: 'incident', service_request: 'požiadavka na službu', problem: 'problém', change_request: 'požiadavka na zmenu', defect: 'hlásenie chyby' },
    status: { new: 'nový', triaged: 'posúdený', in_progress: 'v riešení', waiting_on_customer: 'čaká na zákazníka', resolved: 'vyriešený', closed: 'uzavretý', cancelled: 'zrušený' },
    channel: { portal: 'portál', phone: 'telefón', email: 'e-mail', api: 'API' },
    risk: { low: 'nízke', medium: 'stredné', high: 'vysoké' },
  },
};


// ---- what a template may read, and how ------------------------------------------------------------------------

/** How a path may appear: `out` raw in output, `url` raw (href or text), the rest only through their helper or as a condition. */
type PathKind = 'out' | 'url' | 'datetime' | 'date' | 'percent' | 'boolean' | 'object' | LabelKind;

const FIXED_PATHS: Record<string, PathKind> = {
  'recipient.name': 'out',
  'recipient.email': 'out',
  'recipient.isCustomer': 'boolean',
  'event.at': 'datetime',
  'product.name': 'out',
  'product.portalUrl': 'url',
};
const TICKET_PATHS: Record<string, PathKind> = {
  ticket: 'object',
  'ticket.number': 'out',
  'ticket.title': 'out',
  'ticket.url': 'url',
  'ticket.priority': 'priority',
  'ticket.status': 'status',
  'ticket.level': 'level',
  'ticket.type': 'type',
  'ticket.customerName': 'out',
};

function pathKindOfField(kind: FieldKind): PathKind {
  const base = kind.replace(/\?$/, '') as BaseKind;
  switch (base) {
    case 'text':
    case 'name':
    case 'count':
    case 'rating':
      return 'out';
    case 'datetime':
    case 'date':
    case 'percent':
    case 'boolean':
    case 'level':
    case 'clock':
    case 'risk':
    case 'channel':
      return base;
  }
}

interface PathRules {
  kinds: Map<string, PathKind>;
  /** Paths that may be null: they are read only inside `{{#if}}` on themselves (prefixes included). */
  nullable: Set<string>;
}

function rulesForTemplate(spec: TemplateSpec): PathRules {
  const kinds = new Map<string, PathKind>(Object.entries(FIXED_PATHS));
  if (spec.ticket) for (const [p, k] of Object.entries(TICKET_PATHS)) if (k !== 'object') kinds.set(p, k);
  const nullable = new Set<string>();
  for (const [field, kind] of Object.entries(spec.data)) {
    kinds.set(`event.data.${field}`, pathKindOfField(kind));
    if (kind.endsWith('?')) nullable.add(`event.data.${field}`);
  }
  for (const link of spec.links) kinds.set(`links.${link}`, 'url');
  return { kinds, nullable };
}

/** The layouts serve every template, with or without a ticket. */
const PARTIAL_RULES: PathRules = { kinds: new Map<string, PathKind>([...Object.entries(FIXED_PATHS), ...Object.entries(TICKET_PATHS)]), nullable: new Set(['ticket']) };

/** Helper → the path kinds its single parameter accepts (`label` takes the kind as a string first). */
const VALUE_HELPERS: Record<string, PathKind[]> = {
  datetime: ['datetime'],
  date: ['date', 'datetime'],
  percent: ['percent'],
  priority: ['priority'],
  multiline: ['out'],
};
const PARTS = ['subject', 'html', 'text'] as const;
type Part = (typeof PARTS)[number];

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type PathExpr = hbs.AST.PathExpression;

const isPath = (n: Node | undefined): n is PathExpr => n?.type === 'PathExpression';
const where = (n: Node): string => (n.loc ? `line ${n.loc.start.line}` : 'unknown line');

/**
 * Every data path a program reads (helper and partial names excluded), in source order. A path is read as
 * written: templates use no `each`/`with`, so every path is relative to the root context.
 */
export function variablesOf(program: Program): string[] {
  const out: string[] = [];
  const expr = (n: Node): void => {
    if (isPath(n)) out.push(n.original);
    else if (n.type === 'SubExpression') call(n as hbs.AST.SubExpression);
  };
  const call = (n: { path: Node; params: Node[]; hash?: hbs.AST.Hash }): void => {
    const isHelper = n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0;
    if (!isHelper) expr(n.path);
    n.params.forEach(expr);
    n.hash?.pairs.forEach((p) => expr(p.value));
  };
  const walk = (p: Program | undefined): void => {
    for (const s of p?.body ?? []) {
      switch (s.type) {
        case 'MustacheStatement':
          call(s as hbs.AST.MustacheStatement);
          break;
        case 'BlockStatement':
        case 'DecoratorBlock': {
          const b = s as hbs.AST.BlockStatement;
          b.params.forEach(expr);
          b.hash?.pairs.forEach((pair) => expr(pair.value));
          walk(b.program);
          walk(b.inverse);
          break;
        }
        case 'PartialBlockStatement':
          walk((s as hbs.AST.PartialBlockStatement).program);
          break;
      }
    }
  };
  walk(program);
  return out;
}

/** Checks one program against the rules; throws with the file, line and reason of the first problem. */
function checkProgram(program: Program, rules: PathRules, part: Part | 'partial', file: string): void {
  const fail = (n: Node, why: string): never => {
    throw new EmailTemplateError(`${file} (${part}), ${where(n)}: ${why}`);
  };
  const kindOf = (p: PathExpr): PathKind => {
    if (p.data || p.depth > 0 || p.parts.length === 0 || p.original.startsWith('this')) fail(p, `"${p.original}": only root paths may be read`);
    const k = rules.kinds.get(p.original);
    if (!k) fail(p, `"${p.original}" is not a field of this template (see EMAIL_TEMPLATES)`);
    return k!;
  };
  const guarded = (p: PathExpr, guards: string[]): void => {
    for (const n of rules.nullable) {
      if ((p.original === n || p.original.startsWith(`${n}.`)) && !guards.includes(n)) fail(p, `"${p.original}" may be null: read it only inside {{#if ${n}}}`);
    }
  };
  const value = (n: Node, accept: PathKind[], guards: string[]): void => {
    if (!isPath(n)) fail(n, 'expected a path here');
    const k = kindOf(n as PathExpr);
    if (!accept.includes(k)) fail(n, `"${(n as PathExpr).original}" (${k}) cannot be used here; allowed: ${accept.join(', ')}`);
    guarded(n as PathExpr, guards);
  };
  const mustache = (m: hbs.AST.MustacheStatement, guards: string[]): void => {
    if (!isPath(m.path)) fail(m, 'literal mustaches are not used');
    const name = (m.path as PathExpr).original;
    if (m.hash?.pairs.length) fail(m, 'hash arguments are not used');
    if (m.params.length === 0) {
      if (!m.escaped && part === 'html') fail(m, 'triple-stash output would skip HTML escaping');
      value(m.path, ['out', 'url'], guards);
      return;
    }
    if (!m.escaped && part === 'html') fail(m, 'triple-stash output would skip HTML escaping');
    if (name === 'label') {
      const [kind, v] = m.params;
      if (m.params.length !== 2 || kind.type !== 'StringLiteral') fail(m, '{{label "<kind>" path}}');
      const k = (kind as hbs.AST.StringLiteral).value;
      if (!(k in LABELS.en) || k === 'priority') fail(m, `unknown label kind "${k}"`);
      value(v, [k as LabelKind], guards);
      return;
    }
    const accept = VALUE_HELPERS[name];
    if (!accept) fail(m, `unknown helper "${name}"`);
    if (name === 'multiline' && part !== 'html') fail(m, 'multiline is for the html part; plain text keeps its line breaks');
    if (m.params.length !== 1) fail(m, `${name} takes one value`);
    value(m.params[0], accept, guards);
  };
  const walk = (p: Program | undefined, guards: string[]): void => {
    for (const s of p?.body ?? []) {
      switch (s.type) {
        case 'ContentStatement':
        case 'CommentStatement':
          break;
        case 'MustacheStatement':
          mustache(s as hbs.AST.MustacheStatement, guards);
          break;
        case 'BlockStatement': {
          const b = s as hbs.AST.BlockStatement;
          const name = b.path.original;
          if (name !== 'if' && name !== 'unless') fail(b, `block helper "${name}" is not used; only if/unless`);
          if (b.params.length !== 1 || b.hash?.pairs.length) fail(b, `{{#${name} path}} takes one path`);
          const cond = b.params[0];
          if (!isPath(cond)) fail(b, 'a condition is a path');
          kindOf(cond as PathExpr);
          const c = (cond as PathExpr).original;
          // The condition itself may be null; what it guards becomes readable in the branch where it is truthy.
          const parent = [...rules.nullable].filter((n) => c.startsWith(`${n}.`));
          for (const n of parent) if (!guards.includes(n)) fail(cond, `"${c}" may be null: read it only inside {{#if ${n}}}`);
          walk(b.program, name === 'if' ? [...guards, c] : guards);
          walk(b.inverse, name === 'unless' ? [...guards, c] : guards);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement': {
          const ps = s as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
          const name = isPath(ps.name) ? ps.name.original : '';
          const allowed = part === 'partial' ? ['@partial-block'] : part === 'html' ? ['layout'] : part === 'text' ? ['text-layout'] : [];
          if (!allowed.includes(name) || ps.params.length || ps.hash?.pairs.length) fail(s, `partial "${name}" is not allowed here (${allowed.join(', ') || 'none'})`);
          if (s.type === 'PartialBlockStatement') walk((s as hbs.AST.PartialBlockStatement).program, guards);
          break;
        }
        default:
          fail(s, `${s.type} is not used in e-mail templates`);
      }
    }
  };
  walk(program, []);
}

/** Splits a template file into its three inline partials; anything else but whitespace and comments is an error. */
function splitParts(source: string, file: string): Record<Part, Program> {
  const ast = Handlebars.parse(source, { srcName: file });
  const parts: Partial<Record<Part, Program>> = {};
  for (const s of ast.body) {
    if (s.type === 'CommentStatement') continue;
    if (s.type === 'ContentStatement' && (s as hbs.AST.ContentStatement).value.trim() === '') continue;
    const b = s as hbs.AST.DecoratorBlock;
    const name = b.params?.[0];
    if (s.type !== 'DecoratorBlock' || b.path.original !== 'inline' || name?.type !== 'StringLiteral') {
      throw new EmailTemplateError(`${file}, ${where(s)}: only {{#*inline "subject|html|text"}} blocks may stand at the top level`);
    }
    const part = (name as hbs.AST.StringLiteral).value as Part;
    if (!PARTS.includes(part)) throw new EmailTemplateError(`${file}, ${where(s)}: unknown part "${part}"`);
    if (parts[part]) throw new EmailTemplateError(`${file}: part "${part}" is defined twice`);
    parts[part] = b.program;
  }
  for (const part of PARTS) if (!parts[part]) throw new EmailTemplateError(`${file}: part "${part}" is missing`);
  return parts as Record<Part, Program>;
}

// ---- validation of a context ----------------------------------------------------------------------------------

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isInstant(v: unknown): v is string {
  return typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v));
}
function isCalendarDate(v: unknown): v is string {
  const m = typeof v === 'string' ? ISO_DATE.exec(v) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isLine = (v: unknown): v is string => isText(v) && !/[\r\n]/.test(v);
function isWebUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
function isTimeZone(v: unknown): v is string {
  if (typeof v !== 'string' || v === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);

const FIELD_CHECKS: Record<BaseKind, (v: unknown) => boolean> = {
  text: isText,
  name: isLine,
  datetime: isInstant,
  date: isCalendarDate,
  count: (v) => Number.isInteger(v) && (v as number) >= 0,
  rating: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5,
  percent: (v) => typeof v === 'number' && v > 0 && v <= 1,
  boolean: (v) => typeof v === 'boolean',
  level: oneOf(SUPPORT_LEVELS),
  clock: oneOf(TARGET_KINDS),
  risk: oneOf(CHANGE_RISKS),
  channel: oneOf(CHANNELS),
};

type Shape = Record<string, (v: unknown) => boolean>;
const RECIPIENT: Shape = { name: isLine, email: (v) => isLine(v) && v.includes('@'), language: oneOf(LANGUAGES), timeZone: isTimeZone, isCustomer: (v) => typeof v === 'boolean' };
const TICKET: Shape = {
  number: isLine,
  title: isText,
  url: isWebUrl,
  priority: oneOf(PRIORITIES),
  status: oneOf(TICKET_STATUSES),
  level: oneOf(SUPPORT_LEVELS),
  type: oneOf(TICKET_TYPES),
  customerName: isLine,
};
const PRODUCT: Shape = { name: isLine, portalUrl: isWebUrl };

function checkShape(value: unknown, shape: Shape, path: string): void {
  if (!isObject(value)) throw new EmailTemplateError(`${path} must be an object`);
  for (const key of Object.keys(value)) if (!(key in shape)) throw new EmailTemplateError(`${path}.${key} is not a known field`);
  for (const [key, ok] of Object.entries(shape)) {
    if (!(key in value) || value[key] === undefined) throw new EmailTemplateError(`${path}.${key} is missing`);
    if (!ok(value[key])) throw new EmailTemplateError(`${path}.${key} is invalid: ${JSON.stringify(value[key])}`);
  }
}

function validateContext(id: TemplateId, language: Language, ctx: unknown): void {
  const spec: TemplateSpec = EMAIL_TEMPLATES[id];
  const at = (why: string) => new EmailTemplateError(`${id}.${language}: ${why}`);
  try {
    checkShape(
      ctx,
      {
        recipient: (v) => (checkShape(v, RECIPIENT, 'recipient'), true),
        ticket: (v) => (spec.ticket ? (checkShape(v, TICKET, 'ticket'), true) : v === null),
        event: (v) => (checkShape(v, { type: isLine, at: isInstant, data: isObject }, 'event'), true),
        links: (v) => (checkShape(v, Object.fromEntries(spec.links.map((l) => [l, isWebUrl])), 'links'), true),
        product: (v) => (checkShape(v, PRODUCT, 'product'), true),
      },
      'context',
    );
    const c = ctx as { recipient: EmailRecipient; event: { data: Record<string, unknown> } };
    const fields: Shape = Object.fromEntries(
      Object.entries(spec.data).map(([field, kind]) => {
        const base = kind.replace(/\?$/, '') as BaseKind;
        const nullable = kind.endsWith('?');
        return [field, (v: unknown) => (v === null ? nullable : FIELD_CHECKS[base](v))];
      }),
    );
    checkShape(c.event.data, fields, 'event.data');
    if (c.recipient.language !== language) throw at(`recipient.language is ${c.recipient.language}, rendering ${language}`);
    if (spec.audience === 'staff' && c.recipient.isCustomer) throw at('a staff notification cannot go to a customer');
  } catch (e) {
    if (e instanceof EmailTemplateError && !e.message.startsWith(`${id}.`)) throw at(e.message);
    throw e;
  }
}

// ---- the engine -----------------------------------------------------------------------------------------------

const STRICT: CompileOptions = { strict: true, preventIndent: true };
const PLAIN: CompileOptions = { ...STRICT, noEscape: true };

function recipientZone(options: Handlebars.HelperOptions): string {
  const zone = (options.data?.root as { recipient?: { timeZone?: unknown } } | undefined)?.recipient?.timeZone;
  if (!isTimeZone(zone)) throw new EmailTemplateError('recipient.timeZone is missing or invalid');
  return zone;
}

/**
 * A private Handlebars instance for one language: strict `if`/`unless`, no context-changing helpers, and the
 * formatting helpers bound to the language's locale.
 */
export function createStrictHandlebars(language: Language): typeof Handlebars {
  const hb = Handlebars.create();
  const locale = LOCALE_TAGS[language];
  const labels = LABELS[language];
  const builtinIf = hb.helpers.if as (this: unknown, v: unknown, o: Handlebars.HelperOptions) => unknown;
  const need = (name: string, v: unknown): void => {
    if (v === undefined) throw new EmailTemplateError(`{{${name}}} was given a value that is not defined (pass null for "not applicable")`);
  };
  for (const name of ['each', 'with', 'lookup', 'log', 'blockHelperMissing']) hb.unregisterHelper(name);
  // `unless` calls `if` with the branches swapped, so both become strict.
  hb.registerHelper('if', function (this: unknown, v: unknown, options: Handlebars.HelperOptions) {
    need('#if', v);
    return builtinIf.call(this, v, options);
  });
  hb.registerHelper('datetime', (v: unknown, options: Handlebars.HelperOptions) => {
    need('datetime', v);
    if (!isInstant(v)) throw new EmailTemplateError(`{{datetime}} needs an ISO instant, got ${JSON.stringify(v)}`);
    const f = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone: recipientZone(options) });
    return f.format(new Date(v));
  });
  hb.registerHelper('date', (v: unknown, options: Handlebars.HelperOptions) => {
    need('date', v);
    // A calendar date (a release's planned day) is the same day everywhere; an instant is shown in the recipient's zone.
    const timeZone = isCalendarDate(v) ? 'UTC' : isInstant(v) ? recipientZone(options) : null;
    if (!timeZone) throw new EmailTemplateError(`{{date}} needs YYYY-MM-DD or an ISO instant, got ${JSON.stringify(v)}`);
    return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(new Date(isCalendarDate(v) ? `${v}T00:00:00Z` : (v as string)));
  });
  hb.registerHelper('percent', (v: unknown) => {
    need('percent', v);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EmailTemplateError(`{{percent}} needs a number, got ${JSON.stringify(v)}`);
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v);
  });
  const label = (kind: LabelKind, v: unknown): string => {
    need(`label ${kind}`, v);
    const table = labels[kind] as Record<string, string>;
    if (typeof v !== 'string' || !Object.hasOwn(table, v)) throw new EmailTemplateError(`no ${kind} label for ${JSON.stringify(v)}`);
    return table[v];
  };
  hb.registerHelper('priority', (v: unknown) => label('priority', v));
  hb.registerHelper('label', (kind: unknown, v: unknown) => {
    if (typeof kind !== 'string' || !Object.hasOwn(labels, kind)) throw new EmailTemplateError(`unknown label kind ${JSON.stringify(kind)}`);
    return label(kind as LabelKind, v);
  });
  // User-written prose in HTML: escaped, line breaks kept.
  hb.registerHelper('multiline', (v: unknown) => {
    need('multiline', v);
    if (typeof v !== 'string') throw new EmailTemplateError(`{{multiline}} needs a string, got ${JSON.stringify(v)}`);
    return new hb.SafeString(hb.escapeExpression(v).replace(/\r\n?|\n/g, '<br>\n'));
  });
  return hb;
}

/** Locates `templates/emails` from the source tree (tsx, jest) and from the compiled `dist/` tree alike. */
export function defaultTemplatesDir(moduleDir: string = __dirname): string {
  const candidates = [resolve(moduleDir, '../../templates/emails'), resolve(moduleDir, '../../../templates/emails')];
  const found = candidates.find((d) => existsSync(join(d, 'partials')));
  if (!found) throw new EmailTemplateError(`e-mail templates not found in ${candidates.join(' or ')}`);
  return found;
}

const subjectLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
const tidyText = (s: string): string =>
  `${s
    .split(/\r\n?|\n/)
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
const tidyHtml = (s: string): string =>
  `${s
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .join('\n')}\n`;

export interface EmailTemplates {
  readonly templateIds: readonly TemplateId[];
  render<T extends TemplateId>(templateId: T, language: Language, context: EmailContext<T>): RenderedEmail;
  /** The data paths one template file reads (for reviews and tests). */
  variables(templateId: TemplateId, language: Language): string[];
}

/**
 * Loads and checks every template once. Throws at creation if a file is missing, unknown, or reads anything its
 * catalogue entry does not declare.
 */
export function createEmailTemplates(opts: { dir?: string } = {}): EmailTemplates {
  const dir = opts.dir ?? defaultTemplatesDir();
  const expected = new Set(TEMPLATE_IDS.flatMap((id) => LANGUAGES.map((l) => `${id}.${l}.hbs`)));
  for (const f of readdirSync(dir)) {
    if (f === 'partials') continue;
    if (!expected.has(f)) throw new EmailTemplateError(`${join(dir, f)} is not a template of the catalogue (EMAIL_TEMPLATES × ${LANGUAGES.join('/')})`);
  }
  const compiled = new Map<string, Record<Part, HandlebarsTemplateDelegate>>();
  const variables = new Map<string, string[]>();
  for (const language of LANGUAGES) {
    const hb = createStrictHandlebars(language);
    for (const [name, options] of [
      ['layout', STRICT],
      ['text-layout', PLAIN],
    ] as const) {
      const file = join(dir, 'partials', `${name}.${language}.hbs`);
      if (!existsSync(file)) throw new EmailTemplateError(`${file} is missing`);
      const ast = Handlebars.parse(readFileSync(file, 'utf8'), { srcName: file });
      checkProgram(ast, PARTIAL_RULES, 'partial', file);
      hb.registerPartial(name, hb.compile(ast, options));
    }
    for (const id of TEMPLATE_IDS) {
      const file = join(dir, `${id}.${language}.hbs`);
      if (!existsSync(file)) throw new EmailTemplateError(`${file} is missing`);
      const spec: TemplateSpec = EMAIL_TEMPLATES[id];
      const rules = rulesForTemplate(spec);
      const parts = splitParts(readFileSync(file, 'utf8'), file);
      const used = new Set<string>();
      for (const part of PARTS) {
        checkProgram(parts[part], rules, part, file);
        variablesOf(parts[part]).forEach((v) => used.add(v));
      }
      // A declared field no file reads is a catalogue error (or an untranslated sentence).
      for (const p of rules.kinds.keys()) {
        if ((p.startsWith('event.data.') || p.startsWith('links.')) && !used.has(p)) throw new EmailTemplateError(`${file} never reads ${p}, which the catalogue declares`);
      }
      variables.set(`${id}.${language}`, PARTS.flatMap((part) => variablesOf(parts[part])));
      compiled.set(`${id}.${language}`, {
        subject: hb.compile(parts.subject, PLAIN),
        html: hb.compile(parts.html, STRICT),
        text: hb.compile(parts.text, PLAIN),
      });
    }
  }

  const key = (id: string, language: string): string => {
    if (!Object.hasOwn(EMAIL_TEMPLATES, id)) throw new EmailTemplateError(`unknown e-mail template "${id}"`);
    if (!(LANGUAGES as readonly string[]).includes(language)) throw new EmailTemplateError(`unsupported language "${language}"`);
    return `${id}.${language}`;
  };

  return {
    templateIds: TEMPLATE_IDS,
    render(templateId, language, context) {
      const t = compiled.get(key(templateId, language))!;
      validateContext(templateId, language, context);
      return { subject: subjectLine(t.subject(context)), html: tidyHtml(t.html(context)), text: tidyText(t.text(context)) };
    },
    variables(templateId, language) {
      return [...variables.get(key(templateId, language))!];
    },
  };
}
