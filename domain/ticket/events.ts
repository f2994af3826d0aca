/**
 * Every event a ticket's timeline can hold: one discriminated union, a schema per type, the visibility that comes
 * with the type, and its name in English and Slovak. Consumers (notifications, timelines, counters, projections)
 * switch over `type` exhaustively, so an event type a consumer forgot is a compile error.
 */
import { z } from 'zod';
import { attachmentRefs } from '../attachments';
import type { Actor, Recipient } from './actor';

const str = z.string();
const optStr = z.string().nullable().optional();
const level = z.enum(['L1', 'L2', 'L3']);
const priority = z.enum(['P1', 'P2', 'P3', 'P4']);
const clockKind = z.enum(['firstResponse', 'nextUpdate', 'resolution']);
const num = z.number();
/** files an event carries (absent when none) */
const files = { attachments: attachmentRefs() };

/** What the operational figures count (metrics, the manager's dashboard). */
export type EventFigure = 'created' | 'warning' | 'breach' | 'escalation';

interface EventExtras {
  /** data fields a timeline shows under the title, in order; `coded` ones through a message with that prefix */
  show?: ReadonlyArray<{ field: string; coded?: string }>;
  figure?: EventFigure;
}
interface EventDefinition<S extends z.ZodType> extends EventExtras {
  visibility: 'public' | 'internal';
  /**
   * The shape of the event's data (its type, and a schema for whoever checks). A function, so that it is built only
   * when asked for: a workflow instantiates this module for every ticket it runs (bench:workflow-cost).
   */
  data: () => S;
  label: { en: string; sk: string };
}
const pub = <S extends z.ZodType>(data: () => S, en: string, sk: string, extras: EventExtras = {}): EventDefinition<S> => ({ visibility: 'public', data, label: { en, sk }, ...extras });
const internal = <S extends z.ZodType>(data: () => S, en: string, sk: string, extras: EventExtras = {}): EventDefinition<S> => ({ visibility: 'internal', data, label: { en, sk }, ...extras });
const show = (...fields: Array<string | { field: string; coded: string }>): EventExtras => ({ show: fields.map((f) => (typeof f === 'string' ? { field: f } : f)) });
const escalation = z.object({ from: level, to: level, reason: str });
const incidentRef = z.object({ incidentId: str, incidentNumber: num });
const problemRef = z.object({ problemId: str, problemNumber: num });

