/**
 * Plans, calendars and contracts (SPEC §2): readable by staff, editable by admins. Edits apply to tickets created
 * afterwards only; each ticket keeps the snapshot taken at its creation.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { getCalendar, getContract, getCustomer, getPlan, listCalendars, listContracts, listPlans } from '../db/reference';
import { validateCalendar } from '../domain/calendar';
import { isStaff, type Principal, type Role } from '../domain/access';
import { COVERAGES, PRIORITIES, TARGET_KINDS, type Contract } from '../domain/plans';
import { NO_NUL } from '../domain/text';
import { principal } from './auth';
import { badRequest, forbidden, notFound } from './errors';
import { idempotentCreate } from './idempotency';
import { calendarDay, freeText, ianaTimeZone, parseInput } from './validation';

const target = z.strictObject({ ms: z.number().int().positive('must be a positive number of milliseconds').max(10 * 365 * 24 * 3600 * 1000), coverage: z.enum(COVERAGES) }).nullable();
const targetsRow = z.strictObject(Object.fromEntries(TARGET_KINDS.map((k) => [k, target.optional()])) as Record<(typeof TARGET_KINDS)[number], z.ZodOptional<typeof target>>);
export const partialTargetsSchema = z.strictObject(Object.fromEntries(PRIORITIES.map((p) => [p, targetsRow.optional()])) as Record<(typeof PRIORITIES)[number], z.ZodOptional<typeof targetsRow>>);
const levelBudgets = z.strictObject({ L1: z.number().gt(0).lt(1), L2: z.number().gt(0).lt(1) }).refine((b) => b.L1 < b.L2, { message: 'L1 must be below L2 (budgets are cumulative)' });
const threshold = z.number().gt(0, 'must be above 0').lt(1, 'must be below 1');
const day = calendarDay();
export const planIdParam = z.strictObject({ id: z.string().min(1).max(64) });
export const calendarIdParam = z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be lowercase letters, digits and dashes') });
export const contractIdParam = z.strictObject({ id: z.string().uuid('must be a UUID') });
export const contractsQuerySchema = z.strictObject({ customerId: z.string().uuid('must be a UUID').optional() });

const wallTime = (endOfDay: boolean) =>
  z.string().regex(endOfDay ? /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/ : /^(?:[01]\d|2[0-3]):[0-5]\d$/, endOfDay ? 'must be a wall time HH:MM 00:00–24:00' : 'must be a wall time HH:MM 00:00–23:59');
const workingInterval = z.strictObject({ start: wallTime(false), end: wallTime(true).describe('end <= start: the interval runs past midnight') });
const year = z.number().int().min(1).max(9999);
const holidayYears = { fromYear: year.optional(), toYear: year.optional(), suspendedYears: z.array(year).max(100).optional() };
const holidayRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), date: calendarDay(), name: freeText(200) }),
  z.strictObject({ kind: z.literal('yearly'), month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31), name: freeText(200), ...holidayYears }),
  z.strictObject({ kind: z.literal('easter'), offsetDays: z.number().int().min(-366).max(366).describe('-2 Good Friday, +1 Easter Monday'), name: freeText(200), ...holidayYears }),
]);
/** The shape of a calendar; domain/calendar validateCalendar then checks what a schema cannot (overlaps, an open weekday). */
export const calendarBodySchema = z.strictObject({
  name: freeText(200),
  timeZone: ianaTimeZone,
  week: z
    .strictObject(Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, z.array(workingInterval).max(10).optional()])) as Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', z.ZodOptional<z.ZodArray<typeof workingInterval>>>)
    .describe('ISO weekday 1 (Monday) … 7 (Sunday) → working intervals'),
  holidays: z.array(holidayRule).max(200),
});

export const planUpdateSchema = z.strictObject({
  serviceReport: z.boolean().optional().describe('the monthly SLA service report is part of the plan'),
  name: freeText(100).optional(),
  channels: z.array(z.enum(['portal', 'docs', 'phone', 'email'])).min(1).optional(),
  businessCalendarId: z.string().min(1).max(64).optional(),
  targets: partialTargetsSchema.optional(),
  warningThreshold: threshold.optional(),
  levelBudgets: levelBudgets.optional(),
});

export const contractSchema = z
  .strictObject({
    customerId: z.string().uuid('must be a UUID'),
    name: freeText(200),
    validFrom: day,
    validTo: day.nullable().optional(),
    targets: partialTargetsSchema.default({}),
    businessCalendarId: z.string().min(1).max(64).nullable().optional(),
    warningThreshold: threshold.nullable().optional(),
    levelBudgets: levelBudgets.nullable().optional(),
    serviceReport: z.boolean().nullable().optional().describe('includes the monthly SLA service report; null or absent: as the plan says'),
    contacts: z
      .array(z.strictObject({ name: z.string().max(200).regex(NO_NUL, 'must not contain NUL characters'), email: z.string().email().max(254), phone: z.string().max(50).regex(NO_NUL, 'must not contain NUL characters').optional() }))
      .max(50)
      .default([]),
  })
  .refine((c) => !c.validTo || c.validTo >= c.validFrom, { message: 'must not be before validFrom', path: ['validTo'] });

