import type { Knex } from 'knex';

/**
 * A ticket created with an idempotency key (an API client's Idempotency-Key, a portal form, an inbound mail) has its
 * id and number reserved first, committed on their own. A retry of the same creation then reuses them, so the
 * ticket's workflow id (`ticket-<number>`) is the same on every attempt: a creation that started its workflow and
 * died before its transaction committed is recognised on the retry instead of becoming a second ticket.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ticket_intake_reservations', (t) => {
    t.uuid('created_by').notNullable();
    t.text('idempotency_key').notNullable();
    t.uuid('ticket_id').notNullable().unique();
    t.bigInteger('number').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['created_by', 'idempotency_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ticket_intake_reservations');
}
