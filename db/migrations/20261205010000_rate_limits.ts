import type { Knex } from 'knex';

/**
 * Rate-limit counters shared by every API process (writes per user a minute, failed sign-ins per address and email):
 * one row per key and window. Unlogged: a crash of PostgreSQL forgets the counts of the current minute, nothing else.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE UNLOGGED TABLE rate_limit_hits (
    key text PRIMARY KEY,
    hits integer NOT NULL,
    reset_at timestamptz NOT NULL
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limit_hits');
}
