import type { Knex } from 'knex';

/** Who changed what outside the ticket timelines (admin and account actions): one row per successful write. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('actor_id');
    t.text('actor_role');
    t.text('method').notNullable();
    t.text('path').notNullable();
    t.smallint('status').notNullable();
    t.jsonb('body').notNullable().defaultTo('{}');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['actor_id', 'at']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
