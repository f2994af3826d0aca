/**
 * Durable timers against the real dev server and PostgreSQL: the worker is killed (SIGKILL) while a breach timer is
 * pending; a new worker records the breach exactly once, at the right time, and Temporal lists the ticket as breached.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { findDevServer } from '../../scripts/lib/provisioning';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { requireEnv, TEST_ENV } from '../support/env';
import { killHard, startWorkerProcess } from '../support/worker-process';

describe('a worker killed while a breach timer is pending', () => {
  let app: TestApp;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await app?.stop();
  });

  it('records the breach exactly once, on time, after a new worker starts', async () => {
    const acme = await app.db('customers').where({ slug: 'acme' }).first();
    // A contract with a 6-second first-response target for P2 (contracts may use seconds).
    await app.db('contracts').insert({ customer_id: acme.id, name: 'Test contract', valid_from: '2020-01-01', targets: JSON.stringify({ P2: { firstResponse: { ms: 6000, coverage: '24x7' } } }) });

    const first = await startWorkerProcess(app);
    children.push(first);
    const token = await app.login('user@acme.test');
    // Warm-up: a first ticket proves the worker is polling, so the 6-second deadline below cannot pass while it
    // is still starting (bundling takes seconds on a loaded machine).
    const warm = await app.request('POST', '/api/v1/tickets', { token, body: { title: 'Warm-up', description: 'd', type: 'question', impact: 'low', urgency: 'low' } });
    await eventually(() => app.db('ticket_events').where({ ticket_id: warm.body.id, type: 'ticket.created' }).first(), 'the first worker to start', 120_000);
    const created = await app.request('POST', '/api/v1/tickets', { token, body: { title: 'Payroll export fails', description: 'Export aborts', type: 'incident', impact: 'medium', urgency: 'high' } });
    expect(created.status).toBe(201);
    const ticketId = created.body.id as string;
    const deadline = new Date(new Date(created.body.createdAt).getTime() + 6000);
    expect(created.body.sla.firstResponse.deadline ?? deadline.toISOString()).toBe(deadline.toISOString());

    await eventually(() => app.db('ticket_events').where({ ticket_id: ticketId, type: 'ticket.created' }).first(), 'the first worker to run the ticket', 60_000);
    expect(Date.now()).toBeLessThan(deadline.getTime()); // killed before the deadline, as the scenario needs
    await killHard(first);

    // Let the deadline pass with no worker at all.
    await new Promise((r) => setTimeout(r, Math.max(0, deadline.getTime() - Date.now()) + 1500));
    expect(await app.db('ticket_events').where({ ticket_id: ticketId, type: 'sla.breached' })).toHaveLength(0);

    const second = await startWorkerProcess(app);
    children.push(second);
    const breach = await eventually(() => app.db('ticket_events').where({ ticket_id: ticketId, type: 'sla.breached' }).first(), 'the breach', 60_000);
    expect(breach.data).toMatchObject({ clock: 'firstResponse', deadline: deadline.toISOString() });
    expect(new Date(breach.at).getTime()).toBeGreaterThanOrEqual(deadline.getTime());

    // Give any duplicate a chance to appear, then count.
    await new Promise((r) => setTimeout(r, 2000));
    const breaches = await app.db('ticket_events').where({ ticket_id: ticketId, type: 'sla.breached' });
    expect(breaches).toHaveLength(1);
    const managerNotes = await app.db('notifications as n').join('users as u', 'u.id', 'n.recipient_id').where({ 'n.ticket_id': ticketId, 'n.event_seq': breach.seq, 'u.role': 'manager' });
    expect(managerNotes).toHaveLength(1);
    const row = await app.db('tickets').where({ id: ticketId }).first();
    expect(row.sla_state).toBe('breached');

    const number = Number(created.body.number.slice(2));
    const cli = findDevServer()!.path;
    const listed = await eventually(async () => {
      const out = execFileSync(cli, ['workflow', 'list', '--address', requireEnv(TEST_ENV.temporalAddress), '--query', "SlaState='breached'"]).toString();
      return out.includes(`ticket-${number} `) || out.includes(`ticket-${number}\n`) ? out : undefined;
    }, 'temporal workflow list --query "SlaState=\'breached\'"');
    expect(listed).toContain(`ticket-${number}`);
  }, 180_000);
});
