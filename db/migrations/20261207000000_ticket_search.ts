import type { Knex } from 'knex';

/**
 * Finding work (issue #14 point 2): full-text search over a ticket's title and description and over the text of its
 * timeline entries (replies, internal notes, requests for information), diacritics-insensitive through kb_unaccent
 * (migration 20261125050000_kb_search) and the 'simple' configuration, as the knowledge base does; GIN indexes on
 * both. The vectors are IMMUTABLE functions so that the indexes and the queries (db/ticket-search.ts) name one
 * expression. Saved views: an agent's named list filters.
 */
export async function up(knex: Knex): Promise<void> {
  // Index builds run with a safe search_path (pg_catalog only): the functions name kb_unaccent with its schema.
  const { rows } = await knex.raw(`SELECT n.nspname AS schema FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'kb_unaccent'`);
  const unaccent = `"${String(rows[0]?.schema ?? 'public').replace(/"/g, '""')}".kb_unaccent`;
  await knex.raw(`
    CREATE FUNCTION ticket_search_vector(title text, description text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT setweight(to_tsvector('simple', ${unaccent}(coalesce(title, ''))), 'A') || setweight(to_tsvector('simple', ${unaccent}(coalesce(description, ''))), 'B') $$`);
  await knex.raw(`
    CREATE FUNCTION ticket_event_search_vector(data jsonb) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT to_tsvector('simple', ${unaccent}(coalesce(data->>'body', ''))) $$`);
  await knex.raw('CREATE INDEX tickets_search_idx ON tickets USING gin (ticket_search_vector(title, description))');
  await knex.raw('CREATE INDEX ticket_events_search_idx ON ticket_events USING gin (ticket_event_search_vector(data))');
  // The queue order reads the nearest running deadline of the three clocks (the projection sets a due time only while
  // its clock runs); the next update's was not projected before.
  await knex.schema.alterTable('tickets', (t) => t.timestamp('next_update_due', { useTz: true }));
  await knex.raw('CREATE INDEX tickets_due_idx ON tickets ((LEAST(first_response_due, next_update_due, resolution_due)), number)');

  await knex.schema.createTable('saved_views', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('owner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.jsonb('filters').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['owner_id', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saved_views');
  await knex.raw('DROP INDEX tickets_due_idx');
  await knex.schema.alterTable('tickets', (t) => t.dropColumn('next_update_due'));
  await knex.raw('DROP INDEX ticket_events_search_idx');
  await knex.raw('DROP INDEX tickets_search_idx');
  await knex.raw('DROP FUNCTION ticket_event_search_vector(jsonb)');
  await knex.raw('DROP FUNCTION ticket_search_vector(text, text)');
}
