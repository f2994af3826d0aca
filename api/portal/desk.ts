/**
 * Staff pages (SPEC §8, §10): the queues per level with filters and SLA badges. The ticket page is in
 * desk-ticket.ts.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { isValidCursor, listTickets, type TicketFilters } from '../../db/tickets';
import { ASSIGNABLE_ROLES, ticketScope } from '../../domain/access';
import { PRIORITIES, SUPPORT_LEVELS } from '../../domain/plans';
import { OPEN_STATUSES, SLA_STATES, TICKET_STATUSES, TICKET_TYPES } from '../../domain/tickets';
import { mountDeskTicketPages } from './desk-ticket';
import type { PortalKit } from './kit';
import { mountMailPages } from './mail';
import { mountPhonePages } from './phone';

const PAGE_SIZE = 25;

/** Each filter on its own: a bad value drops that filter only. */
const deskFilters = z.object({
  level: z.enum(['L1', 'L2', 'L3', 'all']).optional().catch(undefined),
  assignee: z.union([z.enum(['me', 'none']), z.string().uuid()]).optional().catch(undefined),
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  priority: z.enum(PRIORITIES).optional().catch(undefined),
  type: z.enum(TICKET_TYPES).optional().catch(undefined),
  sla: z.enum(SLA_STATES).optional().catch(undefined),
  customer: z.string().uuid().optional().catch(undefined),
  cursor: z.string().max(200).refine(isValidCursor).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(100).optional().catch(undefined),
});
type DeskFilters = z.infer<typeof deskFilters>;


export function mountDeskPages(r: Router, kit: PortalKit): void {
  const { db, page, visitorOf, staffOnly, ticketView } = kit;
  // Events the shared messages do not name get the desk's own name (en and sk have the same keys).

  const staffUsers = async () => (await db('users').whereIn('role', ASSIGNABLE_ROLES).whereNull('disabled_at').orderBy('name').select('id', 'name')) as Array<{ id: string; name: string }>;
  const namesOf = async (table: 'users' | 'customers', ids: Array<string | null>) => {
    const wanted = [...new Set(ids.filter((x): x is string => !!x))];
    const rows = wanted.length ? ((await db(table).whereIn('id', wanted).select('id', 'name')) as Array<{ id: string; name: string }>) : [];
    return new Map(rows.map((x) => [x.id, x.name]));
  };

  r.get('/desk', async (req, res) => {
    const p = staffOnly(req, res);
    const v = visitorOf(res);
    const f: DeskFilters = deskFilters.parse(req.query);
    const ownLevels = p.levels.filter((l) => (SUPPORT_LEVELS as readonly string[]).includes(l));
    // Without a level: the agent's own levels, except for "assigned to me", which follows the agent everywhere.
    const levels = f.level === 'all' ? undefined : f.level ? [f.level] : f.assignee === 'me' || !ownLevels.length ? undefined : ownLevels;
    const filters: TicketFilters = {
      status: f.status ? [f.status] : OPEN_STATUSES,
      ...(levels && { level: levels }),
      ...(f.priority && { priority: [f.priority] }),
      ...(f.type && { type: [f.type] }),
      ...(f.sla && { slaState: [f.sla] }),
      ...(f.customer && { customerId: f.customer }),
      ...(f.assignee && { assigneeId: f.assignee === 'me' ? p.id : f.assignee === 'none' ? null : f.assignee }),
    };
    const { rows, nextCursor } = await listTickets(db, ticketScope(p), filters, { limit: f.limit ?? PAGE_SIZE, cursor: f.cursor });
    const [customers, staff, assignees] = await Promise.all([
      db('customers').orderBy('name').select('id', 'name') as Promise<Array<{ id: string; name: string }>>,
      staffUsers(),
      namesOf('users', rows.map((x) => x.assigneeId)),
    ]);
    const customerNames = new Map(customers.map((c) => [c.id, c.name]));
    const tickets = rows.map((row) => ({
      ...ticketView(row, v),
      customerName: customerNames.get(row.customerId) ?? '',
      assigneeName: row.assigneeId ? (assignees.get(row.assigneeId) ?? '') : null,
      attention: row.slaState === 'breached' || row.slaState === 'at_risk',
    }));
    const query = (over: Record<string, string | undefined>) => {
      const q = new URLSearchParams();
      for (const [k, val] of Object.entries({ ...f, cursor: undefined, ...over })) if (val !== undefined && val !== '') q.set(k, String(val));
      const s = q.toString();
      return s ? `/desk?${s}` : '/desk';
    };
    const tab = f.assignee === 'me' ? 'me' : f.assignee === 'none' ? 'unassigned' : (f.level ?? (ownLevels.length ? 'mine' : 'all'));
    const isManager = p.role !== 'agent';
    const tabs = [
      ...(ownLevels.length ? [{ id: 'mine', labelKey: 'desk.tab.mine', href: '/desk' }] : []),
      ...SUPPORT_LEVELS.map((l) => ({ id: l, label: l, href: `/desk?level=${l}` })),
      ...(isManager ? [{ id: 'all', labelKey: 'desk.tab.all', href: '/desk?level=all' }] : []),
      { id: 'me', labelKey: 'desk.tab.me', href: '/desk?assignee=me' },
      { id: 'unassigned', labelKey: 'desk.tab.unassigned', href: '/desk?assignee=none' },
    ].map((t) => ({ ...t, current: t.id === tab }));
    page(res, 'desk', 'desk.title', {
      tickets,
      filters: f,
      tabs,
      ownLevels: ownLevels.join(', '),
      levels: SUPPORT_LEVELS,
      statuses: TICKET_STATUSES,
      priorities: PRIORITIES,
      types: TICKET_TYPES,
      slaStates: SLA_STATES,
      customers,
      staff,
      nextHref: nextCursor ? `${query({})}${query({}).includes('?') ? '&' : '?'}cursor=${encodeURIComponent(nextCursor)}` : null,
      firstHref: f.cursor ? query({}) : null,
      breachedHref: query({ sla: 'breached' }),
      atRiskHref: query({ sla: 'at_risk' }),
    });
  });

  mountPhonePages(r, kit);
  mountMailPages(r, kit);

  mountDeskTicketPages(r, kit);
}
