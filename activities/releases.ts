/** Side effects of the release workflow: the releases row, overdue notices, and the fan-out to linked tickets. */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/connection';
import { createReleaseNotesArticle } from '../db/kb';
import { fixReleasedSignal, releaseDateMovedSignal, ticketWorkflowId } from '../workflows/definitions';
import type { ReleaseNews } from '../workflows/ticket-state';

export interface SignalReleaseTicketsArgs {
  releaseId: string;
  kind: 'fix-released' | 'release-date-moved';
  news: ReleaseNews;
  afterNumber: number;
  limit: number;
}

/**
 * Signals one page of the release's tickets (by ticket number) and returns where the next page starts and
 * whether this was the last page. A retried page signals again: each ticket ignores news it already has.
 */
export async function signalReleaseTickets(db: Db, args: SignalReleaseTicketsArgs): Promise<{ signalled: number; lastNumber: number | null; done: boolean }> {
  const rows: Array<{ number: number }> = await db('tickets').where({ release_id: args.releaseId }).where('number', '>', args.afterNumber).orderBy('number').limit(args.limit).select('number');
  if (rows.length === 0) return { signalled: 0, lastNumber: null, done: true };
  const ctx = Context.current();
  const signal = args.kind === 'fix-released' ? fixReleasedSignal : releaseDateMovedSignal;
  let signalled = 0;
  // A handful at a time: fast, without flooding the frontend.
  for (let i = 0; i < rows.length; i += 20) {
    await Promise.all(
      rows.slice(i, i + 20).map(async ({ number }) => {
        try {
          await ctx.client.workflow.getHandle(ticketWorkflowId(number)).signal(signal, args.news);
          signalled++;
        } catch (err) {
          // A ticket closed or cancelled meanwhile has no running workflow and nothing to be told.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }),
    );
    ctx.heartbeat(rows[Math.min(i + 19, rows.length - 1)].number);
  }
  // A short page is the last one: no empty round trip to find out.
  return { signalled, lastNumber: rows[rows.length - 1].number, done: rows.length < args.limit };
}

export async function recordReleaseChange(
  db: Db,
  args: { releaseId: string; plannedDate?: string; publishedAt?: string; actorId: string; reason: string | null },
): Promise<void> {
  await db('releases')
    .where({ id: args.releaseId })
    .update({
      ...(args.plannedDate ? { planned_date: args.plannedDate } : {}),
      ...(args.publishedAt ? { status: 'published', published_at: args.publishedAt } : {}),
      updated_at: db.fn.now(),
    });
  if (args.publishedAt) {
    // SPEC §9: publishing a release creates its release-notes article (once per version, however often retried).
    const release = await db('releases').where({ id: args.releaseId }).first('version', 'notes');
    if (release) await createReleaseNotesArticle(db, { version: release.version, notes: release.notes, releasedOn: args.publishedAt.slice(0, 10) });
  }
}

/** Managers hear that a release's planned date passed unpublished; once per (release, planned date, manager). */
export async function notifyReleaseOverdue(db: Db, args: { releaseId: string; version: string; plannedDate: string }): Promise<{ queued: number }> {
  return db.transaction(async (trx) => {
    const managers = await trx('users').where({ role: 'manager' }).whereNull('disabled_at').select('id', 'email', 'language');
    const open = Number((await trx('tickets').where({ release_id: args.releaseId }).whereNotIn('status', ['closed', 'cancelled', 'resolved']).count('* as n').first())?.n ?? 0);
    let queued = 0;
    for (const m of managers) {
      const inserted = await trx('notifications')
        .insert({
          idempotency_key: `release-overdue:${args.releaseId}:${args.plannedDate}:${m.id}`,
          recipient_id: m.id,
          recipient_email: m.email,
          template: 'release-overdue',
          language: m.language,
          payload: JSON.stringify({
            eventType: 'release.overdue',
            at: new Date().toISOString(),
            data: { releaseVersion: args.version, plannedDate: args.plannedDate, openTickets: open },
            links: { release: `/desk/releases/${encodeURIComponent(args.version)}` },
          }),
        })
        .onConflict('idempotency_key')
        .ignore()
        .returning('id');
      queued += inserted.length;
    }
    return { queued };
  });
}
