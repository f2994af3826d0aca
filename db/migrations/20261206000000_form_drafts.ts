import type { Knex } from 'knex';

/**
 * What a person typed into a portal form when their session had expired: kept for the owner of that session until
 * they sign in again (one use, an hour at most), found by a random token in an httpOnly cookie stored as its SHA-256.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('form_drafts', (t) => {
    t.text('token_hash').primary();
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('form_path').notNullable();
    t.jsonb('fields').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_drafts');
}
