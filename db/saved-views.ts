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

/** The new view, or null when the owner already has a view of that name. */
export async function createSavedView<F>(db: Db, ownerId: string, name: string, filters: F): Promise<SavedView<F> | null> {
  const [row] = await db('saved_views').insert({ owner_id: ownerId, name, filters: JSON.stringify(filters) }).onConflict(['owner_id', 'name']).ignore().returning('*');
  return row ? fromRow<F>(row) : null;
}

/** Whether the owner had that view (another user's view is "not there"). */
export async function deleteSavedView(db: Db, ownerId: string, id: string): Promise<boolean> {
  return (await db('saved_views').where({ id, owner_id: ownerId }).delete()) > 0;
}
