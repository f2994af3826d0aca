import type { Knex } from 'knex';

/**
 * The projection carries what lists and pages used to rebuild from event names: a change request's sub-state and a
 * ticket's links to other tickets (duplicates, a problem's incidents). Existing change requests get their state and
 * existing problems their incidents from their timelines, once, here.
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
  // A problem's linked incidents: those whose latest link event is a link.
  await knex.raw(`
    update tickets t set links = jsonb_build_object('incidents', coalesce((
      select jsonb_agg(jsonb_build_object('id', x.incident_id, 'number', x.incident_number) order by x.seq)
      from (
        select distinct on (e.data->>'incidentId') e.data->>'incidentId' as incident_id, (e.data->>'incidentNumber')::bigint as incident_number, e.type, e.seq
        from ticket_events e
        where e.ticket_id = t.id and e.type in ('problem.incident_linked', 'problem.incident_unlinked')
        order by e.data->>'incidentId', e.seq desc
      ) x
      where x.type = 'problem.incident_linked'), '[]'::jsonb))
    where t.type = 'problem' and exists (select 1 from ticket_events e where e.ticket_id = t.id and e.type = 'problem.incident_linked')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('links');
    t.dropColumn('change_state');
  });
}
