/**
 * Accessibility of the main pages (#14): axe-core (@axe-core/playwright) in Debian's chromium, in English and
 * Slovak, at 1366 and 375 px, for every role's main pages. No violation of impact serious or critical is allowed;
 * a failure lists each one with the page, the rule and the elements, so it can be fixed in templates/ or the CSS.
 */
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, switchLanguage, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
let ticket: string;

const viewport = (width: number): BrowserContextOptions => ({ viewport: { width, height: 900 } });

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'a11y-');
  const token = await app.login('user@acme.test');
  const created = await app.request('POST', '/api/v1/tickets', { token, body: { title: 'Invoices do not print', description: 'Printing an invoice shows an empty page.', type: 'incident', impact: 'medium', urgency: 'high' } });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  ticket = created.body.number as string;
  await eventually(() => app.db('ticket_events').where({ ticket_id: created.body.id }).first(), 'ticket.created');
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

/** Who opens which pages (null: not signed in). */
const PAGES: Array<{ as: string | null; paths: () => string[] }> = [
  { as: null, paths: () => ['/login'] },
  { as: 'user@acme.test', paths: () => ['/portal', '/portal/tickets/new', `/portal/tickets/${ticket}`, '/kb'] },
  { as: 'manager@demo.test', paths: () => ['/desk', `/desk/tickets/${ticket}`, '/desk/dashboard', '/desk/releases', '/desk/reports'] },
  { as: 'admin@demo.test', paths: () => ['/admin/customers', '/admin/users', '/admin/plans', '/admin/calendars', '/admin/modules'] },
];

interface Found {
  path: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

async function audit(page: Page, path: string): Promise<Found[]> {
  const res = await page.goto(`${app.baseUrl}${path}`);
  if (!res || res.status() !== 200) throw new Error(`${path} answered ${res?.status()}`);
  const result = await new AxeBuilder({ page }).analyze();
  // axe really looked at the page (a page that failed to load would pass every rule by having nothing to check).
  if (result.passes.length < 10) throw new Error(`${path}: axe checked only ${result.passes.length} rules`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ path, rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  test.each([1366, 375])('at %i px: no serious or critical violation on the main pages', async (width) => {
    const found: Found[] = [];
    for (const { as, paths } of PAGES) {
      let page: Page;
      if (as) page = await ui.signIn(as, lang, viewport(width));
      else {
        page = await (await ui.browser.newContext(viewport(width))).newPage();
        await page.goto(`${app.baseUrl}/login`);
        if (lang === 'sk') await switchLanguage(page, 'sk');
      }
      for (const path of paths()) {
        found.push(...(await audit(page, path)));
        await ui.shot(page, `${lang}-${width}${path.replace(/[^a-z0-9]+/gi, '-')}`);
      }
      await page.context().close();
    }
    const report = found.map((f) => `${f.path}: ${f.impact} ${f.rule} (${f.help}) at ${f.targets.join(', ')}`).join('\n');
    expect(report).toBe('');
  });
});
