/**
 * Release pages (SPEC §6): staff see the releases and their linked fixes; managers and admins plan, move and
 * publish them. Every read and write goes through the same functions as /api/v1/releases, so a page refuses what
 * the API refuses (an agent's forged publish is a 403 here too).
 */
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { Principal } from '../../domain/access';
import { notFound } from '../errors';
import {
  canManageReleases,
  getRelease,
  listReleases,
  moveReleaseSchema,
  moveRelease,
  newReleaseSchema,
  planRelease,
  publishRelease,
  releaseLinkedTickets,
  releaseNotesArticle,
  releaseParams,
  listReleasesQuery,
} from '../releases';
import { forbidden } from '../errors';
import { formatInstant } from './i18n';
import type { PortalKit, Visitor } from './kit';
import { auditedForm, blankForm, doneNote, doneRedirect, formState, presentFields, problemErrors, zodErrors, type FormState } from './admin-forms';

const DONE = ['planned', 'moved', 'published'] as const;
/** The only place planning a release returns to: a desk ticket page (the defect whose fix waits for a release). */
const ticketToReturnTo = (v: unknown): string | null => (typeof v === 'string' && /^\/desk\/tickets\/T-\d{1,12}$/.test(v) ? v : null);
const statusFilter = z.object({ status: z.enum(['planned', 'published']).optional().or(z.literal('').transform(() => undefined)) });

export function mountReleasePages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, staffOnly, checkCsrf, formBody, zoneOf } = kit;
  const audited = auditedForm(kit);
  const releaseDeps = { db, temporal: deps.temporal, taskQueue: deps.taskQueue };

  const managerOnly = (req: Parameters<typeof staffOnly>[0], res: Response): Principal => {
    const p = staffOnly(req, res);
    if (!canManageReleases(p)) throw forbidden('Only managers and admins change releases');
    return p;
  };
  /** A version in the path that is not a version names no release: 404, like a missing one. */
  const versionOf = (raw: unknown): string => {
    const parsed = releaseParams.safeParse({ version: raw });
    if (!parsed.success) throw notFound('Release');
    return parsed.data.version;
  };

  const listPage = async (res: Response, p: Principal, status: 'planned' | 'published' | undefined, plan: FormState, code = 200, done: string | null = null, returnTo: string | null = null) => {
    const { items } = await listReleases(db, p, listReleasesQuery.parse({ limit: 200, ...(status ? { status } : {}) }));
    page(res, 'releases', 'rel.title', { releases: items, status: status ?? '', canManage: canManageReleases(p), plan, done, returnTo }, code);
  };

  r.get('/desk/releases', async (req, res) => {
    const p = staffOnly(req, res);
    const f = statusFilter.safeParse(req.query);
    await listPage(res, p, f.success ? f.data.status : undefined, blankForm(), 200, doneNote(req.query.done, DONE), ticketToReturnTo(req.query.returnTo));
  });

  r.post('/desk/releases', form, audited, async (req, res) => {
    const p = managerOnly(req, res);
    checkCsrf(req, res);
    const { returnTo: rawReturn, ...values } = formBody(req);
    const returnTo = ticketToReturnTo(rawReturn);
    const input = { ...presentFields(values, ['product', 'notes']), version: values.version ?? '', plannedDate: values.plannedDate ?? '' };
    const parsed = newReleaseSchema.safeParse(input);
    if (!parsed.success) return listPage(res, p, undefined, formState(values, zodErrors(parsed.error, input)), 400, null, returnTo);
    try {
      const created = await planRelease(releaseDeps, p, parsed.data);
      // Planned from a defect's page (no release to schedule its fix into): back to that ticket's form.
      if (returnTo) res.redirect(303, `${returnTo}?done=release-planned#form-schedule-fix`);
      else doneRedirect(res, `/desk/releases/${encodeURIComponent(created.version)}`, 'planned');
    } catch (err) {
      const f = problemErrors(err);
      await listPage(res, p, undefined, formState(values, f.errors, f.problem), f.status, null, returnTo);
    }
  });

  const releasePage = async (res: Response, p: Principal, v: Visitor, version: string, extra: { move?: FormState; problem?: string | null; done?: string | null }, code = 200) => {
    const release = await getRelease(releaseDeps, p, version);
    const zone = zoneOf(v);
    const article = release.status === 'published' ? await releaseNotesArticle(db, release.id) : undefined;
    page(
      res,
      'release',
      'rel.pageTitle',
      {
        release,
        publishedAt: formatInstant(release.publishedAt, v.lang, zone),
        tickets: await releaseLinkedTickets(db, p, release.id),
        notesArticle: article ? { id: article.id, title: article.title } : null,
        canManage: canManageReleases(p) && release.status === 'planned',
        move: extra.move ?? blankForm({ plannedDate: release.plannedDate }),
        problem: extra.problem ?? null,
        done: extra.done ?? null,
      },
      code,
    );
  };

  r.get('/desk/releases/:version', async (req, res) => {
    const p = staffOnly(req, res);
    await releasePage(res, p, visitorOf(res), versionOf(req.params.version), { done: doneNote(req.query.done, DONE) });
  });

  r.post('/desk/releases/:version/move', form, audited, async (req, res) => {
    const p = managerOnly(req, res);
    checkCsrf(req, res);
    const version = versionOf(req.params.version);
    const values = formBody(req);
    const input = { ...presentFields(values, ['reason']), plannedDate: values.plannedDate ?? '' };
    const parsed = moveReleaseSchema.safeParse(input);
    if (!parsed.success) return releasePage(res, p, visitorOf(res), version, { move: formState(values, zodErrors(parsed.error, input)) }, 400);
    try {
      await moveRelease(releaseDeps, p, version, parsed.data);
      doneRedirect(res, `/desk/releases/${encodeURIComponent(version)}`, 'moved');
    } catch (err) {
      const f = problemErrors(err);
      await releasePage(res, p, visitorOf(res), version, { move: formState(values, f.errors, f.problem) }, f.status);
    }
  });

  // Publishing cannot be undone: the button on the release page leads to this confirmation first.
  r.get('/desk/releases/:version/publish', async (req, res) => {
    const p = managerOnly(req, res);
    const release = await getRelease(releaseDeps, p, versionOf(req.params.version));
    page(res, 'release-publish', 'rel.publishTitle', { release });
  });

  r.post('/desk/releases/:version/publish', form, audited, async (req, res) => {
    const p = managerOnly(req, res);
    checkCsrf(req, res);
    const version = versionOf(req.params.version);
    try {
      await publishRelease(releaseDeps, p, version);
      doneRedirect(res, `/desk/releases/${encodeURIComponent(version)}`, 'published');
    } catch (err) {
      const f = problemErrors(err);
      await releasePage(res, p, visitorOf(res), version, { problem: f.problem ?? Object.values(f.errors)[0]?.detail ?? null }, f.status);
    }
  });
}
