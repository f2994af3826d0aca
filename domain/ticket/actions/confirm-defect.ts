import { z } from 'zod';
import { carried } from '../../attachments';
import { freeText } from '../../text';
import { defineAction, FILES, STAFF_ROLES, WORKED_ON } from './define';

export const confirmDefect = defineAction({
  summary: 'Defects: confirmed by reproduction, with the test evidence (kept internal)',
  label: { en: 'Confirm defect', sk: 'Potvrdiť chybu' },
  fields: () => ({ evidence: z.strictObject({ steps: freeText(10_000), environment: freeText(500), version: freeText(100) }), ...FILES.fields() }),
  commandFields: FILES.commandFields,
  lookups: [FILES.lookup],
  roles: STAFF_ROLES,
  from: WORKED_ON,
  why: 'only an open defect is confirmed',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['reproducing'], why: 'a defect is confirmed by reproducing it first' },
  apply(t, cmd, { actor, now }) {
    const df = t.defectData;
    df.state = 'confirmed';
    df.evidence = { steps: cmd.evidence.steps, environment: cmd.evidence.environment, version: cmd.evidence.version };
    t.setStatus('in_progress');
    t.staffResponded(now);
    t.emit('defect.confirmed', actor, { module: t.input.moduleId, moduleVersion: t.input.moduleVersion }, now, t.requester);
    // The test evidence is the team's working material, not a message to the customer.
    t.emit('defect.evidence', actor, { ...df.evidence, ...carried(cmd.files) }, now);
  },
  forms: [
    {
      id: 'confirm-defect',
      area: 'desk',
      fields: [
        { name: 'evidence.steps', kind: 'textarea', label: 'desk.f.steps', required: true },
        { name: 'evidence.environment', kind: 'text', label: 'desk.f.environment', required: true },
        { name: 'evidence.version', kind: 'text', label: 'desk.f.version', required: true },
        FILES.formField,
      ],
    },
  ],
});
