/**
 * The portal in a real browser (playwright-core driving Debian's chromium, never a downloaded one): a customer
 * reports a ticket and sees its SLA deadlines, an agent triages and answers, the customer sees the reply but not
 * the internal note, a manager finds the ticket on the dashboard; once in English and once in Slovak.
 */
import { startTestApp, type TestApp } from '../support/app';
import type { Page } from 'playwright-core';
import { mainContains, openPortalBrowser, reloadUntil, switchLanguage, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const signIn: PortalBrowser['signIn'] = (...args) => ui.signIn(...args);
const shot: PortalBrowser['shot'] = (...args) => ui.shot(...args);

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl);
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

const STRINGS = {
  en: { login: 'Sign in', previewTitle: 'Deadlines this ticket would get', firstResponse: 'First response', queue: 'Queue', internal: 'Internal note', dashboard: 'Dashboard', forbidden: 'Not allowed', notFound: 'Not found', triaged: 'Ticket triaged' },
  sk: { login: 'Prihlásenie', previewTitle: 'Lehoty, ktoré by tiket dostal', firstResponse: 'Prvá odpoveď', queue: 'Fronta', internal: 'Interná poznámka', dashboard: 'Prehľad', forbidden: 'Nepovolené', notFound: 'Nenájdené', triaged: 'Tiket roztriedený' },
} as const;

describe.each(['en', 'sk'] as const)('the portal in %s', (lang) => {
  const s = STRINGS[lang];
  const at = (name: string) => `${lang}-${name}`;

  test('a customer reports, an agent triages and answers, the customer sees only the public reply, a manager sees it on the dashboard', async () => {
    // Anonymous visitors switch language with a cookie.
    const anon = await (await ui.browser.newContext()).newPage();
    await anon.goto(`${app.baseUrl}/login`);
    if (lang === 'sk') await switchLanguage(anon, 'sk');
    expect(await anon.textContent('h1')).toBe(s.login);
    await shot(anon, at('01-login'));
    await anon.context().close();

    const customer = await signIn('user@acme.test');
    await switchLanguage(customer, lang);
    expect(new URL(customer.url()).pathname).toBe('/portal');
    await shot(customer, at('02-my-tickets'));

    await customer.goto(`${app.baseUrl}/portal/tickets/new`);
    const title = `Invoices do not print (${lang})`;
    await customer.fill('#title', title);
    await customer.fill('#description', 'Printing an invoice shows an empty page since this morning.');
    await customer.selectOption('#type', 'incident');
    await customer.selectOption('#impact', 'high');
    await customer.selectOption('#urgency', 'high');
    await Promise.all([customer.waitForLoadState('load'), customer.click('button[value="preview"]')]);
    await customer.waitForSelector('#sla-preview');
    expect(await customer.textContent('#sla-preview h2')).toBe(s.previewTitle);
    expect(await customer.textContent('#sla-preview [data-clock="firstResponse"] th')).toBe(s.firstResponse);
    expect(await customer.textContent('#sla-preview [data-clock="firstResponse"] td')).toMatch(/\d{1,2}:\d{2}/);
    expect(await customer.textContent('#sla-preview [data-clock="resolution"] td')).toMatch(/\d{1,2}:\d{2}/);
    expect(await customer.inputValue('#title')).toBe(title);
    await shot(customer, at('03-new-ticket-preview'));

    await Promise.all([customer.waitForURL(/\/portal\/tickets\/T-\d+$/), customer.click('button[value="create"]')]);
    const ticketUrl = customer.url();
    const number = ticketUrl.split('/').pop() as string;
    expect(await customer.textContent('h1')).toContain(title);
    await reloadUntil(customer, ticketUrl, mainContains(customer, ':'));
    await shot(customer, at('04-ticket-created'));

    const agent = await signIn('l1@demo.test');
    await switchLanguage(agent, lang);
    await agent.goto(`${app.baseUrl}/desk?level=L1`);
    expect(await agent.textContent('h1')).toBe(s.queue);
    expect(await agent.textContent('main')).toContain(number);
    await shot(agent, at('05-desk-queue'));

    const deskUrl = `${app.baseUrl}/desk/tickets/${number}`;
    await agent.goto(deskUrl);
    await agent.selectOption('#triage-impact', 'high');
    await agent.selectOption('#triage-urgency', 'medium');
    await Promise.all([agent.waitForURL(/done=triage/), agent.click('form[action$="/triage"] button')]);
    const reply = `We are looking at the printer driver (${lang}).`;
    const note = `Customer's print server is ours, check with infra (${lang}).`;
    await agent.fill('#composer-body', reply);
    await Promise.all([agent.waitForURL(/done=comment/), agent.click('#composer-send')]);
    await agent.check('#composer-internal');
    await agent.fill('#composer-body', note);
    await Promise.all([agent.waitForURL(/done=note/), agent.click('#composer-send')]);
    await reloadUntil(agent, deskUrl, mainContains(agent, note));
    const deskText = (await agent.textContent('main')) ?? '';
    expect(deskText).toContain(reply);
    expect(deskText).toContain(s.internal);
    expect(deskText).toContain(s.triaged);
    await shot(agent, at('06-desk-ticket'));

    await reloadUntil(customer, ticketUrl, mainContains(customer, reply));
    const customerText = (await customer.textContent('main')) ?? '';
    expect(customerText).not.toContain(note);
    expect(customerText).not.toContain(s.internal);
    await shot(customer, at('07-ticket-with-reply'));

    const manager = await signIn('manager@demo.test');
    await switchLanguage(manager, lang);
    await manager.goto(`${app.baseUrl}/desk/dashboard`);
    expect(await manager.textContent('h1')).toBe(s.dashboard);
    expect(await manager.textContent('main')).toContain(number);
    expect(await manager.locator('figure svg').count()).toBe(6);
    expect(await manager.textContent('[data-chart="plan-compliance"]')).toMatch(/\d+(\.\d)? %/);
    await shot(manager, at('08-dashboard'));

    // A customer on a staff page: 403; on another organisation's ticket: 404, the same page as a missing one.
    const forbidden = await customer.goto(`${app.baseUrl}/desk`);
    expect(forbidden?.status()).toBe(403);
    expect(await customer.textContent('h1')).toBe(s.forbidden);
    await shot(customer, at('09-forbidden'));
    const betaToken = await app.login('user@beta.test');
    const beta = await app.request('POST', '/api/v1/tickets', { token: betaToken, body: { title: 'Beta only', description: 'Not for Acme.', type: 'question', impact: 'low', urgency: 'low' } });
    expect(beta.status).toBe(201);
    const other = await customer.goto(`${app.baseUrl}/portal/tickets/${beta.body.number}`);
    expect(other?.status()).toBe(404);
    const otherHtml = (await customer.textContent('main'))?.trim();
    expect(otherHtml).toContain(s.notFound);
    const missing = await customer.goto(`${app.baseUrl}/portal/tickets/T-999999`);
    expect(missing?.status()).toBe(404);
    expect((await customer.textContent('main'))?.trim()).toBe(otherHtml);
    await shot(customer, at('10-not-found'));

    for (const p of [customer, agent, manager]) await p.context().close();
  });
});

