import { isTicketEventType, TICKET_EVENTS } from '../../domain/ticket/events';

/**
 * What a timeline entry says besides its title: the reason of a reopen or cancellation, the rating of a closing,
 * the assessment of a change request… Only the fields its event definition names (domain/ticket/events.ts) are shown, each under a message label.
 */
export interface EventDetail {
  labelKey: string;
  value: string;
  /** A message for the value itself (a risk level), when it is a code rather than text. */
  valueKey: string | null;
}

export function eventDetails(type: string, data: unknown): EventDetail[] {
  const fields = isTicketEventType(type) ? (TICKET_EVENTS[type] as { show?: ReadonlyArray<{ field: string; coded?: string }> }).show : undefined;
  if (!fields || !data || typeof data !== 'object') return [];
  const d = data as Record<string, unknown>;
  return fields
    .filter(({ field }) => (typeof d[field] === 'string' && (d[field] as string).trim() !== '') || typeof d[field] === 'number')
    .map(({ field, coded }) => ({ labelKey: `customer.detail.${field}`, value: String(d[field]), valueKey: coded ? `${coded}${String(d[field])}` : null }));
}
