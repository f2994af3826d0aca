/**
 * Knowledge base (SPEC §9): articles in English and Slovak linked as translations (one `translation_group`, one
 * article per language), kinds doc / faq / release_note, revisions kept. Customers see published articles only;
 * every read takes the caller's scope, so a handler cannot forget it. Search is PostgreSQL full text over
 * `kb_articles.search` (migration 20261125050000_kb_search): 'simple' configuration over unaccented text, so it
 * works alike in both languages and "faktura" finds "Faktúra".
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './connection';
import { DEFAULT_LANGUAGE, type Language } from '../domain/languages';

export const KB_KINDS = ['doc', 'faq', 'release_note'] as const;
export const KB_STATUSES = ['draft', 'published'] as const;
export type KbKind = (typeof KB_KINDS)[number];
export type KbStatus = (typeof KB_STATUSES)[number];

/** What of the knowledge base a caller may see: staff also drafts. */
export interface KbScope {
  drafts: boolean;
}

export interface KbArticleSummary {
  id: string;
  translationGroup: string;
  language: Language;
  kind: KbKind;
  title: string;
  /** The first 200 characters of the Markdown body. */
  excerpt: string;
  moduleId: string | null;
  versions: string[];
  status: KbStatus;
  revision: number;
  updatedAt: string;
}

export interface KbTranslation {
  id: string;
  language: Language;
  title: string;
  status: KbStatus;
}

export interface KbArticle {
  id: string;
  translationGroup: string;
  language: Language;
  kind: KbKind;
  title: string;
  bodyMd: string;
  moduleId: string | null;
  versions: string[];
  status: KbStatus;
  revision: number;
  releaseId: string | null;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** The other languages of this article (customers: published ones only). */
  translations: KbTranslation[];
}

export interface KbRevision {
  revision: number;
  title: string;
  bodyMd: string;
  /** Who wrote this revision (null for one the system wrote, such as release notes). */
  editedBy: { id: string; name: string } | null;
  at: string;
  current: boolean;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const EXCERPT_CHARS = 200;

function summaryFromRow(r: Record<string, any>): KbArticleSummary {
  return {
    id: r.id,
    translationGroup: r.translation_group,
    language: r.language,
    kind: r.kind,
    title: r.title,
    excerpt: r.excerpt,
    moduleId: r.module_id,
    versions: r.versions ?? [],
    status: r.status,
    revision: r.revision,
    updatedAt: iso(r.updated_at),
  };
}

function articleFromRow(r: Record<string, any>, translations: KbTranslation[]): KbArticle {
  return {
    id: r.id,
    translationGroup: r.translation_group,
    language: r.language,
    kind: r.kind,
    title: r.title,
    bodyMd: r.body_md,
    moduleId: r.module_id,
    versions: r.versions ?? [],
    status: r.status,
    revision: r.revision,
    releaseId: r.release_id,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    translations,
  };
}

function visible<T extends Knex.QueryBuilder>(q: T, scope: KbScope, alias = 'a'): T {
  return (scope.drafts ? q : q.where(`${alias}.status`, 'published')) as T;
}

/**
 * Keyset cursors. Browsing is by title: [`t`, lower(title), id]. A search is by relevance: [`r`, rank, id], the rank
 * rounded to a numeric in SQL so that it survives the round trip through the client exactly.
 */
type Cursor = { mode: 't'; key: string; id: string } | { mode: 'r'; key: string; id: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.mode, c.key, c.id])).toString('base64url');
function decodeCursor(cursor: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(v) || v.length !== 3 || typeof v[1] !== 'string' || typeof v[2] !== 'string' || !UUID.test(v[2])) return null;
    if (v[0] === 't' && !v[1].includes('\u0000')) return { mode: 't', key: v[1], id: v[2] };
    if (v[0] === 'r' && /^\d{1,6}(\.\d{1,6})?$/.test(v[1])) return { mode: 'r', key: v[1], id: v[2] };
    return null;
  } catch {
    return null;
  }
}
/** A cursor this module issued, for a list of the same kind (a search cursor does not page a browse, nor back). */
export const isValidKbCursor = (cursor: string, searching: boolean): boolean => decodeCursor(cursor)?.mode === (searching ? 'r' : 't');

