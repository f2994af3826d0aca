/**
 * What a timeline entry on the agent's ticket page says happened, in words (#14, point 1): "Escalated to L2 by Lucia",
 * "First response target met" — never an event's type. One message per event type (per clock for the SLA events) in
 * locales/<lang>/timeline.json; the values it names come from the event's data.
 */
import { formatTicketNumber } from '../../domain/tickets';
import { TICKET_EVENT_TYPES, isTicketEventType, type TicketEventType } from '../../domain/ticket/events';
import type { Messages } from './i18n';

/** Events whose message depends on the clock they are about. */
const PER_CLOCK = new Set<TicketEventType>(['sla.met', 'sla.warning', 'sla.breached']);
export const CLOCKS = ['firstResponse', 'nextUpdate', 'resolution'] as const;

/** Every message key an event type may use (what the completeness test checks). */
export function sentenceKeys(type: TicketEventType): string[] {
  if (PER_CLOCK.has(type)) return CLOCKS.map((c) => `timeline.${type}.${c}`);
  if (type === 'ticket.assigned') return ['timeline.ticket.assigned', 'timeline.ticket.assigned.none'];
  return [`timeline.${type}`];
}
export const ALL_SENTENCE_KEYS = (): string[] => TICKET_EVENT_TYPES.flatMap(sentenceKeys);

function keyOf(type: string, d: Record<string, unknown>): string {
  if (!isTicketEventType(type)) return 'timeline.other';
  if (PER_CLOCK.has(type)) return `timeline.${type}.${(CLOCKS as readonly string[]).includes(String(d.clock)) ? String(d.clock) : 'firstResponse'}`;
  if (type === 'ticket.assigned' && !d.assigneeId) return 'timeline.ticket.assigned.none';
  return `timeline.${type}`;
}

/**
 * The sentence for one event. `actor` is the person's name (null: the system); `names` resolves the people an
 * event's data names by id (the assignee).
 */
export function eventSentence(msgs: Messages, type: string, data: unknown, actor: string | null, names: ReadonlyMap<string, string> = new Map()): string {
  const d = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const template = msgs[keyOf(type, d)] ?? msgs['timeline.other'] ?? type;
  const value = (name: string): string => {
    if (name === 'actor') return actor ?? msgs['timeline.system'] ?? 'system';
    if (name === 'assignee') return typeof d.assigneeId === 'string' ? (names.get(d.assigneeId) ?? '?') : '';
    const v = d[name];
    if (typeof v === 'number' && name.endsWith('Number')) return formatTicketNumber(v);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : '?';
  };
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => value(name));
}
