import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDb, migrateLatest, type Db } from '../../db/connection';
import { seedReferenceData } from '../../db/seeds/reference';
import { requireEnv, TEST_ENV } from './env';

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database with reference data, private to one test file, on the shared test PostgreSQL. */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = requireEnv(TEST_ENV.pgUrl);
  const name = `tf_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const db = createDb(url, 10);
  await migrateLatest(db);
  // Test files share one Temporal server; distinct number ranges keep workflow ids (ticket-<n>) from colliding.
  await db.raw(`ALTER SEQUENCE ticket_number_seq RESTART WITH ${1_000_000 + randomBytes(4).readUInt32BE() % 1_000_000_000}`);
  await seedReferenceData(db);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      const a = new Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
