/**
 * Staff pages (SPEC §8, §10): the queues per level with filters, search and bulk actions (desk-list.ts), the ticket
 * page as a conversation (desk-ticket.ts), phone calls and unassigned mail.
 */
import type { Router } from 'express';
import { mountDeskList } from './desk-list';
import { mountDeskTicketPages } from './desk-ticket';
import type { PortalKit } from './kit';
import { mountMailPages } from './mail';
import { mountPhonePages } from './phone';

export function mountDeskPages(r: Router, kit: PortalKit): void {
  mountDeskList(r, kit);
  mountPhonePages(r, kit);
  mountMailPages(r, kit);
  mountDeskTicketPages(r, kit);
}
