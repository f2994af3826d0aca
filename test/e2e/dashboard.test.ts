/**
 * The manager's dashboard helps decide (#14, point 6), in a real browser, English and Slovak, at 1366 and 375 px:
 * plan names, compliance states that differ in words and colour (100 %, about 96 % and 0 %), the breached and
 * at-risk lists with customer, assignee and how far overdue, the 30-day trend as SVG with its numbers, and a figure
 * that opens the list behind it with as many tickets as it says.
 *
 * The figures come from the projection, so the data is shaped there as the workflow would have left it (as
 * test/api/dashboard.test.ts does): a breach recorded, a clock started hours ago, a ticket of another plan.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const tokens: Record<string, string> = {};
const numbers: Record<string, string> = {};

const viewport = (width: number): BrowserContextOptions => ({ viewport: { width, height: 900 } });
const MIN = 60_000;

async function create(email: string, title: string, impact: string, urgency: string): Promise<{ id: string; number: string }> {
  const res = await app.request('POST', '/api/v1/tickets', { token: tokens[email], body: { title, description: 'Seen on the dashboard test.', type: 'incident', impact, urgency } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id, type: 'ticket.created' }).first(), 'ticket.created');
  return { id: res.body.id, number: res.body.number };
}

const breach = (ticketId: string) => app.db('ticket_events').insert({ ticket_id: ticketId, seq: 1000, type: 'sla.breached', at: new Date(), visibility: 'internal', data: JSON.stringify({ clock: 'firstResponse', deadline: new Date().toISOString() }) });

/** The first-response clock of a ticket as if it had started `agoMs` ago (Premium P1: 1 h around the clock). */
async function startedAgo(ticketId: string, agoMs: number, slaState: 'breached' | 'at_risk'): Promise<void> {
  const row = await app.db('tickets').where({ id: ticketId }).first('sla');
  const sla = row.sla as Record<string, Record<string, unknown>>;
  const started = new Date(Date.now() - agoMs).toISOString();
  sla.firstResponse = { ...sla.firstResponse, startedAt: started, runningSince: started, consumedMs: 0, ...(slaState === 'breached' ? { breachedAt: new Date().toISOString() } : { warnedAt: new Date().toISOString() }) };
  await app.db('tickets').where({ id: ticketId }).update({ sla: JSON.stringify(sla), sla_state: slaState });
}

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'dashboard-');
  for (const email of ['user@acme.test', 'user@beta.test', 'l1@demo.test']) tokens[email] = await app.login(email);
  const l1 = (await app.db('users').where({ email: 'l1@demo.test' }).first('id')).id as string;

  // Acme (Premium): 25 tickets, one of them breached (96 %); one more Acme ticket counted under Standard (100 %).
  const late = await create('user@acme.test', 'Payroll export stopped', 'high', 'high');
  const soon = await create('user@acme.test', 'Warehouse scanner offline', 'high', 'high');
  numbers.late = late.number;
  numbers.soon = soon.number;
  for (const t of [late, soon]) {
    const res = await app.request('POST', `/api/v1/tickets/${t.number}/actions/assign`, { token: tokens['l1@demo.test'], body: { assigneeId: l1 } });
    if (res.status !== 200) throw new Error(`assign failed: ${res.status} ${res.text}`);
    await eventually(async () => (await app.db('tickets').where({ id: t.id }).first('assignee_id'))?.assignee_id === l1, 'assigned');
  }
  for (let batch = 0; batch < 23; batch += 6) {
    await Promise.all(Array.from({ length: Math.min(6, 23 - batch) }, (_, i) => create('user@acme.test', `Routine question ${batch + i + 1}`, 'low', 'low')));
  }
  const standard = await create('user@acme.test', 'A ticket under the Standard plan', 'low', 'low');
  await app.db('tickets').where({ id: standard.id }).update({ sla_snapshot: app.db.raw(`jsonb_set(sla_snapshot, '{planId}', '"standard"')`) });
  // Beta (Basic): one ticket, breached (0 %).
  const beta = await create('user@beta.test', 'Invoices print blank', 'medium', 'medium');
  await breach(beta.id);
  await app.db('tickets').where({ id: beta.id }).update({ sla_state: 'breached' });

  await breach(late.id);
  await startedAgo(late.id, 4 * 60 * MIN + 20 * MIN, 'breached');
  await startedAgo(soon.id, 50 * MIN, 'at_risk');
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

