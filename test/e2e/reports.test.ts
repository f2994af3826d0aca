/**
 * Monthly service reports in the portal (issue #16) in a real browser: Acme's March 2026 is played through the ticket
 * model (test/support/report-month.ts) so the figures are not trivial; the manager generates the report on the desk,
 * reads it and downloads both files; Acme's customer admin reads it in Slovak on a phone-sized screen and is refused a
 * future month on the field; another organisation's admin gets 404, a customer user 403; the generate form works
 * with the keyboard alone. Screenshots: reports-{list,page}-{en,sk}-{1366,375}.png.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { complianceBand } from '../../domain/service-report';
import { startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, type Language, type PortalBrowser } from '../support/browser';
import { playAcmeMarch } from '../support/report-month';

const MONTH = '2026-03';
const WIDE = { width: 1366, height: 900 };
const NARROW = { width: 375, height: 812 };
/** Generating runs the report workflow (figures, PDF, storage) before the page answers. */
const GENERATE_TIMEOUT = 100_000;

let app: TestApp;
let ui: PortalBrowser;
let acmeId: string;
let reportId: string;
let managerToken: string;

beforeAll(async () => {
  app = await startTestApp();
  ({ acmeId } = await playAcmeMarch(app.db));
  managerToken = await app.login('manager@demo.test');
  ui = await openPortalBrowser(app.baseUrl, 'reports-');
}, 180_000);

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

const main = async (page: Page) => (await page.textContent('main')) ?? '';
// Evaluated in the page (strings: this project's TypeScript has no DOM types).
const fitsWidth = (page: Page, width: number) => page.evaluate<boolean>(`document.documentElement.scrollWidth <= ${width}`);
const cells = async (page: Page, selector: string) => (await page.locator(selector).allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());

/** Signs in and follows the nav's link to the reports (the desk's for staff, the portal's for customer admins). */
async function openReports(email: string, lang: Language, viewport: typeof WIDE, side: 'desk' | 'portal'): Promise<Page> {
  const page = await ui.signIn(email, lang, { viewport });
  page.setDefaultTimeout(30_000);
  await page.click(`header nav a[href="/${side}/reports"]`);
  await page.waitForURL(`**/${side}/reports`);
  return page;
}

/** Submits the generate form and waits for the page that follows (the report page, or the form again). */
async function generate(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation({ timeout: GENERATE_TIMEOUT }), page.click('#generate-form button[type="submit"]')]);
}

/** A file link fetched with the page's session: status, headers and bytes. */
async function fetchFile(page: Page, href: string) {
  const res = await page.request.get(new URL(href, app.baseUrl).toString());
  return { status: res.status(), headers: res.headers(), body: await res.body() };
}

