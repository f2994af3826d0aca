import { z } from 'zod';
import { freeText } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';

export const rejectDefect = defineAction({
  summary: 'Defects: works as designed — resolved with the reason, or converted to a question or change request',
  label: { en: 'Reject defect', sk: 'Zamietnuť chybu' },
  fields: () => ({ reason: freeText(2000), convertTo: z.enum(['question', 'change_request']).optional() }),
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only an open defect is rejected',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['reported', 'reproducing', 'not_reproducible', 'confirmed'], why: 'a defect already being fixed cannot be rejected' },
  apply(t, cmd, { actor, now }) {
    t.defectData.state = 'rejected';
    t.emit('defect.rejected', actor, { reason: cmd.reason, convertedTo: cmd.convertTo ?? null }, now, t.requester);
    if (!cmd.convertTo) {
      t.resolve(actor, `Not a defect: ${cmd.reason}`, now, false);
      return;
    }
    // Works as designed, but the wish is real: the ticket continues as a question or change request.
    t.data.type = cmd.convertTo;
    t.resumeFromWaiting(now);
    t.setStatus('in_progress');
    t.data.waitingSince = null;
    t.staffResponded(now);
    t.emit('ticket.converted', actor, { from: 'defect', to: cmd.convertTo }, now);
  },
  forms: [
    {
      id: 'reject-defect',
      area: 'desk',
      fields: [
        { name: 'reason', kind: 'textarea', label: 'desk.f.reason', required: true },
        {
          name: 'convertTo',
          kind: 'select',
          label: 'desk.f.convertTo',
          options: { static: [{ value: '', labelKey: 'desk.f.convertNone' }, { value: 'question', labelKey: 'type.question' }, { value: 'change_request', labelKey: 'type.change_request' }] },
        },
      ],
    },
  ],
});
