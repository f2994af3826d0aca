/** Activities are built by a factory that receives their dependencies; workflows import only its type. */
import type { Db } from '../db/connection';
import type { Logger } from './ports';
import { recordTicketEvents, type RecordTicketEventsArgs } from './projection';
import { notifyReleaseOverdue, recordReleaseChange, signalReleaseTickets, type SignalReleaseTicketsArgs } from './releases';

export interface ActivityDeps {
  db: Db;
  log: Logger;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async recordTicketEvents(args: RecordTicketEventsArgs): Promise<{ inserted: number }> {
      return recordTicketEvents(deps.db, args);
    },
    async signalReleaseTickets(args: SignalReleaseTicketsArgs) {
      return signalReleaseTickets(deps.db, args);
    },
    async recordReleaseChange(args: Parameters<typeof recordReleaseChange>[1]) {
      return recordReleaseChange(deps.db, args);
    },
    async notifyReleaseOverdue(args: Parameters<typeof notifyReleaseOverdue>[1]) {
      return notifyReleaseOverdue(deps.db, args);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
