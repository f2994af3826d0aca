import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './connection';
import type { Language } from '../domain/languages';
import type { Principal, Role } from '../domain/access';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  customer_id: string | null;
  levels: string[];
  language: Language;
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

/** Who signs in with an email, and the hash their password is checked against (null until an invitation is accepted). */
export interface UserCredentials {
  principal: Principal;
  passwordHash: string | null;
}

export async function findActiveUserByEmail(db: Db, email: string): Promise<UserCredentials | undefined> {
  const u = await db<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).whereNull('disabled_at').first();
  if (!u) return undefined;
  return { principal: await toPrincipal(db, u), passwordHash: u.password_hash };
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

/** A bearer token only as a bearer token and a session only as a cookie: a leaked cookie cannot skip CSRF checks. */
export async function principalForToken(db: Db, token: string, kind: 'api' | 'session'): Promise<{ principal: Principal; csrfToken: string | null } | undefined> {
  const row = await db('auth_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', sha256(token))
    .where('t.kind', kind)
    .whereNull('t.revoked_at')
    .where('t.expires_at', '>', db.fn.now())
    .whereNull('u.disabled_at')
    .first('u.*', 't.csrf_token');
  if (!row) return undefined;
  return { principal: await toPrincipal(db, row as UserRow), csrfToken: row.csrf_token };
}

export async function revokeToken(db: Db, token: string): Promise<boolean> {
  const n = await db('auth_tokens').where({ token_hash: sha256(token) }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
}

export async function revokeAllTokens(db: Db | Knex.Transaction, userId: string): Promise<number> {
  return db('auth_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A one-use invitation; a new one replaces any earlier unused one for the same user. */
export async function createInvitation(db: Db | Knex.Transaction, userId: string, invitedBy: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await db('user_invitations').where({ user_id: userId }).whereNull('used_at').delete();
  await db('user_invitations').insert({ token_hash: sha256(token), user_id: userId, invited_by: invitedBy, expires_at: expiresAt });
  return { token, expiresAt };
}

/** Sets the password of an invited, active user; false if the token is unknown, expired or used. */
export async function acceptInvitation(db: Db, token: string, passwordHash: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const [inv] = await trx('user_invitations')
      .where({ token_hash: sha256(token) })
      .whereNull('used_at')
      .where('expires_at', '>', trx.fn.now())
      .update({ used_at: trx.fn.now() })
      .returning('user_id');
    if (!inv) return false;
    const n = await trx('users').where({ id: inv.user_id }).whereNull('disabled_at').update({ password_hash: passwordHash, updated_at: trx.fn.now() });
    if (!n) throw Object.assign(new Error('disabled'), { rollback: true });
    return true;
  }).catch((err: { rollback?: boolean }) => {
    if (err.rollback) return false;
    throw err;
  });
}
