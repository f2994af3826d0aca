import { freeText } from '../../text';
import { defineAction, STAFF_ROLES } from './define';
import { changeData } from './assess';

export const implement = defineAction({
  summary: 'Change requests: the scheduled change is implemented',
  label: { en: 'Change implemented', sk: 'Zmena zavedená' },
  fields: () => ({ note: freeText(2000).optional() }),
  roles: STAFF_ROLES,
  from: ['in_progress'],
  why: 'only an open change request is implemented',
  types: { only: ['change_request'], what: 'change requests' },
  change: { from: ['scheduled'], why: 'a change is implemented once scheduled' },
  apply(t, cmd, { actor, now }) {
    changeData(t).state = 'implemented';
    t.staffResponded(now);
    t.emit('change.implemented', actor, { note: cmd.note ?? null }, now);
  },
  forms: [{ id: 'implement', area: 'desk', fields: [{ name: 'note', kind: 'textarea', label: 'desk.f.note' }] }],
});
