/**
 * Finding work on the desk (#14, point 2), in a real browser, English and Slovak, at 1366 and 375 px: the search
 * box (accents ignored), the order, numbered pages, a saved view with its count, and bulk assign of two tickets.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const tokens: Record<string, string> = {};
const viewport = (width: number): BrowserContextOptions => ({ viewport: { width, height: 900 } });

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'search-');
  for (const email of ['user@acme.test', 'l1@demo.test']) tokens[email] = await app.login(email);
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

const STRINGS = {
  en: { done: 'Done for 2 tickets.', total: 'Tickets 1–2 of 3', view: 'Coffee machines' },
  sk: { done: 'Počet spracovaných tiketov: 2.', total: 'Tikety 1–2 z 3', view: 'Kávovary' },
} as const;

/** Three Acme tickets whose titles share a word with an accent and a tag of their own. */
async function coffeeTickets(tag: string): Promise<string[]> {
  const numbers: string[] = [];
  for (const [impact, urgency] of [
    ['low', 'low'],
    ['high', 'high'],
    ['medium', 'medium'],
  ]) {
    const res = await app.request('POST', '/api/v1/tickets', { token: tokens['user@acme.test'], body: { title: `Kávovar ${tag} ${impact}`, description: 'Tečie voda.', type: 'incident', impact, urgency } });
    expect(res.status).toBe(201);
    await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id, type: 'ticket.created' }).first(), 'ticket.created');
    numbers.push(res.body.number as string);
  }
  return numbers;
}
const rowsOf = (page: Page) => page.locator('tr[data-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
const sidewaysScroll = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
async function submitAndWait(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  const s = STRINGS[lang];
  const tag = lang === 'en' ? 'alfa' : 'omega';

  test('search without accents, change the order, page by numbers, save a view with its count and bulk assign two tickets (1366 px)', async () => {
    const [low, high, medium] = await coffeeTickets(tag);
    const agent = await ui.signIn('l1@demo.test', lang, viewport(1366));
    await agent.goto(`${app.baseUrl}/desk`);

    // The search box: "kavovar" finds "Kávovar".
    await agent.fill('#f-q', `kavovar ${tag}`);
    await submitAndWait(agent, 'form.desk-filters button[type="submit"]');
    expect(new URL(agent.url()).searchParams.get('q')).toBe(`kavovar ${tag}`);
    expect((await rowsOf(agent)).sort()).toEqual([low, high, medium].sort());
    expect(await agent.inputValue('#f-sort')).toBe('queue');
    await ui.shot(agent, `${lang}-1366-search`);

    // The order: by priority the P1 ticket (high × high) comes first, the P4 last; newest: the last one created.
    await agent.selectOption('#f-sort', 'priority');
    await submitAndWait(agent, 'form.desk-filters button[type="submit"]');
    expect(await rowsOf(agent)).toEqual([high, medium, low]);
    await agent.selectOption('#f-sort', 'newest');
    await submitAndWait(agent, 'form.desk-filters button[type="submit"]');
    expect(await rowsOf(agent)).toEqual([medium, high, low]);

    // Numbered pages.
    await agent.goto(`${app.baseUrl}/desk?q=kavovar%20${tag}&sort=newest&limit=2`);
    expect(((await agent.textContent('#desk-total')) ?? '').trim()).toBe(s.total);
    expect(await agent.locator('.page-numbers a').count()).toBe(2);
    expect(await agent.getAttribute('.page-numbers a[data-page="1"]', 'aria-current')).toBe('page');
    await submitAndWait(agent, '.page-numbers a[data-page="2"]');
    expect(new URL(agent.url()).searchParams.get('page')).toBe('2');
    expect(await rowsOf(agent)).toEqual([low]);
    expect(await agent.getAttribute('.page-numbers a[data-page="2"]', 'aria-current')).toBe('page');
    await ui.shot(agent, `${lang}-1366-page-2`);

    // A saved view keeps the search and the order, and shows how many tickets it matches.
    await agent.goto(`${app.baseUrl}/desk?q=kavovar%20${tag}&sort=newest`);
    await agent.fill('#view-name', s.view);
    await submitAndWait(agent, 'form.save-view button[type="submit"]');
    const view = agent.locator(`.view-list li[data-view="${s.view}"]`);
    expect(((await view.locator('.view-count').textContent()) ?? '').trim()).toBe('3');
    // The same name again is refused with a message; the list stays as it was.
    await agent.fill('#view-name', s.view);
    await submitAndWait(agent, 'form.save-view button[type="submit"]');
    expect(await agent.locator('#view-invalid').count()).toBe(1);
    expect(await agent.locator('.view-list li').count()).toBe(lang === 'en' ? 1 : 2);
    await agent.goto(`${app.baseUrl}/desk`);
    await submitAndWait(agent, `.view-list li[data-view="${s.view}"] a`);
    expect(new URL(agent.url()).searchParams.get('q')).toBe(`kavovar ${tag}`);
    expect(await agent.inputValue('#f-sort')).toBe('newest');
    expect(await rowsOf(agent)).toEqual([medium, high, low]);
    expect(await agent.getAttribute(`.view-list li[data-view="${s.view}"] a`, 'aria-current')).toBe('page');

    // A bulk action with nothing selected changes nothing and says so.
    await submitAndWait(agent, 'button[name="_action"][value="assign"]');
    expect(await agent.locator('#bulk-notice[role="alert"]').count()).toBe(1);
    expect(await app.db('ticket_events').whereIn('ticket_id', app.db('tickets').whereIn('number', [low, high, medium].map((n) => Number(n.replace(/^T-/, '')))).select('id')).where({ type: 'ticket.assigned' }).first()).toBeUndefined();
    // Bulk assign two of them to me.
    await agent.check(`#pick-${high}`);
    await agent.check(`#pick-${low}`);
    await agent.selectOption('#bulk-assign-assigneeId', 'me');
    await ui.shot(agent, `${lang}-1366-bulk-selected`);
    await submitAndWait(agent, 'button[name="_action"][value="assign"]');
    expect(((await agent.textContent('#bulk-notice')) ?? '').trim()).toContain(s.done);
    const l1 = (await app.db('users').where({ email: 'l1@demo.test' }).first('id')).id as string;
    for (const n of [high, low]) {
      await eventually(async () => (await app.db('tickets').where({ number: Number(n.replace(/^T-/, '')) }).first('assignee_id'))?.assignee_id === l1, `${n} assigned`);
    }
    expect((await app.db('tickets').where({ number: Number(medium.replace(/^T-/, '')) }).first('assignee_id')).assignee_id).toBeNull();
    // The list is still the view's, and its rows now say who has them.
    expect(new URL(agent.url()).searchParams.get('q')).toBe(`kavovar ${tag}`);
    await ui.shot(agent, `${lang}-1366-bulk-done`);
    await agent.context().close();
  });

  test('at 375 px the search, the views, the bulk bar and the page numbers fit the screen', async () => {
    await coffeeTickets(`${tag}phone`);
    const agent = await ui.signIn('l1@demo.test', lang, viewport(375));
    await agent.goto(`${app.baseUrl}/desk?q=kavovar%20${tag}phone&limit=2`);
    expect(await rowsOf(agent)).toHaveLength(2);
    for (const selector of ['#f-q', '#f-sort', '#view-name', '.bulk-bar', '.page-numbers']) {
      const box = (await agent.locator(selector).boundingBox())!;
      expect({ selector, left: box.x >= 0, right: box.x + box.width <= 375 }).toEqual({ selector, left: true, right: true });
    }
    expect(await sidewaysScroll(agent)).toBeLessThanOrEqual(0);
    await ui.shot(agent, `${lang}-375-desk-list`);
    await agent.context().close();
  });
});
