import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createTicket } from '../../api/services/ticket-intake';
import { findActiveUserByEmail } from '../../db/users';
import { loadSlaSnapshot } from '../../db/reference';
import { ticketWorkflowId } from '../../workflows/definitions';
import type { TicketWorkflowInput } from '../../workflows/ticket-state';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { requireEnv, TEST_ENV } from '../support/env';

const body = { title: 'Stock counts wrong', description: 'Inventory shows negative stock', type: 'incident' as const, impact: 'low' as const, urgency: 'low' as const };

describe('ticket row and workflow are created together or not at all', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('leaves no row when the workflow cannot be started', async () => {
    const user = (await findActiveUserByEmail(app.db, 'user@acme.test'))!;
    const connection = await Connection.connect({ address: requireEnv(TEST_ENV.temporalAddress) });
    const brokenTemporal = new Client({ connection, namespace: `no-such-namespace-${randomUUID()}` });
    const before = await app.db('tickets').count('* as n').first();
    await expect(createTicket({ db: app.db, temporal: brokenTemporal, taskQueue: app.taskQueue }, user.principal, body)).rejects.toThrow();
    expect(await app.db('tickets').count('* as n').first()).toEqual(before);
    await connection.close();
  });

  it('has the workflow create its own row when the API died between starting it and committing', async () => {
    const user = (await findActiveUserByEmail(app.db, 'user@acme.test'))!;
    const { rows } = await app.db.raw("SELECT nextval('ticket_number_seq') AS n");
    const number = Number(rows[0].n);
    const input: TicketWorkflowInput = {
      ticketId: randomUUID(),
      number,
      ...body,
      priority: 'P4',
      customerId: user.principal.customerId!,
      requesterId: user.principal.id,
      businessLineId: null,
      moduleId: 'inventory',
      moduleVersion: null,
      category: null,
      channel: 'portal',
      createdAt: new Date().toISOString(),
      createdBy: { id: user.principal.id, kind: 'user', role: user.principal.role },
      sla: await loadSlaSnapshot(app.db, user.principal.customerId!, new Date()),
    };
    // Only the workflow start happens; no row is ever committed by the "API".
    await app.temporal.workflow.start('ticketWorkflow', { taskQueue: app.taskQueue, workflowId: ticketWorkflowId(number), args: [input] });
    const row = await eventually(() => app.db('tickets').where({ id: input.ticketId }).first(), 'ticket row written by the workflow');
    expect(row).toMatchObject({ number, title: body.title, status: 'new', module_id: 'inventory' });
    const events = await app.db('ticket_events').where({ ticket_id: input.ticketId });
    expect(events.map((e) => e.type)).toEqual(['ticket.created']);
  });

  it('never starts a second workflow for the same ticket number', async () => {
    const user = (await findActiveUserByEmail(app.db, 'admin@acme.test'))!;
    const { ticket } = await createTicket({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue }, user.principal, body);
    const input = { ticketId: ticket.id } as TicketWorkflowInput;
    await expect(
      app.temporal.workflow.start('ticketWorkflow', { taskQueue: app.taskQueue, workflowId: ticketWorkflowId(Number(ticket.number)), args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' }),
    ).rejects.toThrow(/already started/i);
  });

  it('does not double a keyed creation whose first attempt started the workflow and died before committing', async () => {
    const user = (await findActiveUserByEmail(app.db, 'keyuser@acme.test'))!;
    const keyed = { ...body, title: `Keyed retry ${randomUUID()}` };
    // The first attempt: the workflow starts, then the process "dies" before the transaction commits.
    const dying = {
      workflow: {
        start: async (...args: Parameters<typeof app.temporal.workflow.start>) => {
          await app.temporal.workflow.start(...args);
          throw new Error('the process died here');
        },
      },
    } as unknown as typeof app.temporal;
    await expect(createTicket({ db: app.db, temporal: dying, taskQueue: app.taskQueue }, user.principal, keyed, 'retry-key-1')).rejects.toThrow('the process died here');
    // The retry with the same key finds the ticket the first attempt's workflow writes, and starts nothing new.
    const retried = await createTicket({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue }, user.principal, keyed, 'retry-key-1');
    expect(retried.created).toBe(false);
    const again = await createTicket({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue }, user.principal, keyed, 'retry-key-1');
    expect(again.ticket.id).toBe(retried.ticket.id);
    expect(await app.db('tickets').where({ title: keyed.title }).count('* as n').first()).toEqual({ n: 1 });
    await eventually(() => app.db('ticket_events').where({ ticket_id: retried.ticket.id, type: 'ticket.created' }).first(), 'the ticket on its timeline');
    expect(await app.db('ticket_events').where({ ticket_id: retried.ticket.id, type: 'ticket.created' }).count('* as n').first()).toEqual({ n: 1 });
  });
});