describe('the desk (manager, English)', () => {
  test('generates Acme’s March report, reads it with its charts and downloads the PDF and the CSV', async () => {
    const page = await openReports('manager@demo.test', 'en', WIDE, 'desk');
    expect(await page.textContent('h1')).toBe('Monthly service reports');

    await page.selectOption('#gen-customerId', acmeId);
    await page.fill('#gen-month', MONTH);
    await generate(page);
    expect(page.url()).toMatch(/\/desk\/reports\/[0-9a-f-]{36}\?done=reportGenerated$/);
    reportId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.textContent('.notice')).toContain('Report generated.');
    expect(await page.textContent('[data-field="customer"]')).toBe('Acme');
    expect(await page.textContent('[data-field="month"]')).toBe('March 2026');

    // The page shows the stored figures: the same counts as the API, coloured by the domain's band.
    const api = await app.request('GET', `/api/v1/reports/${reportId}`, { token: managerToken });
    expect(api.status).toBe(200);
    const figures = api.body.figures;
    for (const kind of ['firstResponse', 'nextUpdate', 'resolution']) {
      const c = figures.compliance[kind];
      const row = page.locator(`#compliance tr[data-target="${kind}"]`);
      expect(await row.locator('td').nth(0).textContent()).toBe(String(c.met));
      expect(await row.locator('td').nth(1).textContent()).toBe(String(c.breached));
      const band = c.met + c.breached ? complianceBand(c.met / (c.met + c.breached)) : 'none';
      expect(await row.locator('.rate').getAttribute('data-band')).toBe(band);
      expect(await page.locator(`figure[data-chart="compliance"] rect.tone-${band}`).count()).toBeGreaterThan(0);
    }
    expect(figures.breaches.length).toBeGreaterThan(0);
    expect(await page.locator('#breaches tbody tr').count()).toBe(figures.breaches.length);
    const ticketLinks = await page.locator('#breaches tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(ticketLinks.every((h) => /^\/desk\/tickets\/T-\d{6}$/.test(h ?? ''))).toBe(true);
    expect(await cells(page, '#terms tbody td:first-child')).toEqual(['Premium (plan)', 'Acme Gold 2026 (contract)']);
    expect(await page.locator('#by-priority tbody tr').count()).toBe(4);
    expect(await page.locator('figure[data-chart="trend"] svg polyline').count()).toBe(1);
    expect(await page.locator('#trend tbody tr').count()).toBe(6);
    expect(await page.textContent('[data-figure="opened"]')).toBe(String(figures.volume.opened));
    expect(await main(page)).toContain('Customer satisfaction');
    await ui.shot(page, 'page-en-1366');

    // The PDF through the browser's own download, and both files' headers as the API sends them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-pdf')]);
    expect(download.suggestedFilename()).toBe(`service-report-acme-${MONTH}-r1.pdf`);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await fetchFile(page, (await page.getAttribute('#download-pdf', 'href'))!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    expect(pdf.headers['cache-control']).toBe('private');
    expect(pdf.headers['content-disposition']).toContain(`service-report-acme-${MONTH}-r1.pdf`);
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await fetchFile(page, (await page.getAttribute('#download-csv', 'href'))!);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain(`service-report-acme-${MONTH}-r1.csv`);
    expect(csv.body.toString('utf8')).toContain('Answered within the hour');

    // The list: Acme's report, newest month first, filterable by customer.
    await page.click('.back a');
    await page.waitForURL('**/desk/reports');
    const row = page.locator(`#reports tr[data-report="${reportId}"]`);
    expect(await cells(page, `#reports tr[data-report="${reportId}"] td`)).toEqual(expect.arrayContaining(['Acme', 'March 2026', '1', 'On request', 'PDF · CSV']));
    expect(await row.locator('a[href$="/pdf"]').getAttribute('href')).toBe(`/desk/reports/${reportId}/pdf`);
    await page.selectOption('#filter-customer', acmeId);
    await Promise.all([page.waitForURL(/customer=/), page.click('#report-filter button')]);
    expect(await page.locator('#reports tbody tr').count()).toBe(1);
    expect(await page.inputValue('#gen-customerId')).toBe(acmeId);
    await page.goto(`${app.baseUrl}/desk/reports?customer=${(await app.db('customers').where({ slug: 'beta' }).first('id')).id}`);
    expect(await page.textContent('#no-reports')).toBe('This customer has no reports yet.');
    await page.goto(`${app.baseUrl}/desk/reports`);
    await ui.shot(page, 'list-en-1366');

    // The same pages at phone width: nothing wider than the screen.
    await page.setViewportSize(NARROW);
    expect(await fitsWidth(page, NARROW.width)).toBe(true);
    await ui.shot(page, 'list-en-375');
    await page.goto(`${app.baseUrl}/desk/reports/${reportId}`);
    expect(await fitsWidth(page, NARROW.width)).toBe(true);
    await ui.shot(page, 'page-en-375');
    await page.context().close();
  });
});

describe('the desk list (manager)', () => {
  test('pages through more reports than fit one page, newest month first', async () => {
    // 21 earlier months of Acme, as the schedule would have stored them (copies of the March report's files).
    const months = Array.from({ length: 21 }, (_, i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
    await app.db.raw(
      `INSERT INTO service_reports (id, customer_id, month, revision, language, time_zone, trigger, request_key, figures, pdf, csv, generated_at)
       SELECT gen_random_uuid(), customer_id, m, 1, language, time_zone, 'schedule', 'paging-' || m, figures, pdf, csv, generated_at
       FROM service_reports, unnest(?::text[]) AS m WHERE id = ?`,
      [months, reportId],
    );
    const page = await ui.signIn('manager@demo.test', 'en', { viewport: WIDE });
    await page.goto(`${app.baseUrl}/desk/reports?customer=${acmeId}`);
    const monthsShown = () => page.locator('#reports tbody td:nth-child(2)').allTextContents();
    const first = await monthsShown();
    expect(first).toHaveLength(20);
    expect(first[0]).toBe('March 2026');
    expect(first[1]).toBe('September 2025');
    expect(await page.locator('#reports tbody tr', { hasText: 'Scheduled' }).count()).toBe(19);
    expect(await page.locator('.pager a', { hasText: 'First page' }).count()).toBe(0);
    await Promise.all([page.waitForURL(/cursor=/), page.click('.pager a[rel="next"]')]);
    expect(new URL(page.url()).searchParams.get('customer')).toBe(acmeId);
    expect(await monthsShown()).toEqual(['February 2024', 'January 2024']);
    expect(await page.locator('.pager a[rel="next"]').count()).toBe(0);
    await Promise.all([page.waitForURL((u) => !u.searchParams.has('cursor')), page.locator('.pager a', { hasText: 'First page' }).click()]);
    expect(await monthsShown()).toEqual(first);
    // A cursor the API would refuse is dropped: the first page.
    await page.goto(`${app.baseUrl}/desk/reports?customer=${acmeId}&cursor=nonsense`);
    expect(await monthsShown()).toEqual(first);
    await page.context().close();
    await app.db('service_reports').where('request_key', 'like', 'paging-%').delete();
  });
});

describe('the portal (Acme’s customer admin, Slovak)', () => {
  test('lists and opens the report on a phone, downloads it, and is refused a month that has not ended', async () => {
    const page = await openReports('admin@acme.test', 'sk', NARROW, 'portal');
    expect(await page.textContent('h1')).toBe('Mesačné správy o úrovni služieb');
    const row = page.locator(`#reports tr[data-report="${reportId}"]`);
    expect(await row.locator('td').first().textContent()).toBe('marec 2026');
    expect(await row.textContent()).toContain('Na požiadanie');
    expect(await fitsWidth(page, NARROW.width)).toBe(true);
    await ui.shot(page, 'list-sk-375');

    await row.locator('a', { hasText: 'marec 2026' }).click();
    await page.waitForURL(`**/portal/reports/${reportId}`);
    expect(await page.textContent('[data-field="month"]')).toBe('marec 2026');
    expect(await main(page)).toContain('Plnenie SLA');
    const ticketLinks = await page.locator('#breaches tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(ticketLinks.length).toBeGreaterThan(0);
    expect(ticketLinks.every((h) => /^\/portal\/tickets\/T-\d{6}$/.test(h ?? ''))).toBe(true);
    expect(await fitsWidth(page, NARROW.width)).toBe(true);
    await ui.shot(page, 'page-sk-375');
    const pdf = await fetchFile(page, (await page.getAttribute('#download-pdf', 'href'))!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await fetchFile(page, `/portal/reports/${reportId}/csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');

    await page.setViewportSize(WIDE);
    await ui.shot(page, 'page-sk-1366');
    await page.goto(`${app.baseUrl}/portal/reports`);
    // A customer admin asks for their own organisation only: no customer to choose, no e-mail option.
    expect(await page.locator('#gen-customerId').count()).toBe(0);
    expect(await page.locator('#gen-email').count()).toBe(0);
    await ui.shot(page, 'list-sk-1366');

    // December 2026 has not ended (the latest is the month before now): refused on the field, the value kept.
    const future = '2027-01';
    await page.fill('#gen-month', future);
    await generate(page);
    expect(new URL(page.url()).pathname).toBe('/portal/reports');
    expect(await page.textContent('#gen-month-error')).toMatch(/^Správu možno vytvoriť len za mesiac, ktorý sa už skončil: \S+ \d{4} alebo skôr\.$/);
    expect(await page.getAttribute('#gen-month', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#gen-month', 'aria-describedby')).toContain('gen-month-error');
    expect(await page.inputValue('#gen-month')).toBe(future);
    // Nothing was generated.
    expect(Number((await app.db('service_reports').where({ customer_id: acmeId }).count('* as n').first())?.n)).toBe(1);
    await page.context().close();
  });
});

describe('who may see reports', () => {
  test('another organisation’s admin gets 404 for Acme’s report on every route; customer users and key users 403', async () => {
    const beta = await ui.signIn('admin@beta.test', undefined, { viewport: WIDE });
    for (const path of [`/portal/reports/${reportId}`, `/portal/reports/${reportId}/pdf`, `/portal/reports/${reportId}/csv`]) {
      const res = await beta.goto(`${app.baseUrl}${path}`);
      expect([path, res?.status()]).toEqual([path, 404]);
    }
    expect(await beta.textContent('h1')).toMatch(/Nenájdené|Not found/);
    await beta.goto(`${app.baseUrl}/portal/reports`);
    expect(await beta.locator(`tr[data-report="${reportId}"]`).count()).toBe(0);
    expect((await beta.goto(`${app.baseUrl}/desk/reports/${reportId}`))?.status()).toBe(403);
    await beta.context().close();

    for (const email of ['user@acme.test', 'keyuser@acme.test']) {
      const page = await ui.signIn(email, 'en', { viewport: WIDE });
      const res = await page.goto(`${app.baseUrl}/portal/reports`);
      expect([email, res?.status()]).toEqual([email, 403]);
      expect(await page.textContent('h1')).toBe('Not allowed');
      expect(await page.locator('header nav a[href="/portal/reports"]').count()).toBe(0);
      expect((await page.goto(`${app.baseUrl}/portal/reports/${reportId}/pdf`))?.status()).toBe(403);
      await page.context().close();
    }

    // Not signed in: the sign-in page, coming back here afterwards.
    const anonymous = await fetch(`${app.baseUrl}/portal/reports/${reportId}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/portal/reports/${reportId}`)}`);
  });
});

describe('keyboard only', () => {
  test('the generate form is filled and sent with Tab, typing and Enter', async () => {
    const page = await ui.signIn('admin@acme.test', 'en', { viewport: WIDE });
    await page.goto(`${app.baseUrl}/portal/reports`);
    const active = () => page.evaluate<string>("document.activeElement?.id || document.activeElement?.tagName || ''");
    const tabTo = async (id: string) => {
      for (let i = 0; i < 60 && (await active()) !== id; i++) await page.keyboard.press('Tab');
      expect(await active()).toBe(id);
    };
    await tabTo('gen-month');
    await page.keyboard.type('032026'); // month, then year: Chromium's month field moves on by itself
    expect(await page.inputValue('#gen-month')).toBe(MONTH);
    await tabTo('gen-submit');
    await Promise.all([page.waitForNavigation({ timeout: GENERATE_TIMEOUT }), page.keyboard.press('Enter')]);
    expect(page.url()).toMatch(/\/portal\/reports\/[0-9a-f-]{36}\?done=reportGenerated$/);
    expect(await page.textContent('[data-field="revision"]')).toBe('2');
    await page.context().close();
  });
});
