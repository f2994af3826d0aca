import { freeText } from '../../text';
import { defineAction, STAFF_ROLES, WORKED_ON } from './define';

export const startFix = defineAction({
  summary: 'Defects: L3 starts the fix (the ticket moves to L3 and its assignee is cleared)',
  label: { en: 'Start fix', sk: 'Začať opravu' },
  fields: () => ({ note: freeText(2000).optional() }),
  roles: STAFF_ROLES,
  from: WORKED_ON,
  why: 'only an open defect is fixed',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['confirmed'], why: 'only a confirmed defect is fixed' },
  apply(t, cmd, { actor, now }) {
    t.defectData.state = 'fix_in_progress';
    t.setStatus('in_progress');
    t.raiseTo('L3');
    t.emit('defect.fix_started', actor, { level: t.data.level }, now);
    if (cmd.note) t.emit('comment.internal', actor, { body: cmd.note, context: 'fix' }, now);
  },
  forms: [{ id: 'start-fix', area: 'desk', fields: [{ name: 'note', kind: 'textarea', label: 'desk.f.note' }] }],
});
