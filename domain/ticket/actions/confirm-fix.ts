import { z } from 'zod';
import { freeText } from '../../text';
import { defineAction, EVERYONE } from './define';

export const confirmFix = defineAction({
  summary: 'Defects: the released fix works (resolved and closed) or is not accepted (back to L3, reason required)',
  label: { en: 'Confirm fix', sk: 'Potvrdiť opravu' },
  fields: () => ({ accepted: z.boolean().default(true), reason: freeText(2000).optional() }),
  refine: (c) => (c.accepted || c.reason ? null : { path: 'reason', message: 'is required when the fix is not accepted' }),
  inputMeta: { anyOf: [{ properties: { accepted: { const: true } } }, { required: ['reason'] }] },
  roles: EVERYONE,
  from: ['in_progress'],
  why: 'the fix is confirmed once its release is out',
  types: { only: ['defect'], what: 'defect reports' },
  defect: { from: ['fix_released'], why: 'the fix can be confirmed once its release is published' },
  apply(t, cmd, { actor, kind, now }) {
    const d = t.data;
    const df = t.defectData;
    // Stryker disable next-line OptionalChaining: a fix is released only in the release it is scheduled in, so here the release is always set
    const version = df.release?.version ?? null;
    if (cmd.accepted === false) {
      df.state = 'fix_in_progress';
      df.releasedAt = null;
      t.raiseTo('L3');
      // Stryker disable next-line StringLiteral: the reason is required when the fix is not accepted (refine), so '' is never used
      const reason = cmd.reason ?? '';
      t.emit('fix.rejected', actor, { reason, releaseVersion: version }, now, [{ kind: 'level', level: d.level }]);
      if (kind === 'customer') t.customerSpoke(now);
      return;
    }
    t.emit('fix.confirmed', actor, { releaseVersion: version }, now);
    // Stryker disable next-line MethodExpression: the release is always set here (see above), so there is no trailing blank to trim
    t.resolve(actor, `Fixed in release ${version ?? ''}`.trim(), now, false);
    t.close(now);
    t.emit('ticket.closed', actor, { confirmedBy: kind }, now);
  },
  forms: [
    {
      id: 'confirm-fix',
      area: 'desk',
      fields: [
        { name: 'accepted', kind: 'yesNo', label: 'desk.f.accepted' },
        { name: 'reason', kind: 'textarea', label: 'desk.f.reasonIfNot' },
      ],
    },
    {
      id: 'confirm-fix',
      area: 'customer',
      fields: [
        { name: 'accepted', kind: 'yesNo', label: 'customer.fix.accepted', required: true },
        { name: 'reason', kind: 'textarea', label: 'customer.fix.reason' },
      ],
    },
  ],
});
