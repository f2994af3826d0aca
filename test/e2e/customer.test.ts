/**
 * Customer ticket pages in a real browser (playwright-core driving Debian's chromium, never a downloaded one): the
 * lists each customer role may open, paging, confirming and reopening a resolution, cancelling, the paused
 * intervals of the clocks, change-request approval by the customer admin, the satisfaction page the closing e-mail
 * links to, and the refusals: another organisation's ticket, a plain user approving, a form without CSRF.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { signSatisfactionToken } from '../../activities/notifications/links';
import { DEV_AUTH_SECRET } from '../../api/app';
import { PAGE_SIZE } from '../../api/portal/customer-tickets';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, reloadUntil, type Language, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
/** Signed in and switched to `lang` (English unless told): the language is remembered per user across tests. */
const signIn = (email: string, lang: Language = 'en', options?: BrowserContextOptions) => ui.signIn(email, lang, options);
const shot: PortalBrowser['shot'] = (...args) => ui.shot(...args);
const tokens: Record<string, string> = {};
let lines: Record<'Finance' | 'Logistics', string>;

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'customer-');
  for (const email of ['user@acme.test', 'keyuser@acme.test', 'admin@acme.test', 'user@beta.test', 'l1@demo.test', 'l2@demo.test', 'l3@demo.test', 'manager@demo.test']) tokens[email] = await app.login(email);
  const acme = await app.db('customers').where({ slug: 'acme' }).first('id');
  const rows = await app.db('business_lines').where({ customer_id: acme.id }).select('id', 'name');
  lines = Object.fromEntries(rows.map((r: { id: string; name: string }) => [r.name, r.id])) as typeof lines;
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

/** Projections are written by the ticket's activities: reload until the page shows the news. */
const mainText = async (page: Page) => (await page.textContent('main')) ?? '';

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
  return { id: res.body.id, number: res.body.number };
}
async function act(email: string, t: Created, action: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.request('POST', `/api/v1/tickets/${t.id}/actions/${action}`, { token: tokens[email], body });
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
}
async function staffPost(email: string, path: string, body: Record<string, unknown>, expected: number): Promise<void> {
  const res = await app.request('POST', path, { token: tokens[email], body });
  if (res.status !== expected) throw new Error(`${path} failed: ${res.status} ${res.text}`);
}
/** Waits until the projection has the ticket in this status (the API answers before the activity writes). */
const statusIs = (t: Created, status: string) => eventually(async () => (await app.db('tickets').where({ id: t.id }).first('status'))?.status === status, `${t.number} ${status}`);
const hasEvent = (t: Created, type: string) => eventually(async () => !!(await app.db('ticket_events').where({ ticket_id: t.id, type }).first('seq')), `${t.number} ${type}`);

const rowNumbers = async (page: Page): Promise<string[]> => page.$$eval('#ticket-list tbody tr', (rows) => rows.map((r) => r.getAttribute('data-ticket') ?? ''));

