/** Text modules (canned replies, #14 point 3) as plain objects. */
import type { Db } from './connection';

export interface TextModule {
  id: string;
  keyword: string;
  name: string;
  bodyEn: string;
  bodySk: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export type TextModuleInput = Pick<TextModule, 'keyword' | 'name' | 'bodyEn' | 'bodySk' | 'active'>;

interface Row {
  id: string;
  keyword: string;
  name: string;
  body_en: string;
  body_sk: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

const toModule = (r: Row): TextModule => ({
  id: r.id,
  keyword: r.keyword,
  name: r.name,
  bodyEn: r.body_en,
  bodySk: r.body_sk,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const toRow = (m: Partial<TextModuleInput>): Partial<Row> => ({
  ...(m.keyword !== undefined && { keyword: m.keyword }),
  ...(m.name !== undefined && { name: m.name }),
  ...(m.bodyEn !== undefined && { body_en: m.bodyEn }),
  ...(m.bodySk !== undefined && { body_sk: m.bodySk }),
  ...(m.active !== undefined && { active: m.active }),
});

export async function listTextModules(db: Db, opts: { activeOnly?: boolean } = {}): Promise<TextModule[]> {
  const q = db('text_modules').orderBy('keyword');
  if (opts.activeOnly) q.where({ active: true });
  return ((await q.select('*')) as Row[]).map(toModule);
}

export async function findTextModule(db: Db, id: string): Promise<TextModule | undefined> {
  const row = (await db('text_modules').where({ id }).first()) as Row | undefined;
  return row ? toModule(row) : undefined;
}

/** Creates a module; undefined when the keyword is taken. */
export async function createTextModule(db: Db, m: TextModuleInput): Promise<TextModule | undefined> {
  const rows = (await db('text_modules').insert(toRow(m)).onConflict('keyword').ignore().returning('*')) as Row[];
  return rows[0] ? toModule(rows[0]) : undefined;
}

/** Changes a module; 'missing' when there is none, 'keyword-taken' when another module has the keyword. */
export async function updateTextModule(db: Db, id: string, m: Partial<TextModuleInput>): Promise<TextModule | 'missing' | 'keyword-taken'> {
  if (m.keyword !== undefined && (await db('text_modules').where({ keyword: m.keyword }).whereNot({ id }).first('id'))) return 'keyword-taken';
  const rows = (await db('text_modules').where({ id }).update({ ...toRow(m), updated_at: db.fn.now() }).returning('*')) as Row[];
  return rows[0] ? toModule(rows[0]) : 'missing';
}

export async function deleteTextModule(db: Db, id: string): Promise<boolean> {
  return (await db('text_modules').where({ id }).del()) > 0;
}
