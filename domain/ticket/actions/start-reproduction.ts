import { freeText } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';

export const startReproduction = defineAction({
  summary: 'Defects: L2 starts reproducing the report (the ticket moves to L2 and its assignee is cleared)',
  label: { en: 'Start reproduction', sk: 'Začať overovanie' },
  fields: () => ({ note: freeText(2000).optional() }),
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only an open defect is reproduced',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['reported', 'not_reproducible'], why: 'reproduction starts from a reported defect or after the customer sent more details' },
  apply(t, cmd, { actor, now }) {
    t.defectData.state = 'reproducing';
    t.resumeFromWaiting(now);
    t.setStatus('in_progress');
    // Moving up to L2 clears the assignee (raiseTo): the event says both, so the desk can tell who must pick it up.
    const fromLevel = t.data.level;
    const hadAssignee = t.data.assigneeId !== null;
    t.raiseTo('L2');
    t.emit('defect.reproduction_started', actor, { level: t.data.level, fromLevel, assigneeCleared: hadAssignee && t.data.assigneeId === null }, now);
    if (cmd.note) t.emit('comment.internal', actor, { body: cmd.note, context: 'reproduction' }, now);
  },
  forms: [{ id: 'start-reproduction', area: 'desk', fields: [{ name: 'note', kind: 'textarea', label: 'desk.f.note' }] }],
});
