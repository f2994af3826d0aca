/**
 * Text typed into a portal form whose session had expired (#14 4f): kept for the session's owner only, handed back
 * once to the page the form is on after they sign in again, gone after an hour.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './connection';

export const FORM_DRAFT_TTL_MS = 60 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The user of a session that has expired (not one signed out or of a disabled user), with its CSRF token: a form
 * posted with it after it expired may be kept for that user.
 */
export async function expiredSessionOwner(db: Db, token: string): Promise<{ userId: string; csrfToken: string | null } | undefined> {
  const row = await db('auth_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', sha256(token))
    .where('t.kind', 'session')
    .whereNull('t.revoked_at')
    .where('t.expires_at', '<=', db.fn.now())
    .whereNull('u.disabled_at')
    .first('t.user_id', 't.csrf_token');
  return row ? { userId: row.user_id as string, csrfToken: (row.csrf_token as string | null) ?? null } : undefined;
}

/** Keeps what was typed; the returned token (for a cookie) finds it again. */
export async function keepFormDraft(db: Db, userId: string, formPath: string, fields: Record<string, string>, now = new Date()): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await db('form_drafts').where('expires_at', '<=', now).del();
  await db('form_drafts').insert({ token_hash: sha256(token), user_id: userId, form_path: formPath, fields: JSON.stringify(fields), expires_at: new Date(now.getTime() + FORM_DRAFT_TTL_MS) });
  return token;
}

/**
 * The draft behind `token` if it is this user's, still fresh, and from a form whose path `formPath` accepts; taken
 * (deleted) when handed out. Someone else's draft is neither shown nor removed.
 */
export async function takeFormDraft(db: Db, token: string, userId: string, formPath: (path: string) => boolean): Promise<{ formPath: string; fields: Record<string, string> } | undefined> {
  const row = await db('form_drafts').where({ token_hash: sha256(token), user_id: userId }).where('expires_at', '>', db.fn.now()).first('form_path', 'fields');
  if (!row || !formPath(row.form_path as string)) return undefined;
  const n = await db('form_drafts').where({ token_hash: sha256(token), user_id: userId }).del();
  return n > 0 ? { formPath: row.form_path as string, fields: row.fields as Record<string, string> } : undefined;
}
