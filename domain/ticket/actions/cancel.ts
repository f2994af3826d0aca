import { isCustomerRoleName } from '../../access';
import { freeText } from '../../text';
import { defineAction, EVERYONE, OPEN } from './define';

export const cancel = defineAction({
  summary: 'Cancel before resolution (customers: the tickets they reported)',
  label: { en: 'Cancel', sk: 'Zrušiť' },
  fields: () => ({ reason: freeText(2000).optional() }),
  roles: EVERYONE,
  mayAct: (actor, t) => (isCustomerRoleName(actor.role) && actor.id !== t.requesterId ? 'only the requester can cancel their ticket' : null),
  from: OPEN,
  why: 'a ticket can be cancelled only before it is resolved',
  apply(t, cmd, { actor, now }) {
    t.setStatus('cancelled');
    t.stopClocks(now);
    t.emit('ticket.cancelled', actor, { reason: cmd.reason ?? null }, now);
  },
  forms: [
    { id: 'cancel', area: 'desk', fields: [{ name: 'reason', kind: 'textarea', label: 'desk.f.reasonOptional' }] },
    { id: 'cancel', area: 'customer', fields: [{ name: 'reason', kind: 'textarea', label: 'customer.cancel.reason' }] },
  ],
});