async function sessionCookie(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}
async function csrfOf(page: Page): Promise<string> {
  return (await page.getAttribute('input[name="_csrf"]', 'value')) ?? '';
}
async function postForm(page: Page, path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { cookie: await sessionCookie(page), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

test('each customer role sees its lists: mine, the business lines of a key user, the organisation of an admin', async () => {
  const finance = await createTicket('user@acme.test', { title: 'Finance report is empty', businessLineId: lines.Finance, type: 'question' });
  const logistics = await createTicket('user@acme.test', { title: 'Logistics labels are cut', businessLineId: lines.Logistics });
  const karlsOwn = await createTicket('keyuser@acme.test', { title: 'Key user own ticket' });
  const beta = await createTicket('user@beta.test', { title: 'Beta only' });

  const alice = await signIn('user@acme.test');
  expect(await rowNumbers(alice)).toEqual(expect.arrayContaining([finance.number, logistics.number]));
  expect(await rowNumbers(alice)).not.toContain(karlsOwn.number);
  expect(await alice.locator('nav .tabs').count()).toBe(0);
  // A view the role may not use is refused, not silently narrowed.
  expect((await alice.goto(`${app.baseUrl}/portal?view=org`))?.status()).toBe(403);
  expect((await alice.goto(`${app.baseUrl}/portal?view=lines`))?.status()).toBe(403);

  const karl = await signIn('keyuser@acme.test');
  expect(await rowNumbers(karl)).toEqual([karlsOwn.number]);
  await Promise.all([karl.waitForURL(/view=lines/), karl.click('a[data-view="lines"]')]);
  expect(await karl.textContent('h1')).toBe("My business lines' tickets");
  expect(await karl.getAttribute('a[data-view="lines"]', 'aria-current')).toBe('page');
  const karlsLines = await rowNumbers(karl);
  expect(karlsLines).toContain(finance.number);
  expect(karlsLines).not.toContain(logistics.number);
  expect(karlsLines).not.toContain(beta.number);
  expect(await karl.textContent(`tr[data-ticket="${finance.number}"]`)).toContain('Alice Acme');
  await shot(karl, 'keyuser-lines');
  // The colleague's ticket opens, but only the requester may cancel it.
  await karl.goto(`${app.baseUrl}/portal/tickets/${finance.number}`);
  expect(await karl.locator('#reply-form').count()).toBe(1);
  expect(await karl.locator('#cancel-form').count()).toBe(0);
  expect((await karl.goto(`${app.baseUrl}/portal/tickets/${logistics.number}`))?.status()).toBe(404);
  expect((await karl.goto(`${app.baseUrl}/portal?view=org`))?.status()).toBe(403);

  const anna = await signIn('admin@acme.test');
  await anna.goto(`${app.baseUrl}/portal?view=org`);
  expect(await anna.textContent('h1')).toBe("My organisation's tickets");
  const org = await rowNumbers(anna);
  expect(org).toEqual(expect.arrayContaining([finance.number, logistics.number, karlsOwn.number]));
  expect(org).not.toContain(beta.number);
  // Filters: the type, and the status groups.
  await anna.selectOption('#f-type', 'question');
  await Promise.all([anna.waitForURL(/type=question/), anna.click('form.filters button')]);
  expect(await rowNumbers(anna)).toEqual([finance.number]);
  await anna.selectOption('#f-status', 'done');
  await Promise.all([anna.waitForURL(/status=done/), anna.click('form.filters button')]);
  expect(await rowNumbers(anna)).toEqual([]);
  await shot(anna, 'admin-org-filtered');
  expect(await anna.locator('a[data-view="lines"]').count()).toBe(0);
  expect((await anna.goto(`${app.baseUrl}/portal?view=lines`))?.status()).toBe(403);

  for (const p of [alice, karl, anna]) await p.context().close();
});

test('a long list is paged: Next shows the older tickets, First goes back', async () => {
  const made: Created[] = [];
  for (let i = 0; i <= PAGE_SIZE; i++) made.push(await createTicket('keyuser@acme.test', { title: `Paging ticket ${i}`, type: 'service_request' }));
  const karl = await signIn('keyuser@acme.test');
  await karl.goto(`${app.baseUrl}/portal?view=mine&type=service_request`);
  const first = await rowNumbers(karl);
  expect(first).toHaveLength(PAGE_SIZE);
  expect(first[0]).toBe(made[made.length - 1].number);
  expect(await karl.locator('a[rel="first"]').count()).toBe(0);
  await Promise.all([karl.waitForURL(/cursor=/), karl.click('a[rel="next"]')]);
  const second = await rowNumbers(karl);
  expect(second).toEqual([made[0].number]);
  expect(second.some((n) => first.includes(n))).toBe(false);
  expect(await karl.locator('a[rel="next"]').count()).toBe(0);
  await shot(karl, 'paging-second-page');
  await Promise.all([karl.waitForURL((u) => !u.search.includes('cursor')), karl.click('a[rel="first"]')]);
  expect(await rowNumbers(karl)).toEqual(first);
  await karl.context().close();
});

const STRINGS = {
  en: { closed: 'Closed', done: 'you confirmed the resolution', approved: 'Change approved', awaiting: 'Assessed, awaiting approval', rating: 'Rating (1–5)', thanks: 'Thank you for your rating' },
  sk: { closed: 'Uzavretý', done: 'potvrdili ste vyriešenie', approved: 'Zmena schválená', awaiting: 'Posúdená, čaká na schválenie', rating: 'Hodnotenie (1–5)', thanks: 'Ďakujeme za vaše hodnotenie' },
} as const;

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  const s = STRINGS[lang];

  test('a resolved ticket is confirmed with a rating and closed (its rating, once); the survey link rates a ticket closed without one, once', async () => {
    const t = await createTicket('user@acme.test', { title: `Printer jams (${lang})` });
    await act('l1@demo.test', t, 'resolve', { resolution: 'Cleaned the paper path.' });
    await statusIs(t, 'resolved');

    const alice = await signIn('user@acme.test', lang);
    const url = `${app.baseUrl}/portal/tickets/${t.number}`;
    await alice.goto(url);
    expect(await alice.locator('#close-form').count()).toBe(1);
    expect(await alice.locator('#reopen-form').count()).toBe(1);
    expect(await alice.locator('#cancel-form').count()).toBe(0);
    await alice.selectOption('#close-rating', '4');
    await shot(alice, `${lang}-confirm-resolution`);
    await Promise.all([alice.waitForURL(/done=close/), alice.click('#close-form button')]);
    expect(await alice.textContent('#action-done')).toContain(s.done);
    await reloadUntil(alice, url, async () => (await alice.locator('[data-event="ticket.closed"]').count()) === 1, 'the closing');
    expect(await alice.textContent('[data-event="ticket.closed"]')).toContain(s.rating);
    expect(await alice.textContent('[data-event="ticket.closed"] dd')).toBe('4');
    expect(await alice.textContent('main dl')).toContain(s.closed);
    expect(await alice.locator('#close-form, #reopen-form, #reply-form, #cancel-form').count()).toBe(0);
    await shot(alice, `${lang}-closed`);

    // The rating given on closing is the ticket's rating: a survey link for it is refused, the rating stays.
    const aliceId = (await app.db('users').where({ email: 'user@acme.test' }).first('id')).id;
    expect((await app.db('tickets').where({ id: t.id }).first('satisfaction_rating')).satisfaction_rating).toBe(4);
    const rated = await (await ui.browser.newContext()).newPage();
    await rated.goto(`${app.baseUrl}/satisfaction#token=${encodeURIComponent(signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: t.id, userId: aliceId }))}`);
    await rated.click('#sat-rating-1');
    await Promise.all([rated.waitForLoadState('load'), rated.click('#satisfaction-form button')]);
    expect(await rated.locator('#satisfaction-refused').count()).toBe(1);
    expect((await app.db('tickets').where({ id: t.id }).first('satisfaction_rating')).satisfaction_rating).toBe(4);
    await rated.context().close();

    // A ticket closed without a rating: the closing e-mail's link /satisfaction#token=… rates it (the page's script
    // moves the token into the form).
    const unrated = await createTicket('user@acme.test', { title: `Scanner offline (${lang})` });
    await act('l1@demo.test', unrated, 'resolve', { resolution: 'Restarted the scanner service.' });
    await statusIs(unrated, 'resolved');
    await act('user@acme.test', unrated, 'close', {});
    await statusIs(unrated, 'closed');
    const token = signSatisfactionToken(DEV_AUTH_SECRET, { ticketId: unrated.id, userId: aliceId });
    const anon = await (await ui.browser.newContext()).newPage();
    await anon.goto(`${app.baseUrl}/satisfaction#token=${encodeURIComponent(token)}`);
    expect(await anon.inputValue('#sat-token')).toBe(token);
    expect(await anon.isVisible('#sat-token')).toBe(false);
    await anon.click('#sat-rating-5');
    await anon.fill('#sat-comment', 'Quick and friendly.');
    await Promise.all([anon.waitForLoadState('load'), anon.click('#satisfaction-form button')]);
    expect(await anon.textContent('#satisfaction-thanks')).toContain(unrated.number);
    expect((await app.db('tickets').where({ id: unrated.id }).first('satisfaction_rating')).satisfaction_rating).toBe(5);
    await shot(anon, `${lang}-satisfaction-thanks`);
    // One use: the same link again is refused with a readable message.
    await anon.goto('about:blank');
    await anon.goto(`${app.baseUrl}/satisfaction#token=${encodeURIComponent(token)}`);
    await anon.click('#sat-rating-1');
    await Promise.all([anon.waitForLoadState('load'), anon.click('#satisfaction-form button')]);
    expect(await anon.locator('#satisfaction-refused').count()).toBe(1);
    expect((await app.db('tickets').where({ id: unrated.id }).first('satisfaction_rating')).satisfaction_rating).toBe(5);
    await anon.context().close();
    await alice.context().close();
  });

  test('a customer admin approves an assessed change request; a plain user gets no form and a forged approval is refused', async () => {
    const cr = await createTicket('user@acme.test', { title: `New invoice layout (${lang})`, type: 'change_request' });
    await act('l1@demo.test', cr, 'assess', { effort: '3 days', risk: 'medium', assessment: 'Template change and tests.' });
    await hasEvent(cr, 'change.assessed');
    const url = `${app.baseUrl}/portal/tickets/${cr.number}`;

    const alice = await signIn('user@acme.test', lang);
    await alice.goto(url);
    expect(await alice.textContent('#change-state')).toContain(s.awaiting);
    expect(await alice.locator('#approve-form, #reject-form').count()).toBe(0);
    expect(await alice.locator('a[href="/portal/approvals"]').count()).toBe(0);
    const forged = await postForm(alice, `/portal/tickets/${cr.number}/approve`, { _csrf: await csrfOf(alice), note: 'I approve it myself' });
    expect(forged.status).toBe(403);
    expect((await alice.goto(`${app.baseUrl}/portal/approvals`))?.status()).toBe(403);

    const anna = await signIn('admin@acme.test', lang);
    await Promise.all([anna.waitForURL(/\/portal\/approvals$/), anna.click('a[href="/portal/approvals"]')]);
    expect(await anna.locator(`#approval-list tr[data-ticket="${cr.number}"]`).count()).toBe(1);
    expect(await anna.textContent(`#approval-list tr[data-ticket="${cr.number}"]`)).toContain('3 days');
    await shot(anna, `${lang}-approvals`);
    await Promise.all([anna.waitForURL(new RegExp(`/portal/tickets/${cr.number}`)), anna.click(`#approval-list a[href^="/portal/tickets/${cr.number}"]`)]);
    expect(await anna.textContent('[data-event="change.assessed"]')).toContain('Template change and tests.');
    // A rejection needs a reason (blanks are no reason): the form comes back with the field named, nothing recorded.
    await anna.fill('#reject-reason', '   ');
    await Promise.all([anna.waitForLoadState('load'), anna.click('#reject-form button')]);
    expect(await anna.getAttribute('#reject-reason', 'aria-invalid')).toBe('true');
    expect(await anna.locator('#reject-reason-error').count()).toBe(1);
    await anna.fill('#approve-note', 'Go ahead after the month-end close.');
    await shot(anna, `${lang}-approve-form`);
    await Promise.all([anna.waitForURL(/done=approve/), anna.click('#approve-form button')]);
    await reloadUntil(anna, url, async () => (await mainText(anna)).includes(s.approved), 'the approval');
    expect(await anna.textContent('[data-event="change.approved"]')).toContain('Go ahead after the month-end close.');
    expect(await anna.locator('#approve-form').count()).toBe(0);
    await shot(anna, `${lang}-approved`);
    await anna.goto(`${app.baseUrl}/portal/approvals`);
    expect(await anna.locator(`#approval-list tr[data-ticket="${cr.number}"]`).count()).toBe(0);
    // Approving again is not possible now: a readable 409, not a stack trace.
    const again = await postForm(anna, `/portal/tickets/${cr.number}/approve`, { _csrf: await csrfOf(anna), note: 'twice' });
    expect(again.status).toBe(409);
    for (const p of [alice, anna]) await p.context().close();
  });
});