export interface KbFilters {
  /** Full-text query (websearch syntax: words, "a phrase", or, -word); accents are ignored. */
  q?: string;
  language?: Language;
  kind?: KbKind;
  moduleId?: string;
  status?: KbStatus;
}

export interface KbPage {
  limit: number;
  cursor?: string;
}

const TSQUERY = `websearch_to_tsquery('simple', kb_unaccent(?))`;

/** The list query, exported so a test can check that a search uses the full-text index. */
export function kbListQuery(db: Db, scope: KbScope, filters: KbFilters, page: KbPage): Knex.QueryBuilder {
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const base = visible(db('kb_articles as a'), scope)
    .select('a.id', 'a.translation_group', 'a.language', 'a.kind', 'a.title', 'a.module_id', 'a.versions', 'a.status', 'a.revision', 'a.updated_at')
    .select(db.raw('left(a.body_md, ?) AS excerpt', [EXCERPT_CHARS]), db.raw('lower(a.title) AS sort_key'))
    .modify((b) => {
      if (filters.language) b.where('a.language', filters.language);
      if (filters.kind) b.where('a.kind', filters.kind);
      if (filters.moduleId) b.where('a.module_id', filters.moduleId);
      if (filters.status) b.where('a.status', filters.status);
    });
  if (!filters.q) {
    const q = base.orderByRaw('lower(a.title), a.id').limit(page.limit + 1);
    if (after?.mode === 't') q.whereRaw('(lower(a.title), a.id) > (?, ?)', [after.key, after.id]);
    return q;
  }
  const ranked = base.select(db.raw(`round(ts_rank(a.search, ${TSQUERY})::numeric, 6) AS rank`, [filters.q])).whereRaw(`a.search @@ ${TSQUERY}`, [filters.q]);
  const q = db
    .from(ranked.as('s'))
    .select('s.*')
    .orderBy([{ column: 's.rank', order: 'desc' }, { column: 's.id' }])
    .limit(page.limit + 1);
  if (after?.mode === 'r') q.whereRaw('(s.rank < ?::numeric OR (s.rank = ?::numeric AND s.id > ?::uuid))', [after.key, after.key, after.id]);
  return q;
}

export async function listArticles(db: Db, scope: KbScope, filters: KbFilters, page: KbPage): Promise<{ items: KbArticleSummary[]; nextCursor: string | null }> {
  const rows: Array<Record<string, any>> = await kbListQuery(db, scope, filters, page);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  const nextCursor = more && last ? encodeCursor(filters.q ? { mode: 'r', key: String(last.rank), id: last.id } : { mode: 't', key: last.sort_key, id: last.id }) : null;
  return { items: shown.map(summaryFromRow), nextCursor };
}

export async function getArticle(db: Db | Knex.Transaction, scope: KbScope, id: string): Promise<KbArticle | undefined> {
  const row = await visible(db('kb_articles as a').where('a.id', id), scope).first('a.*');
  if (!row) return undefined;
  const translations = await visible(db('kb_articles as a').where('a.translation_group', row.translation_group).whereNot('a.id', id), scope)
    .orderBy('a.language')
    .select('a.id', 'a.language', 'a.title', 'a.status');
  return articleFromRow(row, translations);
}

export interface NewKbArticle {
  language: Language;
  kind: KbKind;
  title: string;
  bodyMd: string;
  moduleId?: string | null;
  versions?: string[];
  /** Another article this one translates: they share its translation group. */
  translationOf?: string;
  status: KbStatus;
}

export type KbWriteProblem =
  | { problem: 'not-found' }
  | { problem: 'no-such-article' }
  | { problem: 'no-such-module' }
  | { problem: 'kind-mismatch'; kind: KbKind }
  | { problem: 'language-taken'; existingId: string }
  | { problem: 'revision-conflict'; currentRevision: number };

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

async function moduleExists(db: Db | Knex.Transaction, moduleId: string | null | undefined): Promise<boolean> {
  return !moduleId || Boolean(await db('modules').where({ id: moduleId }).first('id'));
}