// Stryker disable all: the table is module-load code (static, like every table), and its data schemas, built only when asked for, are read as types only: no running code asks for them, so a mutant inside one changes nothing
export const TICKET_EVENTS = {
  // slaMetEvents: the timeline records every met target as sla.met (tickets created since that was so; the report reads it)
  'ticket.created': pub(() => z.object({ priority, impact: str, urgency: str, channel: str, type: str, title: str, slaMetEvents: z.literal(true).optional(), ...files }), 'Ticket created', 'Tiket vytvorený', { figure: 'created' }),
  'ticket.triaged': pub(() => z.object({ impact: str.optional(), urgency: str.optional() }), 'Ticket triaged', 'Tiket roztriedený'),
  'comment.public': pub(() => z.object({ body: str, ...files }), 'Reply', 'Odpoveď'),
  'comment.internal': internal(() => z.object({ body: str, context: str.optional(), ...files }), 'Internal note', 'Interná poznámka'),
  'priority.changed': pub(() => z.object({ from: priority, to: priority, reason: str }), 'Priority changed', 'Priorita zmenená'),
  'ticket.assigned': internal(() => z.object({ assigneeId: str.nullable() }), 'Assigned', 'Pridelený'),
  'info.requested': pub(() => z.object({ body: str, ...files }), 'Information requested', 'Vyžiadané informácie'),
  'customer.replied': pub(() => z.object({ body: str, ...files }), 'Customer replied', 'Zákazník odpovedal'),
  'ticket.resolved': pub(() => z.object({ resolution: str, abandoned: z.boolean().optional(), resolutionConsumedMs: num.optional() }), 'Resolved', 'Vyriešený', show('resolution')),
  'ticket.reopened': pub(() => z.object({ reason: str, resolutionConsumedMs: num.optional() }), 'Reopened', 'Znovu otvorený', show('reason')),
  'ticket.closed': pub(() => z.object({ confirmedBy: str, rating: num.optional(), reason: str.optional() }), 'Closed', 'Uzavretý', show('rating')),
  'ticket.cancelled': pub(() => z.object({ reason: optStr }), 'Cancelled', 'Zrušený', show('reason')),
  'ticket.reminder': pub(() => z.object({ reason: str }), 'Reminder', 'Pripomienka'),
  'ticket.converted': pub(() => z.object({ from: str, to: str }), 'Ticket type changed', 'Typ tiketu zmenený'),
  'ticket.merged': pub(() => z.object({ targetId: str, targetNumber: num, note: optStr }), 'Merged into another ticket', 'Zlúčený do iného tiketu', show('note')),
  'ticket.duplicate_merged': pub(() => z.object({ duplicateId: str, duplicateNumber: num }), 'Duplicate merged into this ticket', 'Duplikát zlúčený do tohto tiketu'),
  'escalation.manual': internal(() => escalation, 'Escalated', 'Eskalovaný', { figure: 'escalation' }),
  'escalation.handback': internal(() => escalation, 'Handed back', 'Vrátené na nižšiu úroveň'),
  'escalation.automatic': internal(() => escalation.extend({ budget: str, dueAt: str }), 'Escalated automatically', 'Automaticky eskalovaný', { figure: 'escalation' }),
  'sla.met': internal(() => z.object({ clock: clockKind, consumedMs: num, cycle: num.optional() }), 'Target met', 'Cieľ splnený'),
  'sla.warning': internal(() => z.object({ clock: clockKind, dueAt: str, deadline: optStr, threshold: num, cycle: num.optional() }), 'Deadline approaching', 'Blíži sa termín', { figure: 'warning' }),
  'sla.breached': internal(() => z.object({ clock: clockKind, deadline: str, cycle: num.optional(), priority: priority.optional() }), 'Deadline missed', 'Termín zmeškaný', { figure: 'breach' }),
  // fromLevel, assigneeCleared: since #14 (older events have the level only)
  'defect.reproduction_started': pub(() => z.object({ level, fromLevel: level.optional(), assigneeCleared: z.boolean().optional() }), 'Reproduction started', 'Overovanie začalo'),
  'defect.confirmed': pub(() => z.object({ module: optStr, moduleVersion: optStr }), 'Defect confirmed', 'Chyba potvrdená'),
  'defect.evidence': internal(() => z.object({ steps: str, environment: str, version: str, ...files }), 'Test evidence', 'Dôkazy z testov'),
  'defect.not_reproducible': pub(() => z.object({ body: str }), 'Not reproducible', 'Nepodarilo sa zopakovať'),
  'defect.rejected': pub(() => z.object({ reason: str, convertedTo: optStr }), 'Defect rejected', 'Chyba zamietnutá', show('reason')),
  'defect.fix_started': pub(() => z.object({ level }), 'Fix started', 'Oprava začala'),
  'fix.scheduled': pub(() => z.object({ releaseId: str, releaseVersion: str, plannedDate: str, previousRelease: optStr }), 'Fix scheduled', 'Oprava naplánovaná', show('releaseVersion', 'plannedDate')),
  'fix.rejected': pub(() => z.object({ reason: str, releaseVersion: optStr }), 'Fix not accepted', 'Oprava neprijatá', show('reason')),
  'fix.confirmed': pub(() => z.object({ releaseVersion: optStr }), 'Fix confirmed', 'Oprava potvrdená', show('releaseVersion')),
  'fix.released': pub(() => z.object({ releaseId: str, releaseVersion: str, releasedOn: str }), 'Fix released', 'Oprava vydaná', show('releaseVersion', 'releasedOn')),
  'release.date_moved': pub(() => z.object({ releaseId: str, releaseVersion: str, previousDate: str, newDate: str }), 'Release date moved', 'Dátum vydania sa posunul', show('releaseVersion', 'newDate')),
  'change.assessed': pub(() => z.object({ effort: str, risk: str, assessment: str }), 'Change assessed', 'Zmena posúdená', show('effort', { field: 'risk', coded: 'customer.risk.' }, 'assessment')),
  'change.approved': pub(() => z.object({ note: optStr }), 'Change approved', 'Zmena schválená', show('note')),
  'change.rejected': pub(() => z.object({ reason: str }), 'Change rejected', 'Zmena zamietnutá', show('reason')),
  'change.scheduled': pub(() => z.object({ plannedFor: str, note: optStr }), 'Change scheduled', 'Zmena naplánovaná', show('plannedFor', 'note')),
  'change.implemented': pub(() => z.object({ note: optStr }), 'Change implemented', 'Zmena zavedená', show('note')),
  'problem.workaround_recorded': internal(() => z.object({ workaround: str, incidents: num }), 'Workaround recorded', 'Náhradné riešenie zaznamenané'),
  'problem.incident_linked': internal(() => incidentRef, 'Incident linked', 'Incident prepojený'),
  'problem.incident_unlinked': internal(() => incidentRef, 'Incident unlinked', 'Incident odpojený'),
  'problem.linked': internal(() => problemRef, 'Linked to a problem', 'Prepojené s problémom'),
  'problem.unlinked': internal(() => problemRef, 'Unlinked from a problem', 'Odpojené od problému'),
  'mail.bounced': internal(() => z.object({ address: str, reason: str, inboundMessageId: str }), 'E-mail not delivered', 'E-mail sa nepodarilo doručiť', show('address', 'reason')),
  'problem.workaround': pub(() => z.object({ problemNumber: num, workaround: str }), 'Workaround available', 'Náhradné riešenie k dispozícii', show('workaround')),
} as const satisfies Record<string, EventDefinition<z.ZodType>>;
// Stryker restore all