const STRINGS = {
  en: { title: 'Dashboard', onTarget: 'On target', atRisk: 'At risk', below: 'Below target', overdue: /^overdue by 3 h 2\d min/, left: /^time left \d+ min/, filtered: 'These are the tickets behind a dashboard figure.' },
  sk: { title: 'Prehľad', onTarget: 'V cieli', atRisk: 'Ohrozené', below: 'Pod cieľom', overdue: /^po termíne o 3 h 2\d min/, left: /^zostáva \d+ min/, filtered: 'Toto sú tikety, ktoré stoja za číslom z prehľadu.' },
} as const;

/** The page's window, as far as these tests use it (the test code is compiled without the DOM's types). */
type StyleWindow = { getComputedStyle(e: unknown): { color: string; fill: string } };
const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  const s = STRINGS[lang];

  test.each([1366, 375])('at %i px: plan names, states in words and colour, the breached and at-risk lists, the trend', async (width) => {
    const manager = await ui.signIn('manager@demo.test', lang, viewport(width));
    await manager.goto(`${app.baseUrl}/desk/dashboard`);
    expect(await text(manager, 'h1')).toBe(s.title);

    // Plan names, never ids; per plan: 100 % (Standard), 96 % (Premium), 0 % (Basic), each with its own state.
    const plans = manager.locator('[data-table="plan-compliance"] tbody tr');
    const planRow = (id: string) => manager.locator(`[data-table="plan-compliance"] tr[data-key="${id}"]`);
    expect(await plans.locator('th').allTextContents()).toEqual(['Basic', 'Premium', 'Standard']);
    expect(await text(manager, '[data-table="plan-compliance"]')).not.toMatch(/\b(basic|premium|standard)\b/);
    const expected = [
      ['standard', '100 %', s.onTarget, 'full'],
      ['premium', '96 %', s.atRisk, 'near'],
      ['basic', '0 %', s.below, 'below'],
    ] as const;
    for (const [id, percent, label, band] of expected) {
      expect(await text(manager, `[data-table="plan-compliance"] tr[data-key="${id}"] td:nth-of-type(3)`)).toBe(percent);
      expect(await planRow(id).locator('.state').textContent()).toBe(label);
      expect(await planRow(id).locator('.state').getAttribute('class')).toBe(`state state-${band}`);
      // The bar of the chart: its colour class, its printed figure and state; a 0 % bar is still drawn.
      const bar = manager.locator(`[data-chart="plan-compliance"] g[data-key="${id}"]`);
      expect(await bar.locator('rect.chart-bar').getAttribute('class')).toBe(`chart-bar tone-${band}`);
      expect(await bar.locator('text.chart-value').textContent()).toBe(`${percent} · ${label}`);
      expect(Number(await bar.locator('rect.chart-bar').getAttribute('width'))).toBeGreaterThanOrEqual(3);
    }
    const colour = (id: string) => planRow(id).locator('.state').evaluate((el) => (globalThis as unknown as StyleWindow).getComputedStyle(el).color);
    const fills = await Promise.all(['standard', 'premium', 'basic'].map((id) => manager.locator(`[data-chart="plan-compliance"] g[data-key="${id}"] rect.chart-bar`).evaluate((el) => (globalThis as unknown as StyleWindow).getComputedStyle(el).fill)));
    expect(new Set(fills).size).toBe(3);
    expect(new Set(await Promise.all(['standard', 'premium', 'basic'].map(colour))).size).toBe(3);

    // Breached: customer, assignee, how far overdue, linking to the ticket; at risk: the time left.
    const late = manager.locator(`[data-list="breached"] tr[data-number="${numbers.late}"]`);
    expect(await late.locator('[data-field="customer"]').textContent()).toBe('Acme');
    expect(((await late.locator('[data-field="assignee"]').textContent()) ?? '').trim()).not.toBe('');
    expect(((await late.locator('[data-field="due"]').textContent()) ?? '').trim()).toMatch(s.overdue);
    expect(await late.locator(`a[href="/desk/tickets/${numbers.late}"]`).count()).toBe(1);
    const soon = manager.locator(`[data-list="at-risk"] tr[data-number="${numbers.soon}"]`);
    expect(await soon.locator('[data-field="customer"]').textContent()).toBe('Acme');
    expect(((await soon.locator('[data-field="due"]').textContent()) ?? '').trim()).toMatch(s.left);
    const breachedRows = await manager.locator('[data-list="breached"] tbody tr').allTextContents();
    expect(breachedRows.some((r) => r.includes('Beta'))).toBe(true);

    // The trend: an SVG image with a title, a point per day, and the figures as a table (today's created count).
    const trend = manager.locator('[data-chart="trend"] svg');
    expect(await trend.getAttribute('role')).toBe('img');
    expect(((await trend.locator('title').first().textContent()) ?? '').length).toBeGreaterThan(5);
    expect(await trend.locator('g.daily-point').count()).toBe(30);
    expect(await manager.locator('[data-table="trend"] tbody tr').count()).toBe(30);
    expect(await text(manager, '[data-table="trend"] tbody tr:last-child [data-figure="created"]')).toBe('27');

    // Nothing wider than the screen at 375 px: tables scroll inside their own box.
    const overflow = Number(await manager.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await manager.locator('details.trend-numbers summary').click();
    await ui.shot(manager, `${lang}-${width}`);
    await manager.context().close();
  });

  test('a figure opens the list behind it, with as many tickets as it says', async () => {
    const manager = await ui.signIn('manager@demo.test', lang, viewport(1366));
    const dashboard = `${app.baseUrl}/desk/dashboard`;
    // The last: a desk filter of its own (SLA state), so no note about a dashboard figure.
    for (const [selector, expected, byFigure] of [
      ['[data-table="plan-compliance"] tr[data-key="premium"] [data-figure="tickets"]', 25, true],
      ['[data-table="plan-compliance"] tr[data-key="premium"] [data-figure="breached"]', 1, true],
      ['[data-table="customer-compliance"] tr [data-figure="breached"]', 1, true],
      ['[data-table="trend"] tbody tr:last-child [data-figure="created"]', 27, true],
      ['[data-list="breached"] [data-figure="breached"]', 2, false],
    ] as const) {
      await manager.goto(dashboard);
      const link = manager.locator(selector).first();
      const figure = Number(await link.textContent());
      expect(figure).toBe(expected);
      // The trend's figures are folded under the chart.
      if (!(await link.isVisible())) await manager.click('details.trend-numbers summary');
      await Promise.all([manager.waitForURL((u) => u.pathname === '/desk'), link.click()]);
      if (byFigure) expect(await text(manager, '#figure-filter')).toContain(s.filtered);
      // The desk shows 25 a page: the next page's rows count too.
      let rows = await manager.locator('table.desk-queue tbody tr').count();
      while (await manager.locator('#next-page').count()) {
        await Promise.all([manager.waitForLoadState('load'), manager.click('#next-page')]);
        rows += await manager.locator('table.desk-queue tbody tr').count();
      }
      expect(rows).toBe(figure);
    }
    await manager.goto(dashboard);
    await Promise.all([manager.waitForURL((u) => u.pathname === '/desk'), manager.locator('[data-table="plan-compliance"] tr[data-key="premium"] [data-figure="breached"]').click()]);
    expect(await manager.locator(`table.desk-queue tr[data-number="${numbers.late}"]`).count()).toBe(1);
    await ui.shot(manager, `${lang}-figure-list`);
    await manager.context().close();
  });
});
