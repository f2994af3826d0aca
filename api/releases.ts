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
import { getArticle, type KbArticle } from '../db/kb';
import { isStaff, type Principal } from '../domain/access';
import { formatTicketNumber } from '../domain/tickets';
import { moveReleaseDateUpdate, publishReleaseUpdate, releaseStateQuery, releaseWorkflowId, type ReleaseView, type ReleaseWorkflowInput } from '../workflows/definitions';
import { principal } from './auth';
import { conflict, forbidden, notFound, unavailable } from './errors';
import { idempotentCreate } from './idempotency';
import { RELEASE_VERSION } from './ticket-actions';
import { calendarDay, freeText, parseInput } from './validation';

const day = calendarDay();
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

/** Managers and admins plan, move and publish releases; every staff member reads them. */
export const canManageReleases = (p: Principal): boolean => p.role === 'manager' || p.role === 'admin';

export interface ReleaseDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}
export type Release = ReturnType<typeof releaseFromRow>;

const withCounts = (db: Db) => db('releases as r').select('r.*', db.raw('(SELECT count(*) FROM tickets t WHERE t.release_id = r.id) AS linked_tickets'));

async function releaseRow(db: Db, v: string) {
  const row = await withCounts(db).where('r.version', v).first();
  if (!row) throw notFound('Release');
  return row;
}

function requireStaffReader(actor: Principal): void {
  if (!isStaff(actor)) throw forbidden('Only staff see releases');
}

export async function listReleases(db: Db, actor: Principal, q: z.infer<typeof listReleasesQuery>): Promise<{ items: Release[]; nextCursor: string | null }> {
  requireStaffReader(actor);
  const from = q.cursor ? Number(q.cursor) : 0;
  const rows = await withCounts(db)
    .modify((b) => (q.status ? b.where('r.status', q.status) : b))
    .orderBy([{ column: 'r.planned_date', order: 'desc' }, { column: 'r.version' }])
    .offset(from)
    .limit(q.limit + 1);
  return { items: rows.slice(0, q.limit).map(releaseFromRow), nextCursor: rows.length > q.limit ? String(from + q.limit) : null };
}

/** One release as staff see it, with its workflow's state while it still runs. */
export async function getRelease(deps: ReleaseDeps, actor: Principal, v: string): Promise<Release & { workflow: ReleaseView | null }> {
  requireStaffReader(actor);
  const row = await releaseRow(deps.db, v);
  let workflow: ReleaseView | null = null;
  try {
    workflow = await deps.temporal.workflow.getHandle(releaseWorkflowId(row.id)).query(releaseStateQuery);
  } catch {
    // a published release's workflow has completed; the row says all there is
  }
  return { ...releaseFromRow(row), workflow };
}

/** Plans a release and starts its workflow; 409 when the version exists. */
export async function planRelease(deps: ReleaseDeps, actor: Principal, body: z.infer<typeof newReleaseSchema>): Promise<Release> {
  if (!canManageReleases(actor)) throw forbidden('Only managers and admins plan releases');
  const created = await deps.db.transaction(async (trx) => {
    const [row] = await trx('releases')
      .insert({ version: body.version, planned_date: body.plannedDate, notes: body.notes ?? '', ...(body.product ? { product: body.product } : {}) })
      .onConflict('version')
      .ignore()
      .returning('*');
    if (!row) throw conflict('release-exists', `Release ${body.version} already exists`, { field: 'body.version' });
    const input: ReleaseWorkflowInput = { releaseId: row.id, version: row.version, plannedDate: body.plannedDate };
    // Started inside the transaction: if the start fails the row is rolled back, so no release lacks its workflow.
    await deps.temporal.workflow.start('releaseWorkflow', { taskQueue: deps.taskQueue, workflowId: releaseWorkflowId(row.id), args: [input] });
    return row;
  });
  return releaseFromRow({ ...created, linked_tickets: 0 });
}

const runUpdate = async (v: string, run: () => Promise<ReleaseView>) => {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw conflict('invalid-transition', err.cause.message);
    throw unavailable(`The workflow of release ${v} did not answer: ${(err as Error).message.split('\n')[0]}`);
  }
};

