/** Names and payloads of the actions a ticket workflow accepts (signal and update of the same name). */
export const TICKET_ACTIONS = [
  'triage',
  'assign',
  'comment',
  'request-info',
  'reply',
  'resolve',
  'reopen',
  'close',
  'cancel',
  'escalate',
  'override-priority',
] as const;
export type TicketActionName = (typeof TICKET_ACTIONS)[number];

export interface Actor {
  id: string | null; // null = system
  kind: 'user' | 'system';
  role?: string;
}

export interface TicketActionRequest {
  action: TicketActionName;
  actor: Actor;
  /** Idempotency: a repeated request with the same id is answered from memory, not applied twice. */
  requestId?: string;
  payload?: Record<string, unknown>;
}

export interface TicketActionResult {
  accepted: boolean;
  status: string;
  seq: number;
}
