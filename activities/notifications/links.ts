/**
 * Signed links in e-mails (issue #6). The satisfaction survey link lets the requester of a closed ticket rate it
 * without signing in: the token names the ticket and the user, carries when it was issued, and is an HMAC-SHA256
 * over a versioned payload, so it cannot be forged, altered or reused for another ticket. One use is enforced by
 * the API (a ticket is rated once); the token itself expires after 60 days.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SATISFACTION_TOKEN_MAX_AGE_MS = 60 * 24 * 60 * 60 * 1000;
/** A token "from the future" beyond this is refused (clock skew between processes is allowed for). */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Version and purpose in one: a signature made for anything else with the same secret never verifies here. */
const VERSION = 'sat1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const SATISFACTION_TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,300}\.[A-Za-z0-9_-]{43}$/;

export interface SatisfactionClaim {
  ticketId: string;
  userId: string;
}

const mac = (secret: string, payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

/** `base64url(payload).base64url(hmac)`; `issuedAt` (ms) is for tests and defaults to now. */
export function signSatisfactionToken(secret: string, claim: SatisfactionClaim, issuedAt: number = Date.now()): string {
  const ticketId = claim.ticketId.toLowerCase();
  const userId = claim.userId.toLowerCase();
  if (!UUID.test(ticketId) || !UUID.test(userId)) throw new Error('signSatisfactionToken needs a ticket id and a user id (UUIDs)');
  const payload = `${VERSION}.${ticketId}.${userId}.${Math.floor(issuedAt / 1000)}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

/** The ticket and user a genuine, unexpired token names; `null` for anything else (never throws). */
export function verifySatisfactionToken(secret: string, token: string, now: number = Date.now()): SatisfactionClaim | null {
  if (typeof token !== 'string' || !SATISFACTION_TOKEN_SHAPE.test(token)) return null;
  const [encodedPayload, encodedMac] = token.split('.');
  const payload = Buffer.from(encodedPayload, 'base64url').toString('utf8');
  const sent = Buffer.from(encodedMac, 'base64url');
  const expected = mac(secret, payload);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return null;
  // Only the canonical encoding is accepted, so one payload has exactly one valid token.
  if (Buffer.from(payload).toString('base64url') !== encodedPayload || expected.toString('base64url') !== encodedMac) return null;
  const parts = payload.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !UUID.test(parts[1]) || !UUID.test(parts[2]) || !/^[0-9]{1,12}$/.test(parts[3])) return null;
  const issuedAt = Number(parts[3]) * 1000;
  if (issuedAt > now + MAX_CLOCK_SKEW_MS || now - issuedAt > SATISFACTION_TOKEN_MAX_AGE_MS) return null;
  return { ticketId: parts[1], userId: parts[2] };
}

/** The portal page that reads the token from the fragment (fragments never reach server logs or Referer headers). */
export function satisfactionUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/satisfaction#token=${encodeURIComponent(token)}`;
}
