/**
 * Releases (SPEC §6): managers and admins plan, move and publish them; agents read them to schedule fixes. Each
 * release is a workflow that tells every linked ticket when its date moves or it is published (the fan-out runs
 * in the workflow, never in this HTTP request).
 */
import { Router } from 'express';
import { z } from 'zod';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/connection';
import { isStaff, type Principal } from '../domain/access';
import { moveReleaseDateUpdate, publishReleaseUpdate, releaseStateQuery, releaseWorkflowId, type ReleaseView, type ReleaseWorkflowInput } from '../workflows/definitions';
import { principal } from './auth';
import { conflict, forbidden, notFound, unavailable } from './errors';
import { idempotentCreate } from './idempotency';
import { RELEASE_VERSION } from './ticket-actions';
import { calendarDay, freeText, parseInput } from './validation';

const day = calendarDay;
const version = z.string().regex(RELEASE_VERSION, 'must be a release version such as 4.2.0');

export const newReleaseSchema = z.strictObject({ version, plannedDate: day, product: freeText(100).optional(), notes: z.string().max(20_000).optional() });
export const moveReleaseSchema = z.strictObject({ plannedDate: day, reason: freeText(2000).optional() });
export const releaseParams = z.strictObject({ version });
export const listReleasesQuery = z.strictObject({
  status: z.enum(['planned', 'published']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,6}$/, 'is not a cursor returned by this API').optional(),
});

const isoDay = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function releaseFromRow(r: Record<string, any>) {
  return {
    id: r.id as string,
    version: r.version as string,
    product: r.product as string,
    plannedDate: isoDay(r.planned_date),
    status: r.status as 'planned' | 'published',
    notes: r.notes as string,
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
    linkedTickets: Number(r.linked_tickets ?? 0),
  };
}

const canManage = (p: Principal) => p.role === 'manager' || p.role === 'admin';

export function createReleasesRouter(deps: { db: Db; temporal: Client; taskQueue: string }): Router {
  const { db, temporal } = deps;
  const r = Router();

  const withCounts = () =>
    db('releases as r').select('r.*', db.raw('(SELECT count(*) FROM tickets t WHERE t.release_id = r.id) AS linked_tickets'));

  const findRelease = async (v: string) => {
    const row = await withCounts().where('r.version', v).first();
    if (!row) throw notFound('Release');
    return row;
  };

  const runUpdate = async (v: string, run: () => Promise<ReleaseView>) => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw conflict('invalid-transition', err.cause.message);
      throw unavailable(`The workflow of release ${v} did not answer: ${(err as Error).message.split('\n')[0]}`);
    }
  };

  r.get('/releases', async (req, res) => {
    if (!isStaff(principal(res))) throw forbidden('Only staff see releases');
    const q = parseInput(listReleasesQuery, req.query, 'query');
    const from = q.cursor ? Number(q.cursor) : 0;
    const rows = await withCounts()
      .modify((b) => (q.status ? b.where('r.status', q.status) : b))
      .orderBy([{ column: 'r.planned_date', order: 'desc' }, { column: 'r.version' }])
      .offset(from)
      .limit(q.limit + 1);
    res.json({ items: rows.slice(0, q.limit).map(releaseFromRow), nextCursor: rows.length > q.limit ? String(from + q.limit) : null });
  });

  r.post('/releases', idempotentCreate(db), async (req, res) => {
    const actor = principal(res);
    if (!canManage(actor)) throw forbidden('Only managers and admins plan releases');
    const body = parseInput(newReleaseSchema, req.body, 'body');
    const created = await db.transaction(async (trx) => {
      const [row] = await trx('releases')
        .insert({ version: body.version, planned_date: body.plannedDate, notes: body.notes ?? '', ...(body.product ? { product: body.product } : {}) })
        .onConflict('version')
        .ignore()
        .returning('*');
      if (!row) throw conflict('release-exists', `Release ${body.version} already exists`, { field: 'body.version' });
      const input: ReleaseWorkflowInput = { releaseId: row.id, version: row.version, plannedDate: body.plannedDate };
      // Started inside the transaction: if the start fails the row is rolled back, so no release lacks its workflow.
      await temporal.workflow.start('releaseWorkflow', { taskQueue: deps.taskQueue, workflowId: releaseWorkflowId(row.id), args: [input] });
      return row;
    });
    res.status(201).location(`/api/v1/releases/${encodeURIComponent(created.version)}`).json(releaseFromRow({ ...created, linked_tickets: 0 }));
  });

  r.get('/releases/:version', async (req, res) => {
    if (!isStaff(principal(res))) throw forbidden('Only staff see releases');
    const { version: v } = parseInput(releaseParams, req.params, 'params');
    const row = await findRelease(v);
    let workflow: ReleaseView | null = null;
    try {
      workflow = await temporal.workflow.getHandle(releaseWorkflowId(row.id)).query(releaseStateQuery);
    } catch {
      // a published release's workflow has completed; the row says all there is
    }
    res.json({ ...releaseFromRow(row), workflow });
  });

  r.post('/releases/:version/move', async (req, res) => {
    const actor = principal(res);
    if (!canManage(actor)) throw forbidden('Only managers and admins move releases');
    const { version: v } = parseInput(releaseParams, req.params, 'params');
    const body = parseInput(moveReleaseSchema, req.body, 'body');
    const release = await findRelease(v);
    if (release.status === 'published') throw conflict('invalid-transition', `release ${v} is already published; its date cannot move`);
    const view = await runUpdate(v, () =>
      temporal.workflow.getHandle(releaseWorkflowId(release.id)).executeUpdate(moveReleaseDateUpdate, { args: [{ plannedDate: body.plannedDate, reason: body.reason, actor: { id: actor.id, role: actor.role } }] }),
    );
    res.json({ ...releaseFromRow(await findRelease(v)), workflow: view });
  });

  r.post('/releases/:version/publish', async (req, res) => {
    const actor = principal(res);
    if (!canManage(actor)) throw forbidden('Only managers and admins publish releases');
    const { version: v } = parseInput(releaseParams, req.params, 'params');
    parseInput(z.strictObject({}), req.body, 'body');
    const release = await findRelease(v);
    if (release.status === 'published') throw conflict('invalid-transition', `release ${v} is already published`);
    const view = await runUpdate(v, () => temporal.workflow.getHandle(releaseWorkflowId(release.id)).executeUpdate(publishReleaseUpdate, { args: [{ actor: { id: actor.id, role: actor.role } }] }));
    // 202: published; the linked tickets are being told by the release workflow.
    res.status(202).json({ ...releaseFromRow(await findRelease(v)), workflow: view });
  });

  return r;
}