function requireRole(res: Response, ...roles: Role[]) {
  const p = principal(res);
  if (!roles.includes(p.role)) throw forbidden(`Only ${roles.join(' or ')} may do this`);
  return p;
}
function requireStaff(res: Response) {
  const p = principal(res);
  if (!isStaff(p)) throw forbidden('Only staff may see this');
  return p;
}

async function calendarExists(db: Db, id: string | null | undefined, field: string) {
  if (id && !(await db('calendars').where({ id }).first('id'))) throw badRequest([{ field, message: 'no such calendar' }]);
}

/** Creates a contract, or replaces one when `id` is given (shared by the JSON API and the admin pages). */
export async function saveContract(db: Db, actor: Principal, body: z.infer<typeof contractSchema>, id?: string): Promise<Contract> {
  if (actor.role !== 'admin') throw forbidden('Only admin may do this');
  if (!(await getCustomer(db, body.customerId))) throw badRequest([{ field: 'body.customerId', message: 'no such customer' }]);
  await calendarExists(db, body.businessCalendarId, 'body.businessCalendarId');
  const row = {
    customer_id: body.customerId,
    name: body.name,
    valid_from: body.validFrom,
    valid_to: body.validTo ?? null,
    targets: JSON.stringify(body.targets),
    business_calendar_id: body.businessCalendarId ?? null,
    warning_threshold: body.warningThreshold ?? null,
    level_budgets: body.levelBudgets ? JSON.stringify(body.levelBudgets) : null,
    contacts: JSON.stringify(body.contacts),
    service_report: body.serviceReport ?? null,
  };
  if (id) {
    const n = await db('contracts').where({ id }).update({ ...row, updated_at: db.fn.now() });
    if (!n) throw notFound('Contract');
    return (await getContract(db, id))!;
  }
  const [created] = await db('contracts').insert(row).returning('id');
  return (await getContract(db, created.id))!;
}

export function createSlaAdminRouter(deps: { db: Db; onServiceTermsChanged?: (customerId?: string) => void }): Router {
  const { db } = deps;
  const r = Router();

  r.get('/plans', async (_req, res) => {
    requireStaff(res);
    res.json({ items: await listPlans(db), nextCursor: null });
  });
  r.put('/plans/:id', async (req, res) => {
    requireRole(res, 'admin');
    const { id } = parseInput(planIdParam, req.params, 'params');
    const body = parseInput(planUpdateSchema, req.body, 'body');
    const current = await getPlan(db, id);
    if (!current) throw notFound('Plan');
    await calendarExists(db, body.businessCalendarId, 'body.businessCalendarId');
    const targets = { ...current.targets };
    for (const p of PRIORITIES) if (body.targets?.[p]) targets[p] = { ...targets[p], ...body.targets[p] };
    await db('plans')
      .where({ id })
      .update({
        ...(body.name && { name: body.name }),
        ...(body.channels && { channels: body.channels }),
        ...(body.businessCalendarId && { business_calendar_id: body.businessCalendarId }),
        ...(body.warningThreshold && { warning_threshold: body.warningThreshold }),
        ...(body.levelBudgets && { level_budgets: JSON.stringify(body.levelBudgets) }),
        ...(body.serviceReport !== undefined && { service_report: body.serviceReport }),
        targets: JSON.stringify(targets),
        updated_at: db.fn.now(),
      });
    deps.onServiceTermsChanged?.();
    res.json(await getPlan(db, id));
  });

  r.get('/calendars', async (_req, res) => {
    requireStaff(res);
    res.json({ items: await listCalendars(db), nextCursor: null });
  });
  r.put('/calendars/:id', async (req, res) => {
    requireRole(res, 'admin');
    const { id } = parseInput(calendarIdParam, req.params, 'params');
    const body = parseInput(calendarBodySchema, req.body, 'body');
    const checked = validateCalendar({ ...body, id });
    if (!checked.ok) throw badRequest(checked.errors.map((e) => ({ field: `body.${e.path}`, message: e.message })));
    const c = checked.calendar;
    await db('calendars')
      .insert({ id, name: c.name, time_zone: c.timeZone, week: JSON.stringify(c.week), holidays: JSON.stringify(c.holidays) })
      .onConflict('id')
      .merge({ name: c.name, time_zone: c.timeZone, week: JSON.stringify(c.week), holidays: JSON.stringify(c.holidays), updated_at: db.fn.now() });
    res.json(await getCalendar(db, id));
  });

  r.get('/contracts', async (req, res) => {
    requireRole(res, 'admin', 'manager');
    const q = parseInput(contractsQuerySchema, req.query, 'query');
    res.json({ items: await listContracts(db, { customerId: q.customerId }), nextCursor: null });
  });
  r.post('/contracts', idempotentCreate(db), async (req, res) => {
    const actor = requireRole(res, 'admin');
    const created = await saveContract(db, actor, parseInput(contractSchema, req.body, 'body'));
    deps.onServiceTermsChanged?.(created.customerId);
    res.status(201).location(`/api/v1/contracts/${created.id}`).json(created);
  });
  r.put('/contracts/:id', async (req, res) => {
    const actor = requireRole(res, 'admin');
    const { id } = parseInput(contractIdParam, req.params, 'params');
    const saved = await saveContract(db, actor, parseInput(contractSchema, req.body, 'body'), id);
    deps.onServiceTermsChanged?.(saved.customerId);
    res.json(saved);
  });
  return r;
}
