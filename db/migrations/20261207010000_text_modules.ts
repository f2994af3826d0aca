import type { Knex } from 'knex';

/**
 * Text modules (#14, point 3): canned replies an agent inserts into the composer by keyword, in English and Slovak,
 * with placeholders (checked when saved). Managed by admins.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('text_modules', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('keyword').notNullable().unique();
    t.text('name').notNullable();
    t.text('body_en').notNullable();
    t.text('body_sk').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE text_modules ADD CONSTRAINT text_modules_keyword_check CHECK (keyword ~ '^[a-z0-9][a-z0-9_-]{0,39}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('text_modules');
}
