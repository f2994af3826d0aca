/**
 * The knowledge base and the new-ticket page in a real browser (playwright-core driving Debian's chromium): search
 * ignoring diacritics in both languages, translations, drafts hidden from customers (404 like a missing article),
 * staff writing and editing with revisions kept, Markdown rendered inert, and on the new-ticket form the KB
 * suggestions while typing and the live SLA preview, with and without JavaScript.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { suggestArticles } from '../../db/kb';
import { startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, type Language, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
/** Signed in and switched to `lang` (English unless told): the language is remembered per user across tests. */
const signIn = (email: string, lang: Language = 'en', options?: BrowserContextOptions) => ui.signIn(email, lang, options);
const shot: PortalBrowser['shot'] = (...args) => ui.shot(...args);
let staffToken: string;
/** The EN/SK pair every test finds, and a draft only staff may see. */
const pair = { en: '', sk: '' };
let draftId = '';
const EN_TITLE = 'Faktúra';
const SK_TITLE = 'Faktúra (tlač dokladu)';
const DRAFT_TITLE = 'Faktúra storno (internal draft)';

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'kb-');
  staffToken = await app.login('admin@demo.test');
  const en = await app.request('POST', '/api/v1/kb/articles', {
    token: staffToken,
    body: { language: 'en', kind: 'faq', title: EN_TITLE, bodyMd: 'To print an invoice (*faktúra*) again, open **Finance → Invoices** and press **Print**.\n', moduleId: 'finance', versions: ['4.2'], status: 'published' },
  });
  expect(en.status).toBe(201);
  const sk = await app.request('POST', '/api/v1/kb/articles', {
    token: staffToken,
    body: { language: 'sk', kind: 'faq', title: SK_TITLE, bodyMd: 'Faktúru znova vytlačíte v **Financie → Faktúry** tlačidlom **Tlačiť**.\n', translationOf: en.body.id, status: 'published' },
  });
  expect(sk.status).toBe(201);
  const draft = await app.request('POST', '/api/v1/kb/articles', {
    token: staffToken,
    body: { language: 'en', kind: 'doc', title: DRAFT_TITLE, bodyMd: 'How to reverse a faktúra; not ready for customers.\n', status: 'draft' },
  });
  expect(draft.status).toBe(201);
  pair.en = en.body.id;
  pair.sk = sk.body.id;
  draftId = draft.body.id;
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

