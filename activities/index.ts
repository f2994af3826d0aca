/** Activities are built by a factory that receives their dependencies; workflows import only its type. */
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/connection';
import type { Logger } from './ports';
import {
  deliverInboundMail,
  finishInboundMail,
  identifyMailSender,
  keepUnassignedMail,
  readInboundMail,
  recordMailBounce,
  threadInboundMail,
  type MailDeps,
} from './mail/inbound';
import { projectTicketEvents, type RecordTicketEventsArgs } from './projection';
import { emailServiceReport, generateServiceReport, type GenerateServiceReportArgs } from './reports/service-report';
import { notifyReleaseOverdue, recordReleaseChange, signalReleaseTickets, type SignalReleaseTicketsArgs } from './releases';

export interface ActivityDeps {
  db: Db;
  log: Logger;
  /** The inbound mail pipeline (a Temporal client to act on tickets, the support address, limits). */
  mail?: Omit<MailDeps, 'db' | 'log'>;
}

export function createActivities(deps: ActivityDeps) {
  const mail = (): MailDeps => {
    if (!deps.mail) throw ApplicationFailure.retryable('this worker has no inbound mail settings', 'MailNotConfigured');
    return { ...deps.mail, db: deps.db, log: deps.log };
  };
  return {
    async recordTicketEvents(args: RecordTicketEventsArgs): Promise<{ inserted: number }> {
      return projectTicketEvents(deps, args);
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
    generateServiceReport: (args: GenerateServiceReportArgs) => generateServiceReport(deps, args),
    emailServiceReport: (args: { reportId: string }) => emailServiceReport(deps, args),
    readInboundMail: (args: Parameters<typeof readInboundMail>[1]) => readInboundMail(mail(), args),
    identifyMailSender: (args: Parameters<typeof identifyMailSender>[1]) => identifyMailSender(mail(), args),
    threadInboundMail: (args: Parameters<typeof threadInboundMail>[1]) => threadInboundMail(mail(), args),
    deliverInboundMail: (args: Parameters<typeof deliverInboundMail>[1]) => deliverInboundMail(mail(), args),
    recordMailBounce: (args: Parameters<typeof recordMailBounce>[1]) => recordMailBounce(mail(), args),
    keepUnassignedMail: (args: Parameters<typeof keepUnassignedMail>[1]) => keepUnassignedMail(mail(), args),
    finishInboundMail: (args: Parameters<typeof finishInboundMail>[1]) => finishInboundMail(mail(), args),
  };
}

export type Activities = ReturnType<typeof createActivities>;
