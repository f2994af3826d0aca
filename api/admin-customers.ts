/**
 * Customers (organisations), their business lines and licensed modules, and the module catalogue (SPEC §8: admins
 * manage them). Customers see their own organisation only; another organisation answers 404 like a missing one.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { getCustomerDetail, isValidListCursor, listCustomers, type CustomerDetail } from '../db/organisations';
import { isStaffRoleName, organisationScope, type Principal } from '../domain/access';
import { DEFAULT_TIME_ZONE } from '../domain/calendars';
import { DEFAULT_LANGUAGE, LANGUAGES } from '../domain/languages';
import { principal } from './auth';
import { badRequest, conflict, forbidden, notFound } from './errors';
import { idempotentCreate } from './idempotency';
import { calendarDay, freeText, ianaTimeZone as timeZone, parseInput } from './validation';
import { uuid } from '../domain/text';

const moduleId = z.string().regex(/^[a-z0-9_-]{1,50}$/, 'must be 1–50 lowercase letters, digits, _ or -');
const day = calendarDay();

export const customerIdParam = z.strictObject({ id: uuid() });
export const listPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).refine(isValidListCursor, 'is not a cursor returned by this API').optional(),
});
/**
 * The mail domains a customer's people write from (SPEC §3.1): mail from an unknown address at one of them becomes
 * a new customer user of that customer. A domain belongs to one customer at most.
 */
const emailDomains = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .max(253)
      .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a mail domain such as example.com'),
  )
  .max(20, 'at most 20 domains')
  .refine((l) => new Set(l).size === l.length, 'must not repeat a domain')
  .meta({ uniqueItems: true });
export const newCustomerSchema = z.strictObject({
  name: freeText(200),
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes'),
  planId: z.string().min(1).max(64),
  language: z.enum(LANGUAGES).default(DEFAULT_LANGUAGE),
  timeZone: timeZone.default(DEFAULT_TIME_ZONE),
  emailDomains: emailDomains.default([]),
  accountManagerId: uuid().nullable().optional().describe('a staff member: receives the monthly service report beside the customer admins'),
});
export const customerUpdateSchema = z.strictObject({
  name: freeText(200).optional(),
  emailDomains: emailDomains.optional(),
  planId: z.string().min(1).max(64).optional(),
  language: z.enum(LANGUAGES).optional(),
  timeZone: timeZone.optional(),
  accountManagerId: uuid().nullable().optional().describe('a staff member: receives the monthly service report beside the customer admins; null removes'),
});
export const businessLineSchema = z.strictObject({ name: freeText(100) });
export const businessLineParams = z.strictObject({ id: uuid(), lineId: uuid() });
export const moduleLicenceParams = z.strictObject({ id: uuid(), moduleId });
export const moduleLicenceSchema = z
  .strictObject({ licensedFrom: day.nullable().optional(), licensedTo: day.nullable().optional() })
  .refine((l) => !l.licensedFrom || !l.licensedTo || l.licensedTo >= l.licensedFrom, { message: 'must not be before licensedFrom', path: ['licensedTo'] });
export const newModuleSchema = z.strictObject({ id: moduleId, name: freeText(100), product: freeText(100) });

