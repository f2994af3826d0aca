import type { Knex } from 'knex';

/**
 * Knowledge-base search (SPEC §9, issue #7): a diacritics-insensitive full-text vector per article ('simple'
 * configuration, so English and Slovak are treated alike: "faktura" finds "Faktúra"), its GIN index, and who wrote
 * the current revision (each revision row then names its own author).
 */
export async function up(knex: Knex): Promise<void> {
  // unaccent() is only STABLE (it reads its dictionary by name), so it cannot feed a generated column or an index;
  // this wrapper names extension and dictionary by schema, which makes it safe to declare IMMUTABLE.
  const { rows } = await knex.raw(`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'`);
  const ext = `"${String(rows[0]?.schema ?? 'public').replace(/"/g, '""')}"`;
  await knex.raw(`
    CREATE FUNCTION kb_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT ${ext}.unaccent('${ext}.unaccent'::regdictionary, $1) $$`);
  await knex.raw(`
    ALTER TABLE kb_articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple', kb_unaccent(title)), 'A') || setweight(to_tsvector('simple', kb_unaccent(body_md)), 'B')
    ) STORED`);
  await knex.raw('CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search)');
  await knex.raw('CREATE INDEX kb_articles_title_idx ON kb_articles (lower(title), id)');
  await knex.raw(`ALTER TABLE kb_articles ADD CONSTRAINT kb_articles_language_check CHECK (language IN ('en','sk'))`);
  await knex.raw(`ALTER TABLE kb_articles ADD CONSTRAINT kb_articles_kind_check CHECK (kind IN ('doc','faq','release_note'))`);
  await knex.raw(`ALTER TABLE kb_articles ADD CONSTRAINT kb_articles_status_check CHECK (status IN ('draft','published'))`);
  await knex.schema.alterTable('kb_articles', (t) => {
    t.uuid('updated_by').references('users.id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('kb_articles', (t) => {
    t.dropColumn('updated_by');
  });
  for (const c of ['status', 'kind', 'language']) await knex.raw(`ALTER TABLE kb_articles DROP CONSTRAINT kb_articles_${c}_check`);
  await knex.raw('DROP INDEX kb_articles_title_idx');
  await knex.raw('DROP INDEX kb_articles_search_idx');
  await knex.raw('ALTER TABLE kb_articles DROP COLUMN search');
  await knex.raw('DROP FUNCTION kb_unaccent(text)');
}
