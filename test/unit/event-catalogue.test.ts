/** The catalogue of timeline events (domain/ticket/events.ts): what each figure counts, and what a type fixes. */
import { assertNever, eventTypesCounted, isTicketEventType, TICKET_EVENT_TYPES, visibilityOf, type EventFigure } from '../../domain/ticket/events';

describe('the events the operational figures count', () => {
  it.each<[EventFigure, string[]]>([
    ['created', ['ticket.created']],
    ['warning', ['sla.warning']],
    ['breach', ['sla.breached']],
    ['escalation', ['escalation.manual', 'escalation.automatic']], // a hand-back is no escalation
  ])('%s counts %j', (figure, types) => {
    expect(eventTypesCounted(figure)).toEqual(types);
  });
});

describe('event types', () => {
  it.each([
    ['ticket.created', true],
    ['fix.released', true],
    ['problem.workaround', true],
    ['ticket.deleted', false],
    ['', false],
    ['toString', false], // inherited, not a type
    ['constructor', false],
  ])('%j is an event type: %s', (type, yes) => {
    expect(isTicketEventType(type)).toBe(yes);
  });

  it.each([
    ['comment.public', 'public'],
    ['comment.internal', 'internal'],
    ['ticket.resolved', 'public'],
    ['sla.breached', 'internal'],
    ['escalation.manual', 'internal'],
    ['defect.evidence', 'internal'],
    ['fix.rejected', 'public'],
  ] as const)('%s is %s by its type', (type, visibility) => {
    expect(visibilityOf(type)).toBe(visibility);
  });

  it('every type is named in the list of types exactly once', () => {
    expect(new Set(TICKET_EVENT_TYPES).size).toBe(TICKET_EVENT_TYPES.length);
    expect(TICKET_EVENT_TYPES.every(isTicketEventType)).toBe(true);
  });

  it('a value no switch expected is an error that names it', () => {
    expect(() => assertNever({ type: 'ticket.deleted' } as never)).toThrow('unexpected value {"type":"ticket.deleted"}');
  });
});
