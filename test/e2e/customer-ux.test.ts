/**
 * What a customer must never meet (#14, point 4), each in a real browser (Debian's chromium through playwright-core),
 * in English and Slovak, at 1366 and 375 px where layout matters: a ticket page without clocks or history right after
 * creation, collapsed line breaks, a long word widening the page, a header eating a phone screen, raw JSON for an
 * unknown address, the browser's language ignored, nobody named as handling the ticket, no call to action while the
 * ticket waits for the customer.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, reloadUntil, switchLanguage, type Language, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const tokens: Record<string, string> = {};
const WIDTHS = [1366, 375] as const;
const viewport = (width: number): BrowserContextOptions => ({ viewport: { width, height: 900 } });

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'customer-ux-');
  for (const email of ['user@acme.test', 'user@beta.test', 'l1@demo.test', 'l2@demo.test']) tokens[email] = await app.login(email);
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

interface Created {
  id: string;
  number: string;
}
async function createTicket(email: string, body: Record<string, unknown> = {}): Promise<Created> {
  const res = await app.request('POST', '/api/v1/tickets', {
    token: tokens[email],
    body: { title: 'Something is wrong', description: 'Details of what happened.', type: 'incident', impact: 'low', urgency: 'low', ...body },
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  await eventually(async () => !!(await app.db('ticket_events').where({ ticket_id: res.body.id, type: 'ticket.created' }).first('seq')), 'ticket.created');
  return { id: res.body.id, number: res.body.number };
}
async function act(email: string, t: Created, action: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.request('POST', `/api/v1/tickets/${t.id}/actions/${action}`, { token: tokens[email], body });
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
}
const userId = async (email: string): Promise<string> => (await app.db('users').where({ email }).first('id')).id;
const signIn = (email: string, lang: Language, width = 1366) => ui.signIn(email, lang, viewport(width));
const focused = (page: Page) => page.evaluate<string | undefined>('document.activeElement?.id');
/** The page scrolls sideways when its content is wider than the window. */
const sidewaysScroll = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

