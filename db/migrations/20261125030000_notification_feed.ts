import type { Knex } from 'knex';

/** Per-user e-mail preferences (issue #6) and when a ticket's customer satisfaction rating was given. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    // templateId → boolean; a missing key means "send", so new templates reach everyone until they opt out.
    t.jsonb('email_preferences').notNullable().defaultTo('{}');
  });
  await knex.schema.alterTable('tickets', (t) => {
    t.timestamp('satisfaction_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('satisfaction_at');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('email_preferences');
  });
}
