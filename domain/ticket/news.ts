/** What one ticket's workflow tells another's (delivered as signals once the cause is in the sender's timeline). */
/** What a problem tells its linked incidents (SPEC §7). */
export interface ProblemNews {
  kind: 'linked' | 'unlinked' | 'workaround' | 'resolved';
  problemId: string;
  problemNumber: number;
  /** the workaround, or the problem's resolution */
  text?: string;
}

/** What the release workflow tells each ticket whose fix it carries. */
export interface ReleaseNews {
  releaseId: string;
  version: string;
  /** fix-released: the publication day, YYYY-MM-DD */
  releasedOn?: string;
  /** release-date-moved */
  previousDate?: string;
  newDate?: string;
}

/**
 * What the mail intake tells a ticket when mail it sent came back undeliverable (a delivery report); recorded once
 * per report (`inboundMessageId`), as an internal event staff see on the ticket.
 */
export interface MailBounceNews {
  inboundMessageId: string;
  /** the address the report says could not be reached */
  address: string;
  /** the reporting server's Status and Diagnostic-Code */
  reason: string;
}

/**
 * News an action sends to another ticket: the sending action also defines how the receiving ticket takes it
 * (its `receive`, with its own schema for `payload`), so the news needs no second home.
 */
export interface TicketNews {
  action: string;
  payload: Record<string, unknown>;
}
