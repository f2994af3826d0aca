import type { Knex } from 'knex';

/**
 * The monthly SLA service report (SPEC §12.1): whether a plan or a contract includes it, the customer's named
 * account manager (who receives it beside the customer admins), and every report generated, with its PDF and CSV.
 * A report is never overwritten: regenerating a month adds a revision.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.boolean('service_report').notNullable().defaultTo(false);
  });
  await knex('plans').whereIn('id', ['premium', 'strategic']).update({ service_report: true });
  await knex.schema.alterTable('contracts', (t) => {
    // null: as the plan says
    t.boolean('service_report');
  });
  await knex.schema.alterTable('customers', (t) => {
    t.uuid('account_manager_id').references('users.id').onDelete('SET NULL');
  });
  await knex.schema.createTable('service_reports', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('month').notNullable();
    t.integer('revision').notNullable();
    t.text('language').notNullable();
    t.text('time_zone').notNullable();
    t.text('trigger').notNullable();
    t.uuid('requested_by');
    // One generation request (a schedule run or an API call) makes one report, however often it is retried.
    t.text('request_key').notNullable().unique();
    t.jsonb('figures').notNullable();
    t.binary('pdf').notNullable();
    t.text('csv').notNullable();
    t.timestamp('generated_at', { useTz: true }).notNullable();
    t.timestamp('emailed_at', { useTz: true });
    t.unique(['customer_id', 'month', 'revision']);
  });
  await knex.raw(`ALTER TABLE service_reports ADD CONSTRAINT service_reports_month_check CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')`);
  await knex.raw(`ALTER TABLE service_reports ADD CONSTRAINT service_reports_trigger_check CHECK (trigger IN ('schedule','request'))`);
  await knex.raw('CREATE INDEX service_reports_customer_month_idx ON service_reports (customer_id, month DESC, revision DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('service_reports');
  await knex.schema.alterTable('customers', (t) => t.dropColumn('account_manager_id'));
  await knex.schema.alterTable('contracts', (t) => t.dropColumn('service_report'));
  await knex.schema.alterTable('plans', (t) => t.dropColumn('service_report'));
}
