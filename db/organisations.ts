/**
 * Customers (organisations), their business lines and licensed modules, and users. Every query that can return an
 * organisation's data takes the caller's scope, so a handler cannot forget it.
 */
import type { Knex } from 'knex';
import type { Db } from './connection';
import type { Language } from '../domain/languages';
import type { OrganisationScope, Role } from '../domain/access';

export interface Customer {
  id: string;
  name: string;
  slug: string;
  planId: string;
  language: Language;
  timeZone: string;
  /** mail domains its people write from (SPEC §3.1) */
  emailDomains: string[];
  /** the staff member who receives the monthly service report beside the customer admins */
  accountManagerId: string | null;
  createdAt: string;
}

export interface CustomerDetail extends Customer {
  businessLines: Array<{ id: string; name: string }>;
  modules: Array<{ id: string; name: string; product: string; licensedFrom: string | null; licensedTo: string | null }>;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  customerId: string | null;
  levels: string[];
  leadLevels: string[];
  businessLineIds: string[];
  language: Language;
  timeZone: string;
  phone: string | null;
  disabled: boolean;
  /** false until an invited user has set a password */
  active: boolean;
  /** mail to this address bounced: nothing more is sent to it until the address changes or staff clear it */
  emailBouncing: { since: string; reason: string | null } | null;
  createdAt: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const isoDay = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function customerFromRow(r: Record<string, any>): Customer {
  return { id: r.id, name: r.name, slug: r.slug, planId: r.plan_id, language: r.language, timeZone: r.time_zone, emailDomains: r.email_domains ?? [], accountManagerId: r.account_manager_id ?? null, createdAt: iso(r.created_at) };
}

function scoped<T extends Knex.QueryBuilder>(q: T, scope: OrganisationScope, column: string): T {
  return (scope.kind === 'all' ? q : q.where(column, scope.customerId)) as T;
}

/** Keyset cursors: the sort key and id of the last row of the previous page. */
const encodeCursor = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && v[0].length <= 300 && !v[0].includes('\u0000') && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v[1])
      ? [v[0], v[1]]
      : null;
  } catch {
    return null;
  }
}
export const isValidListCursor = (cursor: string): boolean => decodeCursor(cursor) !== null;

export interface Page {
  limit: number;
  cursor?: string;
}

export async function listCustomers(db: Db, scope: OrganisationScope, page: Page): Promise<{ items: Customer[]; nextCursor: string | null }> {
  const q = scoped(db('customers'), scope, 'id').orderBy([{ column: 'slug' }, { column: 'id' }]).limit(page.limit + 1);
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  if (after) q.whereRaw('(slug, id) > (?, ?)', after);
  const rows = await q;
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit).map(customerFromRow);
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor(last.slug, last.id) : null };
}

export async function getCustomerDetail(db: Db | Knex.Transaction, scope: OrganisationScope, id: string): Promise<CustomerDetail | undefined> {
  const row = await scoped(db('customers').where({ id }), scope, 'id').first();
  if (!row) return undefined;
  const [lines, modules] = await Promise.all([
    db('business_lines').where({ customer_id: id }).orderBy('name').select('id', 'name'),
    db('customer_modules as cm')
      .join('modules as m', 'm.id', 'cm.module_id')
      .where('cm.customer_id', id)
      .orderBy('m.id')
      .select('m.id', 'm.name', 'm.product', 'cm.licensed_from', 'cm.licensed_to'),
  ]);
  return {
    ...customerFromRow(row),
    businessLines: lines,
    modules: modules.map((m: Record<string, any>) => ({ id: m.id, name: m.name, product: m.product, licensedFrom: isoDay(m.licensed_from), licensedTo: isoDay(m.licensed_to) })),
  };
}

function userFromRow(r: Record<string, any>, businessLineIds: string[]): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    customerId: r.customer_id,
    levels: r.levels ?? [],
    leadLevels: r.lead_levels ?? [],
    businessLineIds,
    language: r.language,
    timeZone: r.time_zone,
    phone: r.phone,
    disabled: r.disabled_at !== null,
    active: r.password_hash !== null,
    emailBouncing: r.email_bouncing_at ? { since: iso(r.email_bouncing_at), reason: r.email_bounce_reason ?? null } : null,
    createdAt: iso(r.created_at),
  };
}

async function withLines(db: Db | Knex.Transaction, rows: Array<Record<string, any>>): Promise<User[]> {
  const ids = rows.map((r) => r.id as string);
  const links = ids.length ? await db('user_business_lines').whereIn('user_id', ids).orderBy('business_line_id') : [];
  return rows.map((r) =>
    userFromRow(
      r,
      links.filter((l: Record<string, string>) => l.user_id === r.id).map((l: Record<string, string>) => l.business_line_id),
    ),
  );
}

export interface UserFilters {
  customerId?: string;
  role?: Role;
  includeDisabled?: boolean;
}

export async function listUsers(db: Db, scope: OrganisationScope, filters: UserFilters, page: Page): Promise<{ items: User[]; nextCursor: string | null }> {
  const q = scoped(db('users'), scope, 'customer_id')
    .modify((b) => {
      if (filters.customerId) b.where('customer_id', filters.customerId);
      if (filters.role) b.where('role', filters.role);
      if (!filters.includeDisabled) b.whereNull('disabled_at');
    })
    .orderByRaw('lower(email), id')
    .limit(page.limit + 1);
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  if (after) q.whereRaw('(lower(email), id) > (?, ?)', after);
  const rows = await q;
  const more = rows.length > page.limit;
  const items = await withLines(db, rows.slice(0, page.limit));
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor(last.email.toLowerCase(), last.id) : null };
}

export async function getUser(db: Db | Knex.Transaction, scope: OrganisationScope, id: string): Promise<User | undefined> {
  const row = await scoped(db('users').where({ id }), scope, 'customer_id').first();
  return row ? (await withLines(db, [row]))[0] : undefined;
}