test('a resolved ticket is reopened with a reason; a stale form answers with a readable 409', async () => {
  const t = await createTicket('user@acme.test', { title: 'Export times out' });
  await act('l1@demo.test', t, 'resolve', { resolution: 'Raised the timeout.' });
  await statusIs(t, 'resolved');
  const alice = await signIn('user@acme.test');
  const url = `${app.baseUrl}/portal/tickets/${t.number}`;
  await alice.goto(url);
  // No reason (blanks pass the browser's check, not the server's): the form comes back, the field named and announced.
  await alice.fill('#reopen-reason', '  ');
  await Promise.all([alice.waitForLoadState('load'), alice.click('#reopen-form button')]);
  expect(await alice.getAttribute('#reopen-reason', 'aria-invalid')).toBe('true');
  expect(await alice.locator('#action-invalid[role="alert"]').count()).toBe(1);
  expect(await alice.inputValue('#reopen-reason')).toBe('  ');
  await alice.fill('#reopen-reason', 'It still times out for large exports.');
  await Promise.all([alice.waitForURL(/done=reopen/), alice.click('#reopen-form button')]);
  await reloadUntil(alice, url, async () => (await alice.locator('[data-event="ticket.reopened"]').count()) === 1, 'the reopening');
  expect(await alice.textContent('[data-event="ticket.reopened"]')).toContain('It still times out for large exports.');
  expect(await alice.textContent('main dl')).toContain('In progress');
  expect(await alice.locator('#close-form, #reopen-form').count()).toBe(0);
  await shot(alice, 'reopened');

  // Resolved again; the page is open with its forms when the ticket is closed elsewhere.
  await act('l1@demo.test', t, 'resolve', { resolution: 'Exports now stream.' });
  await statusIs(t, 'resolved');
  await alice.goto(url);
  await alice.fill('#reopen-reason', 'Still slow, sorry.');
  await act('user@acme.test', t, 'close', {});
  await Promise.all([alice.waitForLoadState('load'), alice.click('#reopen-form button')]);
  expect(await alice.locator('#action-conflict[role="alert"]').count()).toBe(1);
  expect(await alice.textContent('#action-conflict')).toContain("not possible in the ticket's current state");
  await shot(alice, 'stale-409');
  await alice.context().close();
});

