/** Activities are built by a factory that receives their dependencies; workflows import only its type. */
import type { Db } from '../db/connection';
import type { Logger } from '../scripts/logger';
import { recordTicketEvents, type RecordTicketEventsArgs } from './projection';

export interface ActivityDeps {
  db: Db;
  log: Logger;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async recordTicketEvents(args: RecordTicketEventsArgs): Promise<{ inserted: number }> {
      return recordTicketEvents(deps.db, args);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