async function cookieOf(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

const STRINGS = {
  en: { kb: 'Knowledge base', readOther: 'Read in Slovak', notFound: 'Not found', suggestions: 'Articles that may help', previewTitle: 'Deadlines this ticket would get' },
  sk: { kb: 'Znalostná báza', readOther: 'Čítať v angličtine', notFound: 'Nenájdené', suggestions: 'Články, ktoré môžu pomôcť', previewTitle: 'Lehoty, ktoré by tiket dostal' },
} as const;

describe.each(['en', 'sk'] as const)('the knowledge base in %s', (lang) => {
  const s = STRINGS[lang];
  const at = (name: string) => `${lang}-${name}`;
  const mine = lang === 'en' ? { title: EN_TITLE, other: SK_TITLE, otherLang: 'sk' } : { title: SK_TITLE, other: EN_TITLE, otherLang: 'en' };

  test('a customer searching "faktura" finds "Faktúra", opens it and switches to its translation; the draft stays hidden', async () => {
    const customer = await signIn('user@acme.test', lang);
    await Promise.all([customer.waitForURL(/\/kb$/), customer.click(`header a[href="/kb"]`)]);
    expect(await customer.textContent('h1')).toBe(s.kb);

    await customer.fill('#kb-q', 'faktura');
    await customer.selectOption('#kb-language', lang);
    await Promise.all([customer.waitForURL(/\/kb\?/), customer.click('form[role="search"] button')]);
    const titles = await customer.locator('.kb-results h3 a').allTextContents();
    expect(titles).toContain(mine.title);
    expect(titles).not.toContain(mine.other); // the language filter holds
    expect(titles.join('|')).not.toContain(DRAFT_TITLE);
    await shot(customer, at('01-search'));

    // Both languages, no filter: the draft is still not found.
    await customer.goto(`${app.baseUrl}/kb?q=${encodeURIComponent('FAKTURA storno')}`);
    expect(await customer.textContent('main')).not.toContain(DRAFT_TITLE);

    await customer.goto(`${app.baseUrl}/kb?q=faktura&language=${lang}`);
    await Promise.all([customer.waitForURL(/\/kb\/articles\//), customer.click(`.kb-results a:text-is("${mine.title}")`)]);
    expect(await customer.textContent('h1')).toBe(mine.title);
    expect(await customer.getAttribute('article', 'lang')).toBe(lang);
    expect(await customer.textContent('.kb-meta')).toContain('Finance');
    expect(await customer.textContent('.kb-meta')).toContain('4.2');
    await shot(customer, at('02-article'));

    expect(await customer.textContent(`.kb-translations a[data-translation="${mine.otherLang}"]`)).toBe(s.readOther);
    await Promise.all([customer.waitForURL(/\/kb\/articles\//), customer.click(`.kb-translations a[data-translation="${mine.otherLang}"]`)]);
    expect(await customer.textContent('h1')).toBe(mine.other);
    expect(await customer.getAttribute('article', 'lang')).toBe(mine.otherLang);
    expect(await customer.textContent('.kb-translations')).toContain(mine.title);
    expect(await customer.locator('#kb-revisions').count()).toBe(0); // revisions are for staff
    expect(await customer.locator('a[href$="/edit"], a[href*="translationOf"]').count()).toBe(0);
    await shot(customer, at('03-translation'));

    // A draft by URL: the very same 404 page as an article that does not exist.
    const draft = await customer.goto(`${app.baseUrl}/kb/articles/${draftId}`);
    expect(draft?.status()).toBe(404);
    const draftPage = (await customer.textContent('main'))?.trim();
    expect(draftPage).toContain(s.notFound);
    expect(draftPage).not.toContain(DRAFT_TITLE);
    const missing = await customer.goto(`${app.baseUrl}/kb/articles/00000000-0000-4000-8000-000000000000`);
    expect(missing?.status()).toBe(404);
    expect((await customer.textContent('main'))?.trim()).toBe(draftPage);
    expect((await customer.goto(`${app.baseUrl}/kb/articles/not-a-uuid`))?.status()).toBe(404);
    await shot(customer, at('04-draft-404'));

    // Staff pages of the knowledge base: 403 for a customer.
    expect((await customer.goto(`${app.baseUrl}/kb/articles/new`))?.status()).toBe(403);
    expect((await customer.goto(`${app.baseUrl}/kb/articles/${pair.en}/edit`))?.status()).toBe(403);
    const post = await fetch(`${app.baseUrl}/kb/articles/${pair.en}/edit`, {
      method: 'POST',
      headers: { cookie: await cookieOf(customer), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ title: 'Hacked', bodyMd: 'x', status: 'published' }).toString(),
      redirect: 'manual',
    });
    expect(post.status).toBe(403);
    await customer.context().close();
  });

  test('on the new-ticket page, typing "faktu" suggests "Faktúra" and impact/urgency update the preview, without submitting', async () => {
    const customer = await signIn('user@acme.test', lang);
    await customer.goto(`${app.baseUrl}/portal/tickets/new`);
    const url = customer.url();
    await customer.evaluate('window.stayed = true');

    // The preview is there on load, for the default medium/medium.
    await customer.waitForSelector('#sla-preview [data-priority]:text-is("P3")');
    expect(await customer.textContent('#sla-preview h2')).toBe(s.previewTitle);

    await customer.locator('#title').pressSequentially('faktu', { delay: 40 });
    const first = customer.locator('#kb-suggestions li a [data-title]').first();
    await first.waitFor();
    const links = customer.locator('#kb-suggestions li a [data-title]');
    expect(await links.count()).toBeLessThanOrEqual(5);
    expect((await links.allTextContents()).join('|')).toContain(mine.title);
    const firstLink = customer.locator('#kb-suggestions li a').first();
    expect(await firstLink.getAttribute('lang')).toBe(lang); // the visitor's language first
    expect(await firstLink.getAttribute('target')).toBe('_blank');
    expect(await customer.textContent('#kb-suggestions h2')).toBe(s.suggestions);
    expect(await customer.getAttribute('#kb-suggestions', 'aria-live')).toBe('polite');
    expect((await links.allTextContents()).join('|')).not.toContain(DRAFT_TITLE);
    await shot(customer, at('05-suggestions'));

    await customer.selectOption('#impact', 'high');
    await customer.selectOption('#urgency', 'high');
    await customer.waitForSelector('#sla-preview [data-priority]:text-is("P1")');
    expect(await customer.textContent('#sla-preview [data-clock="firstResponse"] td')).toMatch(/\d{1,2}:\d{2}/);
    await customer.selectOption('#impact', 'low');
    await customer.selectOption('#urgency', 'low');
    await customer.waitForSelector('#sla-preview [data-priority]:text-is("P4")');
    // Nothing was submitted: same document, same URL, the text still typed.
    expect(customer.url()).toBe(url);
    expect(await customer.evaluate('window.stayed')).toBe(true);
    expect(await customer.inputValue('#title')).toBe('faktu');
    await shot(customer, at('06-live-preview'));
    await customer.context().close();
  });
});

test('without JavaScript the preview button shows the deadlines and the suggestions', async () => {
  const customer = await signIn('user@acme.test', 'en', { javaScriptEnabled: false });
  await customer.goto(`${app.baseUrl}/portal/tickets/new`);
  expect(await customer.locator('#sla-preview').count()).toBe(0);
  await customer.fill('#title', 'Cannot print a faktura');
  await customer.fill('#description', 'The print button does nothing.');
  await customer.selectOption('#impact', 'high');
  await customer.selectOption('#urgency', 'medium');
  await Promise.all([customer.waitForLoadState('load'), customer.click('button[value="preview"]')]);
  await customer.waitForSelector('#sla-preview');
  expect(await customer.textContent('#sla-preview [data-priority]')).toBe('P2');
  expect(await customer.textContent('#sla-preview [data-clock="resolution"] td')).toMatch(/\d{1,2}:\d{2}/);
  expect(await customer.locator('#kb-suggestions li a [data-title]').allTextContents()).toContain(EN_TITLE);
  expect(await customer.inputValue('#title')).toBe('Cannot print a faktura');
  await shot(customer, 'en-07-no-js-preview');
  await customer.context().close();
});

test('business line and module offer only the customer\'s own; an unlicensed module is refused on the field', async () => {
  const customer = await signIn('user@acme.test');
  await customer.goto(`${app.baseUrl}/portal/tickets/new`);
  const lines = (await customer.locator('#business-line option').allTextContents()).slice(1);
  expect(lines).toEqual(['Finance', 'Logistics']);
  const modules = await customer.locator('#module option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
  expect(modules.sort()).toEqual(['finance', 'inventory']);

  // A crafted form naming a module outside the licence: the API's 422, shown on the module field, input kept.
  await customer.fill('#title', 'Payroll crashes');
  await customer.fill('#description', 'Every payroll run stops.');
  await customer.selectOption('#type', 'defect');
  await customer.evaluate(`document.getElementById('module').insertAdjacentHTML('beforeend', '<option value="hr">HR</option>')`);
  await customer.selectOption('#module', 'hr');
  const [res] = await Promise.all([customer.waitForNavigation(), customer.click('button[value="create"]')]);
  expect(res?.status()).toBe(422);
  expect(await customer.getAttribute('#module', 'aria-invalid')).toBe('true');
  expect(await customer.textContent('#module-error')).toContain('not licensed');
  expect(await customer.textContent('[role="alert"]')).toBeTruthy();
  expect(await customer.inputValue('#title')).toBe('Payroll crashes');
  await shot(customer, 'en-08-out-of-scope');

  // A defect names its module: 400 on the field. With both fields set, the ticket is created with them.
  await customer.selectOption('#module', '');
  const [missing] = await Promise.all([customer.waitForNavigation(), customer.click('button[value="create"]')]);
  expect(missing?.status()).toBe(400);
  expect(await customer.getAttribute('#module', 'aria-invalid')).toBe('true');
  await customer.selectOption('#module', 'finance');
  await customer.selectOption('#business-line', { label: 'Finance' });
  await Promise.all([customer.waitForURL(/\/portal\/tickets\/T-\d+$/), customer.click('button[value="create"]')]);
  const number = customer.url().split('/').pop() as string;
  const token = await app.login('user@acme.test');
  const ticket = await app.request('GET', `/api/v1/tickets/${number}`, { token });
  expect(ticket.status).toBe(200);
  expect(ticket.body.type).toBe('defect');
  expect(JSON.stringify(ticket.body.module)).toContain('finance');
  expect(JSON.stringify(ticket.body.businessLine)).toContain('Finance');
  await customer.context().close();

  // Staff do not report tickets here.
  const agent = await signIn('l1@demo.test');
  expect((await agent.goto(`${app.baseUrl}/portal/tickets/new`))?.status()).toBe(403);
  await agent.context().close();
});

test('staff see drafts, create an article and edit it; the revisions list shows both revisions', async () => {
  const agent = await signIn('l1@demo.test');
  await agent.goto(`${app.baseUrl}/kb?q=faktura`);
  expect(await agent.locator('.kb-results h3 a').allTextContents()).toContain(DRAFT_TITLE);
  const draft = await agent.goto(`${app.baseUrl}/kb/articles/${draftId}`);
  expect(draft?.status()).toBe(200);
  expect(await agent.textContent('h1')).toContain(DRAFT_TITLE);

  // Filters by kind and product; a filter value that is not one names the filter.
  await agent.goto(`${app.baseUrl}/kb?kind=faq&moduleId=finance`);
  const faqs = await agent.locator('.kb-results h3 a').allTextContents();
  expect(faqs).toContain(EN_TITLE);
  expect(faqs).not.toContain(DRAFT_TITLE);
  expect(faqs).not.toContain('Invoice (Faktúra) posting');
  const bogus = await agent.goto(`${app.baseUrl}/kb?kind=bogus`);
  expect(bogus?.status()).toBe(400);
  expect(await agent.getAttribute('#kb-kind', 'aria-invalid')).toBe('true');

  await agent.goto(`${app.baseUrl}/kb`);
  await Promise.all([agent.waitForURL(/\/kb\/articles\/new$/), agent.click('a[href="/kb/articles/new"]')]);
  // A blank title is named on its field, the rest kept.
  await agent.fill('#kb-body', 'Restart the **print spooler**.');
  await agent.fill('#kb-versions', '4.2, ~bad~');
  const [bad] = await Promise.all([agent.waitForNavigation(), agent.click('form.kb-form button[type="submit"]')]);
  expect(bad?.status()).toBe(400);
  expect(await agent.getAttribute('#kb-title', 'aria-invalid')).toBe('true');
  expect(await agent.getAttribute('#kb-versions', 'aria-invalid')).toBe('true');
  expect(await agent.inputValue('#kb-body')).toBe('Restart the **print spooler**.');

  await agent.fill('#kb-title', 'Printing stops after an update');
  await agent.fill('#kb-versions', '4.2, 4.3');
  await agent.selectOption('#kb-module-field', 'finance');
  await agent.check('#kb-status-published');
  await Promise.all([agent.waitForURL(/\/kb\/articles\/[0-9a-f-]{36}\?saved=1$/), agent.click('form.kb-form button[type="submit"]')]);
  expect(await agent.textContent('h1')).toBe('Printing stops after an update');
  expect(await agent.textContent('.kb-body strong')).toBe('print spooler');
  const articleUrl = agent.url().replace(/\?saved=1$/, '');

  await Promise.all([agent.waitForURL(/\/edit$/), agent.click('a[href$="/edit"]')]);
  await agent.fill('#kb-title', 'Printing stops after the 4.3 update');
  await Promise.all([agent.waitForURL(/\?saved=1$/), agent.click('form.kb-form button[type="submit"]')]);
  expect(await agent.textContent('h1')).toBe('Printing stops after the 4.3 update');
  const rows = agent.locator('#kb-revisions tbody tr');
  expect(await rows.count()).toBe(2);
  expect(await rows.nth(0).textContent()).toContain('Printing stops after the 4.3 update');
  expect(await rows.nth(1).textContent()).toContain('Printing stops after an update');
  expect(await rows.nth(1).textContent()).toContain('Lucia Level-One');
  await shot(agent, 'en-09-revisions');

  // Editing on a stale revision (someone saved in between) is a readable 409 with the text kept.
  await agent.goto(`${articleUrl}/edit`);
  const id = articleUrl.split('/').pop() as string;
  expect((await app.request('PUT', `/api/v1/kb/articles/${id}`, { token: staffToken, body: { bodyMd: 'Someone else was faster.' } })).status).toBe(200);
  await agent.fill('#kb-body', 'My own change.');
  const [conflict] = await Promise.all([agent.waitForNavigation(), agent.click('form.kb-form button[type="submit"]')]);
  expect(conflict?.status()).toBe(409);
  expect(await agent.textContent('[role="alert"]')).toContain('Someone else saved');
  expect(await agent.inputValue('#kb-body')).toBe('My own change.');

  // A translation from the article page: language preset, linked to the original.
  await agent.goto(articleUrl);
  await Promise.all([agent.waitForURL(/translationOf=/), agent.click('a[href*="translationOf="]')]);
  expect(await agent.inputValue('#kb-language-field')).toBe('sk');
  await agent.fill('#kb-title', 'Tlač sa zastaví po aktualizácii');
  await agent.fill('#kb-body', 'Reštartujte **zaraďovač tlače**.');
  await Promise.all([agent.waitForURL(/\?saved=1$/), agent.click('form.kb-form button[type="submit"]')]);
  expect(await agent.getAttribute('.kb-translations a', 'href')).toBe(`/kb/articles/${id}`);
  await agent.context().close();
});

test('Markdown with a script or an event handler is rendered inert', async () => {
  const payload = [
    '# Harmless title',
    '<script>window.pwned = "script"</script>',
    '<img src="x" onerror="window.pwned = \'img\'">',
    '[click](javascript:window.pwned=1) and <a href="javascript:alert(1)">here</a>',
    '<iframe src="https://example.com"></iframe><svg onload="window.pwned=\'svg\'"></svg>',
    '<p style="background:url(javascript:alert(1))" onclick="window.pwned=\'p\'">styled</p>',
  ].join('\n\n');
  const created = await app.request('POST', '/api/v1/kb/articles', { token: staffToken, body: { language: 'en', kind: 'doc', title: 'Inert markup', bodyMd: payload, status: 'published' } });
  expect(created.status).toBe(201);
  const customer = await signIn('user@acme.test');
  const dialogs: string[] = [];
  customer.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await customer.goto(`${app.baseUrl}/kb/articles/${created.body.id}`);
  expect(await customer.textContent('.kb-body h1')).toBe('Harmless title');
  const body = customer.locator('.kb-body');
  expect(await body.locator('script, iframe, svg, [onerror], [onclick], [onload], [style]').count()).toBe(0);
  for (const a of await body.locator('a').all()) expect(await a.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
  await customer.click('.kb-body img').catch(() => undefined);
  expect(await customer.evaluate('window.pwned')).toBeUndefined();
  expect(dialogs).toEqual([]);
  await shot(customer, 'en-10-inert-markdown');
  await customer.context().close();
});

test('the suggestion query takes hostile input without an error', async () => {
  const customer = await signIn('user@acme.test');
  const cookie = await cookieOf(customer);
  const hostile = [
    "faktu'", '"faktu"', "'); DROP TABLE kb_articles; --", 'faktu:*', ':*', '&|!()', 'a & | b ! (c) <-> d:*A', '\\', "faktu' | 'x':*",
    '\u0000faktu', '%', 'x'.repeat(5000), 'fak '.repeat(1500), 'ž'.repeat(1000),
  ];
  for (const q of hostile) {
    const res = await fetch(`${app.baseUrl}/portal/tickets/new/suggestions?${new URLSearchParams({ q })}`, { headers: { cookie, accept: 'application/json' } });
    expect({ q: q.slice(0, 40), status: res.status }).toEqual({ q: q.slice(0, 40), status: 200 });
    expect(Array.isArray(((await res.json()) as { items: unknown }).items)).toBe(true);
  }
  // A word with an operator glued to it still matches as the word.
  const glued = (await (await fetch(`${app.baseUrl}/portal/tickets/new/suggestions?q=${encodeURIComponent("faktu':*|!")}`, { headers: { cookie } })).json()) as { items: Array<{ title: string }> };
  expect(glued.items.map((i) => i.title)).toContain(EN_TITLE);
  // Repeated parameters and the search page's own query are no problem either.
  expect((await fetch(`${app.baseUrl}/portal/tickets/new/suggestions?q=a&q=b`, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(`${app.baseUrl}/kb?q=${encodeURIComponent("'&|!():* faktura")}`, { headers: { cookie } })).status).toBe(200);

  // The query function itself, with what a URL could not carry.
  await expect(suggestArticles(app.db, { drafts: false }, `${'ab:* & '.repeat(200_000)}faktu`, { preferLanguage: 'sk' })).resolves.toEqual(expect.any(Array));
  expect(await suggestArticles(app.db, { drafts: false }, '&|!():*\'"', {})).toEqual([]);
  const found = await suggestArticles(app.db, { drafts: false }, 'FAKTU', { preferLanguage: 'sk', limit: 5 });
  expect(found.length).toBeGreaterThan(0);
  expect(found.length).toBeLessThanOrEqual(5);
  expect(found[0].language).toBe('sk');
  expect(found.map((f) => f.title)).not.toContain(DRAFT_TITLE);
  await customer.context().close();
});
