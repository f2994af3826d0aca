import { freeText } from '../../text';
import { defineAction } from './define';
import { changeData } from './assess';

/** The customer role that approves changes for its organisation. */
export const APPROVER_ROLES = ['customer_admin'] as const;

export const approve = defineAction({
  summary: "Change requests: the customer's admin approves the assessed change",
  label: { en: 'Approve change', sk: 'Schváliť zmenu' },
  fields: () => ({ note: freeText(2000).optional() }),
  roles: APPROVER_ROLES,
  from: ['in_progress'],
  why: 'a change request is approved while it is being worked on',
  types: { only: ['change_request'], what: 'change requests' },
  change: { from: ['awaiting_approval'], why: 'a change is approved once assessed' },
  apply(t, cmd, { actor, now }) {
    changeData(t).state = 'approved';
    t.emit('change.approved', actor, { note: cmd.note ?? null }, now, t.handlers);
  },
  forms: [{ id: 'approve', area: 'customer', fields: [{ name: 'note', kind: 'textarea', label: 'customer.approve.note' }] }],
});
