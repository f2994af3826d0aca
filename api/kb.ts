/**
 * Knowledge base (SPEC §9): every signed-in user reads and searches published articles; support staff also see
 * drafts, write articles and their translations, and read the revisions. A draft answers a customer 404, with the
 * same body as an article that does not exist.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { createArticle, getArticle, isValidKbCursor, KB_KINDS, KB_STATUSES, listArticles, listRevisions, updateArticle, type KbArticle, type KbScope, type KbWriteProblem } from '../db/kb';
import { isStaff, type Principal } from '../domain/access';
import { LANGUAGES } from '../domain/languages';
import { principal } from './auth';
import { badRequest, conflict, forbidden, notFound } from './errors';
import { idempotentCreate } from './idempotency';
import { renderMarkdown } from './markdown';
import { RELEASE_VERSION } from './ticket-actions';
import { freeText, NO_NUL, NOT_BLANK, parseInput } from './validation';

const uuid = z.string().uuid('must be a UUID');
const moduleId = z.string().regex(/^[a-z0-9_-]{1,50}$/, 'must be a module id');
/** Markdown as written: not trimmed (leading spaces mean something), but not blank either. */
const markdownBody = z.string().max(100_000, 'must be at most 100000 characters').regex(NOT_BLANK, 'must not be empty').regex(NO_NUL, 'must not contain NUL characters');
const versions = z.array(z.string().regex(RELEASE_VERSION, 'must be a version such as 4.2 or 4.2.0')).max(50, 'at most 50 versions');

export const kbArticleParams = z.strictObject({ id: uuid });
export const listKbArticlesQuery = z
  .strictObject({
    q: z.string().max(200, 'must be at most 200 characters').regex(NO_NUL, 'must not contain NUL characters').trim().optional().describe('Full-text search, accents ignored; results by relevance'),
    language: z.enum(LANGUAGES).optional(),
    kind: z.enum(KB_KINDS).optional(),
    moduleId: moduleId.optional(),
    status: z.enum(KB_STATUSES).optional().describe('Staff only; customers see published articles whatever they ask'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(400).optional(),
  })
  .superRefine((query, ctx) => {
    if (query.cursor !== undefined && !isValidKbCursor(query.cursor, Boolean(query.q))) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor returned by this API for this query' });
    }
  });
export const kbArticleQuery = z.strictObject({ format: z.enum(['markdown', 'html']).default('markdown').describe('html adds `html`: the body rendered and sanitised') });
export const newKbArticleSchema = z.strictObject({
  language: z.enum(LANGUAGES),
  kind: z.enum(KB_KINDS),
  title: freeText(200),
  bodyMd: markdownBody,
  moduleId: moduleId.nullable().optional(),
  versions: versions.optional(),
  translationOf: uuid.optional().describe('An article this one translates; its group must not have this language yet (409)'),
  status: z.enum(KB_STATUSES).default('draft'),
});
export const kbArticleUpdateSchema = z
  .strictObject({
    title: freeText(200).optional(),
    bodyMd: markdownBody.optional(),
    status: z.enum(KB_STATUSES).optional(),
    versions: versions.optional(),
    moduleId: moduleId.nullable().optional(),
    revision: z.number().int().min(1).optional().describe('The revision this edit was made on: 409 if another has been saved since'),
  })
  .refine((b) => b.title !== undefined || b.bodyMd !== undefined || b.status !== undefined || b.versions !== undefined || b.moduleId !== undefined, {
    message: 'must change at least one of title, bodyMd, status, versions, moduleId',
  });
export const kbRevisionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,9}$/, 'is not a cursor returned by this API').optional(),
});

export const kbScopeOf = (p: Principal): KbScope => ({ drafts: isStaff(p) });

function requireStaff(p: Principal): void {
  if (!isStaff(p)) throw forbidden('Only support staff write the knowledge base');
}

function problemOf(p: KbWriteProblem, language?: string): Error {
  switch (p.problem) {
    case 'not-found':
      return notFound('Article');
    case 'no-such-article':
      return badRequest([{ field: 'body.translationOf', message: 'no such article' }]);
    case 'no-such-module':
      return badRequest([{ field: 'body.moduleId', message: 'no such module' }]);
    case 'kind-mismatch':
      return badRequest([{ field: 'body.kind', message: `must be the kind of the article it translates (${p.kind})` }]);
    case 'language-taken':
      return conflict('translation-exists', `This article already exists in ${language ?? 'this language'}; edit that translation instead`, { field: 'body.language', existingId: p.existingId });
    case 'revision-conflict':
      return conflict('revision-conflict', `The article has been edited since the revision you started from; it is at revision ${p.currentRevision} now`, { currentRevision: p.currentRevision });
  }
}

const dedupe = (list: string[] | undefined) => (list === undefined ? undefined : [...new Set(list)]);

/** Writes a new article (or translation) as `p`: staff only; a problem becomes the API's error (400/409). */
export async function writeNewArticle(db: Db, p: Principal, body: z.infer<typeof newKbArticleSchema>): Promise<KbArticle> {
  requireStaff(p);
  const result = await createArticle(db, { ...body, versions: dedupe(body.versions) }, p.id);
  if ('problem' in result) throw problemOf(result, body.language);
  return result.article;
}

/** Edits an article as `p`, keeping the replaced revision: staff only; a problem becomes the API's error (404/409). */
export async function editArticle(db: Db, p: Principal, id: string, body: z.infer<typeof kbArticleUpdateSchema>): Promise<KbArticle> {
  requireStaff(p);
  const { revision, ...changes } = body;
  const result = await updateArticle(db, id, { ...changes, versions: dedupe(changes.versions) }, p.id, revision);
  if ('problem' in result) throw problemOf(result);
  return result.article;
}

export function createKbRouter(deps: { db: Db }): Router {
  const { db } = deps;
  const r = Router();

  r.get('/kb/articles', async (req, res) => {
    const p = principal(res);
    const { limit, cursor, q, ...filters } = parseInput(listKbArticlesQuery, req.query, 'query');
    res.json(await listArticles(db, kbScopeOf(p), { ...filters, q: q || undefined }, { limit, cursor }));
  });

  r.get('/kb/articles/:id', async (req, res) => {
    const p = principal(res);
    const { id } = parseInput(kbArticleParams, req.params, 'params');
    const { format } = parseInput(kbArticleQuery, req.query, 'query');
    const article = await getArticle(db, kbScopeOf(p), id);
    if (!article) throw notFound('Article');
    res.json(format === 'html' ? { ...article, html: renderMarkdown(article.bodyMd) } : article);
  });

  r.post('/kb/articles', idempotentCreate(db), async (req, res) => {
    const p = principal(res);
    requireStaff(p);
    const article = await writeNewArticle(db, p, parseInput(newKbArticleSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/kb/articles/${article.id}`).json(article);
  });

  r.put('/kb/articles/:id', async (req, res) => {
    const p = principal(res);
    requireStaff(p);
    const { id } = parseInput(kbArticleParams, req.params, 'params');
    res.json(await editArticle(db, p, id, parseInput(kbArticleUpdateSchema, req.body, 'body')));
  });

  r.get('/kb/articles/:id/revisions', async (req, res) => {
    requireStaff(principal(res));
    const { id } = parseInput(kbArticleParams, req.params, 'params');
    const page = parseInput(kbRevisionsQuery, req.query, 'query');
    const revisions = await listRevisions(db, id, page);
    if (!revisions) throw notFound('Article');
    res.json(revisions);
  });

  return r;
}
