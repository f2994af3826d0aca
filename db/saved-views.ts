/** Saved views (issue #14): an agent's named list filters. Every query names the owner: a view is its owner's only. */
import type { Db } from './connection';

export interface SavedView<F = Record<string, unknown>> {
  id: string;
  ownerId: string;
  name: string;
  filters: F;
  createdAt: Date;
}

const fromRow = <F>(r: Record<string, any>): SavedView<F> => ({ id: r.id, ownerId: r.owner_id, name: r.name, filters: r.filters ?? {}, createdAt: r.created_at });

export async function listSavedViews<F>(db: Db, ownerId: string): Promise<Array<SavedView<F>>> {
  const rows: Array<Record<string, any>> = await db('saved_views').where({ owner_id: ownerId }).orderBy([{ column: 'name' }, { column: 'id' }]);
  return rows.map((r) => fromRow<F>(r));
}

/** How many views one person keeps: each is counted whenever the list of views is shown. */
export const MAX_SAVED_VIEWS = 30;

/** The new view; 'exists' when the owner already has a view of that name, 'full' when they have MAX_SAVED_VIEWS. */
export async function createSavedView<F>(db: Db, ownerId: string, name: string, filters: F): Promise<SavedView<F> | 'exists' | 'full'> {
  // One statement: the limit holds however many requests arrive at once.
  const { rows } = await db.raw(
    `INSERT INTO saved_views (owner_id, name, filters) SELECT ?, ?, ?::jsonb WHERE (SELECT count(*) FROM saved_views WHERE owner_id = ?) < ?
     ON CONFLICT (owner_id, name) DO NOTHING RETURNING *`,
    [ownerId, name, JSON.stringify(filters), ownerId, MAX_SAVED_VIEWS],
  );
  if (rows[0]) return fromRow<F>(rows[0]);
  return (await db('saved_views').where({ owner_id: ownerId, name }).first('id')) ? 'exists' : 'full';
}

/** Whether the owner had that view (another user's view is "not there"). */
export async function deleteSavedView(db: Db, ownerId: string, id: string): Promise<boolean> {
  return (await db('saved_views').where({ id, owner_id: ownerId }).delete()) > 0;
}
