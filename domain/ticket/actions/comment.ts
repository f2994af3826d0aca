import { z } from 'zod';
import { isCustomerRoleName } from '../../access';
import { freeText } from '../../text';
import { defineAction, EVERYONE, LIVE } from './define';

export const comment = defineAction({
  summary: 'Comment: a public reply, or an internal note (staff only)',
  label: { en: 'Comment', sk: 'Komentovať' },
  fields: { body: freeText(20_000), visibility: z.enum(['public', 'internal']).default('public') },
  roles: EVERYONE,
  mayAct: (actor, _t, cmd) => (cmd?.visibility === 'internal' && isCustomerRoleName(actor.role) ? 'customers cannot write internal notes' : null),
  from: LIVE,
  why: 'a closed or cancelled ticket takes no more comments',
  apply(t, cmd, { actor, kind, now }) {
    const d = t.data;
    if (kind === 'customer' && d.status === 'waiting_on_customer') {
      t.customerReply(actor, cmd.body, now);
      return;
    }
    if (cmd.visibility === 'internal') {
      t.emit('comment.internal', actor, { body: cmd.body }, now);
      return;
    }
    t.emit('comment.public', actor, { body: cmd.body }, now);
    if (kind === 'customer') t.customerSpoke(now);
    else t.staffResponded(now);
  },
  forms: [
    { id: 'comment', area: 'desk', fields: [{ name: 'body', kind: 'textarea', label: 'desk.publicComment', required: true }], fixed: { visibility: 'public' } },
    { id: 'note', area: 'desk', fields: [{ name: 'body', kind: 'textarea', label: 'desk.internalNote', required: true }], fixed: { visibility: 'internal' } },
    { id: 'reply', area: 'customer', fields: [{ name: 'body', kind: 'textarea', label: 'ticket.replyBody', required: true }], fixed: { visibility: 'public' } },
  ],
});
