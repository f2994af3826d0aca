/**
 * Text modules on the portal (#14, point 3): admins list, create, change and delete them at /admin/text-modules.
 * Each form is checked by the API's zod schema and written by the API's own functions (api/text-modules.ts), so
 * the page allows exactly what /api/v1/text-modules allows, placeholder check included.
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { findTextModule, listTextModules } from '../../db/text-modules';
import type { Principal } from '../../domain/access';
import { forbidden, notFound } from '../errors';
import { TEXT_MODULE_PLACEHOLDERS } from '../services/text-modules';
import { changeTextModule, newTextModuleSchema, removeTextModule, saveNewTextModule, textModuleUpdateSchema } from '../text-modules';
import { auditedForm, blankForm, doneNote, doneRedirect, formState, problemErrors, zodErrors, type FieldErrors, type FormState } from './admin-forms';
import type { PortalKit } from './kit';

const DONE = ['textModuleCreated', 'textModuleSaved', 'textModuleDeleted'] as const;
const FIELDS = ['keyword', 'name', 'bodyEn', 'bodySk'] as const;
const placeholders = TEXT_MODULE_PLACEHOLDERS.map((x) => `{{${x}}}`).join(', ');

/** The form's strings as the API's body: a checkbox is there or not. */
function inputOf(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) out[f] = typeof values[f] === 'string' ? values[f] : '';
  out.active = values.active !== undefined && values.active !== '';
  return out;
}

/** The schema's errors on the form's fields; a placeholder problem keeps its own words (which placeholder). */
function errorsOf(err: z.ZodError, input: Record<string, unknown>): FieldErrors {
  const errors = zodErrors(err, input);
  for (const issue of err.issues) {
    const field = String(issue.path[0] ?? '');
    if (issue.code === 'custom' && errors[field]) errors[field] = { ...errors[field], detail: issue.message };
  }
  return errors;
}

export function mountTextModulePages(r: Router, kit: PortalKit): void {
  const { db, form, page, signedIn, checkCsrf, formBody } = kit;
  const audited = auditedForm(kit);
  const adminOnly = (req: Request, res: Response): Principal => {
    const p = signedIn(req, res);
    if (p.role !== 'admin') throw forbidden('Only admins administer');
    return p;
  };
  const idOf = (raw: unknown): string => {
    const parsed = z.string().uuid().safeParse(raw);
    if (!parsed.success) throw notFound('Text module');
    return parsed.data;
  };

  const listPage = async (res: Response, create: FormState, code = 200, done: string | null = null) => {
    page(res, 'admin-text-modules', 'adm.textModules', { modules: await listTextModules(db), create, done, placeholders, section: 'text-modules' }, code);
  };
  const editPage = async (res: Response, id: string, edit: FormState | null, code = 200) => {
    const m = await findTextModule(db, id);
    if (!m) throw notFound('Text module');
    const state = edit ?? blankForm({ keyword: m.keyword, name: m.name, bodyEn: m.bodyEn, bodySk: m.bodySk, active: m.active ? '1' : '' });
    page(res, 'admin-text-module', 'adm.textModuleEdit', { module: m, edit: state, placeholders, section: 'text-modules' }, code);
  };

  r.get('/admin/text-modules', async (req, res) => {
    adminOnly(req, res);
    await listPage(res, blankForm({ active: '1' }), 200, doneNote(req.query.done, DONE));
  });
  r.post('/admin/text-modules', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const input = inputOf(values);
    const parsed = newTextModuleSchema.safeParse(input);
    if (!parsed.success) return listPage(res, formState(values, errorsOf(parsed.error, input)), 400);
    try {
      await saveNewTextModule(db, p, parsed.data);
      doneRedirect(res, '/admin/text-modules', 'textModuleCreated');
    } catch (err) {
      const f = problemErrors(err);
      await listPage(res, formState(values, f.errors, f.problem), f.status);
    }
  });
  r.get('/admin/text-modules/:id', async (req, res) => {
    adminOnly(req, res);
    await editPage(res, idOf(req.params.id), null);
  });
  r.post('/admin/text-modules/:id', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const id = idOf(req.params.id);
    const values = formBody(req);
    const input = inputOf(values);
    const parsed = textModuleUpdateSchema.safeParse(input);
    if (!parsed.success) return editPage(res, id, formState(values, errorsOf(parsed.error, input)), 400);
    try {
      await changeTextModule(db, p, id, parsed.data);
      doneRedirect(res, '/admin/text-modules', 'textModuleSaved');
    } catch (err) {
      const f = problemErrors(err);
      await editPage(res, id, formState(values, f.errors, f.problem), f.status);
    }
  });
  r.post('/admin/text-modules/:id/delete', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    await removeTextModule(db, p, idOf(req.params.id));
    doneRedirect(res, '/admin/text-modules', 'textModuleDeleted');
  });
}
