// What api/ needs from the outside world, passed in by the composition root (scripts/, test/support), never imported from it.
export type { Logger } from '../activities/ports';

/** One email as the mail catcher received it. */
export interface CaughtMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  receivedAt: string;
}

/** Newest-first view of caught mail, shown to admins (scripts/lib/mail-catcher.ts implements it). */
export interface Mailbox {
  list(): CaughtMail[];
}
