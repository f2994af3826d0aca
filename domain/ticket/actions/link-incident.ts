import { z } from 'zod';
import { ticketRef } from '../../text';
import { defineAction, OPEN, STAFF_ROLES } from './define';
import type { TicketDraft } from '../draft';

/** The problem side of problem ↔ incident links (SPEC §7). */
export function problemData(t: TicketDraft) {
  t.data.problem ??= { incidents: [], workaround: null };
  return t.data.problem;
}
const isLinked = (t: TicketDraft, id: string) => (t.data.problem?.incidents ?? []).some((i) => i.id === id);

export const incidentFields = () => ({ incidentId: ticketRef() });
export const incidentCommand = () => ({ incidentNumber: z.number().int().min(1) });

export const linkIncident = defineAction({
  summary: 'Problems: link an open incident (by id or number); it hears of the workaround and the resolution',
  label: { en: 'Link incident', sk: 'Prepojiť incident' },
  fields: incidentFields,
  commandFields: incidentCommand,
  lookups: [{ kind: 'ticket', field: 'incidentId', numberField: 'incidentNumber', types: ['incident'], open: true }],
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only an open problem takes incidents',
  types: { only: ['problem'], what: 'problems' },
  check: (t, cmd) => (isLinked(t, cmd.incidentId) ? 'the incident is already linked to this problem' : null),
  apply(t, cmd, { actor, now }) {
    const pr = problemData(t);
    const incident = { id: cmd.incidentId, number: cmd.incidentNumber };
    pr.incidents = [...pr.incidents, incident];
    t.emit('problem.incident_linked', actor, { incidentId: incident.id, incidentNumber: incident.number }, now);
    t.tellIncidents({ kind: 'linked' }, incident);
    // An incident linked after the workaround was found gets it at once.
    if (pr.workaround) t.tellIncidents({ kind: 'workaround', text: pr.workaround }, incident);
  },
  forms: [{ id: 'link-incident', area: 'desk', fields: [{ name: 'incidentId', kind: 'text', label: 'desk.f.incidentNumber', required: true }] }],
});

export const unlinkIncident = defineAction({
  summary: 'Problems: unlink an incident',
  label: { en: 'Unlink incident', sk: 'Odpojiť incident' },
  fields: incidentFields,
  commandFields: incidentCommand,
  lookups: [{ kind: 'ticket', field: 'incidentId', numberField: 'incidentNumber' }],
  roles: STAFF_ROLES,
  from: OPEN,
  why: 'only an open problem releases incidents',
  types: { only: ['problem'], what: 'problems' },
  when: (t) => (t.linkedIncidents === 0 ? 'no incident is linked to this problem' : null),
  check: (t, cmd) => (isLinked(t, cmd.incidentId) ? null : 'the incident is not linked to this problem'),
  apply(t, cmd, { actor, now }) {
    const pr = problemData(t);
    const incident = { id: cmd.incidentId, number: cmd.incidentNumber };
    pr.incidents = pr.incidents.filter((i) => i.id !== incident.id);
    t.emit('problem.incident_unlinked', actor, { incidentId: incident.id, incidentNumber: incident.number }, now);
    t.tellIncidents({ kind: 'unlinked' }, incident);
  },
  forms: [{ id: 'unlink-incident', area: 'desk', fields: [{ name: 'incidentId', kind: 'select', label: 'desk.f.incident', required: true, options: { dynamic: 'linkedIncidents' } }] }],
});
