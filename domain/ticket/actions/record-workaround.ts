import { freeText } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';
import { problemData } from './link-incident';

export const recordWorkaround = defineAction({
  summary: 'Problems: record a workaround; every linked incident gets it and its customer is told',
  label: { en: 'Record workaround', sk: 'Zaznamenať náhradné riešenie' },
  fields: () => ({ workaround: freeText(10_000) }),
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'a workaround is recorded while the problem is open',
  types: { only: ['problem'], what: 'problems' },
  apply(t, cmd, { actor, now }) {
    const pr = problemData(t);
    pr.workaround = cmd.workaround;
    t.emit('problem.workaround_recorded', actor, { workaround: pr.workaround, incidents: pr.incidents.length }, now);
    t.tellIncidents({ kind: 'workaround', text: pr.workaround });
  },
  forms: [{ id: 'record-workaround', area: 'desk', fields: [{ name: 'workaround', kind: 'textarea', label: 'desk.f.workaround', required: true }] }],
});
