/**
 * express-rate-limit's counters in PostgreSQL, so every API process counts the same hits: with two replicas a user
 * still gets 300 writes a minute, not 600. A fixed window per key, advanced by one atomic upsert per counted request.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/connection';

/** Expired windows are swept now and then (about one counted request in this many), not on every hit. */
const SWEEP_EVERY = 500;

export class PostgresRateLimitStore implements Store {
  /** The counters are shared between processes: the library must not assume it sees every hit itself. */
  localKeys = false;
  private windowMs = 60_000;
  private sinceSweep = 0;

  constructor(
    private readonly db: Db,
    /** what this limiter counts (writes, failed sign-ins): limiters with the same prefix share their counts */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db('rate_limit_hits').where({ key: this.key(key) }).where('reset_at', '>', this.db.fn.now()).first('hits', 'reset_at');
    return row ? { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    if (++this.sinceSweep >= SWEEP_EVERY) {
      this.sinceSweep = 0;
      await this.db('rate_limit_hits').where('reset_at', '<', this.db.raw(`now() - interval '1 hour'`)).delete();
    }
    const { rows } = await this.db.raw(
      `INSERT INTO rate_limit_hits AS r (key, hits, reset_at) VALUES (?, 1, now() + ? * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= now() THEN excluded.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [this.key(key), this.windowMs],
    );
    return { totalHits: Number(rows[0].hits), resetTime: new Date(rows[0].reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.db('rate_limit_hits').where({ key: this.key(key) }).where('hits', '>', 0).decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db('rate_limit_hits').where({ key: this.key(key) }).delete();
  }
}
