import { calendarDay, freeText } from '../../text';
import { defineAction, STAFF_ROLES } from './define';
import { changeData } from './assess';

export const schedule = defineAction({
  summary: 'Change requests: schedule the approved change for a day',
  label: { en: 'Schedule change', sk: 'Naplánovať zmenu' },
  fields: () => ({ plannedFor: calendarDay(), note: freeText(2000).optional() }),
  roles: STAFF_ROLES,
  from: ['in_progress'],
  why: 'only an open change request is scheduled',
  types: { only: ['change_request'], what: 'change requests' },
  change: { from: ['approved', 'scheduled'], why: 'only an approved change is scheduled' },
  apply(t, cmd, { actor, now }) {
    const ch = changeData(t);
    ch.state = 'scheduled';
    ch.plannedFor = cmd.plannedFor;
    t.staffResponded(now);
    t.emit('change.scheduled', actor, { plannedFor: cmd.plannedFor, note: cmd.note ?? null }, now);
  },
  forms: [
    {
      id: 'schedule',
      area: 'desk',
      fields: [
        { name: 'plannedFor', kind: 'date', label: 'desk.f.plannedFor', required: true },
        { name: 'note', kind: 'textarea', label: 'desk.f.note' },
      ],
    },
  ],
});
