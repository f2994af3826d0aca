import { createTestDb, type TestDb } from '../support/db';
import { recordTicketEvents } from '../../activities/projection';

describe('database migrations and the timeline', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('rolls every migration back and applies it again', async () => {
    expect(await t.db.schema.hasTable('tickets')).toBe(true);
    await t.db.migrate.rollback(undefined, true);
    for (const table of ['tickets', 'ticket_events', 'customers', 'plans', 'calendars', 'notifications', 'kb_articles', 'releases', 'contracts']) {
      expect(await t.db.schema.hasTable(table)).toBe(false);
    }
    await t.db.migrate.latest();
    expect(await t.db.schema.hasTable('ticket_events')).toBe(true);
  });

  it('keeps ticket_events append-only and idempotent per (ticket, seq)', async () => {
    const { seedReferenceData } = await import('../../db/seeds/reference');
    const { seedDemoData } = await import('../../db/seeds/demo');
    const { hashPassword } = await import('../../api/passwords');
    await seedReferenceData(t.db);
    await seedDemoData(t.db, await hashPassword('demo'));
    const user = await t.db('users').where({ email: 'user@acme.test' }).first();
    const input = {
      ticketId: '11111111-1111-4111-8111-111111111111',
      number: 999001,
      title: 't',
      description: 'd',
      type: 'question',
      impact: 'low',
      urgency: 'low',
      priority: 'P4',
      customerId: user.customer_id,
      requesterId: user.id,
      businessLineId: null,
      moduleId: null,
      moduleVersion: null,
      category: null,
      channel: 'portal',
      createdAt: '2026-02-02T08:00:00.000Z',
      createdBy: { id: user.id, kind: 'user' },
      sla: {},
    } as never;
    const event = { seq: 1, type: 'ticket.created', at: '2026-02-02T08:00:00.000Z', actor: { id: user.id, kind: 'user' as const }, visibility: 'public' as const, data: {} } as never;
    const first = await recordTicketEvents(t.db, { input, events: [event], projection: { status: 'new', level: 'L1', slaState: 'ok' } });
    const again = await recordTicketEvents(t.db, { input, events: [event], projection: { status: 'new', level: 'L1', slaState: 'ok' } });
    expect(first.inserted).toBe(1);
    expect(again.inserted).toBe(0);
    // A later event moves the projection; a late retry of the older one must not move it back.
    const triaged = { ...(event as object), seq: 2, type: 'ticket.triaged', at: '2026-02-02T09:00:00.000Z' } as never;
    await recordTicketEvents(t.db, { input, events: [triaged], projection: { status: 'triaged', level: 'L1', slaState: 'ok' } });
    await recordTicketEvents(t.db, { input, events: [event], projection: { status: 'new', level: 'L1', slaState: 'ok' } });
    expect(await t.db('tickets').where({ number: 999001 }).first()).toMatchObject({ status: 'triaged', last_event_seq: 2 });
    await expect(t.db('ticket_events').where({ seq: 1 }).update({ type: 'rewritten' })).rejects.toThrow(/append-only/);
  });

  it('gives existing problems their linked incidents and change requests their state from their timelines', async () => {
    const ticket = await t.db('tickets').where({ number: 999001 }).first();
    const at = '2026-02-02T10:00:00.000Z';
    const row = (seq: number, type: string, data: Record<string, unknown>) => ({ ticket_id: ticket.id, seq, type, at, actor_kind: 'user', actor_id: ticket.requester_id, visibility: 'internal', data: JSON.stringify(data) });
    const a = { incidentId: '22222222-2222-4222-8222-222222222222', incidentNumber: 501 };
    const b = { incidentId: '33333333-3333-4333-8333-333333333333', incidentNumber: 502 };
    await t.db('ticket_events').insert([row(10, 'problem.incident_linked', a), row(11, 'problem.incident_linked', b), row(12, 'problem.incident_unlinked', a), row(13, 'change.assessed', { effort: '1d', risk: 'low', assessment: 'x' })]);
    await t.db('tickets').where({ id: ticket.id }).update({ type: 'problem' });
    // Back to just before the links migration (the later ones first), then forward again.
    const downTo = async (name: string) => {
      const done = async () => ((await t.db.migrate.list()) as [Array<{ name: string } | string>, unknown])[0].map((m) => (typeof m === 'string' ? m : m.name));
      while ((await done()).includes(name)) await t.db.migrate.down();
    };
    await downTo('20261201000000_ticket_links');
    await t.db.migrate.latest();
    expect((await t.db('tickets').where({ id: ticket.id }).first()).links).toEqual({ incidents: [{ id: b.incidentId, number: 502 }] });
    await downTo('20261201000000_ticket_links');
    await t.db('tickets').where({ id: ticket.id }).update({ type: 'change_request' });
    await t.db.migrate.latest();
    expect((await t.db('tickets').where({ id: ticket.id }).first()).change_state).toBe('awaiting_approval');
  });
});