test('a signed-in form without the session CSRF token is refused', async () => {
  const page = await signIn('user@acme.test');
  const cookies = await page.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(`${app.baseUrl}/portal/tickets/new`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ title: 'x', description: 'y', type: 'question', impact: 'low', urgency: 'low', intent: 'create', _csrf: 'wrong' }).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(403);
  await page.context().close();
});

test("a customer admin's SLA report shows their organisation only; a customer user may not open it", async () => {
  const acmeToken = await app.login('user@acme.test');
  const betaToken = await app.login('user@beta.test');
  const mine = await app.request('POST', '/api/v1/tickets', { token: acmeToken, body: { title: 'Report: ours', description: 'Acme ticket.', type: 'question', impact: 'low', urgency: 'low' } });
  const theirs = await app.request('POST', '/api/v1/tickets', { token: betaToken, body: { title: 'Report: Beta secret', description: 'Beta ticket.', type: 'question', impact: 'low', urgency: 'low' } });
  expect([mine.status, theirs.status]).toEqual([201, 201]);
  const acmeOpen = Number((await app.db('tickets as t').join('customers as c', 'c.id', 't.customer_id').where('c.slug', 'acme').whereIn('t.status', ['new', 'triaged', 'in_progress', 'waiting_on_customer']).count({ n: '*' }))[0].n);

  const admin = await signIn('admin@acme.test');
  await admin.click('a[href="/portal/sla-report"]');
  await admin.waitForURL(/\/portal\/sla-report$/);
  expect(await admin.textContent('h1')).toBe('SLA report');
  expect(Number(await admin.textContent('[data-figure="open-total"]'))).toBe(acmeOpen);
  expect(await admin.textContent('main')).not.toContain('Beta');
  await shot(admin, 'en-11-sla-report');

  const user = await signIn('user@acme.test');
  expect(await user.locator('a[href="/portal/sla-report"]').count()).toBe(0);
  const refused = await user.goto(`${app.baseUrl}/portal/sla-report`);
  expect(refused?.status()).toBe(403);
  const agent = await signIn('l1@demo.test');
  expect((await agent.goto(`${app.baseUrl}/portal/sla-report`))?.status()).toBe(403);
  for (const p of [admin, user, agent]) await p.context().close();
});

