/**
 * Reference data every installation needs (SPEC §2): the calendars, the four plans, modules and the priority matrix.
 * Inserted when absent and never overwritten, so admins' later edits survive re-runs and upgrades.
 */
import type { Db } from '../connection';
import { SEEDED_CALENDARS } from '../../domain/calendars';
import { DEFAULT_PLANS } from '../../domain/plans';
import { DEFAULT_PRIORITY_MATRIX } from '../../domain/priority';

export const DEFAULT_MODULES = [
  { id: 'finance', name: 'Finance', product: 'ticketflow-suite' },
  { id: 'inventory', name: 'Inventory', product: 'ticketflow-suite' },
  { id: 'sales', name: 'Sales', product: 'ticketflow-suite' },
  { id: 'hr', name: 'Human resources', product: 'ticketflow-suite' },
];

export async function seedReferenceData(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    for (const c of SEEDED_CALENDARS) {
      await trx('calendars')
        .insert({ id: c.id, name: c.name, time_zone: c.timeZone, week: JSON.stringify(c.week), holidays: JSON.stringify(c.holidays) })
        .onConflict('id')
        .ignore();
    }
    for (const p of DEFAULT_PLANS) {
      await trx('plans')
        .insert({
          id: p.id,
          name: p.name,
          channels: p.channels,
          business_calendar_id: p.businessCalendarId,
          targets: JSON.stringify(p.targets),
          warning_threshold: p.warningThreshold,
          level_budgets: JSON.stringify(p.levelBudgets),
          named_account_manager: p.namedAccountManager,
          service_report: p.serviceReport,
        })
        .onConflict('id')
        .ignore();
    }
    await trx('modules').insert(DEFAULT_MODULES).onConflict('id').ignore();
    await trx('settings').insert({ key: 'priority_matrix', value: JSON.stringify(DEFAULT_PRIORITY_MATRIX) }).onConflict('key').ignore();
  });
}
