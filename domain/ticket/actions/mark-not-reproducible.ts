import { freeText } from '../../text';
import { defineAction, STAFF_ROLES, WORKED_ON } from './define';

export const markNotReproducible = defineAction({
  summary: 'Defects: not reproducible; the customer is asked for details (waiting on the customer)',
  label: { en: 'Not reproducible', sk: 'Nereprodukovateľná' },
  fields: () => ({ body: freeText(20_000) }),
  roles: STAFF_ROLES,
  from: WORKED_ON,
  why: 'only a defect being worked on can turn out not reproducible',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['reproducing'], why: 'only a defect under reproduction can turn out not reproducible' },
  apply(t, cmd, { actor, now }) {
    t.defectData.state = 'not_reproducible';
    t.waitOnCustomer(now);
    t.staffResponded(now);
    t.emit('defect.not_reproducible', actor, { body: cmd.body }, now, t.requester);
  },
  forms: [{ id: 'mark-not-reproducible', area: 'desk', fields: [{ name: 'body', kind: 'textarea', label: 'desk.f.detailsNeeded', required: true }] }],
});
