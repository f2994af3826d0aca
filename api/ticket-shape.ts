/** The JSON shapes of a ticket and of its timeline events that every client may rely on (SPEC §11). */
import type { Ticket, TicketEvent } from '../db/tickets';
import { TARGET_KINDS, type TargetKind } from '../domain/plans';
import { figuresAt, openingClocks, timesFirstResponseOnly } from '../domain/sla-clock';
import { formatTicketNumber } from '../domain/tickets';

const NO_CLOCK = { target: null, deadline: null, state: 'none', consumedMs: 0, remainingMs: null };

/**
 * Clock figures computed at request time from the projected clock records and the ticket's SLA snapshot. A ticket
 * whose workflow has not projected anything yet (just created) has the clocks its workflow starts with.
 */
function liveClocks(t: Ticket, now: Date): Record<TargetKind, unknown> {
  const snap = t.slaSnapshot;
  const out = {} as Record<TargetKind, unknown>;
  const projected = TARGET_KINDS.some((k) => t.sla[k]);
  const opening = !projected && snap.targets?.[t.priority] ? openingClocks(snap.targets[t.priority], t.createdAt, { firstResponseOnly: timesFirstResponseOnly(t.type) }) : undefined;
  for (const k of TARGET_KINDS) {
    const c = t.sla[k] ?? opening?.[k];
    if (!c || !snap.businessCalendar) {
      out[k] = NO_CLOCK;
      continue;
    }
    const f = figuresAt(c, now, { business: snap.businessCalendar, wallClock: snap.wallClockCalendar }, snap.warningThreshold);
    out[k] = { target: f.target, deadline: f.deadline, state: f.state, consumedMs: f.consumedMs, remainingMs: f.remainingMs, warningAt: f.warningAt, pausedIntervals: f.pausedIntervals };
  }
  return out;
}

/** `visible`: the linked tickets the caller may see (db/tickets visibleLinkedIds); undefined shows every link. */
export function toApiTicket(t: Ticket, now: Date = new Date(), visible?: Set<string>) {
  const sla = liveClocks(t, now);
  return {
    id: t.id,
    number: formatTicketNumber(t.number),
    title: t.title,
    description: t.description,
    type: t.type,
    status: t.status,
    subStatus: t.subStatus,
    priority: t.priority,
    impact: t.impact,
    urgency: t.urgency,
    level: t.level,
    customerId: t.customerId,
    requesterId: t.requesterId,
    businessLine: t.businessLineName,
    businessLineId: t.businessLineId,
    module: t.moduleId,
    moduleVersion: t.moduleVersion,
    channel: t.channel,
    assigneeId: t.assigneeId,
    slaState: t.slaState,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    sla,
    // Duplicates are of the same customer (the merge rule); `visible` keeps a customer to the tickets they may open.
    links: {
      duplicateOf: t.links.duplicateOf && (!visible || visible.has(t.links.duplicateOf.id)) ? { id: t.links.duplicateOf.id, number: formatTicketNumber(t.links.duplicateOf.number) } : null,
      duplicates: (t.links.duplicates ?? []).filter((d) => !visible || visible.has(d.id)).map((d) => ({ id: d.id, number: formatTicketNumber(d.number) })),
    },
  };
}

export type ApiTicket = ReturnType<typeof toApiTicket>;

export const toApiEvent = (e: TicketEvent) => ({
  seq: e.seq,
  type: e.type,
  at: e.at.toISOString(),
  actor: e.actorKind === 'system' ? { kind: 'system' } : { kind: 'user', id: e.actorId },
  visibility: e.visibility,
  data: e.data,
});
