/**
 * One workflow per received message (issue #13): read and classify it, then — a person's mail — identify the
 * sender, thread it and deliver it through the action registry; a delivery report is recorded on its ticket;
 * automatic mail is only recorded. Every step is an idempotent activity, so a worker killed anywhere never doubles
 * anything. An input no retry can fix (an unreadable message) fails its step at once and is recorded as `failed`;
 * other failures retry with backoff for a bounded time, then are recorded too: no message retries forever.
 */
import { ActivityFailure, ApplicationFailure, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { MailOutcome } from '../activities/mail/inbound';
import { isStaffRoleName } from '../domain/access';
import type { InboundMailInput } from './definitions';

type Activities = ReturnType<typeof createActivities>;

// The steps run as local activities: in the worker that runs the workflow task, with no activity task to dispatch and
// no extra workflow task per step — about half the server's work per message (bench/README.md, bench:mail). Longer
// outages back off with workflow timers (localRetryThreshold) instead of holding the workflow task open.
// About 25 minutes of retries (1 s doubling to 2 min): a database or Temporal outage is ridden out, a bug is not retried for ever.
const STEP = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 18 },
});
// The outcome must be written: it retries until the database is back.
const RECORD = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});


async function handle(id: string): Promise<MailOutcome> {
  const read = await STEP.readInboundMail({ inboundMessageId: id });
  if (read.kind === 'ignored') return { status: 'ignored', outcome: 'ignored', reason: read.reason, ticketId: null };
  if (read.kind === 'bounce') return STEP.recordMailBounce({ inboundMessageId: id });
  const sender = await STEP.identifyMailSender({ inboundMessageId: id });
  if (sender.kind === 'unknown') return STEP.keepUnassignedMail({ inboundMessageId: id, reason: sender.reason, answer: sender.answer });
  const known = { userId: sender.userId, role: sender.role, customerId: sender.customerId };
  const thread = await STEP.threadInboundMail({ inboundMessageId: id, sender: known });
  // Staff have no organisation to open a ticket for: their mail that continues nothing waits for a colleague.
  if (thread.kind !== 'continue' && isStaffRoleName(known.role)) return STEP.keepUnassignedMail({ inboundMessageId: id, reason: 'staff mail that names no ticket it can continue', answer: false });
  return STEP.deliverInboundMail({ inboundMessageId: id, sender: known, thread });
}

export async function inboundMailWorkflow(input: InboundMailInput): Promise<MailOutcome> {
  const id = input.inboundMessageId;
  let outcome: MailOutcome;
  try {
    outcome = await handle(id);
  } catch (err) {
    // A step that failed for good: an activity's failure, or (local activities) the step's own ApplicationFailure.
    if (!(err instanceof ActivityFailure) && !(err instanceof ApplicationFailure)) throw err;
    const cause = err instanceof ApplicationFailure ? err : err.cause instanceof ApplicationFailure ? err.cause : undefined;
    outcome = { status: 'failed', outcome: cause?.type ?? 'failed', reason: (cause ?? err).message.slice(0, 2000), ticketId: null };
  }
  await RECORD.finishInboundMail({ inboundMessageId: id, ...outcome });
  return outcome;
}
