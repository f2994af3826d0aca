import { z } from 'zod';
import { freeText } from '../../text';
import { SUPPORT_LEVELS } from '../../plans';
import { defineAction, OPEN, STAFF_ROLES } from './define';

export const escalate = defineAction({
  summary: 'Move the ticket to another support level (up: escalation, down: hand-back), clearing the assignee',
  label: { en: 'Escalate or hand back', sk: 'Eskalovať alebo vrátiť' },
  fields: () => ({ toLevel: z.enum(SUPPORT_LEVELS), reason: freeText(2000) }),
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only open tickets move between levels',
  check: (t, cmd) => (cmd.toLevel === t.data.level ? `the ticket is already at ${cmd.toLevel}` : null),
  apply(t, cmd, { actor, now }) {
    const d = t.data;
    const from = d.level;
    d.level = cmd.toLevel;
    d.assigneeId = null;
    const up = SUPPORT_LEVELS.indexOf(d.level) > SUPPORT_LEVELS.indexOf(from);
    t.emit(up ? 'escalation.manual' : 'escalation.handback', actor, { from, to: d.level, reason: cmd.reason }, now, [{ kind: 'level', level: d.level }]);
  },
  forms: [
    {
      id: 'escalate',
      area: 'desk',
      fields: [
        { name: 'toLevel', kind: 'select', label: 'desk.f.toLevel', required: true, options: { dynamic: 'otherLevels' } },
        { name: 'reason', kind: 'textarea', label: 'desk.f.reason', required: true },
      ],
    },
  ],
});
