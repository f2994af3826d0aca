import { calendarDay, releaseVersion, uuid } from '../../text';
import { defineAction, STAFF_ROLES, WORKED_ON } from './define';

export const scheduleFix = defineAction({
  summary: 'Defects: schedule the fix into a planned release; the customer is told its version and date (resolution target met)',
  label: { en: 'Schedule fix', sk: 'Naplánovať opravu' },
  fields: () => ({ releaseVersion: releaseVersion() }),
  commandFields: () => ({ releaseId: uuid(), plannedDate: calendarDay() }),
  lookups: [{ kind: 'release', field: 'releaseVersion', idField: 'releaseId', plannedDateField: 'plannedDate' }],
  roles: STAFF_ROLES,
  from: WORKED_ON,
  why: 'only an open defect gets a fix scheduled',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['confirmed', 'fix_in_progress', 'fix_scheduled'], why: 'a fix is scheduled once the defect is confirmed' },
  check: (t, cmd) => (t.data.defect?.release?.id === cmd.releaseId ? `the fix is already scheduled in ${cmd.releaseVersion}` : null),
  apply(t, cmd, { actor, now }) {
    const d = t.data;
    const df = t.defectData;
    const previous = df.release;
    df.state = 'fix_scheduled';
    df.release = { id: cmd.releaseId, version: cmd.releaseVersion, plannedDate: cmd.plannedDate };
    d.status = 'in_progress';
    t.staffResponded(now);
    // The resolution target is met when the fix is scheduled; from here the release commitment is tracked.
    t.meetClock('resolution', now);
    t.meetClock('nextUpdate', now);
    t.emit('fix.scheduled', actor, { releaseId: df.release.id, releaseVersion: df.release.version, plannedDate: df.release.plannedDate, previousRelease: previous?.version ?? null }, now, t.requester);
  },
  forms: [
    {
      id: 'schedule-fix',
      area: 'desk',
      fields: [{ name: 'releaseVersion', kind: 'select', label: 'desk.f.release', required: true, options: { dynamic: 'plannedReleases' } }],
      hint: { whenEmpty: { dynamic: 'plannedReleases' }, key: 'desk.noPlannedRelease' },
    },
  ],
});