function requireAdmin(p: Principal): void {
  if (p.role !== 'admin') throw forbidden('Only admins may do this');
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** A domain is one customer's: mail from it must lead to one organisation only. */
async function domainsFree(db: Db, domains: readonly string[] | undefined, exceptCustomer?: string): Promise<void> {
  if (!domains?.length) return;
  const q = db('customers').whereRaw('email_domains && ?::text[]', [[...domains] as never]).first('name', 'email_domains');
  if (exceptCustomer) q.whereNot({ id: exceptCustomer });
  const other = await q;
  if (other) {
    const taken = domains.filter((d) => (other.email_domains as string[]).includes(d));
    throw conflict('domain-taken', `The domain ${taken.join(', ')} already belongs to ${other.name}`, { field: 'body.emailDomains' });
  }
}

/** An account manager is a staff member who can sign in. */
async function accountManagerValid(db: Db, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const u = await db('users').where({ id }).first('role', 'disabled_at');
  if (!u || !isStaffRoleName(u.role) || u.disabled_at) throw badRequest([{ field: 'body.accountManagerId', message: 'must be an active staff member' }]);
}

async function planExists(db: Db, planId: string | undefined): Promise<void> {
  if (planId && !(await db('plans').where({ id: planId }).first('id'))) throw badRequest([{ field: 'body.planId', message: 'no such plan' }]);
}

/* The writes below are shared by the JSON API and the admin pages, so both refuse and record alike. */

export async function createCustomer(db: Db, actor: Principal, body: z.infer<typeof newCustomerSchema>): Promise<CustomerDetail> {
  requireAdmin(actor);
  await planExists(db, body.planId);
  await accountManagerValid(db, body.accountManagerId);
  await domainsFree(db, body.emailDomains);
  try {
    const [row] = await db('customers')
      .insert({ name: body.name, slug: body.slug, plan_id: body.planId, language: body.language, time_zone: body.timeZone, email_domains: body.emailDomains, account_manager_id: body.accountManagerId ?? null })
      .returning('id');
    return (await getCustomerDetail(db, { kind: 'all' }, row.id))!;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('slug-taken', `A customer with slug "${body.slug}" already exists`, { field: 'body.slug' });
    throw err;
  }
}

export async function updateCustomer(db: Db, actor: Principal, id: string, body: z.infer<typeof customerUpdateSchema>): Promise<CustomerDetail> {
  requireAdmin(actor);
  await planExists(db, body.planId);
  await accountManagerValid(db, body.accountManagerId);
  await domainsFree(db, body.emailDomains, id);
  const n = await db('customers')
    .where({ id })
    .update({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.planId !== undefined && { plan_id: body.planId }),
      ...(body.language !== undefined && { language: body.language }),
      ...(body.timeZone !== undefined && { time_zone: body.timeZone }),
      ...(body.emailDomains !== undefined && { email_domains: body.emailDomains }),
      ...(body.accountManagerId !== undefined && { account_manager_id: body.accountManagerId }),
      updated_at: db.fn.now(),
    });
  if (!n) throw notFound('Customer');
  return (await getCustomerDetail(db, { kind: 'all' }, id))!;
}

export async function addBusinessLine(db: Db, actor: Principal, id: string, body: z.infer<typeof businessLineSchema>): Promise<{ id: string; name: string }> {
  requireAdmin(actor);
  if (!(await db('customers').where({ id }).first('id'))) throw notFound('Customer');
  try {
    const [line] = await db('business_lines').insert({ customer_id: id, name: body.name }).returning(['id', 'name']);
    return line;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('name-taken', `This customer already has a business line "${body.name}"`, { field: 'body.name' });
    throw err;
  }
}

export async function renameBusinessLine(db: Db, actor: Principal, id: string, lineId: string, body: z.infer<typeof businessLineSchema>): Promise<{ id: string; name: string }> {
  requireAdmin(actor);
  try {
    const [line] = await db('business_lines').where({ id: lineId, customer_id: id }).update({ name: body.name }).returning(['id', 'name']);
    if (!line) throw notFound('Business line');
    return line;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('name-taken', `This customer already has a business line "${body.name}"`, { field: 'body.name' });
    throw err;
  }
}

/** Grants a module to a customer, or changes the validity dates of a licence it has. */
export async function licenseModule(db: Db, actor: Principal, id: string, mod: string, body: z.infer<typeof moduleLicenceSchema>): Promise<CustomerDetail> {
  requireAdmin(actor);
  if (!(await db('customers').where({ id }).first('id'))) throw notFound('Customer');
  if (!(await db('modules').where({ id: mod }).first('id'))) throw notFound('Module');
  const row = { customer_id: id, module_id: mod, licensed_from: body.licensedFrom ?? null, licensed_to: body.licensedTo ?? null };
  await db('customer_modules').insert(row).onConflict(['customer_id', 'module_id']).merge(['licensed_from', 'licensed_to']);
  return (await getCustomerDetail(db, { kind: 'all' }, id))!;
}

