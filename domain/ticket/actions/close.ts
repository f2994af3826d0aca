import { z } from 'zod';
import { defineAction, EVERYONE } from './define';

export const close = defineAction({
  summary: 'Close a resolved ticket (the customer confirms the resolution, optionally rating it 1–5)',
  label: { en: 'Close', sk: 'Uzavrieť' },
  fields: () => ({ rating: z.number().int().min(1).max(5).optional() }),
  roles: EVERYONE,
  system: true,
  from: ['resolved'],
  why: 'only a resolved ticket can be closed (confirm the resolution)',
  apply(t, cmd, { actor, kind, now }) {
    t.close(now);
    t.emit('ticket.closed', actor, { confirmedBy: kind, ...(cmd.rating !== undefined ? { rating: cmd.rating } : {}) }, now);
  },
  forms: [
    { id: 'close', area: 'desk', fields: [] },
    { id: 'close', area: 'customer', fields: [{ name: 'rating', kind: 'rating', label: 'customer.close.rating' }] },
  ],
});
