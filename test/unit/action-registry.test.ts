/**
 * The action registry is complete: every action has its input schema, its role rule, its state rule, its labels in
 * English and Slovak, and either portal forms whose fields its schema knows, or an explicit "API only". Every
 * timeline event type has its name in both languages. What the API layer builds from the registry (the portal's
 * message catalogues, the OpenAPI document) is checked in action-registry-api.test.ts, so this file loads no API code.
 */
import { z } from 'zod';
import { ACTIONS, TICKET_ACTIONS, formById, type ActionDefinition } from '../../domain/ticket/actions';
import { TICKET_EVENTS, TICKET_EVENT_TYPES } from '../../domain/ticket/events';
const defs = TICKET_ACTIONS.map((name) => [name, ACTIONS[name] as ActionDefinition] as const);

describe('the action registry', () => {
  it('has exactly one definition per action name', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual([...TICKET_ACTIONS].sort());
  });

  it.each(defs)('%s has a schema, a role rule, a state rule and labels', (name, def) => {
    expect(def.input).toBeInstanceOf(z.ZodType);
    expect(def.command).toBeInstanceOf(z.ZodType);
    expect(def.roles.length).toBeGreaterThan(0);
    expect(def.from.length).toBeGreaterThan(0);
    expect(def.why.length).toBeGreaterThan(10);
    expect(def.summary.length).toBeGreaterThan(10);
    expect(def.label.en.trim()).not.toBe('');
    expect(def.label.sk.trim()).not.toBe('');
    expect(def.label.sk).not.toBe(def.label.en);
    // The strict input refuses unknown fields; the workflow's command drops them (old CLI signals still apply).
    expect(def.input.safeParse({ surely_not_a_field: 1 }).success).toBe(false);
    if (def.forms === 'api-only') return;
    expect(def.forms.length).toBeGreaterThan(0);
    for (const form of def.forms) {
      expect(formById(form.area, form.id)).toEqual({ action: name, form });
      for (const field of form.fields) {
        const top = field.name.split('.')[0];
        const shape = (def.input as unknown as { shape?: Record<string, unknown>; def?: { in?: { shape?: Record<string, unknown> } } }).shape;
        if (shape) expect(Object.keys(shape)).toContain(top);
        if (field.label && typeof field.label !== 'string') expect(field.label.en && field.label.sk).toBeTruthy();
      }
    }
  });

  it('form ids are unique within each portal area', () => {
    for (const area of ['desk', 'customer'] as const) {
      const ids = defs.flatMap(([, d]) => (d.forms === 'api-only' ? [] : d.forms.filter((f) => f.area === area).map((f) => f.id)));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('every event type has its visibility and its name in both languages', () => {
    for (const type of TICKET_EVENT_TYPES) {
      const def = TICKET_EVENTS[type];
      expect(['public', 'internal']).toContain(def.visibility);
      expect([type, def.label.en.trim() !== '', def.label.sk.trim() !== '']).toEqual([type, true, true]);
    }
  });
});

describe("a customer's ticket page offer", () => {
  const facts = (over: Partial<import('../../domain/ticket/state').TicketFacts>) => ({
    ticketId: 't',
    customerId: 'c',
    requesterId: 'u1',
    status: 'resolved' as const,
    type: 'incident' as const,
    level: 'L1' as const,
    priority: 'P3' as const,
    defectState: null,
    changeState: null,
    resolvedAt: '2026-02-01T08:00:00.000Z',
    linkedIncidents: 0,
    ...over,
  });
  const user = { id: 'u1', role: 'customer_user' };
  it('offers reopen within 14 days of the resolution and says the window passed after it', async () => {
    const { customerOffer } = await import('../../domain/ticket/actions');
    expect(customerOffer(user, facts({}), new Date('2026-02-10T08:00:00Z'))).toMatchObject({ reopenExpired: false, formIds: expect.arrayContaining(['reopen', 'close']) });
    const late = customerOffer(user, facts({}), new Date('2026-02-16T08:00:01Z'));
    expect(late.reopenExpired).toBe(true);
    expect(late.formIds).not.toContain('reopen');
  });
  it('an assessed change waits for the approver: offered to the customer admin, announced to everyone else', async () => {
    const { customerOffer } = await import('../../domain/ticket/actions');
    const cr = facts({ status: 'in_progress', type: 'change_request', changeState: 'awaiting_approval', resolvedAt: null });
    const now = new Date('2026-02-10T08:00:00Z');
    expect(customerOffer(user, cr, now)).toMatchObject({ awaitingApprover: true, changeState: 'awaiting_approval' });
    expect(customerOffer(user, cr, now).formIds).not.toContain('approve');
    const admin = customerOffer({ id: 'a', role: 'customer_admin' }, cr, now);
    expect(admin.awaitingApprover).toBe(false);
    expect(admin.formIds).toEqual(expect.arrayContaining(['approve', 'reject']));
    // Only the requester cancels: the admin is offered no cancel of another person's ticket.
    expect(admin.formIds).not.toContain('cancel');
  });
});
