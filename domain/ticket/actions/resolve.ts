import { z } from 'zod';
import { freeText } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';

export const resolve = defineAction({
  summary: 'Resolve with the resolution; a problem may resolve its linked incidents too',
  label: { en: 'Resolve', sk: 'Vyriešiť' },
  fields: () => ({ resolution: freeText(20_000), resolveIncidents: z.boolean().optional() }),
  // Not for callers: the workflow's own abandonment, and the `temporal` CLI's as before the registry.
  commandFields: () => ({ abandoned: z.boolean().optional() }),
  roles: STAFF_ROLES,
  system: true,
  from: OPEN,
  why: 'only an open ticket can be resolved',
  check: (t, cmd) => (cmd.resolveIncidents && t.data.type !== 'problem' ? 'resolveIncidents applies to problems only' : null),
  apply(t, cmd, { actor, now }) {
    t.resolve(actor, cmd.resolution, now, cmd.abandoned === true);
    // Resolving a problem offers to resolve its incidents; the agent chose to.
    if (cmd.resolveIncidents === true) t.tellIncidents({ kind: 'resolved', text: cmd.resolution });
  },
  forms: [
    {
      id: 'resolve',
      area: 'desk',
      fields: [
        { name: 'resolution', kind: 'textarea', label: 'desk.f.resolution', required: true },
        { name: 'resolveIncidents', kind: 'checkbox', label: 'desk.f.resolveIncidents' },
      ],
    },
  ],
});