test('the clocks list when they were paused; a reply that is too long keeps the typed text; a customer cancels their own ticket', async () => {
  const t = await createTicket('user@acme.test', { title: 'Cannot log in', impact: 'medium', urgency: 'medium' });
  await act('l1@demo.test', t, 'request-info', { body: 'Which browser do you use?' });
  await statusIs(t, 'waiting_on_customer');
  const alice = await signIn('user@acme.test');
  const url = `${app.baseUrl}/portal/tickets/${t.number}`;
  await alice.goto(url);
  expect(await alice.textContent('[data-clock="resolution"]')).toContain('Paused');
  expect(await alice.textContent('[data-paused="resolution"]')).toContain('still paused');

  const long = `Firefox. ${'x'.repeat(20_000)}`;
  await alice.fill('#reply-body', long);
  await Promise.all([alice.waitForLoadState('load'), alice.click('#reply-form button')]);
  expect(await alice.getAttribute('#reply-body', 'aria-invalid')).toBe('true');
  expect(await alice.inputValue('#reply-body')).toBe(long);
  await alice.fill('#reply-body', 'Firefox 128 on Linux.');
  await Promise.all([alice.waitForURL(/done=reply/), alice.click('#reply-form button')]);
  await reloadUntil(alice, url, async () => !(await alice.textContent('[data-paused="resolution"]'))?.includes('still paused'), 'the resumed clock');
  expect(await alice.textContent('[data-paused="resolution"]')).toMatch(/\d{1,2}:\d{2}.*–.*\d{1,2}:\d{2}/);
  expect(await alice.textContent('[data-event="customer.replied"]')).toContain('Firefox 128 on Linux.');
  await shot(alice, 'paused-interval');

  await alice.click('details.cancel summary');
  await alice.fill('#cancel-reason', 'Works after clearing the cache.');
  await Promise.all([alice.waitForURL(/done=cancel/), alice.click('#cancel-form button')]);
  await reloadUntil(alice, url, async () => (await alice.locator('[data-event="ticket.cancelled"]').count()) === 1, 'the cancellation');
  expect(await alice.textContent('[data-event="ticket.cancelled"]')).toContain('Works after clearing the cache.');
  expect(await alice.textContent('main dl')).toContain('Cancelled');
  expect(await alice.locator('#cancel-form, #reply-form').count()).toBe(0);
  await shot(alice, 'cancelled');
  await alice.context().close();
});

