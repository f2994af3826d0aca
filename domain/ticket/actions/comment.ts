import { z } from 'zod';
import { isCustomerRoleName } from '../../access';
import { carried } from '../../attachments';
import { freeText } from '../../text';
import { defineAction, EVERYONE, FILES, LIVE } from './define';

export const comment = defineAction({
  summary: 'Comment: a public reply, or an internal note (staff only)',
  label: { en: 'Comment', sk: 'Komentovať' },
  fields: () => ({ body: freeText(20_000).optional(), visibility: z.enum(['public', 'internal']).default('public'), ...FILES.fields() }),
  commandFields: FILES.commandFields,
  lookups: [FILES.lookup],
  // Files alone are a comment too (POST /tickets/{id}/attachments); otherwise the comment says something. The
  // workflow's command carries the looked-up `files` as well as the ids.
  refine: (c) =>
    c.body !== undefined || (c.attachments?.length ?? 0) > 0 || ((c as { files?: unknown[] }).files?.length ?? 0) > 0 ? null : { path: 'body', message: 'is required unless files are attached' },
  inputMeta: { anyOf: [{ required: ['body'] }, { required: ['attachments'], properties: { attachments: { minItems: 1 } } }] },
  roles: EVERYONE,
  mayAct: (actor, _t, cmd) => (cmd?.visibility === 'internal' && isCustomerRoleName(actor.role) ? 'customers cannot write internal notes' : null),
  from: LIVE,
  why: 'a closed or cancelled ticket takes no more comments',
  apply(t, cmd, { actor, kind, now }) {
    const d = t.data;
    const body = cmd.body ?? '';
    if (kind === 'customer' && d.status === 'waiting_on_customer') {
      t.customerReply(actor, body, now, cmd.files);
      return;
    }
    if (cmd.visibility === 'internal') {
      t.emit('comment.internal', actor, { body, ...carried(cmd.files) }, now);
      return;
    }
    t.emit('comment.public', actor, { body, ...carried(cmd.files) }, now);
    if (kind === 'customer') t.customerSpoke(now);
    else t.staffResponded(now);
  },
  forms: [
    { id: 'comment', area: 'desk', fields: [{ name: 'body', kind: 'textarea', label: 'desk.publicComment', required: true }, FILES.formField], fixed: { visibility: 'public' } },
    { id: 'note', area: 'desk', fields: [{ name: 'body', kind: 'textarea', label: 'desk.internalNote', required: true }, FILES.formField], fixed: { visibility: 'internal' } },
    { id: 'reply', area: 'customer', fields: [{ name: 'body', kind: 'textarea', label: 'ticket.replyBody', required: true }, FILES.formField], fixed: { visibility: 'public' } },
  ],
});
