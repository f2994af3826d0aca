/**
 * Customer pages: the ticket lists per role, the ticket page and its actions, approvals and the satisfaction page
 * (customer-tickets.ts). Reporting a new ticket is in new-ticket.ts, mounted before these so `/portal/tickets/new` is
 * never read as a ticket number.
 */
import type { Router } from 'express';
import type { PortalKit } from './kit';
import { mountCustomerTicketPages } from './customer-tickets';

export function mountCustomerPages(r: Router, kit: PortalKit): void {
  mountCustomerTicketPages(r, kit);
}
