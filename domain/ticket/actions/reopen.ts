import * as clock from '../../sla-clock';
import { freeText } from '../../text';
import { REOPEN_WINDOW_MS } from '../../transitions';
import { defineAction, EVERYONE } from './define';

export const reopen = defineAction({
  summary: 'Reopen a resolved ticket (within 14 days of its resolution; later, open a new linked ticket)',
  label: { en: 'Reopen', sk: 'Znovu otvoriť' },
  fields: () => ({ reason: freeText(2000) }),
  roles: EVERYONE,
  from: ['resolved'],
  why: 'only a resolved ticket can be reopened',
  when: (t, now) =>
    t.resolvedAt && now.getTime() - new Date(t.resolvedAt).getTime() > REOPEN_WINDOW_MS ? 'the ticket was resolved more than 14 days ago: open a new ticket linked to this one' : null,
  apply(t, cmd, { actor, kind, now }) {
    const d = t.data;
    d.status = 'in_progress';
    d.resolvedAt = null;
    // A released fix resolves by itself once; after a reopen the people working it decide.
    if (d.defect?.releasedAt) d.defect.releasedAt = null;
    d.clocks.resolution = clock.unmeet(d.clocks.resolution, now);
    t.emit('ticket.reopened', actor, { reason: cmd.reason, resolutionConsumedMs: d.clocks.resolution.consumedMs }, now, [{ kind: 'level', level: d.level }]);
    if (kind === 'customer') t.customerSpoke(now);
  },
  forms: [
    { id: 'reopen', area: 'desk', fields: [{ name: 'reason', kind: 'textarea', label: 'desk.f.reason', required: true }] },
    { id: 'reopen', area: 'customer', fields: [{ name: 'reason', kind: 'textarea', label: 'customer.reopen.reason', required: true }] },
  ],
});
