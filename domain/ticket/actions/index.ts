/**
 * The ticket action registry (SPEC §5.8): every action's one home, and the functions every caller uses to ask it.
 * The workflow validates and applies through `checkCommand`/`applyAction`, the API asks `roleRefusal` and
 * `permissionRefusal` (403) before the workflow, the portal offers exactly the forms `formsNow` admits (the role,
 * permission and state rules), and the OpenAPI document is generated from it.
 */
import { ROLES } from '../../access';
import { actorKindOfRole } from '../../transitions';
import type { TicketDraft } from '../draft';
import type { Actor, TicketFacts } from '../state';
import { actorKindOf, type ActionContext, type ActionDefinition, type ActionForm } from './define';
import { approve } from './approve';
import { assess } from './assess';
import { assign } from './assign';
import { cancel } from './cancel';
import { close } from './close';
import { comment } from './comment';
import { confirmDefect } from './confirm-defect';
import { confirmFix } from './confirm-fix';
import { escalate } from './escalate';
import { implement } from './implement';
import { linkIncident, unlinkIncident } from './link-incident';
import { markNotReproducible } from './mark-not-reproducible';
import { merge } from './merge';
import { overridePriority } from './override-priority';
import { recordWorkaround } from './record-workaround';
import { rejectDefect } from './reject-defect';
import { reject } from './reject';
import { reopen } from './reopen';
import { reply } from './reply';
import { requestInfo } from './request-info';
import { resolve } from './resolve';
import { schedule } from './schedule';
import { scheduleFix } from './schedule-fix';
import { startFix } from './start-fix';
import { startReproduction } from './start-reproduction';
import { triage } from './triage';

export type { ActionDefinition, ActionForm, FormField, Lookup, OptionSource } from './define';

export const ACTIONS = {
  triage,
  assign,
  comment,
  'request-info': requestInfo,
  reply,
  resolve,
  reopen,
  close,
  cancel,
  escalate,
  merge,
  'override-priority': overridePriority,
  'start-reproduction': startReproduction,
  'confirm-defect': confirmDefect,
  'mark-not-reproducible': markNotReproducible,
  'reject-defect': rejectDefect,
  'start-fix': startFix,
  'schedule-fix': scheduleFix,
  'confirm-fix': confirmFix,
  assess,
  approve,
  reject,
  schedule,
  implement,
  'link-incident': linkIncident,
  'unlink-incident': unlinkIncident,
  'record-workaround': recordWorkaround,
} satisfies Record<string, ActionDefinition>;

/** The actions' names are the registry's keys: a name cannot exist without its definition. */
export type TicketActionName = keyof typeof ACTIONS;
export const TICKET_ACTIONS = Object.keys(ACTIONS) as [TicketActionName, ...TicketActionName[]];

export const actionDefinition = (name: TicketActionName): ActionDefinition => ACTIONS[name];
export const isTicketAction = (name: string): name is TicketActionName => (TICKET_ACTIONS as readonly string[]).includes(name);

/** Who acts, as the rules need them. */
export interface Acting {
  id: string | null;
  role: string | undefined;
  system?: boolean;
}
export const actingOf = (a: Actor): Acting => ({ id: a.id, role: a.role, system: a.kind === 'system' });

const plural = (kind: string) => (kind === 'customer' ? 'customers' : kind === 'staff' ? 'agents' : `${kind}s`);

/** The role rule: null when this role may run the action at all, else why not (403). */
export function roleRefusal(name: TicketActionName, who: Acting): string | null {
  const def = ACTIONS[name] as ActionDefinition;
  if (who.system) return def.system ? null : `${name} is not run by the system`;
  // A role this code does not know (or none, from an old CLI signal) acts as a customer user, as actorKindOfRole says.
  const role = who.role && (ROLES as readonly string[]).includes(who.role) ? who.role : 'customer_user';
  if ((def.roles as readonly string[]).includes(role)) return null;
  const kind = actorKindOfRole(who.role);
  // Customers whose organisation's admin may do it learn who may (change approvals).
  const permittedCustomers = def.roles.filter((r) => actorKindOfRole(r) === 'customer');
  if (kind === 'customer' && permittedCustomers.length) return `only the organisation's ${permittedCustomers.map((r) => r.replace(/_/g, ' ')).join(' or ')} can ${name}`;
  return `${name} is not allowed for ${plural(kind)}`;
}

/** The role rule and the per-ticket permission together (403 when not null); `cmd` when the input is known. */
export function permissionRefusal(name: TicketActionName, who: Acting, t: TicketFacts, cmd?: unknown): string | null {
  const byRole = roleRefusal(name, who);
  if (byRole) return byRole;
  const def = ACTIONS[name] as ActionDefinition;
  return who.system ? null : (def.mayAct?.({ id: who.id, role: who.role }, t, cmd) ?? null);
}

/** The state rule: null when the action is allowed in the ticket's current state, else the reason (409). */
export function stateRefusal(name: TicketActionName, t: TicketFacts, now: Date): string | null {
  const def = ACTIONS[name] as ActionDefinition;
  if (!def.from.includes(t.status)) return `cannot ${name} a ticket that is ${t.status.replace(/_/g, ' ')}: ${def.why}`;
  if (def.types && !def.types.only.includes(t.type)) return `${name} applies to ${def.types.what} only; this ticket is a ${t.type.replace(/_/g, ' ')}`;
  if (def.defect) {
    const current = t.defectState ?? 'reported';
    if (!def.defect.from.includes(current)) return `cannot ${name} a defect that is ${current.replace(/_/g, ' ')}: ${def.defect.why}`;
  }
  if (def.change) {
    const current = t.changeState ?? 'submitted';
    if (!def.change.from.includes(current)) return `cannot ${name} a change request that is ${current.replace(/_/g, ' ')}: ${def.change.why}`;
  }
  return def.when?.(t, now) ?? null;
}

