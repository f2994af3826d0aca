import knexFactory, { type Knex } from 'knex';
import { types } from 'pg';
import { migrationSource } from './migrations';

// bigint columns (ticket numbers, counts) fit comfortably in a JS number for this product's scale.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));
// A calendar date stays the string it is (YYYY-MM-DD): a Date at local midnight shifts with the process's zone.
types.setTypeParser(types.builtins.DATE, (v) => v);

export type Db = Knex;

/**
 * While PostgreSQL cannot be reached, a query waits at most this long for a connection and then fails (the API
 * answers 503 with Retry-After, an activity retries), instead of hanging for knex's default minute.
 */
export const CONNECTION_WAIT_MS = 10_000;

export function createDb(url: string, poolMax = 10): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'ticketflow', connectionTimeoutMillis: CONNECTION_WAIT_MS },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: CONNECTION_WAIT_MS,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