/** Creates an article, or a translation of one (in a language its group does not have yet). */
export async function createArticle(db: Db, input: NewKbArticle, authorId: string): Promise<{ article: KbArticle } | KbWriteProblem> {
  let group: string = randomUUID();
  let moduleId = input.moduleId;
  let versions = input.versions;
  if (input.translationOf) {
    const source = await db('kb_articles').where({ id: input.translationOf }).first();
    if (!source) return { problem: 'no-such-article' };
    if (source.kind !== input.kind) return { problem: 'kind-mismatch', kind: source.kind };
    const existing = await db('kb_articles').where({ translation_group: source.translation_group, language: input.language }).first('id');
    if (existing) return { problem: 'language-taken', existingId: existing.id };
    group = source.translation_group;
    // A translation covers what the original covers unless told otherwise.
    moduleId = moduleId === undefined ? source.module_id : moduleId;
    versions = versions ?? source.versions;
  }
  if (!(await moduleExists(db, moduleId))) return { problem: 'no-such-module' };
  try {
    const [row] = await db('kb_articles')
      .insert({
        translation_group: group,
        language: input.language,
        kind: input.kind,
        title: input.title,
        body_md: input.bodyMd,
        module_id: moduleId ?? null,
        versions: versions ?? [],
        status: input.status,
        created_by: authorId,
        updated_by: authorId,
      })
      .returning('id');
    return { article: (await getArticle(db, { drafts: true }, row.id))! };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Someone added this language to the group at the same moment.
    const existing = await db('kb_articles').where({ translation_group: group, language: input.language }).first('id');
    return { problem: 'language-taken', existingId: existing?.id ?? '' };
  }
}

export interface KbArticleChanges {
  title?: string;
  bodyMd?: string;
  status?: KbStatus;
  versions?: string[];
  moduleId?: string | null;
}

const sameVersions = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Edits an article. The revision it replaces is kept in `kb_article_revisions` with its own author and time; the
 * article's revision number goes up by one. An edit that changes nothing records nothing. With `expectedRevision`,
 * an edit made on a revision someone has since replaced is refused.
 */
export async function updateArticle(
  db: Db,
  id: string,
  changes: KbArticleChanges,
  editorId: string,
  expectedRevision?: number,
): Promise<{ article: KbArticle; changed: boolean } | KbWriteProblem> {
  return db.transaction(async (trx) => {
    const row = await trx('kb_articles').where({ id }).forUpdate().first();
    if (!row) return { problem: 'not-found' as const };
    if (expectedRevision !== undefined && expectedRevision !== row.revision) return { problem: 'revision-conflict' as const, currentRevision: row.revision as number };
    const next = {
      title: changes.title ?? row.title,
      body_md: changes.bodyMd ?? row.body_md,
      status: changes.status ?? row.status,
      versions: changes.versions ?? row.versions,
      module_id: changes.moduleId === undefined ? row.module_id : changes.moduleId,
    };
    const changed =
      next.title !== row.title || next.body_md !== row.body_md || next.status !== row.status || next.module_id !== row.module_id || !sameVersions(next.versions, row.versions);
    if (!changed) return { article: (await getArticle(trx, { drafts: true }, id))!, changed: false };
    if (!(await moduleExists(trx, next.module_id))) return { problem: 'no-such-module' as const };
    await trx('kb_article_revisions').insert({
      article_id: id,
      revision: row.revision,
      title: row.title,
      body_md: row.body_md,
      edited_by: row.updated_by ?? row.created_by,
      at: row.updated_at,
    });
    await trx('kb_articles')
      .where({ id })
      .update({ ...next, revision: row.revision + 1, updated_by: editorId, updated_at: trx.fn.now() });
    return { article: (await getArticle(trx, { drafts: true }, id))!, changed: true };
  });
}

