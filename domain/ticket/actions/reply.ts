import { freeText } from '../../text';
import { CUSTOMER_ROLES, defineAction, FILES, OPEN } from './define';

export const reply = defineAction({
  summary: "The customer's reply: a ticket waiting on the customer is worked on again",
  label: { en: 'Reply', sk: 'Odpovedať' },
  fields: () => ({ body: freeText(20_000), ...FILES.fields() }),
  commandFields: FILES.commandFields,
  lookups: [FILES.lookup],
  roles: CUSTOMER_ROLES,
  from: OPEN,
  why: 'a reply is possible only while the ticket is open',
  apply(t, cmd, { actor, now }) {
    t.customerReply(actor, cmd.body, now, cmd.files);
  },
  // The portal's reply form is a public comment (comment.ts), which also reaches resolved tickets.
  forms: 'api-only',
});