/** The session cookie and CSRF token of a signed-in page, for posting forms without the browser. */
async function formSession(page: Page): Promise<{ cookie: string; csrf: string }> {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = (await page.getAttribute('input[name="_csrf"]', 'value')) ?? '';
  return { cookie, csrf };
}
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });

test('a form posted by another site is refused, signed in or not (login CSRF)', async () => {
  const creds = { email: 'user@acme.test', password: 'demo' };
  expect((await post('/login', creds, { origin: 'https://evil.example' })).status).toBe(403);
  expect((await post('/login', creds, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  const own = await post('/login', creds, { origin: app.baseUrl, 'sec-fetch-site': 'same-origin' });
  expect(own.status).toBe(303);
  expect(own.headers.get('set-cookie')).toContain('tf_session=');
});

test('an anonymous post to an admin form is sent to sign in and leaves no audit row', async () => {
  const before = Number((await app.db('audit_log').count({ n: '*' }))[0].n);
  const res = await post('/admin/customers', { name: 'Forged', slug: 'forged', planId: 'basic' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
  expect(Number((await app.db('audit_log').count({ n: '*' }))[0].n)).toBe(before);
  expect(await app.db('customers').where({ slug: 'forged' }).first()).toBeUndefined();
});

test('a new-ticket form submitted twice creates one ticket; an oversized form is a 413 page, not a failure', async () => {
  const page = await signIn('user@acme.test', 'en');
  await page.goto(`${app.baseUrl}/portal/tickets/new`);
  const formKey = (await page.getAttribute('input[name="formKey"]', 'value')) ?? '';
  expect(formKey).toMatch(/^portal-[0-9a-f-]{36}$/);
  const { cookie, csrf } = await formSession(page);
  const fields = { _csrf: csrf, formKey, title: 'Submitted twice', description: 'Double click on the button.', type: 'question', impact: 'low', urgency: 'low', intent: 'create' };
  const [a, b] = await Promise.all([post('/portal/tickets/new', fields, { cookie }), post('/portal/tickets/new', fields, { cookie })]);
  expect([a.status, b.status]).toEqual([303, 303]);
  // Both land on the one ticket; the one that found it already created says so (?sentBefore=1).
  const ticketOf = (r: Response) => (r.headers.get('location') ?? '').replace(/\?sentBefore=1$/, '');
  expect(ticketOf(b)).toBe(ticketOf(a));
  expect(ticketOf(a)).toMatch(/^\/portal\/tickets\/T-\d+$/);
  expect(Number((await app.db('tickets').where({ title: 'Submitted twice' }).count({ n: '*' }))[0].n)).toBe(1);

  const huge = await post('/portal/tickets/new', { ...fields, formKey: '', description: 'x'.repeat(300_000) }, { cookie });
  expect(huge.status).toBe(413);
  expect(await huge.text()).toContain('Please check your input');
  await page.context().close();
});

test('form posts share the write limit: past it, a 429 page', async () => {
  const limited = await startTestApp({ app: { writesPerMinute: 3 } });
  const ui2 = await openPortalBrowser(limited.baseUrl);
  try {
    const page = await ui2.signIn('user@acme.test'); // the sign-in post is the first write from this address
    const { cookie, csrf } = await formSession(page);
    const reply = (n: number) => fetch(`${limited.baseUrl}/language`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, lang: 'en', returnTo: `/portal?n=${n}` }).toString(), redirect: 'manual' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await reply(i)).status);
    expect(statuses.slice(0, 3)).toEqual([303, 303, 303]);
    const refused = await reply(9);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many changes');
  } finally {
    await ui2.close();
    await limited.stop();
  }
});
