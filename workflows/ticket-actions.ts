/** Payloads of the actions a ticket workflow accepts (an update and a signal of the same name for each). */
import type { TicketActionName } from '../domain/ticket/actions';
import type { Actor } from '../domain/ticket/state';

export { TICKET_ACTIONS, type TicketActionName } from '../domain/ticket/actions';
export type { Actor } from '../domain/ticket/state';

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
  duplicate?: boolean;
}
