import { z } from 'zod';
import { CHANGE_RISKS } from '../../change-requests';
import { freeText } from '../../text';
import { defineAction, STAFF_ROLES, WORKED_ON } from './define';

export const assess = defineAction({
  summary: "Change requests: effort and risk assessed; the customer's admins are asked to approve",
  label: { en: 'Assess change', sk: 'Posúdiť zmenu' },
  fields: () => ({ effort: freeText(100), risk: z.enum(CHANGE_RISKS), assessment: freeText(10_000) }),
  roles: STAFF_ROLES,
  from: WORKED_ON,
  why: 'only an open change request is assessed',
  types: { only: ['change_request'], what: 'change requests' },
  change: { from: ['submitted', 'awaiting_approval'], why: 'a change is assessed before its approval' },
  apply(t, cmd, { actor, now }) {
    const ch = changeData(t);
    t.setStatus('in_progress');
    ch.state = 'awaiting_approval';
    ch.assessment = { effort: cmd.effort, risk: cmd.risk, text: cmd.assessment };
    t.staffResponded(now);
    t.emit('change.assessed', actor, { effort: cmd.effort, risk: cmd.risk, assessment: cmd.assessment }, now, [{ kind: 'customerAdmins' }]);
  },
  forms: [
    {
      id: 'assess',
      area: 'desk',
      fields: [
        { name: 'effort', kind: 'text', label: 'desk.f.effort', required: true },
        { name: 'risk', kind: 'select', label: 'desk.f.risk', required: true, options: { static: CHANGE_RISKS.map((l) => ({ value: l, labelKey: `level.${l}` })) } },
        { name: 'assessment', kind: 'textarea', label: 'desk.f.assessment', required: true },
      ],
    },
  ],
});

/** The change sub-state, created on a change request's first change action. */
export function changeData(t: import('../draft').TicketDraft) {
  t.data.change ??= { state: 'submitted', assessment: null, plannedFor: null };
  return t.data.change;
}