export async function revokeModule(db: Db, actor: Principal, id: string, mod: string): Promise<void> {
  requireAdmin(actor);
  const n = await db('customer_modules').where({ customer_id: id, module_id: mod }).delete();
  if (!n) throw notFound('Licence');
}

export async function addModule(db: Db, actor: Principal, body: z.infer<typeof newModuleSchema>): Promise<{ id: string; name: string; product: string }> {
  requireAdmin(actor);
  try {
    const [row] = await db('modules').insert(body).returning(['id', 'name', 'product']);
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('module-exists', `Module "${body.id}" already exists`, { field: 'body.id' });
    throw err;
  }
}

export const listModules = (db: Db): Promise<Array<{ id: string; name: string; product: string }>> => db('modules').orderBy('id').select('id', 'name', 'product');

export function createCustomersRouter(deps: { db: Db; onServiceTermsChanged?: (customerId?: string) => void }): Router {
  const { db } = deps;
  const r = Router();
  const idempotent = idempotentCreate(db);

  r.get('/customers', async (req, res) => {
    const p = principal(res);
    const page = parseInput(listPageQuery, req.query, 'query');
    res.json(await listCustomers(db, organisationScope(p), page));
  });

  r.post('/customers', idempotent, async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const created = await createCustomer(db, actor, parseInput(newCustomerSchema, req.body, 'body'));
    deps.onServiceTermsChanged?.(created.id);
    res.status(201).location(`/api/v1/customers/${created.id}`).json(created);
  });

  r.get('/customers/:id', async (req, res) => {
    const p = principal(res);
    const { id } = parseInput(customerIdParam, req.params, 'params');
    const customer = await getCustomerDetail(db, organisationScope(p), id);
    if (!customer) throw notFound('Customer');
    res.json(customer);
  });

  r.patch('/customers/:id', async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const { id } = parseInput(customerIdParam, req.params, 'params');
    const updated = await updateCustomer(db, actor, id, parseInput(customerUpdateSchema, req.body, 'body'));
    deps.onServiceTermsChanged?.(id);
    res.json(updated);
  });

  r.post('/customers/:id/business-lines', idempotent, async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const { id } = parseInput(customerIdParam, req.params, 'params');
    const line = await addBusinessLine(db, actor, id, parseInput(businessLineSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/customers/${id}/business-lines/${line.id}`).json(line);
  });

  r.patch('/customers/:id/business-lines/:lineId', async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const { id, lineId } = parseInput(businessLineParams, req.params, 'params');
    res.json(await renameBusinessLine(db, actor, id, lineId, parseInput(businessLineSchema, req.body, 'body')));
  });

  r.put('/customers/:id/modules/:moduleId', async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const { id, moduleId: mod } = parseInput(moduleLicenceParams, req.params, 'params');
    res.json(await licenseModule(db, actor, id, mod, parseInput(moduleLicenceSchema, req.body, 'body')));
  });

  r.delete('/customers/:id/modules/:moduleId', async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const { id, moduleId: mod } = parseInput(moduleLicenceParams, req.params, 'params');
    await revokeModule(db, actor, id, mod);
    res.status(204).end();
  });

  r.get('/modules', async (_req, res) => {
    principal(res);
    res.json({ items: await listModules(db), nextCursor: null });
  });

  r.post('/modules', idempotent, async (req, res) => {
    const actor = principal(res);
    requireAdmin(actor);
    const row = await addModule(db, actor, parseInput(newModuleSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/modules/${row.id}`).json(row);
  });

  return r;
}