test("another organisation's ticket actions are not found; a form without the CSRF token is refused", async () => {
  const beta = await createTicket('user@beta.test', { title: 'Beta ticket' });
  const mine = await createTicket('user@acme.test', { title: 'Acme ticket' });
  const alice = await signIn('user@acme.test');
  const csrf = await csrfOf(alice);
  for (const action of ['cancel', 'reply', 'close', 'approve']) {
    const res = await postForm(alice, `/portal/tickets/${beta.number}/${action}`, { _csrf: csrf, body: 'hi', reason: 'x' });
    expect([action, res.status]).toEqual([action, 404]);
  }
  expect((await alice.goto(`${app.baseUrl}/portal/tickets/${beta.number}`))?.status()).toBe(404);
  const noCsrf = await postForm(alice, `/portal/tickets/${mine.number}/cancel`, { reason: 'no token' });
  expect(noCsrf.status).toBe(403);
  const wrongCsrf = await postForm(alice, `/portal/tickets/${mine.number}/cancel`, { _csrf: 'not-the-token', reason: 'wrong token' });
  expect(wrongCsrf.status).toBe(403);
  expect((await app.db('tickets').where({ id: mine.id }).first('status')).status).toBe('new');
  expect((await app.db('tickets').where({ id: beta.id }).first('status')).status).toBe('new');
  await alice.context().close();
});

