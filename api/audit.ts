/**
 * The actor of every successful write is recorded. Ticket actions are in their timeline (`ticket_events`); every
 * other change (users, customers, plans, contracts, releases, preferences, sign-ins) lands in `audit_log`, with
 * secrets in the body replaced.
 */
import type { RequestHandler } from 'express';
import type { Db } from '../db/connection';
import type { Logger } from './ports';
import type { Principal } from '../domain/access';

const SECRET_FIELDS = /pass(word)?|token|secret|csrf/i;

function redact(v: unknown, depth = 0): unknown {
  if (depth > 4) return '…';
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redact(x, depth + 1));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, SECRET_FIELDS.test(k) ? '[redacted]' : redact(x, depth + 1)]));
  }
  return typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}…` : v;
}

export function auditWrites(db: Db, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    res.on('finish', () => {
      if (res.statusCode >= 400) return;
      const p = res.locals.principal as Principal | undefined;
      db('audit_log')
        .insert({
          actor_id: p?.id ?? null,
          actor_role: p?.role ?? null,
          method: req.method,
          path: req.originalUrl.split('?')[0].slice(0, 500),
          status: res.statusCode,
          body: JSON.stringify(redact(req.body ?? {})),
        })
        .catch((err: Error) => log.error({ err, path: req.originalUrl }, 'audit log write failed'));
    });
    next();
  };
}
