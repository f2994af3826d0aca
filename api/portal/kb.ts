/**
 * Knowledge-base pages (SPEC §9): search and browse for everyone signed in, an article with its translation, and
 * for staff the drafts, the create/edit forms and the revisions. Reads and writes go through the KB API's own
 * functions and schemas (api/kb.ts), so a page shows and allows exactly what the JSON API would; a draft opened by a
 * customer is the same 404 as a missing article.
 */
import type { Request, Response, Router } from 'express';
import { getArticle, KB_KINDS, KB_STATUSES, listArticles, listRevisions, type KbArticle } from '../../db/kb';
import { isStaff } from '../../domain/access';
import { LANGUAGES } from '../../domain/languages';
import { editArticle, kbArticleParams, kbArticleUpdateSchema, kbScopeOf, listKbArticlesQuery, newKbArticleSchema, writeNewArticle } from '../kb';
import { ProblemError, notFound } from '../errors';
import { renderMarkdown } from '../markdown';
import { formatInstant } from './i18n';
import { blankToUndefined, type PortalKit } from './kit';

const PAGE_SIZE = 20;
const FORM_FIELDS = ['title', 'bodyMd', 'kind', 'language', 'moduleId', 'versions', 'status', 'translationOf'] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** "4.2, 4.3 4.4" as the list the API takes; nothing typed means "not given". */
const versionList = (v: unknown): unknown => (typeof v === 'string' ? (v.trim() ? v.split(/[\s,;]+/).filter(Boolean) : undefined) : v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A plain-text opening of a Markdown body for result lists: no markup, links as their text. */
function snippet(md: string): string {
  return md
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[#>*_`~|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 180);
}

/** The field an API problem names (`body.translationOf` → `translationOf`), if the form has it. */
function fieldOf(e: ProblemError): FormField | null {
  const named = [e.extra.field, ...((e.extra.errors as Array<{ field?: unknown }> | undefined) ?? []).map((x) => x.field)];
  for (const f of named) {
    const name = typeof f === 'string' ? f.replace(/^body\./, '') : '';
    if ((FORM_FIELDS as readonly string[]).includes(name)) return name as FormField;
  }
  return null;
}

export function mountKbPages(r: Router, kit: PortalKit): void {
  const { db, form, page, visitorOf, signedIn, staffOnly, checkCsrf, formBody, zoneOf } = kit;

  const modules = async () => (await db('modules').orderBy('name').select('id', 'name', 'product')) as Array<{ id: string; name: string; product: string }>;
  const moduleLabel = (all: Array<{ id: string; name: string; product: string }>, id: string | null) => {
    const m = id ? all.find((x) => x.id === id) : undefined;
    return m ? `${m.name} (${m.product})` : null;
  };
  /** An article id from the URL: anything that is not one is simply not found. */
  const articleId = (req: Request): string => {
    const parsed = kbArticleParams.safeParse({ id: req.params.id });
    if (!parsed.success) throw notFound('Article');
    return parsed.data.id;
  };

  r.get('/kb', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const raw = req.query as Record<string, unknown>;
    const filters = Object.fromEntries(
      ['q', 'kind', 'moduleId', 'language', ...(isStaff(p) ? ['status'] : []), 'cursor'].map((k) => [k, blankToUndefined(typeof raw[k] === 'string' ? raw[k].trim() : undefined)]),
    );
    const all = await modules();
    const parsed = listKbArticlesQuery.safeParse({ ...filters, limit: PAGE_SIZE });
    const base = { values: filters, kinds: KB_KINDS, languages: LANGUAGES, statuses: KB_STATUSES, modules: all, staff: isStaff(p) };
    if (!parsed.success) {
      const err = Object.fromEntries(kit.fieldErrors(parsed.error).map((f) => [f, `kb.err.filter`]));
      page(res, 'kb-search', 'kb.title', { ...base, err, errors: Object.keys(err) }, 400);
      return;
    }
    const { limit, cursor, q, ...rest } = parsed.data;
    const found = await listArticles(db, kbScopeOf(p), { ...rest, q: q || undefined }, { limit, cursor });
    const zone = zoneOf(v);
    const results = found.items.map((a) => ({
      ...a,
      url: `/kb/articles/${a.id}`,
      module: moduleLabel(all, a.moduleId),
      versionList: a.versions.join(', '),
      updated: formatInstant(a.updatedAt, v.lang, zone),
      snippet: snippet(a.excerpt),
      draft: a.status === 'draft',
    }));
    const nextUrl = found.nextCursor
      ? `/kb?${new URLSearchParams(Object.entries({ ...filters, cursor: found.nextCursor }).filter((e): e is [string, string] => typeof e[1] === 'string')).toString()}`
      : null;
    page(res, 'kb-search', 'kb.title', { ...base, results, searched: Boolean(q) || Object.values(rest).some(Boolean), nextUrl, mayWrite: isStaff(p) });
  });

  // Staff: a new article, or a translation of one (?translationOf=<id>: language, kind and product preset).
  const editorChoices = async () => ({ kinds: KB_KINDS, languages: LANGUAGES, statuses: KB_STATUSES, modules: await modules() });
  const newArticlePage = async (res: Response, values: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    const source = typeof values.translationOf === 'string' && kbArticleParams.safeParse({ id: values.translationOf }).success ? await getArticle(db, { drafts: true }, values.translationOf) : undefined;
    page(res, 'kb-edit', 'kb.newTitle', { values, creating: true, source, ...(await editorChoices()), ...extra }, status);
  };
  r.get('/kb/articles/new', async (req, res) => {
    staffOnly(req, res);
    const from = str(req.query.translationOf);
    const source = from && kbArticleParams.safeParse({ id: from }).success ? await getArticle(db, { drafts: true }, from) : undefined;
    if (from && !source) throw notFound('Article');
    const values = source
      ? {
          translationOf: source.id,
          kind: source.kind,
          language: LANGUAGES.find((l) => l !== source.language && !source.translations.some((t) => t.language === l)) ?? '',
          moduleId: source.moduleId ?? '',
          versions: source.versions.join(', '),
          status: 'draft',
        }
      : { kind: 'doc', language: visitorOf(res).lang, status: 'draft' };
    await newArticlePage(res, values);
  });
  r.post('/kb/articles/new', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const parsed = newKbArticleSchema.safeParse({
      title: values.title,
      bodyMd: values.bodyMd,
      kind: values.kind,
      language: values.language,
      status: values.status,
      moduleId: blankToUndefined(values.moduleId),
      versions: versionList(values.versions),
      translationOf: blankToUndefined(values.translationOf),
    });
    if (!parsed.success) {
      const err = Object.fromEntries(kit.fieldErrors(parsed.error).map((f) => [f, `kb.err.${f}`]));
      await newArticlePage(res, values, { err, errors: Object.keys(err) }, 400);
      return;
    }
    try {
      const article = await writeNewArticle(db, p, parsed.data);
      res.redirect(303, `/kb/articles/${article.id}?saved=1`);
    } catch (e) {
      if (!(e instanceof ProblemError) || ![400, 409].includes(e.status)) throw e;
      const field = fieldOf(e) ?? 'translationOf';
      const key = e.type === 'translation-exists' ? 'kb.err.translationExists' : e.status === 400 && field === 'kind' ? 'kb.err.kindMismatch' : `kb.err.${field}`;
      await newArticlePage(res, values, { err: { [field]: key }, errors: [field] }, e.status);
    }
  });

  r.get('/kb/articles/:id', async (req, res) => {
    const p = signedIn(req, res);
    const v = visitorOf(res);
    const id = articleId(req);
    const article = await getArticle(db, kbScopeOf(p), id);
    if (!article) throw notFound('Article');
    const zone = zoneOf(v);
    const all = await modules();
    const staff = isStaff(p);
    const revisions = staff ? ((await listRevisions(db, id, { limit: 50 }))?.items ?? []).map((x) => ({ revision: x.revision, title: x.title, editor: x.editedBy?.name ?? null, at: formatInstant(x.at, v.lang, zone), current: x.current })) : [];
    const missingLanguages = staff ? LANGUAGES.filter((l) => l !== article.language && !article.translations.some((t) => t.language === l)) : [];
    // The document title is the article's own (a title that is no message key shows as it is).
    page(res, 'kb-article', article.title, {
      article,
      html: renderMarkdown(article.bodyMd),
      module: moduleLabel(all, article.moduleId),
      versionList: article.versions.join(', '),
      updated: formatInstant(article.updatedAt, v.lang, zone),
      draft: article.status === 'draft',
      staff,
      revisions,
      missingLanguages,
      saved: req.query.saved === '1',
    });
  });

  const editPage = async (res: Response, article: KbArticle, values: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    page(res, 'kb-edit', 'kb.editTitle', { article, values, creating: false, ...(await editorChoices()), ...extra }, status);
  };
  r.get('/kb/articles/:id/edit', async (req, res) => {
    staffOnly(req, res);
    const article = await getArticle(db, { drafts: true }, articleId(req));
    if (!article) throw notFound('Article');
    await editPage(res, article, { title: article.title, bodyMd: article.bodyMd, status: article.status, moduleId: article.moduleId ?? '', versions: article.versions.join(', '), revision: article.revision });
  });
  r.post('/kb/articles/:id/edit', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const id = articleId(req);
    const article = await getArticle(db, { drafts: true }, id);
    if (!article) throw notFound('Article');
    const values = formBody(req);
    const revision = Number(values.revision);
    const parsed = kbArticleUpdateSchema.safeParse({
      title: values.title,
      bodyMd: values.bodyMd,
      status: values.status,
      moduleId: values.moduleId === '' ? null : values.moduleId,
      versions: versionList(values.versions) ?? [],
      ...(Number.isInteger(revision) && revision > 0 ? { revision } : {}),
    });
    if (!parsed.success) {
      const err = Object.fromEntries(kit.fieldErrors(parsed.error).map((f) => [f, `kb.err.${f}`]));
      await editPage(res, article, values, { err, errors: Object.keys(err) }, 400);
      return;
    }
    try {
      await editArticle(db, p, id, parsed.data);
      res.redirect(303, `/kb/articles/${id}?saved=1`);
    } catch (e) {
      if (!(e instanceof ProblemError) || ![400, 409].includes(e.status)) throw e;
      if (e.type === 'revision-conflict') {
        // Someone saved in between: keep what was typed, say so, and let the next save go on the current revision.
        await editPage(res, article, { ...values, revision: article.revision }, { conflict: true }, 409);
        return;
      }
      const field = fieldOf(e) ?? 'title';
      await editPage(res, article, values, { err: { [field]: `kb.err.${field}` }, errors: [field] }, e.status);
    }
  });

  r.use('/kb', (_req, _res, next) => next(notFound('Page')));
}
