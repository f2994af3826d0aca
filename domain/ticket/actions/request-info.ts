import { carried } from '../../attachments';
import { freeText } from '../../text';
import { defineAction, FILES, STAFF_ROLES, WORKED_ON } from './define';

export const requestInfo = defineAction({
  summary: 'Ask the customer for information: the ticket waits on them and its resolution clock pauses',
  label: { en: 'Request information', sk: 'Vyžiadať informácie' },
  fields: () => ({ body: freeText(20_000), ...FILES.fields() }),
  commandFields: FILES.commandFields,
  lookups: [FILES.lookup],
  roles: STAFF_ROLES,
  from: WORKED_ON,
  why: 'information can be requested only while the ticket is being worked on',
  apply(t, cmd, { actor, now }) {
    t.waitOnCustomer(now);
    t.staffResponded(now);
    t.emit('info.requested', actor, { body: cmd.body, ...carried(cmd.files) }, now, t.requester);
  },
  forms: [{ id: 'request-info', area: 'desk', fields: [{ name: 'body', kind: 'textarea', label: 'desk.f.question', required: true }, FILES.formField] }],
});
