/**
 * `Idempotency-Key` for POSTs that create something: the first request with a key runs and its answer is stored;
 * a repeat (same caller, key, method, path and body) gets the stored answer and creates nothing. The same key with a
 * different request is refused (422); a repeat while the first is still running gets 409. Failed requests
 * (4xx/5xx) are not stored, so the client may correct and retry with the same key. Keys live 24 hours; a first
 * request unfinished after two minutes counts as abandoned.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Db } from '../db/connection';
import { principal } from './auth';
import { ProblemError } from './errors';
import { idempotencyHeadersSchema, parseInput } from './validation';

export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** A first request still unfinished after this long is taken to have died with its process. */
export const ABANDONED_AFTER_SECONDS = 120;

/** Canonical JSON (sorted keys) so the same body hashes the same however the client ordered it. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function idempotentCreate(db: Db): RequestHandler {
  return async (req, res, next) => {
    try {
      const key = parseInput(idempotencyHeadersSchema, req.headers, 'headers')['idempotency-key'];
      if (!key) return next();
      const actor = principal(res);
      const requestHash = createHash('sha256').update(`${req.method} ${req.baseUrl}${req.path}\n${canonical(req.body ?? null)}`).digest('hex');
      // Expired keys go; so does a first request that never finished (its process died): a retry may run again.
      await db('idempotency_keys')
        .where({ actor_id: actor.id, key })
        .where((q) =>
          q
            .where('created_at', '<', db.raw(`now() - interval '${IDEMPOTENCY_KEY_TTL_HOURS} hours'`))
            .orWhere((q2) => q2.whereNull('status_code').where('created_at', '<', db.raw(`now() - interval '${ABANDONED_AFTER_SECONDS} seconds'`))),
        )
        .delete();
      const inserted: Array<{ key: string }> = await db('idempotency_keys')
        .insert({ actor_id: actor.id, key, request_hash: requestHash })
        .onConflict(['actor_id', 'key'])
        .ignore()
        .returning('key');
      if (inserted.length === 0) {
        const row = await db('idempotency_keys').where({ actor_id: actor.id, key }).first();
        if (!row) throw new ProblemError(409, 'idempotency-key-in-progress', 'Conflict', 'A request with this Idempotency-Key was just abandoned; retry');
        if (row.request_hash !== requestHash) {
          throw new ProblemError(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used for a different request; use a new key');
        }
        if (row.status_code === null) {
          throw new ProblemError(409, 'idempotency-key-in-progress', 'Conflict', 'A request with this Idempotency-Key is still being processed; retry shortly');
        }
        if (row.location) res.location(row.location);
        res.set('Idempotent-Replayed', 'true').status(row.status_code).json(row.response);
        return;
      }

      // Store the answer before it is sent, so a client that saw it can always replay it.
      const send = res.json.bind(res);
      res.json = (body: unknown) => {
        const status = res.statusCode;
        const done =
          status < 400
            ? db('idempotency_keys')
                .where({ actor_id: actor.id, key })
                .update({ status_code: status, response: JSON.stringify(body ?? null), location: res.get('location') ?? null })
            : db('idempotency_keys').where({ actor_id: actor.id, key }).delete();
        done.then(
          () => send(body),
          (err: unknown) => {
            // The resource exists: answer with it anyway. The key then expires as abandoned and a retry may repeat
            // the request, which is the lesser harm than hiding a success behind a 500.
            res.locals.idempotencyStoreFailed = err;
            send(body);
          },
        );
        return res;
      };
      // A handler that throws never reaches res.json: release the key so the client can retry.
      res.on('finish', () => {
        if (res.statusCode >= 400) void db('idempotency_keys').where({ actor_id: actor.id, key, status_code: null }).delete().catch(() => undefined);
      });
      next();
    } catch (err) {
      next(err);
    }
  };
}
