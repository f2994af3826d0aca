import type { Knex } from 'knex';

/**
 * The email channel and attachments (SPEC §3, §3.1):
 * - `attachments` — a file on a ticket; it is visible exactly where the event that carries it is (`event_seq`,
 *   `visibility` are set when that event is recorded; until then only its uploader may use it). The bytes live in
 *   `attachment_blobs` (embedded default) or in object storage (`storage = 's3'`, `storage_key`).
 * - `inbound_messages` — every received mail, raw, stored before anything else happens; unique by Message-ID (or a
 *   hash of the raw message when it has none), so a redelivery is recognised. `status`: received → processed |
 *   ignored | bounce | unassigned (staff decide) → assigned | dismissed; failed when the mail cannot be read.
 * - `mail_threads` — every Message-ID ticketflow sent or received for a ticket, for In-Reply-To/References threading.
 * - `auto_replies` — automatic answers per address and day (a cap against mail loops).
 * - customers' registered `email_domains`; users whose address bounces.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachments', (t) => {
    t.uuid('id').primary();
    t.uuid('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.integer('event_seq');
    t.text('visibility');
    t.uuid('uploaded_by');
    t.text('source').notNullable();
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.bigInteger('size').notNullable();
    t.text('sha256').notNullable();
    t.text('storage').notNullable();
    t.text('storage_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ticket_id', 'event_seq']);
  });
  await knex.raw(`ALTER TABLE attachments ADD CONSTRAINT attachments_visibility_check CHECK (visibility IS NULL OR visibility IN ('public','internal'))`);
  await knex.raw(`ALTER TABLE attachments ADD CONSTRAINT attachments_storage_check CHECK (storage IN ('pg','s3'))`);
  await knex.raw(`ALTER TABLE attachments ADD CONSTRAINT attachments_source_check CHECK (source IN ('portal','api','email'))`);
  await knex.schema.createTable('attachment_blobs', (t) => {
    t.uuid('attachment_id').primary().references('attachments.id').onDelete('CASCADE');
    t.binary('content').notNullable();
  });

  await knex.schema.createTable('inbound_messages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('dedupe_key').notNullable().unique();
    t.text('message_id');
    t.text('received_via').notNullable();
    t.text('envelope_from');
    t.specificType('envelope_to', 'text[]').notNullable().defaultTo('{}');
    t.binary('raw').notNullable();
    t.integer('size').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('status').notNullable().defaultTo('received');
    t.text('outcome');
    t.text('reason');
    t.text('sender_email');
    t.text('subject');
    t.uuid('ticket_id').references('tickets.id').onDelete('SET NULL');
    t.uuid('assigned_by');
    // when a staff member claimed it to open a ticket; a claim older than the lease may be taken over
    t.timestamp('assigning_since', { useTz: true });
    t.timestamp('processed_at', { useTz: true });
    // Set once its workflow is known to be started; the recovery sweep starts the rows a crash left without one.
    t.timestamp('workflow_started_at', { useTz: true });
    t.index(['status', 'received_at']);
  });

  await knex.schema.createTable('mail_threads', (t) => {
    t.text('message_id').primary();
    t.uuid('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.text('direction').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ticket_id', 'at']);
  });

  await knex.schema.createTable('auto_replies', (t) => {
    t.text('address').notNullable();
    t.date('day').notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['address', 'day']);
  });

  await knex.schema.alterTable('customers', (t) => {
    t.specificType('email_domains', 'text[]').notNullable().defaultTo('{}');
  });
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('email_bouncing_at', { useTz: true });
    t.text('email_bounce_reason');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('email_bouncing_at');
    t.dropColumn('email_bounce_reason');
  });
  await knex.schema.alterTable('customers', (t) => t.dropColumn('email_domains'));
  for (const table of ['auto_replies', 'mail_threads', 'inbound_messages', 'attachment_blobs', 'attachments']) await knex.schema.dropTableIfExists(table);
}
