/**
 * Text modules (#14, point 3): canned replies in English and Slovak with placeholders. Staff read them (the composer
 * inserts them), admins manage them, customers get 403. A text naming a placeholder that does not exist is refused
 * with the field named (services/text-modules.ts checks the parsed template), never saved to render empty.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { createTextModule, deleteTextModule, findTextModule, listTextModules, updateTextModule, type TextModule } from '../db/text-modules';
import { isStaff, type Principal } from '../domain/access';
import { uuid } from '../domain/text';
import { principal } from './auth';
import { conflict, forbidden, notFound } from './errors';
import { idempotentCreate } from './idempotency';
import { placeholderProblem } from './services/text-modules';
import { freeText, parseInput } from './validation';

export const TEXT_MODULE_KEYWORD = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const moduleText = freeText(10_000).superRefine((v, ctx) => {
  const problem = placeholderProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const fields = {
  keyword: z.string().regex(TEXT_MODULE_KEYWORD, 'must be 1–40 lowercase letters, digits, "-" or "_", starting with a letter or digit'),
  name: freeText(200),
  bodyEn: moduleText,
  bodySk: moduleText,
  active: z.boolean(),
};
export const textModuleIdParam = z.strictObject({ id: uuid() });
export const listTextModulesQuerySchema = z.strictObject({
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().regex(TEXT_MODULE_KEYWORD, 'is not a cursor returned by this API').optional(),
});
export const newTextModuleSchema = z.strictObject({ ...fields, active: fields.active.default(true) });
export const textModuleUpdateSchema = z.strictObject({ keyword: fields.keyword.optional(), name: fields.name.optional(), bodyEn: moduleText.optional(), bodySk: moduleText.optional(), active: fields.active.optional() });

/** Staff read text modules; admins manage them (403 for everyone else). */
function staffOnly(p: Principal): void {
  if (!isStaff(p)) throw forbidden('Text modules are for staff');
}
function adminsOnly(p: Principal): void {
  if (p.role !== 'admin') throw forbidden('Only admins manage text modules');
}
const keywordTaken = () => conflict('keyword-taken', 'Another text module has this keyword', { field: 'body.keyword' });

/** A page of modules, in keyword order, after `cursor` (the last keyword of the previous page). */
export async function textModulePage(db: Db, q: z.infer<typeof listTextModulesQuerySchema>): Promise<{ items: TextModule[]; nextCursor: string | null }> {
  const all = (await listTextModules(db, { activeOnly: q.active === true })).filter((m) => q.active !== false || !m.active);
  const from = q.cursor ? all.filter((m) => m.keyword > q.cursor!) : all;
  const items = from.slice(0, q.limit);
  return { items, nextCursor: from.length > q.limit ? items[items.length - 1].keyword : null };
}

export async function saveNewTextModule(db: Db, p: Principal, body: z.infer<typeof newTextModuleSchema>): Promise<TextModule> {
  adminsOnly(p);
  const created = await createTextModule(db, body);
  if (!created) throw keywordTaken();
  return created;
}

export async function changeTextModule(db: Db, p: Principal, id: string, body: z.infer<typeof textModuleUpdateSchema>): Promise<TextModule> {
  adminsOnly(p);
  const updated = await updateTextModule(db, id, body);
  if (updated === 'missing') throw notFound('Text module');
  if (updated === 'keyword-taken') throw keywordTaken();
  return updated;
}

export async function removeTextModule(db: Db, p: Principal, id: string): Promise<void> {
  adminsOnly(p);
  if (!(await deleteTextModule(db, id))) throw notFound('Text module');
}

export function createTextModulesRouter(deps: { db: Db }): Router {
  const { db } = deps;
  const r = Router();
  r.get('/text-modules', async (req, res) => {
    staffOnly(principal(res));
    res.json(await textModulePage(db, parseInput(listTextModulesQuerySchema, req.query, 'query')));
  });
  r.post('/text-modules', idempotentCreate(db), async (req, res) => {
    const p = principal(res);
    adminsOnly(p);
    const created = await saveNewTextModule(db, p, parseInput(newTextModuleSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/text-modules/${created.id}`).json(created);
  });
  r.get('/text-modules/:id', async (req, res) => {
    staffOnly(principal(res));
    const { id } = parseInput(textModuleIdParam, req.params, 'params');
    const found = await findTextModule(db, id);
    if (!found) throw notFound('Text module');
    res.json(found);
  });
  r.patch('/text-modules/:id', async (req, res) => {
    const p = principal(res);
    adminsOnly(p);
    const { id } = parseInput(textModuleIdParam, req.params, 'params');
    res.json(await changeTextModule(db, p, id, parseInput(textModuleUpdateSchema, req.body, 'body')));
  });
  r.delete('/text-modules/:id', async (req, res) => {
    const p = principal(res);
    adminsOnly(p);
    const { id } = parseInput(textModuleIdParam, req.params, 'params');
    await removeTextModule(db, p, id);
    res.status(204).end();
  });
  return r;
}