export type TicketEventType = keyof typeof TICKET_EVENTS;
export const TICKET_EVENT_TYPES = Object.keys(TICKET_EVENTS) as TicketEventType[];
export type EventData<T extends TicketEventType> = z.output<ReturnType<(typeof TICKET_EVENTS)[T]['data']>>;

interface EventCommon {
  seq: number;
  at: string;
  actor: Actor;
  visibility: 'public' | 'internal';
}

/** One timeline entry: `type` decides the shape of `data`. */
export type TicketEvent = { [T in TicketEventType]: EventCommon & { type: T; data: EventData<T> } }[TicketEventType];
export type TicketEventOf<T extends TicketEventType> = Extract<TicketEvent, { type: T }>;

/** An event as the workflow emits it, with the staff it must reach (the projection adds the customer side). */
export type EmittedEvent = TicketEvent & { notify?: Recipient[] };

/** The event types a figure counts. */
export const eventTypesCounted = (figure: EventFigure): TicketEventType[] => TICKET_EVENT_TYPES.filter((t) => (TICKET_EVENTS[t] as EventExtras).figure === figure);

export const isTicketEventType = (t: string): t is TicketEventType => Object.prototype.hasOwnProperty.call(TICKET_EVENTS, t);

/** What a ticket.created event says of the new ticket (the workflow records it; a page shows it before the projection ran). */
export const createdEventData = (t: { priority: string; impact: string; urgency: string; channel: string; type: string; title: string }): EventData<'ticket.created'> => ({
  priority: t.priority as EventData<'ticket.created'>['priority'],
  impact: t.impact,
  urgency: t.urgency,
  channel: t.channel,
  type: t.type,
  title: t.title,
});

/** Visibility is part of the type: a type never changes it. */
export const visibilityOf = (t: TicketEventType): 'public' | 'internal' => TICKET_EVENTS[t].visibility;

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