test('a released fix is confirmed by the customer, or not accepted with a reason', async () => {
  const defects = [
    await createTicket('user@acme.test', { title: 'VAT report sums credit notes twice', type: 'defect', moduleId: 'finance', moduleVersion: '4.1.3' }),
    await createTicket('user@acme.test', { title: 'Stock count rounds wrongly', type: 'defect', moduleId: 'finance', moduleVersion: '4.1.3' }),
  ];
  const alice = await signIn('user@acme.test');
  await alice.goto(`${app.baseUrl}/portal/tickets/${defects[0].number}`);
  expect(await alice.locator('#confirm-fix-form').count()).toBe(0);
  for (const d of defects) {
    await act('l2@demo.test', d, 'start-reproduction', {});
    await act('l2@demo.test', d, 'confirm-defect', { evidence: { steps: 'Post a credit note, open the report', environment: 'test tenant', version: '4.1.3' } });
    await act('l3@demo.test', d, 'start-fix', {});
  }
  await staffPost('manager@demo.test', '/api/v1/releases', { version: '4.2.0', plannedDate: '2030-03-15' }, 201);
  for (const d of defects) await act('l3@demo.test', d, 'schedule-fix', { releaseVersion: '4.2.0' });
  await staffPost('manager@demo.test', '/api/v1/releases/4.2.0/publish', {}, 202);
  for (const d of defects) await eventually(async () => (await app.db('tickets').where({ id: d.id }).first('sub_status')).sub_status === 'fix_released', `${d.number} fix_released`, 30_000);

  const [works, broken] = defects.map((d) => `${app.baseUrl}/portal/tickets/${d.number}`);
  await alice.goto(works);
  expect(await alice.getAttribute('#defect-state', 'data-state')).toBe('fix_released');
  expect(await alice.textContent('[data-event="fix.released"]')).toContain('4.2.0');
  await alice.check('#fix-accepted-yes');
  await shot(alice, 'fix-confirm');
  await Promise.all([alice.waitForURL(/done=confirm-fix/), alice.click('#confirm-fix-form button')]);
  await reloadUntil(alice, works, async () => (await alice.locator('[data-event="fix.confirmed"]').count()) === 1, 'the confirmed fix');
  expect(await alice.textContent('main dl')).toContain('Closed');
  expect(await alice.locator('#confirm-fix-form').count()).toBe(0);

  // Not accepted needs a reason: the choice comes back kept, the reason named.
  await alice.goto(broken);
  await alice.check('#fix-accepted-no');
  await Promise.all([alice.waitForLoadState('load'), alice.click('#confirm-fix-form button')]);
  expect(await alice.getAttribute('#fix-reason', 'aria-invalid')).toBe('true');
  expect(await alice.isChecked('#fix-accepted-no')).toBe(true);
  await alice.fill('#fix-reason', 'Stock counts are still rounded down.');
  await Promise.all([alice.waitForURL(/done=confirm-fix/), alice.click('#confirm-fix-form button')]);
  await reloadUntil(alice, broken, async () => (await alice.locator('[data-event="fix.rejected"]').count()) === 1, 'the rejected fix');
  expect(await alice.textContent('[data-event="fix.rejected"]')).toContain('Stock counts are still rounded down.');
  expect(await alice.getAttribute('#defect-state', 'data-state')).toBe('fix_in_progress');
  expect(await alice.locator('#confirm-fix-form').count()).toBe(0);
  await shot(alice, 'fix-not-accepted');
  await alice.context().close();
});

test('staff are sent from the customer pages to the desk', async () => {
  const t = await createTicket('user@acme.test', { title: 'Seen by staff' });
  const agent = await signIn('l1@demo.test');
  await agent.goto(`${app.baseUrl}/portal`);
  expect(new URL(agent.url()).pathname).toBe('/desk');
  await agent.goto(`${app.baseUrl}/portal/tickets/${t.number}`);
  expect(new URL(agent.url()).pathname).toBe(`/desk/tickets/${t.number}`);
  expect((await agent.goto(`${app.baseUrl}/portal/approvals`))?.status()).toBe(403);
  await agent.context().close();
});