export type Refusal = { status: 403 | 409 | 400; reason: string };

/** Formats zod issues as `field: message` for a refusal. */
function issues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  // Our own messages read on from the field's name ("assigneeId must be a UUID"); zod's own start a sentence.
  return error.issues
    .map((i) => {
      const message = /received undefined$/.test(i.message) ? 'is required' : i.message;
      return `${i.path.map(String).join('.') || 'input'}${/^[a-z]/.test(message) ? ' ' : ': '}${message}`;
    })
    .join('; ');
}

/**
 * Everything the workflow's validator asks, in order: role and permission (403), state (409), the command's shape
 * (400), then what the command asks of the state (409). Returns the parsed command when accepted.
 */
export function checkCommand(
  t: TicketDraft,
  name: TicketActionName,
  actor: Actor,
  payload: unknown,
  now: Date,
  opts: { acceptedBefore?: boolean } = {},
): { ok: true; cmd: unknown } | ({ ok: false } & Refusal) {
  const def = ACTIONS[name] as ActionDefinition;
  const facts = t.facts();
  const who = actingOf(actor);
  const byRole = roleRefusal(name, who);
  if (byRole) return { ok: false, status: 403, reason: byRole };
  const byState = stateRefusal(name, facts, now);
  if (byState) return { ok: false, status: 409, reason: byState };
  let parsed = def.command.safeParse(payload ?? {});
  // An update accepted before (its validator passed then) is applied as it was sent, whatever the rules say today.
  if (!parsed.success && opts.acceptedBefore) parsed = def.replayCommand.safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, status: 400, reason: issues(parsed.error) };
  const byPermission = permissionRefusal(name, who, facts, parsed.data);
  if (byPermission) return { ok: false, status: 403, reason: byPermission };
  const ctx: ActionContext = { actor, kind: actorKindOf(actor), now };
  const byCommand = def.check?.(t, parsed.data, ctx) ?? null;
  if (byCommand) return { ok: false, status: 409, reason: byCommand };
  return { ok: true, cmd: parsed.data };
}

/** Applies an accepted command (checked by checkCommand just before). */
export function applyAction(t: TicketDraft, name: TicketActionName, actor: Actor, cmd: unknown, now: Date): void {
  (ACTIONS[name] as ActionDefinition).apply(t, cmd, { actor, kind: actorKindOf(actor), now });
}

/** The forms of one portal area that `who` may use on this ticket now, with their action. */
export function formsNow(area: ActionForm['area'], who: Acting, t: TicketFacts, now: Date): Array<{ action: TicketActionName; form: ActionForm }> {
  const out: Array<{ action: TicketActionName; form: ActionForm }> = [];
  for (const name of TICKET_ACTIONS) {
    const def = ACTIONS[name] as ActionDefinition;
    if (def.forms === 'api-only') continue;
    for (const form of def.forms) {
      if (form.area !== area) continue;
      if (permissionRefusal(name, who, t, form.fixed) || stateRefusal(name, t, now)) continue;
      out.push({ action: name, form });
    }
  }
  return out;
}

/**
 * What a customer's ticket page offers: the forms this person may use now, whether the reopen window is all that
 * stands in the way of reopening (the page then says to open a new ticket), and whether an assessed change waits for
 * an approver who is not this person.
 */
export function customerOffer(who: Acting, t: TicketFacts, now: Date): { formIds: string[]; reopenExpired: boolean; changeState: TicketFacts['changeState']; awaitingApprover: boolean } {
  return {
    formIds: formsNow('customer', who, t, now).map((o) => o.form.id),
    reopenExpired: roleRefusal('reopen', who) === null && stateRefusal('reopen', t, now) !== null && stateRefusal('reopen', { ...t, resolvedAt: null }, now) === null,
    changeState: t.changeState,
    awaitingApprover: t.changeState === 'awaiting_approval' && roleRefusal('approve', who) !== null,
  };
}

/** The form of an area by its id (what a form post names). */
export function formById(area: ActionForm['area'], id: string): { action: TicketActionName; form: ActionForm } | undefined {
  for (const name of TICKET_ACTIONS) {
    const def = ACTIONS[name] as ActionDefinition;
    if (def.forms === 'api-only') continue;
    const form = def.forms.find((f) => f.area === area && f.id === id);
    if (form) return { action: name, form };
  }
  return undefined;
}

/** A news from another ticket, taken by the action that sent it; false when it changes nothing. */
export function receiveNews(t: TicketDraft, news: { action?: unknown; payload?: unknown }, now: Date): boolean {
  if (!news || typeof news.action !== 'string' || !isTicketAction(news.action)) return false;
  const def = ACTIONS[news.action] as ActionDefinition;
  if (!def.receive) return false;
  const parsed = def.receive.payload().safeParse(news.payload);
  return parsed.success ? def.receive.apply(t, parsed.data, now) : false;
}
