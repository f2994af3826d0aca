import { uuid } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';

export const assign = defineAction({
  summary: 'Assign the ticket to an agent or manager (null: nobody)',
  label: { en: 'Assign', sk: 'Prideliť' },
  fields: () => ({ assigneeId: uuid().nullable() }),
  lookups: [{ kind: 'assignee', field: 'assigneeId' }],
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only open tickets can be assigned',
  apply(t, cmd, { actor, now }) {
    const d = t.data;
    d.assigneeId = cmd.assigneeId ?? null;
    if (d.status === 'new' || d.status === 'triaged') d.status = 'in_progress';
    t.emit('ticket.assigned', actor, { assigneeId: d.assigneeId }, now, d.assigneeId ? [{ kind: 'user', userId: d.assigneeId }] : undefined);
  },
  forms: [
    { id: 'assign-me', area: 'desk', fields: [{ name: 'assigneeId', kind: 'assignee', value: 'me' }] },
    { id: 'assign', area: 'desk', fields: [{ name: 'assigneeId', kind: 'assignee', label: 'desk.f.assignee', required: true, options: { dynamic: 'staff' } }] },
  ],
});
