import type { Knex } from 'knex';

/**
 * The projection carries what lists and pages used to rebuild from event names: a change request's sub-state and a
 * ticket's links to other tickets (duplicates). Existing change requests get their state from their latest
 * change event, once, here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.text('change_state').nullable();
    t.jsonb('links').nullable();
  });
  await knex.raw(`
    update tickets t set change_state = coalesce((
      select case e.type
        when 'change.assessed' then 'awaiting_approval'
        when 'change.approved' then 'approved'
        when 'change.rejected' then 'rejected'
        when 'change.scheduled' then 'scheduled'
        when 'change.implemented' then 'implemented'
      end
      from ticket_events e
      where e.ticket_id = t.id and e.type like 'change.%'
      order by e.seq desc limit 1), 'submitted')
    where t.type = 'change_request'`);
  await knex.raw(`create index tickets_problem_id_idx on tickets (problem_id) where problem_id is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_problem_id_idx');
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('links');
    t.dropColumn('change_state');
  });
}
