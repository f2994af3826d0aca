import { z } from 'zod';
import { LEVELS_OF_IMPACT, LEVELS_OF_URGENCY } from '../../priority';
import { PRIORITIES } from '../../plans';
import { freeText } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';

const optionalNote = freeText(2000).optional();

export const triage = defineAction({
  summary: 'Triage: confirm or change impact and urgency (the priority follows the matrix unless overridden)',
  label: { en: 'Triage', sk: 'Roztriediť' },
  fields: () => ({ impact: z.enum(LEVELS_OF_IMPACT).optional(), urgency: z.enum(LEVELS_OF_URGENCY).optional(), note: optionalNote }),
  commandFields: () => ({ priority: z.enum(PRIORITIES).optional() }),
  lookups: [{ kind: 'priority', impactField: 'impact', urgencyField: 'urgency', priorityField: 'priority' }],
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only open tickets can be triaged',
  apply(t, cmd, { actor, now }) {
    const d = t.data;
    const changes: { impact?: string; urgency?: string } = {};
    if (cmd.impact !== undefined) d.impact = changes.impact = cmd.impact;
    if (cmd.urgency !== undefined) d.urgency = changes.urgency = cmd.urgency;
    if (d.status === 'new') d.status = 'triaged';
    t.emit('ticket.triaged', actor, changes, now);
    if (cmd.note) t.emit('comment.internal', actor, { body: cmd.note, context: 'triage' }, now);
    if (cmd.priority !== undefined && cmd.priority !== d.priority && !d.priorityOverridden) t.changePriority(cmd.priority, actor, now, 'triage');
  },
  forms: [
    {
      id: 'triage',
      area: 'desk',
      fields: [
        { name: 'impact', kind: 'select', label: 'desk.impact', options: { static: [{ value: '', labelKey: 'desk.keep' }, ...LEVELS_OF_IMPACT.map((l) => ({ value: l, labelKey: `impact.${l}` }))] } },
        { name: 'urgency', kind: 'select', label: 'desk.urgency', options: { static: [{ value: '', labelKey: 'desk.keep' }, ...LEVELS_OF_URGENCY.map((l) => ({ value: l, labelKey: `urgency.${l}` }))] } },
        { name: 'note', kind: 'textarea', label: 'desk.triageNote' },
      ],
    },
  ],
});
