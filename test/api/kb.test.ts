/**
 * Knowledge base (SPEC §9) over HTTP against the real stack: diacritics-insensitive search in English and Slovak,
 * drafts hidden from customers everywhere, linked translations, revisions, sanitised HTML and release notes.
 */
import { randomBytes } from 'node:crypto';
import { createReleaseNotesArticle, kbListQuery } from '../../db/kb';
import { startTestApp, type TestApp } from '../support/app';

/** A word no other article has, so a search can be checked exactly. */
const marker = () => `kbt${randomBytes(5).toString('hex')}`;
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('knowledge base', () => {
  let app: TestApp;
  let agent: string;
  let manager: string;
  let admin: string;
  let customer: string;
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    agent = await app.login('l1@demo.test');
    manager = await app.login('manager@demo.test');
    admin = await app.login('admin@demo.test');
    customer = await app.login('user@acme.test');
  });
  afterAll(async () => {
    await app?.stop();
  });

  const write = async (token: string, body: Record<string, unknown>) => {
    const res = await app.request('POST', '/api/v1/kb/articles', { token, body: { language: 'en', kind: 'doc', status: 'published', ...body } });
    expect(res.status).toBe(201);
    return res.body as { id: string; translationGroup: string; revision: number };
  };
  const search = async (token: string, q: string, extra = '') => {
    const res = await app.request('GET', `/api/v1/kb/articles?q=${encodeURIComponent(q)}&limit=200${extra}`, { token });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: string; title: string }>).map((a) => a.id);
  };

  describe('search', () => {
    let faktura: string;
    let zauctovanie: string;
    let plain: string;
    let word: string;
    beforeAll(async () => {
      word = marker();
      faktura = (await write(agent, { title: `Faktúra posting ${word}`, bodyMd: 'How an invoice is posted in the ledger.' })).id;
      zauctovanie = (await write(agent, { language: 'sk', title: 'Zaúčtovanie dobropisu', bodyMd: `Dobropis sa zaúčtuje v module Financie. ${word}` })).id;
      plain = (await write(agent, { title: 'Skladova karta', bodyMd: `Written without diacritics: skladova karta ${word}` })).id;
    });

    it('ignores diacritics in the text: "faktura" finds "Faktúra", "zauctovanie" finds "Zaúčtovanie"', async () => {
      expect(await search(customer, 'faktura')).toContain(faktura);
      expect(await search(customer, 'zauctovanie')).toContain(zauctovanie);
      expect(await search(customer, 'ZAUCTOVANIE dobropisu')).toContain(zauctovanie);
    });

    it('ignores diacritics in the query: "skladová" finds "skladova"', async () => {
      expect(await search(customer, 'skladová kartá')).toContain(plain);
    });

    it('searches English words, and filters by language', async () => {
      expect(await search(customer, 'invoice ledger')).toContain(faktura);
      expect(await search(customer, 'invoice ledger', '&language=sk')).not.toContain(faktura);
      expect(await search(customer, word, '&language=sk')).toEqual([zauctovanie]);
      expect((await search(customer, `invoice -${word}`)).includes(faktura)).toBe(false);
    });

    it('ranks a match in the title above a match in the body', async () => {
      const term = marker();
      const inBody = (await write(agent, { title: 'Something else', bodyMd: `Mentions ${term} once, in passing.` })).id;
      const inTitle = (await write(agent, { title: `All about ${term}`, bodyMd: 'Details.' })).id;
      expect(await search(customer, term)).toEqual([inTitle, inBody]);
    });

    it('pages search results and the browse list by keyset, with no duplicates or gaps', async () => {
      const term = marker();
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await write(agent, { title: `Paged ${i}`, bodyMd: `${term} ${`${term} `.repeat(i)}` })).id);
      const walk = async (url: string) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await app.request('GET', `${url}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: customer });
          expect(res.status).toBe(200);
          seen.push(...res.body.items.map((a: { id: string }) => a.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        return seen;
      };
      const searched = await walk(`/api/v1/kb/articles?q=${term}`);
      expect([...searched].sort()).toEqual([...ids].sort());
      expect(searched[0]).toBe(ids[4]); // the most mentions ranks first
      const browsed = await walk('/api/v1/kb/articles?kind=doc');
      expect(new Set(browsed).size).toBe(browsed.length);
      const all = await app.request('GET', '/api/v1/kb/articles?kind=doc&limit=200', { token: customer });
      expect(browsed).toEqual(all.body.items.map((a: { id: string }) => a.id));
      // A search cursor does not page a browse.
      const first = await app.request('GET', `/api/v1/kb/articles?q=${term}&limit=1`, { token: customer });
      expect((await app.request('GET', `/api/v1/kb/articles?cursor=${first.body.nextCursor}`, { token: customer })).status).toBe(400);
    });

    it('survives hostile queries (4xx or results, never a 500)', async () => {
      for (const q of ["' OR 1=1 --", 'a & b | !c', 'x:* <-> (y', '"unbalanced', '\\', '!!!', '-', 'ﷺ‮ 𝕿𝖎𝖈𝖐𝖊𝖙 💥', '½ ² ß']) {
        const res = await app.request('GET', `/api/v1/kb/articles?q=${encodeURIComponent(q)}`, { token: customer });
        expect({ q, status: res.status }).toEqual({ q, status: 200 });
      }
      expect((await app.request('GET', `/api/v1/kb/articles?q=${'x'.repeat(201)}`, { token: customer })).status).toBe(400);
      expect((await app.request('GET', '/api/v1/kb/articles?q=a%00b', { token: customer })).status).toBe(400);
    });

    it('uses the full-text index', async () => {
      const sql = kbListQuery(app.db, { drafts: false }, { q: 'faktura' }, { limit: 10 }).toString();
      const plan = await app.db.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_seqscan = off');
        const { rows } = await trx.raw(`EXPLAIN ${sql}`);
        return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('kb_articles_search_idx');
    });
  });

  describe('drafts', () => {
    let word: string;
    let draft: string;
    let published: string;
    beforeAll(async () => {
      word = marker();
      published = (await write(agent, { title: `Published ${word}`, bodyMd: 'Out there.' })).id;
      draft = (await write(agent, { title: `Draft ${word}`, bodyMd: 'Not ready.', status: 'draft', translationOf: published, language: 'sk' })).id;
    });

    it('a customer never finds or reads a draft: not in the list, the search, by id, or as a translation', async () => {
      expect(await search(customer, word)).toEqual([published]);
      expect(await search(customer, word, '&status=draft')).toEqual([]);
      const list = await app.request('GET', '/api/v1/kb/articles?limit=200&language=sk', { token: customer });
      expect(list.body.items.map((a: { id: string }) => a.id)).not.toContain(draft);
      expect(list.body.items.every((a: { status: string }) => a.status === 'published')).toBe(true);
      const got = await app.request('GET', `/api/v1/kb/articles/${draft}`, { token: customer });
      const missing = await app.request('GET', `/api/v1/kb/articles/${MISSING}`, { token: customer });
      expect(got.status).toBe(404);
      expect({ ...got.body, instance: undefined }).toEqual({ ...missing.body, instance: undefined });
      const pub = await app.request('GET', `/api/v1/kb/articles/${published}`, { token: customer });
      expect(pub.body.translations).toEqual([]);
      expect((await app.request('GET', `/api/v1/kb/articles/${draft}?format=html`, { token: customer })).status).toBe(404);
    });

    it('staff see drafts in the list, the search and by id', async () => {
      expect((await search(agent, word)).sort()).toEqual([draft, published].sort());
      expect(await search(agent, word, '&status=draft')).toEqual([draft]);
      const got = await app.request('GET', `/api/v1/kb/articles/${draft}`, { token: agent });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: draft, status: 'draft', language: 'sk' });
      const pub = await app.request('GET', `/api/v1/kb/articles/${published}`, { token: agent });
      expect(pub.body.translations).toEqual([{ id: draft, language: 'sk', title: `Draft ${word}`, status: 'draft' }]);
    });

    it('publishing a draft shows it to customers', async () => {
      const w = marker();
      const { id } = await write(agent, { title: `Soon ${w}`, bodyMd: 'Soon.', status: 'draft' });
      expect(await search(customer, w)).toEqual([]);
      expect((await app.request('PUT', `/api/v1/kb/articles/${id}`, { token: manager, body: { status: 'published' } })).status).toBe(200);
      expect(await search(customer, w)).toEqual([id]);
      expect((await app.request('GET', `/api/v1/kb/articles/${id}`, { token: customer })).status).toBe(200);
    });

    it('customers cannot write, edit or read revisions', async () => {
      const body = { language: 'en', kind: 'faq', title: 'Mine', bodyMd: 'x' };
      expect((await app.request('POST', '/api/v1/kb/articles', { token: customer, body })).status).toBe(403);
      expect((await app.request('PUT', `/api/v1/kb/articles/${published}`, { token: customer, body: { title: 'Mine' } })).status).toBe(403);
      expect((await app.request('GET', `/api/v1/kb/articles/${published}/revisions`, { token: customer })).status).toBe(403);
      expect((await app.request('GET', '/api/v1/kb/articles', {})).status).toBe(401);
    });
  });

  describe('translations', () => {
    it('links translations in one group and refuses a second article in the same language', async () => {
      const en = await write(agent, { title: 'Invoice posting', bodyMd: 'Post it.', moduleId: 'finance', versions: ['4.2', '4.3'] });
      const sk = await write(agent, { language: 'sk', title: 'Zaúčtovanie faktúry', bodyMd: 'Zaúčtujte ju.', translationOf: en.id });
      expect(sk.translationGroup).toBe(en.translationGroup);
      // A translation covers what the original covers unless told otherwise.
      expect(sk).toMatchObject({ moduleId: 'finance', versions: ['4.2', '4.3'] });

      const got = await app.request('GET', `/api/v1/kb/articles/${en.id}`, { token: customer });
      expect(got.body.translations).toEqual([{ id: sk.id, language: 'sk', title: 'Zaúčtovanie faktúry', status: 'published' }]);
      const back = await app.request('GET', `/api/v1/kb/articles/${sk.id}`, { token: customer });
      expect(back.body.translations.map((t: { id: string }) => t.id)).toEqual([en.id]);

      for (const [language, of] of [['sk', en.id], ['en', sk.id]] as const) {
        const res = await app.request('POST', '/api/v1/kb/articles', { token: agent, body: { language, kind: 'doc', title: 'Again', bodyMd: 'x', translationOf: of } });
        expect(res.status).toBe(409);
        expect(res.body.type).toMatch(/translation-exists$/);
        expect(res.body.existingId).toBe(language === 'sk' ? sk.id : en.id);
      }
      expect(Number((await app.db('kb_articles').where({ translation_group: en.translationGroup }).count('* as n').first())!.n)).toBe(2);
    });

    it('refuses a translation of nothing, of another kind, or for an unknown module (400)', async () => {
      const faq = await write(agent, { kind: 'faq', title: 'Question?', bodyMd: 'Answer.' });
      const cases = [
        [{ translationOf: MISSING }, 'body.translationOf'],
        [{ translationOf: faq.id, kind: 'doc' }, 'body.kind'],
        [{ moduleId: 'no-such-module' }, 'body.moduleId'],
      ] as const;
      for (const [extra, field] of cases) {
        const res = await app.request('POST', '/api/v1/kb/articles', { token: agent, body: { language: 'sk', kind: 'faq', title: 'Otázka?', bodyMd: 'Odpoveď.', ...extra } });
        expect({ status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ status: 400, field });
      }
    });

    it('honours Idempotency-Key', async () => {
      const body = { language: 'en', kind: 'faq', title: `Once ${marker()}`, bodyMd: 'Only once.' };
      const headers = { 'idempotency-key': `kb-${marker()}` };
      const first = await app.request('POST', '/api/v1/kb/articles', { token: agent, body, headers });
      const again = await app.request('POST', '/api/v1/kb/articles', { token: agent, body, headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect(Number((await app.db('kb_articles').where({ title: body.title }).count('* as n').first())!.n)).toBe(1);
    });
  });

  describe('revisions', () => {
    it('keeps every revision with its author and time; an edit that changes nothing records nothing', async () => {
      const created = await write(agent, { title: 'First title', bodyMd: 'First body.' });
      expect(created.revision).toBe(1);
      const second = await app.request('PUT', `/api/v1/kb/articles/${created.id}`, { token: manager, body: { title: 'Second title', revision: 1 } });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ revision: 2, title: 'Second title', bodyMd: 'First body.' });
      const third = await app.request('PUT', `/api/v1/kb/articles/${created.id}`, { token: admin, body: { bodyMd: 'Third body.', versions: ['5.0', '5.0'] } });
      expect(third.body).toMatchObject({ revision: 3, title: 'Second title', bodyMd: 'Third body.', versions: ['5.0'] });
      const same = await app.request('PUT', `/api/v1/kb/articles/${created.id}`, { token: admin, body: { bodyMd: 'Third body.' } });
      expect(same.body.revision).toBe(3);

      const stale = await app.request('PUT', `/api/v1/kb/articles/${created.id}`, { token: agent, body: { title: 'Based on an old one', revision: 2 } });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ currentRevision: 3 });
      expect(stale.body.type).toMatch(/revision-conflict$/);

      const res = await app.request('GET', `/api/v1/kb/articles/${created.id}/revisions`, { token: agent });
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: Record<string, unknown>) => ({ revision: r.revision, title: r.title, bodyMd: r.bodyMd, editor: (r.editedBy as { name: string }).name, current: r.current }))).toEqual([
        { revision: 3, title: 'Second title', bodyMd: 'Third body.', editor: 'Ada Admin', current: true },
        { revision: 2, title: 'Second title', bodyMd: 'First body.', editor: 'Martin Manager', current: false },
        { revision: 1, title: 'First title', bodyMd: 'First body.', editor: 'Lucia Level-One', current: false },
      ]);
      const at = res.body.items.map((r: { at: string }) => Date.parse(r.at));
      expect(at[0]).toBeGreaterThanOrEqual(at[1]);
      expect(at[1]).toBeGreaterThanOrEqual(at[2]);
      expect(Number((await app.db('kb_article_revisions').where({ article_id: created.id }).count('* as n').first())!.n)).toBe(2);

      const page1 = await app.request('GET', `/api/v1/kb/articles/${created.id}/revisions?limit=2`, { token: agent });
      const page2 = await app.request('GET', `/api/v1/kb/articles/${created.id}/revisions?limit=2&cursor=${page1.body.nextCursor}`, { token: agent });
      expect([...page1.body.items, ...page2.body.items].map((r: { revision: number }) => r.revision)).toEqual([3, 2, 1]);
      expect(page2.body.nextCursor).toBeNull();
    });

    it('answers 404 for a missing article and 400 for an empty edit', async () => {
      expect((await app.request('PUT', `/api/v1/kb/articles/${MISSING}`, { token: agent, body: { title: 'x' } })).status).toBe(404);
      expect((await app.request('GET', `/api/v1/kb/articles/${MISSING}/revisions`, { token: agent })).status).toBe(404);
      const { id } = await write(agent, { title: 'Untouched', bodyMd: 'x' });
      expect((await app.request('PUT', `/api/v1/kb/articles/${id}`, { token: agent, body: { revision: 1 } })).status).toBe(400);
    });
  });

  describe('HTML', () => {
    it('renders Markdown to sanitised HTML: no script, event handler or javascript: URL ever comes out', async () => {
      const bodyMd = [
        '# Heading',
        '',
        'Some **bold** text and [a link](https://example.com/doc) and `code`.',
        '',
        '<script>alert(1)</script>',
        '',
        '<img src=x onerror=alert(1)> <svg onload=alert(1)></svg> <iframe src="https://evil.test"></iframe>',
        '',
        '[click](javascript:alert(1)) <a href="javascript:alert(1)">raw</a> <a href="jav&#x09;ascript:alert(1)">tab</a>',
        '',
        '![pic](javascript:alert(1)) <p onclick="alert(1)" style="background:url(javascript:alert(1))">para</p>',
        '',
        '| a | b |',
        '|--:|---|',
        '| 1 | 2 |',
      ].join('\n');
      const { id } = await write(agent, { title: 'HTML', bodyMd });
      const res = await app.request('GET', `/api/v1/kb/articles/${id}?format=html`, { token: customer });
      expect(res.status).toBe(200);
      const html: string = res.body.html;
      expect(res.body.bodyMd).toBe(bodyMd);
      expect(html).toContain('<h1>Heading</h1>');
      expect(html).toContain('<strong>bold</strong>');
      expect(html).toMatch(/<a href="https:\/\/example\.com\/doc" rel="nofollow noopener noreferrer">a link<\/a>/);
      expect(html).toContain('<td style="text-align:right">1</td>');
      expect(html).not.toMatch(/<script|<svg|<iframe|<style/i);
      expect(html).not.toMatch(/onerror|onload|onclick/i);
      expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/(href|src|style)\s*=\s*"[^"]*javascript:/i);
      expect(html).not.toMatch(/url\(/i);
      // Without format=html there is no html.
      expect((await app.request('GET', `/api/v1/kb/articles/${id}`, { token: customer })).body.html).toBeUndefined();
    });
  });

  describe('release notes', () => {
    it('creates one published English release_note article per version, however often it is asked', async () => {
      const version = `7.${randomBytes(2).readUInt16BE()}.0`;
      const [release] = await app.db('releases').insert({ version, planned_date: '2030-05-01' }).returning('id');
      const first = await createReleaseNotesArticle(app.db, { version, notes: '- Invoices post faster\n- Fixed the stock report', releasedOn: '2030-05-01' });
      const again = await createReleaseNotesArticle(app.db, { version, notes: 'different text', releasedOn: new Date('2030-05-02T10:00:00Z') });
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.article.id).toBe(first.article.id);
      expect(first.article).toMatchObject({ kind: 'release_note', language: 'en', status: 'published', versions: [version], releaseId: release.id, title: `Release notes ${version}` });
      expect(first.article.bodyMd).toContain('Invoices post faster');
      expect(Number((await app.db('kb_articles').where({ kind: 'release_note' }).whereRaw('? = ANY(versions)', [version]).count('* as n').first())!.n)).toBe(1);
      // Concurrent calls (a retried activity) still make one.
      const other = `8.${randomBytes(2).readUInt16BE()}.0`;
      const both = await Promise.all([1, 2, 3].map(() => createReleaseNotesArticle(app.db, { version: other, notes: 'n', releasedOn: '2030-06-01' })));
      expect(new Set(both.map((b) => b.article.id)).size).toBe(1);
      expect(both.filter((b) => b.created)).toHaveLength(1);

      const listed = await app.request('GET', `/api/v1/kb/articles?kind=release_note&q=${encodeURIComponent(version)}`, { token: customer });
      expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([first.article.id]);
    });
  });
});
