/** `npm run migrate [-- --down]`: schema migrations plus reference data (plans, calendars). Never demo data. */
import { createDb, migrateLatest } from '../db/connection';
import { seedReferenceData } from '../db/seeds/reference';
import { loadConfigOrExit } from './config';

async function main(): Promise<void> {
  const cfg = loadConfigOrExit();
  const db = createDb(cfg.DATABASE_URL, 2);
  try {
    if (process.argv.includes('--down')) {
      const [, undone] = (await db.migrate.rollback(undefined, true)) as [number, string[]];
      console.log(`rolled back: ${undone.join(', ') || 'nothing'}`);
      return;
    }
    const applied = await migrateLatest(db);
    await seedReferenceData(db);
    console.log(`migrations applied: ${applied.join(', ') || 'none (up to date)'}; reference data in place`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: Error) => {
  console.error(`migrate: ${err.message}`);
  process.exit(1);
});