/** Moves the planned date; the release workflow tells every linked ticket. */
export async function moveRelease(deps: ReleaseDeps, actor: Principal, v: string, body: z.infer<typeof moveReleaseSchema>): Promise<Release & { workflow: ReleaseView }> {
  if (!canManageReleases(actor)) throw forbidden('Only managers and admins move releases');
  const release = await releaseRow(deps.db, v);
  if (release.status === 'published') throw conflict('invalid-transition', `release ${v} is already published; its date cannot move`);
  const view = await runUpdate(v, () =>
    deps.temporal.workflow.getHandle(releaseWorkflowId(release.id)).executeUpdate(moveReleaseDateUpdate, { args: [{ plannedDate: body.plannedDate, reason: body.reason, actor: { id: actor.id, role: actor.role } }] }),
  );
  return { ...releaseFromRow(await releaseRow(deps.db, v)), workflow: view };
}

/** Publishes the release; the linked tickets are told by the release workflow afterwards. */
export async function publishRelease(deps: ReleaseDeps, actor: Principal, v: string): Promise<Release & { workflow: ReleaseView }> {
  if (!canManageReleases(actor)) throw forbidden('Only managers and admins publish releases');
  const release = await releaseRow(deps.db, v);
  if (release.status === 'published') throw conflict('invalid-transition', `release ${v} is already published`);
  const view = await runUpdate(v, () => deps.temporal.workflow.getHandle(releaseWorkflowId(release.id)).executeUpdate(publishReleaseUpdate, { args: [{ actor: { id: actor.id, role: actor.role } }] }));
  return { ...releaseFromRow(await releaseRow(deps.db, v)), workflow: view };
}

/** The tickets whose fix is in this release (staff only; a release is vendor work across organisations). */
export async function releaseLinkedTickets(db: Db, actor: Principal, releaseId: string): Promise<Array<{ number: string; title: string; status: string; subStatus: string | null; customer: string }>> {
  requireStaffReader(actor);
  const rows = await db('tickets as t').join('customers as c', 'c.id', 't.customer_id').where('t.release_id', releaseId).orderBy('t.number').limit(500).select('t.number', 't.title', 't.status', 't.sub_status', 'c.name as customer');
  return rows.map((t: Record<string, any>) => ({ number: formatTicketNumber(Number(t.number)), title: t.title, status: t.status, subStatus: t.sub_status, customer: t.customer }));
}

/** The release-notes article publication created (SPEC §9), once the release workflow has written it. */
export async function releaseNotesArticle(db: Db, releaseId: string): Promise<KbArticle | undefined> {
  const row = await db('kb_articles').where({ release_id: releaseId, kind: 'release_note' }).orderByRaw("language = 'en' DESC").first('id');
  return row ? getArticle(db, { drafts: true }, row.id) : undefined;
}

export function createReleasesRouter(deps: ReleaseDeps): Router {
  const { db } = deps;
  const r = Router();

  r.get('/releases', async (req, res) => {
    const actor = principal(res);
    requireStaffReader(actor);
    res.json(await listReleases(db, actor, parseInput(listReleasesQuery, req.query, 'query')));
  });

  r.post('/releases', idempotentCreate(db), async (req, res) => {
    const actor = principal(res);
    if (!canManageReleases(actor)) throw forbidden('Only managers and admins plan releases');
    const created = await planRelease(deps, actor, parseInput(newReleaseSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/releases/${encodeURIComponent(created.version)}`).json(created);
  });

  r.get('/releases/:version', async (req, res) => {
    const actor = principal(res);
    requireStaffReader(actor);
    const { version: v } = parseInput(releaseParams, req.params, 'params');
    res.json(await getRelease(deps, actor, v));
  });

  r.post('/releases/:version/move', async (req, res) => {
    const actor = principal(res);
    if (!canManageReleases(actor)) throw forbidden('Only managers and admins move releases');
    const { version: v } = parseInput(releaseParams, req.params, 'params');
    res.json(await moveRelease(deps, actor, v, parseInput(moveReleaseSchema, req.body, 'body')));
  });

  r.post('/releases/:version/publish', async (req, res) => {
    const actor = principal(res);
    if (!canManageReleases(actor)) throw forbidden('Only managers and admins publish releases');
    const { version: v } = parseInput(releaseParams, req.params, 'params');
    parseInput(z.strictObject({}), req.body, 'body');
    // 202: published; the linked tickets are being told by the release workflow.
    res.status(202).json(await publishRelease(deps, actor, v));
  });

  return r;
}
