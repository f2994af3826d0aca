import { z } from 'zod';
import { PRIORITIES } from '../../plans';
import { freeText } from '../../text';
import { defineAction, LIVE, MANAGER_ROLES } from './define';

export const overridePriority = defineAction({
  summary: 'Override the derived priority with a reason (managers); deadlines are recomputed keeping consumed time',
  label: { en: 'Override priority', sk: 'Zmeniť prioritu' },
  fields: () => ({ priority: z.enum(PRIORITIES), reason: freeText(2000) }),
  roles: MANAGER_ROLES,
  from: LIVE,
  why: 'the priority of a closed or cancelled ticket cannot change',
  check: (t, cmd) => (cmd.priority === t.data.priority ? `the priority is already ${cmd.priority}` : null),
  apply(t, cmd, { actor, now }) {
    t.data.priorityOverridden = true;
    t.changePriority(cmd.priority, actor, now, cmd.reason);
  },
  forms: [
    {
      id: 'override-priority',
      area: 'desk',
      fields: [
        { name: 'priority', kind: 'select', label: 'col.priority', required: true, options: { dynamic: 'otherPriorities' } },
        { name: 'reason', kind: 'textarea', label: 'desk.f.reason', required: true },
      ],
    },
  ],
});