const STRINGS = {
  en: { notFound: 'Not found', needReply: 'We need your reply', running: 'Running', created: 'Ticket created', nothing: 'Nothing has happened yet', level: 'L2 · application specialists', login: 'Sign in' },
  sk: { notFound: 'Nenájdené', needReply: 'Potrebujeme vašu odpoveď', running: 'Beží', created: 'Tiket vytvorený', nothing: 'Zatiaľ sa nič nestalo', level: 'L2 · aplikační špecialisti', login: 'Prihlásenie' },
} as const;

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  const s = STRINGS[lang];

  test('b: line breaks of a reply are kept on the customer page, and its markup stays text', async () => {
    const t = await createTicket('user@acme.test', { title: `Line breaks (${lang})` });
    await act('l1@demo.test', t, 'comment', { body: 'First line\nSecond line\n\n<b>not bold</b> & more', visibility: 'public' });
    const alice = await signIn('user@acme.test', lang);
    const url = `${app.baseUrl}/portal/tickets/${t.number}`;
    await reloadUntil(alice, url, async () => (await alice.locator('[data-event="comment.public"] .body').count()) === 1, 'the reply');
    const body = alice.locator('[data-event="comment.public"] .body');
    expect(await alice.evaluate<string>(`getComputedStyle(document.querySelector('[data-event="comment.public"] .body')).whiteSpace`)).toBe('pre-wrap');
    expect(await body.innerText()).toBe('First line\nSecond line\n\n<b>not bold</b> & more');
    expect(await body.locator('b').count()).toBe(0);
    // Three rendered lines at least: the breaks really take space.
    const lineHeight = await alice.evaluate<number>(`parseFloat(getComputedStyle(document.querySelector('[data-event="comment.public"] .body')).lineHeight)`);
    expect((await body.boundingBox())!.height).toBeGreaterThanOrEqual(lineHeight * 3.5);
    await ui.shot(alice, `${lang}-line-breaks`);
    await alice.context().close();
  });

  test.each(WIDTHS)('c: one long word in a title widens no list or page at %i px', async (width) => {
    const word = `Invoice${'x'.repeat(170)}End`;
    const t = await createTicket('user@acme.test', { title: `${word} (${lang})`, description: `Path: /var/lib/${'y'.repeat(300)}` });
    const alice = await signIn('user@acme.test', lang, width);
    for (const path of ['/portal', `/portal/tickets/${t.number}`]) {
      await alice.goto(`${app.baseUrl}${path}`);
      expect(await alice.textContent('main')).toContain(word);
      expect(await sidewaysScroll(alice)).toBeLessThanOrEqual(0);
    }
    await ui.shot(alice, `${lang}-long-word-${width}`);
    const agent = await signIn('l1@demo.test', lang, width);
    for (const path of ['/desk?level=all', `/desk/tickets/${t.number}`]) {
      await agent.goto(`${app.baseUrl}${path}`);
      expect(await agent.textContent('main')).toContain(word);
      expect(await sidewaysScroll(agent)).toBeLessThanOrEqual(0);
    }
    await ui.shot(agent, `${lang}-long-word-desk-${width}`);
    await alice.context().close();
    await agent.context().close();
  });

  test('d: at 375 px the header is compact and every clock is readable inside the screen', async () => {
    const t = await createTicket('user@acme.test', { title: `Phone screen (${lang})`, impact: 'high', urgency: 'high' });
    for (const email of ['user@acme.test', 'admin@acme.test']) {
      const page = await ui.signIn(email, lang, viewport(375));
      await page.goto(`${app.baseUrl}/portal/tickets/${t.number}`);
      const header = (await page.locator('header.top').boundingBox())!;
      expect(header.height).toBeLessThanOrEqual(100);
      expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
      for (const kind of ['firstResponse', 'nextUpdate', 'resolution']) {
        const row = page.locator(`#clocks [data-clock="${kind}"]`);
        for (const cell of await row.locator('th, td > span').all()) {
          const box = (await cell.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(375);
        }
      }
      // The deadline is there with its label (the table's head is folded into each row on a phone).
      expect(await page.locator('#clocks [data-clock="firstResponse"] td').first().innerText()).toMatch(/\d{1,2}:\d{2}/);
      await ui.shot(page, `${lang}-375-${email.split('@')[0]}`);
      await page.context().close();
    }
  });

  test('e, h: an unknown address is an HTML 404 page in the visitor\'s language; the API keeps problem+json', async () => {
    // h: an anonymous visitor's browser language decides, until they choose one.
    const anon = await (await ui.browser.newContext({ locale: lang === 'sk' ? 'sk-SK' : 'en-US' })).newPage();
    const res = await anon.goto(`${app.baseUrl}/no/such/page`);
    expect(res?.status()).toBe(404);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await anon.getAttribute('html', 'lang')).toBe(lang);
    expect(await anon.textContent('h1')).toBe(s.notFound);
    expect(await anon.textContent('body')).not.toContain('"status"');
    await ui.shot(anon, `${lang}-404`);
    await anon.goto(`${app.baseUrl}/login`);
    expect(await anon.textContent('h1')).toBe(s.login);
    const api = await anon.goto(`${app.baseUrl}/api/v1/no-such-thing`);
    expect(api?.status()).toBe(404);
    expect(api?.headers()['content-type']).toMatch(/^application\/problem\+json/);
    // A choice made on the page wins over the browser's language.
    const other = lang === 'sk' ? 'en' : 'sk';
    await anon.goto(`${app.baseUrl}/login`);
    await switchLanguage(anon, other);
    await anon.goto(`${app.baseUrl}/no/such/page`);
    expect(await anon.getAttribute('html', 'lang')).toBe(other);
    await anon.context().close();

    // Signed in, the user's saved language is kept whatever the browser says; a 404 keeps the header and sign-out.
    const alice = await ui.signIn('user@acme.test', lang, { locale: lang === 'sk' ? 'en-US' : 'sk-SK' });
    const mine = await alice.goto(`${app.baseUrl}/portal-typo/tickets`);
    expect(mine?.status()).toBe(404);
    expect(await alice.getAttribute('html', 'lang')).toBe(lang);
    expect(await alice.locator('form[action="/logout"]').count()).toBe(1);
    await alice.context().close();
  });

  test('g: Back after creating and Create again lands on the first ticket; a new form is a new ticket', async () => {
    const alice = await signIn('user@acme.test', lang);
    const title = `Created once (${lang})`;
    const fill = async (t: string) => {
      await alice.fill('#title', t);
      await alice.fill('#description', 'Sent, then Back and sent again.');
    };
    await alice.goto(`${app.baseUrl}/portal/tickets/new`);
    expect(alice.url()).toMatch(/\/portal\/tickets\/new\?key=portal-[0-9a-f-]{36}$/);
    await fill(title);
    await Promise.all([alice.waitForURL(/\/portal\/tickets\/T-\d+$/), alice.click('button[value="create"]')]);
    const first = alice.url();
    await alice.goBack();
    expect(alice.url()).toMatch(/\/portal\/tickets\/new\?key=/);
    await fill(title);
    await Promise.all([alice.waitForURL(/\/portal\/tickets\/T-\d+\?sentBefore=1$/), alice.click('button[value="create"]')]);
    expect(alice.url().replace(/\?.*$/, '')).toBe(first);
    expect(await alice.locator('#sent-before').count()).toBe(1);
    await ui.shot(alice, `${lang}-sent-before`);
    const aliceId = await userId('user@acme.test');
    expect(Number((await app.db('tickets').where({ title, requester_id: aliceId }).count({ n: '*' }).first())?.n)).toBe(1);
    // The menu's link opens a fresh form: that one creates a ticket of its own.
    await alice.goto(`${app.baseUrl}/portal/tickets/new`);
    await fill(title);
    await Promise.all([alice.waitForURL(/\/portal\/tickets\/T-\d+$/), alice.click('button[value="create"]')]);
    expect(alice.url()).not.toBe(first);
    expect(Number((await app.db('tickets').where({ title, requester_id: aliceId }).count({ n: '*' }).first())?.n)).toBe(2);
    await alice.context().close();
  });

  test('f: a session that expires while typing keeps the reply and the new ticket for their author, and for nobody else', async () => {
    const t = await createTicket('user@acme.test', { title: `Expiring session (${lang})` });
    const aliceId = await userId('user@acme.test');
    const expire = (id: string) => app.db('auth_tokens').where({ user_id: id, kind: 'session' }).whereNull('revoked_at').update({ expires_at: new Date(Date.now() - 1000) });
    const signInHere = async (page: Page, email: string) => {
      await page.fill('#email', email);
      await page.fill('#password', 'demo');
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button')]);
    };
    const typed = `The report is empty again.\nSecond line: since ${lang} 9:00.`;

    // A reply: typed, the session expires, Send → sign in → back on the ticket with the text, then sent once.
    const alice = await signIn('user@acme.test', lang);
    const url = `${app.baseUrl}/portal/tickets/${t.number}`;
    await alice.goto(url);
    await alice.fill('#reply-body', typed);
    await expire(aliceId);
    await Promise.all([alice.waitForURL(/\/login\?/), alice.click('#reply-form button[type="submit"]')]);
    expect(new URL(alice.url()).searchParams.get('next')).toBe(`/portal/tickets/${t.number}`);
    expect(await alice.locator('#login-kept').count()).toBe(1);
    await ui.shot(alice, `${lang}-session-expired-login`);
    await signInHere(alice, 'user@acme.test');
    expect(alice.url()).toBe(url);
    expect(await alice.locator('#typed-restored').count()).toBe(1);
    expect(await alice.inputValue('#reply-body')).toBe(typed);
    await ui.shot(alice, `${lang}-session-expired-restored`);
    await Promise.all([alice.waitForURL(/done=reply/), alice.click('#reply-form button[type="submit"]')]);
    await eventually(async () => (await app.db('ticket_events').where({ ticket_id: t.id, type: 'comment.public' })).filter((e: { data: { body: string } }) => e.data.body.replace(/\r\n/g, '\n') === typed).length === 1, 'the reply once');
    // Handed out once: the page again has an empty reply box.
    await alice.goto(url);
    expect(await alice.inputValue('#reply-body')).toBe('');

    // Someone else signing in on the same browser never meets it (it stays Alice's).
    await alice.fill('#reply-body', `Private words of Alice (${lang})`);
    await expire(aliceId);
    await Promise.all([alice.waitForURL(/\/login\?/), alice.click('#reply-form button[type="submit"]')]);
    await signInHere(alice, 'admin@acme.test');
    expect(alice.url()).toBe(url);
    expect(await alice.locator('#typed-restored').count()).toBe(0);
    expect(await alice.inputValue('#reply-body')).toBe('');
    expect(await alice.textContent('main')).not.toContain(`Private words of Alice (${lang})`);
    expect(await app.db('form_drafts').where({ user_id: aliceId }).whereRaw("fields->>'body' = ?", [`Private words of Alice (${lang})`]).count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(1);
    await alice.context().close();

    // A new ticket: typed, expired, Create → sign in → the form as typed, with its key; Create makes one ticket.
    const again = await signIn('user@acme.test', lang);
    await again.goto(`${app.baseUrl}/portal/tickets/new`);
    const key = await again.inputValue('input[name="formKey"]');
    const title = `Typed before expiry (${lang})`;
    await again.fill('#title', title);
    await again.fill('#description', typed);
    await again.selectOption('#impact', 'high');
    await expire(aliceId);
    await Promise.all([again.waitForURL(/\/login\?/), again.click('button[value="create"]')]);
    expect(await again.locator('#login-kept').count()).toBe(1);
    await signInHere(again, 'user@acme.test');
    expect(new URL(again.url()).pathname).toBe('/portal/tickets/new');
    expect(await again.locator('#typed-restored').count()).toBe(1);
    expect(await again.inputValue('#title')).toBe(title);
    expect(await again.inputValue('#description')).toBe(typed);
    expect(await again.inputValue('#impact')).toBe('high');
    expect(await again.inputValue('input[name="formKey"]')).toBe(key);
    await Promise.all([again.waitForURL(/\/portal\/tickets\/T-\d+$/), again.click('button[value="create"]')]);
    expect(Number((await app.db('tickets').where({ title }).count({ n: '*' }).first())?.n)).toBe(1);
    await again.context().close();

    // A post without the session's CSRF token keeps nothing (no draft can be planted for someone).
    const forged = await app.db('form_drafts').count({ n: '*' }).first().then((r) => Number(r?.n));
    const stale = await signIn('user@acme.test', lang);
    const cookie = (await stale.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await expire(aliceId);
    const res = await fetch(`${app.baseUrl}/portal/tickets/${t.number}/reply`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'body=planted', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).not.toContain('kept=1');
    expect(await app.db('form_drafts').count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(forged);
    await stale.context().close();
  });

  test('i: the customer sees the support level and who handles the ticket by name, nothing internal', async () => {
    const t = await createTicket('user@acme.test', { title: `Who handles it (${lang})` });
    const alice = await signIn('user@acme.test', lang);
    const url = `${app.baseUrl}/portal/tickets/${t.number}`;
    await alice.goto(url);
    expect(await alice.getAttribute('#support-level', 'data-level')).toBe('L1');
    expect((await alice.textContent('#handled-by'))?.trim()).toBe(lang === 'sk' ? 'Zatiaľ nepridelené' : 'Not assigned yet');
    await act('l1@demo.test', t, 'escalate', { toLevel: 'L2', reason: 'Needs an application specialist (internal reasoning)' });
    await act('l2@demo.test', t, 'assign', { assigneeId: await userId('l2@demo.test') });
    await act('l2@demo.test', t, 'comment', { body: 'Internal: customer config is odd', visibility: 'internal' });
    await reloadUntil(alice, url, async () => ((await alice.textContent('#handled-by')) ?? '').includes('Lukas Level-Two'), 'the assignee');
    expect((await alice.textContent('#support-level'))?.trim()).toBe(s.level);
    const main = (await alice.textContent('main')) ?? '';
    expect(main).not.toContain('l2@demo.test');
    expect(main).not.toContain('internal reasoning');
    expect(main).not.toContain('customer config is odd');
    await ui.shot(alice, `${lang}-handled-by`);
    // Another organisation's customer meets none of it: the page is a 404 like a missing one.
    const boris = await signIn('user@beta.test', lang);
    expect((await boris.goto(url))?.status()).toBe(404);
    expect((await boris.textContent('main')) ?? '').not.toContain('Lukas');
    await boris.context().close();
    await alice.context().close();
  });

  test.each(WIDTHS)('j: a ticket waiting on the customer asks for the reply in the list and on the page, the link focuses the reply box (%i px)', async (width) => {
    const t = await createTicket('user@acme.test', { title: `Waiting for you (${lang} ${width})` });
    const quiet = await createTicket('user@acme.test', { title: `Not waiting (${lang} ${width})` });
    await act('l1@demo.test', t, 'request-info', { body: 'Which browser do you use?' });
    await eventually(async () => (await app.db('tickets').where({ id: t.id }).first('status'))?.status === 'waiting_on_customer', 'waiting');
    const alice = await signIn('user@acme.test', lang, width);
    await alice.goto(`${app.baseUrl}/portal`);
    const cta = alice.locator(`tr[data-ticket="${t.number}"] [data-need-reply]`);
    expect((await cta.textContent())?.trim()).toBe(s.needReply);
    expect(await alice.locator(`tr[data-ticket="${quiet.number}"] [data-need-reply]`).count()).toBe(0);
    expect(await sidewaysScroll(alice)).toBeLessThanOrEqual(0);
    await ui.shot(alice, `${lang}-need-reply-list-${width}`);
    await Promise.all([alice.waitForURL(new RegExp(`/portal/tickets/${t.number}`)), cta.click()]);
    expect(await focused(alice)).toBe('reply-body');
    expect(await alice.textContent('#reply-needed h2')).toBe(s.needReply);
    await ui.shot(alice, `${lang}-need-reply-page-${width}`);
    // The page's own prompt leads to the reply box too; answering ends the prompt.
    await alice.goto(`${app.baseUrl}/portal/tickets/${t.number}`);
    expect(await focused(alice)).not.toBe('reply-body');
    await Promise.all([alice.waitForLoadState('load'), alice.click('#reply-needed-link')]);
    expect(await focused(alice)).toBe('reply-body');
    await alice.keyboard.type('Chromium 120');
    await Promise.all([alice.waitForURL(/done=reply/), alice.click('#reply-form button[type="submit"]')]);
    await reloadUntil(alice, `${app.baseUrl}/portal/tickets/${t.number}`, async () => (await alice.locator('#reply-needed').count()) === 0, 'the prompt gone');
    await alice.context().close();
  });
});

describe.each(['en', 'sk'] as const)('a: right after creation, before any projection, in %s', (lang) => {
  // A second app without a worker: nothing is ever projected, so what the page shows comes from the creation alone.
  let bare: TestApp;
  let bareUi: PortalBrowser;
  beforeAll(async () => {
    bare = await startTestApp({ worker: false });
    bareUi = await openPortalBrowser(bare.baseUrl, 'customer-ux-bare-');
  });
  afterAll(async () => {
    await bareUi?.close();
    await bare?.stop();
  });

  test.each(WIDTHS)('the page the new-ticket form lands on shows running clocks with deadlines and the creation event (%i px)', async (width) => {
    const s = STRINGS[lang];
    const alice = await bareUi.signIn('user@acme.test', lang, viewport(width));
    await alice.goto(`${bare.baseUrl}/portal/tickets/new`);
    await alice.fill('#title', `Just created (${lang})`);
    await alice.fill('#description', 'The report is empty.');
    await alice.selectOption('#impact', 'high');
    await alice.selectOption('#urgency', 'high');
    await Promise.all([alice.waitForURL(/\/portal\/tickets\/T-\d+$/), alice.click('button[value="create"]')]);
    const id = (await bare.db('tickets').orderBy('number', 'desc').first('id')).id;
    expect(await bare.db('ticket_events').where({ ticket_id: id }).first()).toBeUndefined();
    for (const kind of ['firstResponse', 'resolution']) {
      const row = alice.locator(`#clocks [data-clock="${kind}"]`);
      expect(await row.locator('td').first().innerText()).toMatch(/\d{1,2}:\d{2}/);
      expect((await row.locator('.badge').textContent())?.trim()).toBe(s.running);
    }
    expect(await alice.locator('[data-event="ticket.created"]').count()).toBe(1);
    expect(await alice.textContent('[data-event="ticket.created"]')).toContain(s.created);
    expect(await alice.textContent('[data-event="ticket.created"]')).toContain('Alice Acme');
    expect(await alice.textContent('main')).not.toContain(s.nothing);
    await bareUi.shot(alice, `${lang}-just-created-${width}`);
    await alice.context().close();
  });
});