/** Every revision of an article, newest (the current one) first; undefined when there is no such article. */
export async function listRevisions(db: Db, id: string, page: { limit: number; cursor?: string }): Promise<{ items: KbRevision[]; nextCursor: string | null } | undefined> {
  if (!(await db('kb_articles').where({ id }).first('id'))) return undefined;
  const rows: Array<Record<string, any>> = await db
    .from(
      db
        .select('revision', 'title', 'body_md', db.raw('coalesce(updated_by, created_by) AS edited_by'), 'updated_at as at', db.raw('true AS current'))
        .from('kb_articles')
        .where({ id })
        .unionAll((u) => {
          u.select('revision', 'title', 'body_md', 'edited_by', 'at', db.raw('false AS current')).from('kb_article_revisions').where({ article_id: id });
        })
        .as('r'),
    )
    .leftJoin('users as u', 'u.id', 'r.edited_by')
    .modify((q) => {
      if (page.cursor) q.where('r.revision', '<', Number(page.cursor));
    })
    .orderBy('r.revision', 'desc')
    .limit(page.limit + 1)
    .select('r.*', 'u.name as editor_name');
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit).map((r) => ({
    revision: r.revision,
    title: r.title,
    bodyMd: r.body_md,
    editedBy: r.edited_by ? { id: r.edited_by, name: r.editor_name } : null,
    at: iso(r.at),
    current: r.current,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? String(last.revision) : null };
}

/** A stable translation group per release, so its notes are created once however often the release asks. */
function releaseNotesGroup(version: string): string {
  const h = createHash('sha256').update(`kb-release-notes:${version}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The published English release-notes article of a release (SPEC §9: publishing a release creates it). Idempotent:
 * one article per version, whatever happened to it since (an edited or unpublished one is left as it is).
 */
export async function createReleaseNotesArticle(
  db: Db | Knex.Transaction,
  release: { version: string; notes: string; releasedOn: string | Date },
): Promise<{ article: KbArticle; created: boolean }> {
  const group = releaseNotesGroup(release.version);
  const day = typeof release.releasedOn === 'string' ? release.releasedOn.slice(0, 10) : release.releasedOn.toISOString().slice(0, 10);
  const notes = release.notes.split('\u0000').join('').trim();
  const inserted: Array<{ id: string }> = await db('kb_articles')
    .insert({
      translation_group: group,
      language: 'en',
      kind: 'release_note',
      title: `Release notes ${release.version}`,
      body_md: `Version ${release.version} was released on ${day}.\n\n${notes || 'No notes were given for this release.'}\n`,
      versions: [release.version],
      status: 'published',
      release_id: db('releases').where({ version: release.version }).select('id'),
    })
    .onConflict(['translation_group', 'language'])
    .ignore()
    .returning('id');
  const id = inserted[0]?.id ?? (await db('kb_articles').where({ translation_group: group, language: 'en' }).first('id')).id;
  return { article: (await getArticle(db, { drafts: true }, id))!, created: inserted.length > 0 };
}

export interface KbSuggestion {
  id: string;
  language: Language;
  kind: KbKind;
  title: string;
}

/** At most this many words of what a customer is typing are looked up, each cut to a sensible length. */
const SUGGEST_MAX_WORDS = 12;
const SUGGEST_MAX_WORD_CHARS = 40;

/**
 * The words of free text worth a prefix search: letters and digits only (so no tsquery operator can come through),
 * at least three characters, deduplicated, in the order typed.
 */
export function suggestionWords(text: string): string[] {
  const words = (text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 3).map((w) => w.slice(0, SUGGEST_MAX_WORD_CHARS));
  return [...new Set(words)].slice(0, SUGGEST_MAX_WORDS);
}

/**
 * Articles matching what someone is typing (SPEC §9: suggestions on the new-ticket form). Unlike the search, every
 * word also matches as a prefix ("faktu" finds "Faktúra") and any word may match; the best ranked come first, in
 * `preferLanguage` before the other. The tsquery is built in SQL from the words passed as one array parameter, each
 * quoted with quote_literal, so nothing typed can become tsquery syntax.
 */
export async function suggestArticles(db: Db, scope: KbScope, text: string, opts: { preferLanguage?: Language; limit?: number } = {}): Promise<KbSuggestion[]> {
  const words = suggestionWords(text);
  if (!words.length) return [];
  const query = db.raw(`to_tsquery('simple', (SELECT string_agg(quote_literal(kb_unaccent(w)) || ':*', ' | ') FROM unnest(?::text[]) AS w))`, [words]);
  const rows: Array<Record<string, any>> = await visible(db('kb_articles as a'), scope)
    .select('a.id', 'a.language', 'a.kind', 'a.title')
    .whereRaw('a.search @@ ?', [query])
    .orderByRaw('(a.language = ?) DESC, ts_rank(a.search, ?) DESC, lower(a.title), a.id', [opts.preferLanguage ?? DEFAULT_LANGUAGE, query])
    .limit(Math.min(Math.max(opts.limit ?? 5, 1), 20));
  return rows.map((r) => ({ id: r.id, language: r.language, kind: r.kind, title: r.title }));
}
