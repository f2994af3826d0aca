import type { Knex } from 'knex';
import * as coreSchema from './20261125000000_core_schema';
import * as authAdmin from './20261125010000_auth_admin';
import * as auditLog from './20261125040000_audit_log';
import * as notificationFeed from './20261125030000_notification_feed';
import * as kbSearch from './20261125050000_kb_search';
import * as ticketLinks from './20261201000000_ticket_links';
import * as mailAttachments from './20261202000000_mail_attachments';
import * as intakeReservations from './20261202010000_intake_reservations';
import * as serviceReports from './20261203000000_service_reports';
import * as satisfactionOnce from './20261204000000_satisfaction_once';
import * as projectionFailures from './20261205000000_projection_failures';
import * as rateLimits from './20261205010000_rate_limits';
import * as formDrafts from './20261206000000_form_drafts';
import * as ticketSearch from './20261207000000_ticket_search';
import * as textModules from './20261207010000_text_modules';

/** Migrations are listed here (not discovered on disk) so the same list works under tsx, jest and compiled JS. */
const migrations: Record<string, Knex.Migration> = {
  '20261125000000_core_schema': coreSchema,
  '20261125010000_auth_admin': authAdmin,
  '20261125040000_audit_log': auditLog,
  '20261125030000_notification_feed': notificationFeed,
  '20261125050000_kb_search': kbSearch,
  '20261201000000_ticket_links': ticketLinks,
  '20261202000000_mail_attachments': mailAttachments,
  '20261202010000_intake_reservations': intakeReservations,
  '20261203000000_service_reports': serviceReports,
  '20261204000000_satisfaction_once': satisfactionOnce,
  '20261205000000_projection_failures': projectionFailures,
  '20261205010000_rate_limits': rateLimits,
  '20261206000000_form_drafts': formDrafts,
  '20261207000000_ticket_search': ticketSearch,
  '20261207010000_text_modules': textModules,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
