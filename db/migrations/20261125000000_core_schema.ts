import type { Knex } from 'knex';

/** The core schema of SPEC: organisations, people, plans and calendars, tickets with their timeline, releases, outbox, KB. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS unaccent');

  await knex.schema.createTable('calendars', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('time_zone').notNullable();
    t.jsonb('week').notNullable();
    t.jsonb('holidays').notNullable().defaultTo('[]');
    t.timestamps(true, true);
  });

  await knex.schema.createTable('plans', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.specificType('channels', 'text[]').notNullable();
    t.text('business_calendar_id').notNullable().references('calendars.id');
    t.jsonb('targets').notNullable();
    t.decimal('warning_threshold', 4, 3).notNullable().defaultTo(0.8);
    t.jsonb('level_budgets').notNullable();
    t.boolean('named_account_manager').notNullable().defaultTo(false);
    t.timestamps(true, true);
  });

  await knex.schema.createTable('modules', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('product').notNullable();
  });

  await knex.schema.createTable('customers', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('slug').notNullable().unique();
    t.text('plan_id').notNullable().references('plans.id');
    t.text('language').notNullable().defaultTo('en');
    t.text('time_zone').notNullable().defaultTo('Europe/Bratislava');
    t.timestamps(true, true);
  });

  await knex.schema.createTable('business_lines', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.unique(['customer_id', 'name']);
  });

  await knex.schema.createTable('customer_modules', (t) => {
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('module_id').notNullable().references('modules.id');
    t.date('licensed_from');
    t.date('licensed_to');
    t.primary(['customer_id', 'module_id']);
  });

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('password_hash');
    t.text('role').notNullable();
    t.uuid('customer_id').references('customers.id').onDelete('CASCADE');
    t.specificType('levels', 'text[]').notNullable().defaultTo('{}');
    // Levels whose lead this agent is: SLA warnings go to the assignee and the level's lead.
    t.specificType('lead_levels', 'text[]').notNullable().defaultTo('{}');
    t.text('language').notNullable().defaultTo('en');
    t.text('time_zone').notNullable().defaultTo('Europe/Bratislava');
    t.text('phone');
    t.timestamp('disabled_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_lower_unique ON users (lower(email))');
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN
    ('customer_user','customer_key_user','customer_admin','agent','manager','admin'))`);
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_customer_scope_check CHECK (
    (role LIKE 'customer_%') = (customer_id IS NOT NULL))`);

  await knex.schema.createTable('user_business_lines', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('business_line_id').notNullable().references('business_lines.id').onDelete('CASCADE');
    t.primary(['user_id', 'business_line_id']);
  });

  await knex.schema.createTable('contracts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_to');
    t.jsonb('targets').notNullable().defaultTo('{}');
    t.text('business_calendar_id').references('calendars.id');
    t.decimal('warning_threshold', 4, 3);
    t.jsonb('level_budgets');
    t.jsonb('contacts').notNullable().defaultTo('[]');
    t.timestamps(true, true);
    t.index(['customer_id', 'valid_from']);
  });

  await knex.schema.createTable('releases', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('version').notNullable().unique();
    t.text('product').notNullable().defaultTo('ticketflow-suite');
    t.date('planned_date').notNullable();
    t.text('status').notNullable().defaultTo('planned');
    t.text('notes').notNullable().defaultTo('');
    t.timestamp('published_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw(`ALTER TABLE releases ADD CONSTRAINT releases_status_check CHECK (status IN ('planned','published'))`);

  await knex.raw('CREATE SEQUENCE ticket_number_seq START 1');
  await knex.schema.createTable('tickets', (t) => {
    t.uuid('id').primary();
    t.bigInteger('number').notNullable().unique();
    t.text('title').notNullable();
    t.text('description').notNullable();
    t.text('type').notNullable();
    t.text('status').notNullable();
    t.text('sub_status');
    t.text('priority').notNullable();
    t.text('impact').notNullable();
    t.text('urgency').notNullable();
    t.text('level').notNullable().defaultTo('L1');
    t.uuid('customer_id').notNullable().references('customers.id');
    t.uuid('requester_id').notNullable().references('users.id');
    t.uuid('business_line_id').references('business_lines.id');
    t.text('module_id').references('modules.id');
    t.text('module_version');
    t.text('channel').notNullable();
    t.text('category');
    // No foreign key: the workflow owns assignment and its projection must never be refused (the API checks users).
    t.uuid('assignee_id');
    t.text('sla_state').notNullable().defaultTo('ok');
    t.jsonb('sla').notNullable().defaultTo('{}');
    t.jsonb('sla_snapshot').notNullable();
    t.timestamp('first_response_due', { useTz: true });
    t.timestamp('resolution_due', { useTz: true });
    t.uuid('release_id').references('releases.id');
    t.uuid('problem_id').references('tickets.id');
    t.uuid('duplicate_of_id').references('tickets.id');
    t.uuid('created_by').notNullable().references('users.id');
    t.text('idempotency_key');
    t.integer('last_event_seq').notNullable().defaultTo(0);
    t.smallint('satisfaction_rating');
    t.text('satisfaction_comment');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.unique(['created_by', 'idempotency_key']);
  });
  await knex.raw('CREATE INDEX tickets_customer_created_idx ON tickets (customer_id, created_at DESC, id)');
  await knex.raw('CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id)');
  await knex.raw('CREATE INDEX tickets_status_idx ON tickets (status, created_at DESC)');
  await knex.raw('CREATE INDEX tickets_level_status_idx ON tickets (level, status)');
  await knex.raw('CREATE INDEX tickets_sla_state_idx ON tickets (sla_state) WHERE sla_state IN (\'at_risk\',\'breached\')');
  await knex.raw('CREATE INDEX tickets_requester_idx ON tickets (requester_id, created_at DESC)');
  await knex.raw('CREATE INDEX tickets_release_idx ON tickets (release_id) WHERE release_id IS NOT NULL');

  await knex.schema.createTable('ticket_events', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    // No foreign key: the timeline records what happened even if the actor is later deleted.
    t.uuid('actor_id');
    t.text('actor_kind').notNullable().defaultTo('system');
    t.text('visibility').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['ticket_id', 'seq']);
  });
  await knex.raw(`ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_visibility_check CHECK (visibility IN ('public','internal'))`);
  await knex.raw('CREATE INDEX ticket_events_type_at_idx ON ticket_events (type, at)');
  // The timeline is append-only: history is never rewritten.
  await knex.raw(`CREATE FUNCTION ticket_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'ticket_events is append-only'; END $$`);
  await knex.raw(`CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION ticket_events_immutable()`);

  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.text('idempotency_key').notNullable().unique();
    t.uuid('ticket_id').references('tickets.id').onDelete('CASCADE');
    t.integer('event_seq');
    t.uuid('recipient_id').references('users.id');
    t.text('recipient_email').notNullable();
    t.text('template').notNullable();
    t.text('language').notNullable();
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.text('smtp_response');
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('read_at', { useTz: true });
    t.index(['status', 'next_attempt_at']);
    t.index(['recipient_id', 'created_at']);
  });

  await knex.schema.createTable('kb_articles', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('translation_group').notNullable();
    t.text('language').notNullable();
    t.text('kind').notNullable();
    t.text('title').notNullable();
    t.text('body_md').notNullable();
    t.text('module_id').references('modules.id');
    t.specificType('versions', 'text[]').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('draft');
    t.integer('revision').notNullable().defaultTo(1);
    t.uuid('release_id').references('releases.id');
    t.uuid('created_by').references('users.id');
    t.timestamps(true, true);
    t.unique(['translation_group', 'language']);
  });
  await knex.schema.createTable('kb_article_revisions', (t) => {
    t.uuid('article_id').notNullable().references('kb_articles.id').onDelete('CASCADE');
    t.integer('revision').notNullable();
    t.text('title').notNullable();
    t.text('body_md').notNullable();
    t.uuid('edited_by').references('users.id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['article_id', 'revision']);
  });

  await knex.schema.createTable('auth_tokens', (t) => {
    t.text('token_hash').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('csrf_token');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['user_id']);
  });

  await knex.schema.createTable('settings', (t) => {
    t.text('key').primary();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'settings',
    'auth_tokens',
    'kb_article_revisions',
    'kb_articles',
    'notifications',
    'ticket_events',
    'tickets',
    'releases',
    'contracts',
    'user_business_lines',
    'users',
    'customer_modules',
    'business_lines',
    'customers',
    'modules',
    'plans',
    'calendars',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('DROP FUNCTION IF EXISTS ticket_events_immutable()');
  await knex.raw('DROP SEQUENCE IF EXISTS ticket_number_seq');
}
