/**
 * The shape of one ticket action's single home: its input, who may run it (else 403), when it is allowed (else 409
 * with the reason), how it changes the ticket (typed events through TicketDraft), which references the API must
 * look up before the workflow sees it, and how the portal offers it. Nothing else in the code base decides these.
 */
import { z } from 'zod';
import { attachmentIds, attachmentRefs } from '../../attachments';
import { CUSTOMER_ROLES, STAFF_ROLES, type Role } from '../../access';
import type { ChangeState } from '../../change-requests';
import type { DefectState } from '../../defects';
import { OPEN_STATUSES, type TicketStatus, type TicketType } from '../../tickets';
import { actorKindOfRole, type ActorKind } from '../../transitions';
import type { TicketDraft } from '../draft';
import type { Actor, TicketFacts } from '../state';

export { CUSTOMER_ROLES, STAFF_ROLES } from '../../access';
export const MANAGER_ROLES = ['manager', 'admin'] as const satisfies readonly Role[];
export const EVERYONE = [...CUSTOMER_ROLES, ...STAFF_ROLES] as const;

export const OPEN: readonly TicketStatus[] = OPEN_STATUSES;
export const WORKED_ON: readonly TicketStatus[] = ['new', 'triaged', 'in_progress'];
export const LIVE: readonly TicketStatus[] = [...OPEN, 'resolved'];

/** Whoever runs the action, as the rules see them. */
export interface ActionContext {
  actor: Actor;
  kind: ActorKind;
  now: Date;
}

/**
 * A reference the API resolves before the workflow runs the action (the workflow does no I/O): the caller names a
 * ticket, a release or a person; the workflow receives what it needs of it. Each kind is implemented once, in api/.
 */
export type Lookup =
  | {
      kind: 'ticket';
      /** input field naming the ticket (UUID or number); replaced by its UUID */
      field: string;
      /** command field that receives its number */
      numberField: string;
      /** the ticket must be one of these types */
      types?: readonly TicketType[];
      /** the ticket must be neither closed nor cancelled */
      open?: boolean;
      /** the ticket must still be worked on: open and not resolved (work moves there) */
      working?: boolean;
      /** the ticket must belong to the same customer as the acted-on ticket */
      sameCustomer?: boolean;
    }
  | { kind: 'release'; field: string; idField: string; plannedDateField: string }
  | { kind: 'assignee'; field: string }
  /** files uploaded for this ticket by the same person, not yet on an event (ids in `field`); their references go to `refsField` */
  | { kind: 'attachments'; field: string; refsField: string }
  | { kind: 'priority'; impactField: string; urgencyField: string; priorityField: string };

/** Where a select's options come from; the portal fills the dynamic ones from the ticket's context. */
export type OptionSource =
  | { static: ReadonlyArray<{ value: string; labelKey?: string; label?: string }> }
  | { dynamic: 'staff' | 'plannedReleases' | 'otherLevels' | 'otherPriorities' | 'linkedIncidents' };

export interface FormField {
  /** payload path, dot-separated for nested objects (evidence.steps) */
  name: string;
  /** `file`: files chosen in the form (the form becomes multipart); the portal stages them and names their ids */
  kind: 'text' | 'textarea' | 'select' | 'date' | 'checkbox' | 'hidden' | 'yesNo' | 'rating' | 'assignee' | 'file';
  /** message key of the label, or the label itself in both languages */
  label?: string | { en: string; sk: string };
  required?: boolean;
  options?: OptionSource;
  /** initial value (a hidden field's fixed value) */
  value?: string;
}

export interface ActionForm {
  /** unique per area; also the form's id in the page and its `done=` message */
  id: string;
  area: 'desk' | 'customer';
  fields: readonly FormField[];
  /** values the form always sends (a public reply is a comment with visibility public) */
  fixed?: Record<string, unknown>;
  /** shown with the form, e.g. why a list is empty */
  hint?: { whenEmpty: OptionSource & { dynamic: string }; key: string };
}

