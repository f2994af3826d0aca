import type { Knex } from 'knex';

/** Idempotent creation for every POST that creates something, and one-use invitations for new users. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.uuid('actor_id').notNullable();
    t.text('key').notNullable();
    // method + path + body: the same key with a different request is refused, not silently replayed.
    t.text('request_hash').notNullable();
    // null while the first request is still running
    t.smallint('status_code');
    t.jsonb('response');
    t.text('location');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['actor_id', 'key']);
    t.index(['created_at']);
  });

  await knex.schema.createTable('user_invitations', (t) => {
    t.text('token_hash').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('invited_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_invitations');
  await knex.schema.dropTable('idempotency_keys');
}
