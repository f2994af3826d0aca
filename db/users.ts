import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './connection';
import type { Principal, Role } from '../domain/access';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  customer_id: string | null;
  levels: string[];
  language: 'en' | 'sk';
  time_zone: string;
  password_hash: string | null;
  disabled_at: Date | null;
}

async function toPrincipal(db: Db, u: UserRow): Promise<Principal> {
  const lines =
    u.role === 'customer_key_user' ? await db('user_business_lines').where({ user_id: u.id }).pluck('business_line_id') : [];
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    customerId: u.customer_id,
    levels: u.levels ?? [],
    businessLineIds: lines as string[],
    language: u.language,
    timeZone: u.time_zone,
  };
}

export async function findActiveUserByEmail(db: Db, email: string): Promise<(UserRow & { principal: Principal }) | undefined> {
  const u = await db<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).whereNull('disabled_at').first();
  if (!u) return undefined;
  return { ...u, principal: await toPrincipal(db, u) };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Tokens are random; only their hash is stored, so a database leak does not leak sessions. */
export async function issueToken(db: Db, userId: string, kind: 'api' | 'session', ttlMs: number): Promise<{ token: string; expiresAt: Date; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db('auth_tokens').insert({ token_hash: sha256(token), user_id: userId, kind, csrf_token: csrfToken, expires_at: expiresAt });
  return { token, expiresAt, csrfToken };
}

export async function principalForToken(db: Db, token: string): Promise<{ principal: Principal; csrfToken: string | null; kind: string } | undefined> {
  const row = await db('auth_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', sha256(token))
    .whereNull('t.revoked_at')
    .where('t.expires_at', '>', db.fn.now())
    .whereNull('u.disabled_at')
    .first('u.*', 't.csrf_token', 't.kind');
  if (!row) return undefined;
  return { principal: await toPrincipal(db, row as UserRow), csrfToken: row.csrf_token, kind: row.kind };
}

export async function revokeToken(db: Db, token: string): Promise<boolean> {
  const n = await db('auth_tokens').where({ token_hash: sha256(token) }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
}
