/** Demo data of SPEC §12, loaded by `npm start` (the embedded default) only — never in production. */
import type { Db } from '../connection';
import { DEFAULT_LANGUAGE, type Language } from '../../domain/languages';
import { seedDemoTextModules } from './demo-text-modules';

export interface DemoLogin {
  email: string;
  role: string;
  organisation: string;
}

interface DemoUser {
  email: string;
  name: string;
  role: string;
  customer?: 'acme' | 'beta';
  levels?: string[];
  leadLevels?: string[];
  language?: Language;
  businessLines?: string[];
}

const STAFF: DemoUser[] = [
  { email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' },
  { email: 'manager@demo.test', name: 'Martin Manager', role: 'manager' },
  { email: 'l1@demo.test', name: 'Lucia Level-One', role: 'agent', levels: ['L1'], leadLevels: ['L1'] },
  { email: 'l2@demo.test', name: 'Lukas Level-Two', role: 'agent', levels: ['L2'], leadLevels: ['L2'] },
  { email: 'l3@demo.test', name: 'Lea Level-Three', role: 'agent', levels: ['L3'], leadLevels: ['L3'] },
];

const CUSTOMER_USERS: DemoUser[] = [
  { email: 'user@acme.test', name: 'Alice Acme', role: 'customer_user', customer: 'acme' },
  { email: 'keyuser@acme.test', name: 'Karl Key-User', role: 'customer_key_user', customer: 'acme', businessLines: ['Finance'] },
  { email: 'admin@acme.test', name: 'Anna Acme-Admin', role: 'customer_admin', customer: 'acme' },
  { email: 'user@beta.test', name: 'Boris Beta', role: 'customer_user', customer: 'beta', language: 'sk' },
  { email: 'admin@beta.test', name: 'Barbora Beta-Admin', role: 'customer_admin', customer: 'beta', language: 'sk' },
];

const CUSTOMERS = {
  acme: { name: 'Acme', slug: 'acme', plan_id: 'premium', language: 'en', businessLines: ['Finance', 'Logistics'], modules: ['finance', 'inventory'] },
  beta: { name: 'Beta', slug: 'beta', plan_id: 'basic', language: 'sk', businessLines: [] as string[], modules: ['finance'] },
};

/** Knowledge-base articles (SPEC §9): an English/Slovak pair and an FAQ; fixed groups keep the seed idempotent. */
const KB_ARTICLES = [
  {
    translation_group: '5b2f1a40-6c1e-4d0a-9a57-0d1f3e2c7a01',
    language: 'en',
    kind: 'doc',
    module_id: 'finance',
    title: 'Invoice (Faktúra) posting',
    body_md: 'An invoice (*faktúra*) is posted in **Finance → Invoices → Post**.\n\n1. Check the supplier and the due date.\n2. Choose the accounting period.\n3. Press **Post**; the journal entry is created at once.\n\nA posted invoice can only be reversed, never edited.\n',
  },
  {
    translation_group: '5b2f1a40-6c1e-4d0a-9a57-0d1f3e2c7a01',
    language: 'sk',
    kind: 'doc',
    module_id: 'finance',
    title: 'Zaúčtovanie faktúry',
    body_md: 'Faktúra sa zaúčtuje v **Financie → Faktúry → Zaúčtovať**.\n\n1. Skontrolujte dodávateľa a dátum splatnosti.\n2. Vyberte účtovné obdobie.\n3. Stlačte **Zaúčtovať**; účtovný zápis sa vytvorí hneď.\n\nZaúčtovanú faktúru možno len stornovať, nie upraviť.\n',
  },
  {
    translation_group: '5b2f1a40-6c1e-4d0a-9a57-0d1f3e2c7a02',
    language: 'en',
    kind: 'faq',
    module_id: null,
    title: 'How fast will you answer my ticket?',
    body_md: 'Your plan sets the targets: the **first response**, the **next update** after each of your messages, and the **resolution**. Each ticket page shows its clocks and deadlines.\n',
  },
];

/**
 * Idempotent: a second run finds everything in place and changes nothing. Every demo user gets `passwordHash`,
 * hashed by the caller (hashing is the API's business, not the data layer's).
 */
export async function seedDemoData(db: Db, passwordHash: string): Promise<DemoLogin[]> {
  return db.transaction(async (trx) => {
    const customerIds: Record<string, string> = {};
    const lineIds: Record<string, string> = {};
    for (const [key, c] of Object.entries(CUSTOMERS)) {
      await trx('customers').insert({ name: c.name, slug: c.slug, plan_id: c.plan_id, language: c.language }).onConflict('slug').ignore();
      const { id } = await trx('customers').where({ slug: c.slug }).first('id');
      customerIds[key] = id;
      for (const name of c.businessLines) {
        await trx('business_lines').insert({ customer_id: id, name }).onConflict(['customer_id', 'name']).ignore();
        lineIds[`${key}:${name}`] = (await trx('business_lines').where({ customer_id: id, name }).first('id')).id;
      }
      for (const m of c.modules) {
        await trx('customer_modules').insert({ customer_id: id, module_id: m }).onConflict(['customer_id', 'module_id']).ignore();
      }
    }
    const logins: DemoLogin[] = [];
    for (const u of [...STAFF, ...CUSTOMER_USERS]) {
      const existing = await trx('users').whereRaw('lower(email) = ?', [u.email]).first('id');
      let id = existing?.id as string | undefined;
      if (!id) {
        [{ id }] = await trx('users')
          .insert({
            email: u.email,
            name: u.name,
            role: u.role,
            customer_id: u.customer ? customerIds[u.customer] : null,
            levels: u.levels ?? [],
            lead_levels: u.leadLevels ?? [],
            language: u.language ?? DEFAULT_LANGUAGE,
            password_hash: passwordHash,
          })
          .returning('id');
      }
      for (const line of u.businessLines ?? []) {
        await trx('user_business_lines')
          .insert({ user_id: id, business_line_id: lineIds[`${u.customer}:${line}`] })
          .onConflict(['user_id', 'business_line_id'])
          .ignore();
      }
      logins.push({ email: u.email, role: u.role, organisation: u.customer ? CUSTOMERS[u.customer].name : 'vendor staff' });
    }
    const author = (await trx('users').where({ email: 'admin@demo.test' }).first('id')).id;
    for (const a of KB_ARTICLES) {
      await trx('kb_articles')
        .insert({ ...a, status: 'published', created_by: author })
        .onConflict(['translation_group', 'language'])
        .ignore();
    }
    await seedDemoTextModules(trx);
    return logins;
  });
}
