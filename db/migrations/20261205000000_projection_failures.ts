import type { Knex } from 'knex';

/**
 * Tickets whose timeline PostgreSQL refused for a reason waiting does not cure (a constraint, a value it cannot
 * store): one row per ticket while it is so, written by the projection beside the refused write, cleared by the
 * first write that succeeds. The ticket's workflow keeps its events and its timers and tries again (SPEC: no input
 * leaves a ticket stuck unseen); managers see these tickets in `GET /api/v1/stuck-tickets` and the dashboard.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('projection_failures', (t) => {
    // no foreign key: the ticket's own row may be what could not be written
    t.uuid('ticket_id').primary();
    t.bigInteger('ticket_number').notNullable();
    t.uuid('customer_id').notNullable();
    t.text('title').notNullable();
    t.integer('from_seq').notNullable();
    t.integer('to_seq').notNullable();
    t.integer('attempts').notNullable().defaultTo(1);
    t.text('error_code');
    t.text('error_message').notNullable();
    t.timestamp('first_failed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_failed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('projection_failures');
}
