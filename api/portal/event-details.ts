/**
 * What a timeline entry says besides its title: the reason of a reopen or cancellation, the rating of a closing,
 * the assessment of a change request… Only fields of the event's own data are shown, each under a message label.
 */
export interface EventDetail {
  labelKey: string;
  value: string;
  /** A message for the value itself (a risk level), when it is a code rather than text. */
  valueKey: string | null;
}

/** Per event type, the data fields worth showing, in order; `coded` fields are shown through a message. */
const DETAILS: Record<string, Array<{ field: string; coded?: string }>> = {
  'ticket.resolved': [{ field: 'resolution' }],
  'ticket.reopened': [{ field: 'reason' }],
  'ticket.cancelled': [{ field: 'reason' }],
  'ticket.closed': [{ field: 'rating' }],
  'change.assessed': [{ field: 'effort' }, { field: 'risk', coded: 'customer.risk.' }, { field: 'assessment' }],
  'change.approved': [{ field: 'note' }],
  'change.rejected': [{ field: 'reason' }],
  'change.scheduled': [{ field: 'plannedFor' }, { field: 'note' }],
  'change.implemented': [{ field: 'note' }],
  'fix.scheduled': [{ field: 'releaseVersion' }, { field: 'plannedDate' }],
  'fix.released': [{ field: 'releaseVersion' }, { field: 'releasedOn' }],
  'fix.confirmed': [{ field: 'releaseVersion' }],
  'fix.rejected': [{ field: 'reason' }],
  'defect.rejected': [{ field: 'reason' }],
  'release.date_moved': [{ field: 'releaseVersion' }, { field: 'newDate' }],
  'problem.workaround': [{ field: 'workaround' }],
};

export function eventDetails(type: string, data: unknown): EventDetail[] {
  const fields = DETAILS[type];
  if (!fields || !data || typeof data !== 'object') return [];
  const d = data as Record<string, unknown>;
  return fields
    .filter(({ field }) => (typeof d[field] === 'string' && (d[field] as string).trim() !== '') || typeof d[field] === 'number')
    .map(({ field, coded }) => ({ labelKey: `customer.detail.${field}`, value: String(d[field]), valueKey: coded ? `${coded}${String(d[field])}` : null }));
}
