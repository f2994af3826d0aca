/**
 * Attachments in the portal, in a real browser (Debian's chromium through playwright-core), in English and Slovak:
 * a customer attaches files to a new ticket, the agent sees them (an image as a thumbnail) and downloads the same
 * bytes, the agent's internal note carries a file the customer can neither see nor fetch (404), and a multipart
 * form without the session's CSRF token is refused before any file is read.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { hasElement, openPortalBrowser, reloadUntil, type Language, type PortalBrowser } from '../support/browser';
import { pngImage, sha256 } from '../support/files';

let app: TestApp;
let ui: PortalBrowser;

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'attachments-');
});
afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

const LABEL = { en: 'Attach files', sk: 'Priložiť súbory' };
const ATTACHED = { en: 'Attached files', sk: 'Priložené súbory' };

/** The bytes a signed-in page gets for a URL (its cookies), and the status. */
async function fetchAs(page: Page, href: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await page.context().request.get(`${app.baseUrl}${href}`);
  return { status: res.status(), bytes: Buffer.from(await res.body()) };
}

describe.each([
  ['en', 'user@acme.test'],
  ['sk', 'user@beta.test'],
] as Array<[Language, string]>)('attachments in %s', (lang, customerEmail) => {
  const at = (name: string) => `${lang}-${name}`;

  test('a customer attaches files to a new ticket, the agent downloads the same bytes, and the internal note file stays hidden from the customer', async () => {
    const screenshot = pngImage(320, 200, lang === 'en' ? [37, 99, 235] : [22, 163, 74]);
    const log = Buffer.from(lang === 'en' ? 'Error 500 at 10:42\nstack: invoice.print\n' : 'Chyba 500 o 10:42\nzásobník: faktúra.tlač\n');
    const logName = lang === 'en' ? 'print-log.txt' : 'záznam-tlače.txt';

    const customer = await ui.signIn(customerEmail, lang, { viewport: { width: 1366, height: 900 } });
    await customer.goto(`${app.baseUrl}/portal/tickets/new`);
    expect(await customer.textContent('label[for="new-files"]')).toBe(LABEL[lang]);
    const title = `Printing fails with a screenshot (${lang})`;
    await customer.fill('#title', title);
    await customer.fill('#description', 'The invoice prints an empty page; screenshot and log attached.');
    await customer.selectOption('#type', 'incident');
    await customer.setInputFiles('#new-files', [
      { name: 'screen.png', mimeType: 'image/png', buffer: screenshot },
      { name: logName, mimeType: 'text/plain', buffer: log },
    ]);
    await Promise.all([customer.waitForURL(/\/portal\/tickets\/T-\d+$/), customer.click('button[value="create"]')]);
    const ticketUrl = customer.url();
    const number = ticketUrl.split('/').pop() as string;
    await reloadUntil(customer, ticketUrl, hasElement(customer, '.timeline [data-file="screen.png"] img.thumb'), 'the attached files');
    expect(await customer.getAttribute('.timeline ul.files', 'aria-label')).toBe(ATTACHED[lang]);
    // The thumbnail is the real image, loaded through the download URL.
    await customer.locator('.timeline img.thumb').scrollIntoViewIfNeeded();
    await eventually(() => customer.$eval('.timeline img.thumb', (img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth === 320), 'the thumbnail loaded');
    expect(await customer.getAttribute('.timeline img.thumb', 'loading')).toBe('lazy');
    await ui.shot(customer, at('01-customer-ticket-with-files-1366'));

    const agent = await ui.signIn('l1@demo.test', lang, { viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const deskUrl = `${app.baseUrl}/desk/tickets/${number}`;
    await agent.goto(deskUrl);
    const logLink = agent.locator(`.timeline [data-file="${logName}"] a.file-link`);
    expect(await logLink.textContent()).toBe(logName);
    const [download] = await Promise.all([agent.waitForEvent('download'), logLink.click()]);
    expect(download.suggestedFilename()).toBe(logName);
    expect(sha256(readFileSync((await download.path())!))).toBe(sha256(log));
    const imageHref = (await agent.getAttribute('.timeline [data-file="screen.png"] a.file-link', 'href'))!;
    expect(sha256((await fetchAs(agent, imageHref)).bytes)).toBe(sha256(screenshot));

    // An internal note with a file: the desk shows it, the customer never reaches it.
    const secret = Buffer.from(`internal trace ${lang} #4711`);
    await agent.check('#composer-internal');
    await agent.fill('#composer-body', lang === 'en' ? 'Reproduced; trace attached' : 'Zopakované; záznam priložený');
    await agent.setInputFiles('#composer-files', [{ name: 'internal-trace.txt', mimeType: 'text/plain', buffer: secret }]);
    await Promise.all([agent.waitForURL(/done=note/), agent.click('#composer-send')]);
    await reloadUntil(agent, deskUrl, hasElement(agent, '.timeline li.internal [data-file="internal-trace.txt"]'), 'the internal note file');
    const secretHref = (await agent.getAttribute('.timeline [data-file="internal-trace.txt"] a.file-link', 'href'))!;
    expect((await fetchAs(agent, secretHref)).status).toBe(200);
    await ui.shot(agent, at('02-desk-ticket-with-files-1366'));

    const refused = await fetchAs(customer, secretHref);
    expect(refused.status).toBe(404);
    expect(refused.bytes.toString()).not.toContain('4711');
    await customer.goto(ticketUrl);
    expect(await customer.textContent('main')).not.toContain('internal-trace.txt');
    expect(await customer.locator('.timeline [data-file]').count()).toBe(2);
    // The customer's reply form takes files too.
    expect(await customer.getAttribute('#reply-form', 'enctype')).toBe('multipart/form-data');
    await customer.setViewportSize({ width: 375, height: 800 });
    await ui.shot(customer, at('03-customer-ticket-with-files-375'));

    const id = (await app.db('tickets').where({ number: Number(number.slice(2)) }).first('id')).id as string;
    expect(await app.db('attachments').where({ ticket_id: id }).whereNull('event_seq').first()).toBeUndefined();
    for (const p of [customer, agent]) await p.context().close();
  });
});

test('a customer reply with a file appears on their timeline; a multipart form without the CSRF token is refused and stores no file', async () => {
  const customer = await ui.signIn('user@acme.test', 'en');
  await customer.goto(`${app.baseUrl}/portal/tickets/new`);
  await customer.fill('#title', 'Reply with a file');
  await customer.fill('#description', 'First words.');
  await Promise.all([customer.waitForURL(/\/portal\/tickets\/T-\d+$/), customer.click('button[value="create"]')]);
  const ticketUrl = customer.url();
  const number = ticketUrl.split('/').pop() as string;
  await reloadUntil(customer, ticketUrl, hasElement(customer, '#reply-form'), 'the reply form');
  await customer.fill('#reply-body', 'The export as asked');
  await customer.setInputFiles('#reply-files', [{ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from('a;b\n1;2\n') }]);
  await Promise.all([customer.waitForURL(/done=reply/), customer.click('#reply-form button[type="submit"]')]);
  await reloadUntil(customer, ticketUrl, hasElement(customer, '.timeline [data-file="export.csv"]'), 'the reply file');

  const cookie = (await customer.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const form = new FormData();
  form.append('body', 'forged');
  form.append('attachments', new Blob([Buffer.from('forged')]), 'forged.txt');
  const forged = await fetch(`${app.baseUrl}/portal/tickets/${number}/reply`, { method: 'POST', headers: { cookie }, body: form, redirect: 'manual' });
  expect(forged.status).toBe(403);
  const ticket = await app.db('tickets').where({ number: Number(number.slice(2)) }).first('id');
  await eventually(async () => (await app.db('attachments').where({ ticket_id: ticket.id }).count('* as n').first())?.n === 1, 'only the real reply file');
  expect(await app.db('attachments').where({ ticket_id: ticket.id, filename: 'forged.txt' }).first()).toBeUndefined();
  await customer.context().close();
});
