import { freeText } from '../../text';
import { defineAction } from './define';
import { APPROVER_ROLES } from './approve';
import { changeData } from './assess';

export const reject = defineAction({
  summary: "Change requests: the customer's admin rejects the assessed change (the ticket closes)",
  label: { en: 'Reject change', sk: 'Zamietnuť zmenu' },
  fields: () => ({ reason: freeText(2000) }),
  roles: APPROVER_ROLES,
  from: ['in_progress'],
  why: 'a change request is rejected while it awaits approval',
  types: { only: ['change_request'], what: 'change requests' },
  change: { from: ['awaiting_approval'], why: 'a change is rejected once assessed' },
  apply(t, cmd, { actor, now }) {
    changeData(t).state = 'rejected';
    t.close(now);
    t.stopClocks(now);
    t.emit('change.rejected', actor, { reason: cmd.reason }, now, t.handlers);
    t.emit('ticket.closed', actor, { confirmedBy: 'customer', reason: 'change request rejected' }, now);
  },
  forms: [{ id: 'reject', area: 'customer', fields: [{ name: 'reason', kind: 'textarea', label: 'customer.reject.reason', required: true }] }],
});
