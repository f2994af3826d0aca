/** Plans, contracts and calendars as plain typed objects. */
import type { Db } from './connection';
import { localDay, type Calendar } from '../domain/calendar';
import { contractInForce, effectiveTargets, type Contract, type Plan, type SlaSnapshot } from '../domain/plans';
import { DEFAULT_PRIORITY_MATRIX, type PriorityMatrix } from '../domain/priority';

function planFromRow(r: Record<string, any>): Plan {
  return {
    id: r.id,
    name: r.name,
    channels: r.channels,
    businessCalendarId: r.business_calendar_id,
    targets: r.targets,
    warningThreshold: Number(r.warning_threshold),
    levelBudgets: r.level_budgets,
    namedAccountManager: r.named_account_manager,
    serviceReport: r.service_report,
  };
}

const isoDay = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function contractFromRow(r: Record<string, any>): Contract {
  return {
    id: r.id,
    customerId: r.customer_id,
    name: r.name,
    validFrom: isoDay(r.valid_from) as string,
    validTo: isoDay(r.valid_to),
    targets: r.targets ?? {},
    businessCalendarId: r.business_calendar_id,
    warningThreshold: r.warning_threshold === null ? null : Number(r.warning_threshold),
    levelBudgets: r.level_budgets,
    serviceReport: r.service_report ?? null,
  };
}

function calendarFromRow(r: Record<string, any>): Calendar {
  return { id: r.id, name: r.name, timeZone: r.time_zone, week: r.week, holidays: r.holidays };
}

export async function listCalendars(db: Db): Promise<Calendar[]> {
  return (await db('calendars').orderBy('id')).map(calendarFromRow);
}

export async function getCalendar(db: Db, id: string): Promise<Calendar | undefined> {
  const r = await db('calendars').where({ id }).first();
  return r ? calendarFromRow(r) : undefined;
}

export async function listPlans(db: Db): Promise<Plan[]> {
  return (await db('plans').orderBy('id')).map(planFromRow);
}

export async function getPlan(db: Db, id: string): Promise<Plan | undefined> {
  const r = await db('plans').where({ id }).first();
  return r ? planFromRow(r) : undefined;
}

export async function getContracts(db: Db, customerId: string): Promise<Contract[]> {
  return (await db('contracts').where({ customer_id: customerId })).map(contractFromRow);
}

/** Contracts newest first, of one customer or of all. */
export async function listContracts(db: Db, filter: { customerId?: string } = {}): Promise<Contract[]> {
  const q = db('contracts').orderBy('valid_from', 'desc');
  if (filter.customerId) q.where({ customer_id: filter.customerId });
  return (await q).map(contractFromRow);
}

export async function getContract(db: Db, id: string): Promise<Contract | undefined> {
  const r = await db('contracts').where({ id }).first();
  return r ? contractFromRow(r) : undefined;
}

export interface CustomerRecord {
  id: string;
  name: string;
  planId: string;
  language: string;
  timeZone: string;
}

export async function getCustomer(db: Db, id: string): Promise<CustomerRecord | undefined> {
  const r = await db('customers').where({ id }).first();
  return r ? { id: r.id, name: r.name, planId: r.plan_id, language: r.language, timeZone: r.time_zone } : undefined;
}

/** The targets in force for a customer at an instant: plan, overridden by the contract valid that day. */
export async function loadSlaSnapshot(db: Db, customerId: string, at: Date): Promise<SlaSnapshot> {
  const customer = await getCustomer(db, customerId);
  if (!customer) throw new Error(`customer ${customerId} does not exist`);
  const plan = await getPlan(db, customer.planId);
  if (!plan) throw new Error(`plan ${customer.planId} does not exist`);
  // A contract's first and last day are days in the customer's zone, as the service report reads them.
  const contract = contractInForce(await getContracts(db, customerId), localDay(at, customer.timeZone));
  const businessCalendarId = contract?.businessCalendarId ?? plan.businessCalendarId;
  const businessCalendar = await getCalendar(db, businessCalendarId);
  const wallClockCalendar = await getCalendar(db, '24x7');
  if (!businessCalendar || !wallClockCalendar) throw new Error(`calendar ${businessCalendarId} or 24x7 is missing`);
  return {
    planId: plan.id,
    contractId: contract?.id ?? null,
    targets: effectiveTargets(plan, contract),
    warningThreshold: contract?.warningThreshold ?? plan.warningThreshold,
    levelBudgets: contract?.levelBudgets ?? plan.levelBudgets,
    businessCalendar,
    wallClockCalendar,
  };
}

/** The admin-editable impact × urgency matrix (the SPEC default until an admin changes it). */
export async function getPriorityMatrix(db: Db): Promise<PriorityMatrix> {
  const row = await db('settings').where({ key: 'priority_matrix' }).first();
  return (row?.value as PriorityMatrix | undefined) ?? DEFAULT_PRIORITY_MATRIX;
}
