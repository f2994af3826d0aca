import { z } from 'zod';
import { freeText, ticketRef, uuid } from '../../text';
import { SYSTEM } from '../actor';

/** Links kept on one ticket; more duplicates than this are still closed, but not listed on their target. */
const MAX_DUPLICATES = 500;
import { defineAction, LIVE, STAFF_ROLES } from './define';

/**
 * A duplicate of another ticket of the same customer (SPEC §4.1, §5.8): closed with a public note and a link, its
 * clocks stopped, its customer told; the ticket it was merged into records the merge.
 */
export const merge = defineAction({
  summary: 'Merge this ticket into another open ticket of the same customer as its duplicate (closes this one, links both)',
  label: { en: 'Merge as duplicate', sk: 'Zlúčiť ako duplikát' },
  fields: () => ({ targetId: ticketRef(), note: freeText(2000).optional().describe('Shown to the customer and e-mailed to them with the merge (public)') }),
  commandFields: () => ({ targetNumber: z.number().int().min(1) }),
  lookups: [{ kind: 'ticket', field: 'targetId', numberField: 'targetNumber', open: true, working: true, sameCustomer: true }],
  roles: STAFF_ROLES,
  from: LIVE,
  why: 'a closed or cancelled ticket cannot be merged',
  check: (t, cmd) => (cmd.targetId === t.input.ticketId ? 'a ticket cannot be merged into itself' : null),
  apply(t, cmd, { actor, now }) {
    const target = { id: cmd.targetId, number: cmd.targetNumber };
    t.links.duplicateOf = target;
    t.close(now);
    t.stopClocks(now);
    t.emit('ticket.merged', actor, { targetId: target.id, targetNumber: target.number, note: cmd.note ?? null }, now);
    t.tellTicket(target.number, { action: 'merge', payload: { duplicateId: t.input.ticketId, duplicateNumber: t.input.number } });
  },
  receive: {
    payload: () => z.object({ duplicateId: uuid(), duplicateNumber: z.number().int().min(1) }),
    apply(t, p: { duplicateId: string; duplicateNumber: number }, now) {
      const duplicates = t.links.duplicates ?? [];
      if (t.finished || duplicates.length >= MAX_DUPLICATES || duplicates.some((x) => x.id === p.duplicateId)) return false;
      t.links.duplicates = [...duplicates, { id: p.duplicateId, number: p.duplicateNumber }];
      t.emit('ticket.duplicate_merged', SYSTEM, { duplicateId: p.duplicateId, duplicateNumber: p.duplicateNumber }, now);
      return true;
    },
  },
  forms: [
    {
      id: 'merge',
      area: 'desk',
      fields: [
        { name: 'targetId', kind: 'text', label: { en: 'Duplicate of ticket (number)', sk: 'Duplikát tiketu (číslo)' }, required: true },
        { name: 'note', kind: 'textarea', label: { en: 'Note to the customer (optional)', sk: 'Poznámka pre zákazníka (nepovinná)' } },
      ],
    },
  ],
});