export interface ActionDefinition<C = any> {
  summary: string;
  label: { en: string; sk: string };
  /** the body callers send (API and portal), strict: unknown fields are refused */
  input: z.ZodType;
  /** what the workflow receives after the lookups; lenient (unknown fields are dropped) */
  command: z.ZodType<C>;
  /**
   * The command as an update accepted in the past is re-applied on replay: every field as it was sent when its rule
   * has since become stricter, so a running ticket's history still replays (validators do not run on replay).
   */
  replayCommand: z.ZodType<C>;
  lookups?: readonly Lookup[];
  /** roles that may run it at all (403 for everyone else) */
  roles: readonly Role[];
  /** the workflow itself may run it (timers, the `temporal` CLI as system) */
  system?: boolean;
  /** a per-ticket permission beyond the role (403), e.g. only the requester cancels */
  mayAct?: (actor: { id: string | null; role: string | undefined }, t: TicketFacts, cmd: C | undefined) => string | null;
  /** statuses it is allowed in, and why not otherwise (409) */
  from: readonly TicketStatus[];
  why: string;
  /** ticket types it applies to */
  types?: { only: readonly TicketType[]; what: string };
  defect?: { from: readonly DefectState[]; why: string };
  change?: { from: readonly ChangeState[]; why: string };
  /** a further state rule, e.g. the reopen window */
  when?: (t: TicketFacts, now: Date) => string | null;
  /** what the command asks against the state, e.g. escalating to the level it is at (workflow only) */
  check?: (t: TicketDraft, cmd: C, ctx: ActionContext) => string | null;
  apply: (t: TicketDraft, cmd: C, ctx: ActionContext) => void;
  /** forms of the portal's areas, or 'api-only' */
  forms: readonly ActionForm[] | 'api-only';
  /** how the ticket that an outgoing news of this action reaches takes it */
  receive?: { payload: () => z.ZodType; apply: (t: TicketDraft, payload: any, now: Date) => boolean };
}

/** One action: its input's fields once, strict for callers, lenient for the workflow. */
export function defineAction<F extends z.ZodRawShape, X extends z.ZodRawShape = Record<never, never>>(
  spec: Omit<ActionDefinition<z.output<z.ZodObject<F & X>>>, 'input' | 'command' | 'replayCommand'> & {
    /** the input's fields; a function builds them on first use (see below) */
    fields: F | (() => F);
    /** fields the API adds from its lookups */
    commandFields?: X | (() => X);
    refine?: (v: z.output<z.ZodObject<F>>) => { path: string; message: string } | null;
    /** the refinement as JSON Schema, so the OpenAPI document states it too */
    inputMeta?: Record<string, unknown>;
  },
): ActionDefinition<z.output<z.ZodObject<F & X>>> {
  const { fields: fieldsSpec, commandFields: commandSpec, refine, inputMeta, ...rest } = spec;
  const fieldsOnce = once(() => (typeof fieldsSpec === 'function' ? fieldsSpec() : fieldsSpec));
  const commandFieldsOnce = once(() => (typeof commandSpec === 'function' ? commandSpec() : commandSpec));
  const withRefine = <S extends z.ZodObject>(s: S) =>
    refine
      ? s.superRefine((v, ctx) => {
          const issue = refine(v as never);
          if (issue) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
        })
      : s;
  // Built on first use, not when the module loads: a workflow instantiates these modules for every ticket it runs
  // (bench:workflow-cost), and most never validate most actions.
  const input = once(() => (inputMeta ? withRefine(z.strictObject(fieldsOnce())).meta(inputMeta) : withRefine(z.strictObject(fieldsOnce()))));
  const command = once(() => withRefine(z.object({ ...fieldsOnce(), ...(commandFieldsOnce() ?? {}) })) as unknown as z.ZodType<z.output<z.ZodObject<F & X>>>);
  const replayCommand = once(
    () =>
      z.object(Object.fromEntries(Object.entries({ ...fieldsOnce(), ...(commandFieldsOnce() ?? {}) }).map(([k, f]) => [k, (f as z.ZodType).catch((ctx: { input: unknown }) => ctx.input)]))) as unknown as z.ZodType<
        z.output<z.ZodObject<F & X>>
      >,
  );
  // The getters live on the prototype: the SDK deep-freezes what a shared module exports (workflows/shared-modules.ts)
  // and reads every own property to do so, which would build the schemas at once and freeze them unusable.
  const schemas = {
    get input() {
      return input();
    },
    get command() {
      return command();
    },
    get replayCommand() {
      return replayCommand();
    },
  };
  return Object.assign(Object.create(schemas) as typeof schemas, rest);
}

/** A value computed on its first read, then kept. */
function once<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

export const actorKindOf = (a: Actor): ActorKind => (a.kind === 'system' ? 'system' : actorKindOfRole(a.role));

/**
 * What an action that carries files adds: the `attachments` input (ids of uploaded files), the `files` the workflow
 * receives (their references, looked up by the API) and the lookup itself. Spread into `fields` (called), `commandFields` and
 * `lookups` of the definition.
 */
export const FILES = {
  fields: () => ({ attachments: attachmentIds() }),
  commandFields: () => ({ files: attachmentRefs() }),
  lookup: { kind: 'attachments', field: 'attachments', refsField: 'files' } as const satisfies Lookup,
  /** the portal form field that carries them */
  formField: { name: 'attachments', kind: 'file', label: 'files.label' } as const satisfies FormField,
};
