import type { Knex } from 'knex';

/**
 * A ticket is rated once, on closing or through the survey link, and `tickets.satisfaction_rating` holds that rating:
 * ratings given on closing before the projection wrote them there are copied from their `ticket.closed` event (the
 * first rated one), with the moment they were given.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE tickets t
       SET satisfaction_rating = r.rating, satisfaction_at = r.at
      FROM (
        SELECT DISTINCT ON (ticket_id) ticket_id, (data->>'rating')::smallint AS rating, at
          FROM ticket_events
         WHERE type = 'ticket.closed' AND jsonb_typeof(data->'rating') = 'number'
         ORDER BY ticket_id, seq
      ) r
     WHERE t.id = r.ticket_id AND t.satisfaction_rating IS NULL`);
}

/** Nothing to undo: the copied ratings stay true to the timeline. */
export async function down(): Promise<void> {}
