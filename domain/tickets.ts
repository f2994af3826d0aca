/** Ticket vocabulary shared by workflows, activities and the API (SPEC §4). */
export const TICKET_TYPES = ['question', 'incident', 'service_request', 'problem', 'change_request', 'defect'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_STATUSES = ['new', 'triaged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which the ticket is still being worked on (before resolution). */
export const OPEN_STATUSES = ['new', 'triaged', 'in_progress', 'waiting_on_customer'] as const satisfies readonly TicketStatus[];

export const CHANNELS = ['portal', 'phone', 'email', 'api'] as const;
export type TicketChannel = (typeof CHANNELS)[number];

export const SLA_STATES = ['ok', 'at_risk', 'breached', 'paused', 'met'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** Public events and comments reach the customer; internal ones only staff. */
export const VISIBILITIES = ['public', 'internal'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Human-readable ticket number, e.g. T-000123. */
export function formatTicketNumber(n: number): string {
  return `T-${String(n).padStart(6, '0')}`;
}

export function parseTicketNumber(s: string): number | undefined {
  const m = /^T-(\d{1,15})$/i.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}
