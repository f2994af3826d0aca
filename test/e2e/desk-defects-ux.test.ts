/**
 * Defects on the desk (#14, point 5), in a real browser, English and Slovak: starting reproduction says that the
 * ticket moved to L2 and lost its assignee; scheduling a fix with no planned release says so with the button
 * disabled, and a manager plans the release from there and comes back to the ticket to schedule the fix.
 */
import type { Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, reloadUntil, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'desk-defects-');
  for (const email of ['user@acme.test', 'l1@demo.test', 'l2@demo.test', 'l3@demo.test']) tokens[email] = await app.login(email);
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

async function act(email: string, number: string, action: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.request('POST', `/api/v1/tickets/${number}/actions/${action}`, { token: tokens[email], body });
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
}
const row = (number: string) => app.db('tickets').where({ number: Number(number.replace(/^T-/, '')) });
const detail = async (page: Page, field: string) => ((await page.textContent(`dd[data-field="${field}"]`)) ?? '').trim();
async function submit(page: Page, formId: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(`#form-${formId} button[type="submit"]`)]);
}

const STRINGS = {
  en: { moved: 'moved to L2 (L1 → L2) · assignee cleared', nobody: 'Nobody', noRelease: 'There is no planned release yet', scheduled: 'Fix scheduled' },
  sk: { moved: 'presunutý na L2 (L1 → L2) · riešiteľ odobratý', nobody: 'Nikto', noRelease: 'Zatiaľ nie je naplánované žiadne vydanie', scheduled: 'Oprava naplánovaná' },
} as const;

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  const s = STRINGS[lang];

  test('start reproduction says it moved the ticket to L2 and cleared the assignee; with no planned release the fix cannot be sent, and a manager plans one from the ticket and returns to it', async () => {
    // No planned release at all: the precondition this test is about.
    await app.db('releases').where({ status: 'planned' }).update({ status: 'published', published_at: new Date() });
    const created = await app.request('POST', '/api/v1/tickets', { token: tokens['user@acme.test'], body: { title: `Rounding (${lang})`, description: 'Totals are off by one cent.', type: 'defect', moduleId: 'finance', impact: 'medium', urgency: 'medium' } });
    expect(created.status).toBe(201);
    const number = created.body.number as string;
    const l1 = (await app.db('users').where({ email: 'l1@demo.test' }).first('id')).id as string;
    await eventually(async () => !!(await row(number).first('id')), 'the ticket');
    await act('l1@demo.test', number, 'assign', { assigneeId: l1 });
    await eventually(async () => (await row(number).first('assignee_id'))?.assignee_id === l1, 'assigned');

    const agent = await ui.signIn('l2@demo.test', lang);
    const url = `${app.baseUrl}/desk/tickets/${number}`;
    await agent.goto(url);
    await submit(agent, 'start-reproduction');
    await reloadUntil(agent, url, async () => (await agent.locator('[data-event="defect.reproduction_started"]').count()) === 1, 'the reproduction');
    expect(await agent.textContent('[data-event="defect.reproduction_started"] .body')).toContain(s.moved);
    expect(await detail(agent, 'level')).toBe('L2');
    expect(await detail(agent, 'assignee')).toBe(s.nobody);
    // The customer's timeline has the event, not the desk's note about the assignee.
    const customerEvents = (await app.request('GET', `/api/v1/tickets/${number}/events`, { token: tokens['user@acme.test'] })).body.items as Array<{ type: string }>;
    expect(customerEvents.map((e) => e.type)).toContain('defect.reproduction_started');
    await ui.shot(agent, `${lang}-reproduction-started`);

    await act('l2@demo.test', number, 'confirm-defect', { evidence: { steps: '3 × 0.333', environment: 'Test tenant', version: '4.1.2' } });
    await act('l3@demo.test', number, 'start-fix', {});
    await eventually(async () => (await row(number).first('sub_status'))?.sub_status === 'fix_in_progress', 'fix in progress');

    // An agent: told there is nothing to schedule into, the button disabled, no way to plan releases offered.
    await reloadUntil(agent, url, async () => (await agent.locator('#form-schedule-fix').count()) === 1, 'the schedule form');
    expect(await agent.textContent('#schedule-fix-hint')).toContain(s.noRelease);
    expect(await agent.isDisabled('#form-schedule-fix button[type="submit"]')).toBe(true);
    expect(await agent.locator('#schedule-fix-plan-release').count()).toBe(0);
    await ui.shot(agent, `${lang}-no-planned-release-agent`);

    // A manager plans the release from the ticket and is brought back to schedule the fix into it.
    const manager = await ui.signIn('manager@demo.test', lang);
    await manager.goto(url);
    expect(await manager.isDisabled('#form-schedule-fix button[type="submit"]')).toBe(true);
    await Promise.all([manager.waitForURL(/\/desk\/releases\?returnTo=/), manager.click('#schedule-fix-plan-release')]);
    expect(await manager.locator('#plan-return').count()).toBe(1);
    const version = `7.${lang === 'en' ? 1 : 2}.${Date.now() % 1000}`;
    await manager.fill('#plan-version', version);
    await manager.fill('#plan-plannedDate', '2031-05-20');
    await Promise.all([manager.waitForURL((u) => u.pathname === `/desk/tickets/${number}`), manager.click('#plan-form button[type="submit"]')]);
    expect(new URL(manager.url()).hash).toBe('#form-schedule-fix');
    expect(await manager.isDisabled('#form-schedule-fix button[type="submit"]')).toBe(false);
    await manager.selectOption('#schedule-fix-releaseVersion', version);
    await submit(manager, 'schedule-fix');
    await reloadUntil(manager, url, async () => (await manager.locator('[data-event="fix.scheduled"]').count()) === 1, 'the scheduled fix');
    expect(await manager.textContent('[data-event="fix.scheduled"]')).toContain(s.scheduled);
    await ui.shot(manager, `${lang}-fix-scheduled-after-planning`);

    // The return address is a desk ticket page only: anything else is ignored (no open redirect).
    await manager.goto(`${app.baseUrl}/desk/releases?returnTo=${encodeURIComponent('https://example.org/')}`);
    expect(await manager.locator('#plan-return').count()).toBe(0);
    expect(await manager.locator('#plan-form input[name="returnTo"]').count()).toBe(0);
    await manager.context().close();
    await agent.context().close();
  });

  test('f: an internal note typed while the session expires comes back into its form after signing in again', async () => {
    const created = await app.request('POST', '/api/v1/tickets', { token: tokens['user@acme.test'], body: { title: `Note kept (${lang})`, description: 'Seen in the browser test.', type: 'incident', impact: 'low', urgency: 'low' } });
    const number = created.body.number as string;
    await eventually(async () => !!(await row(number).first('id')), 'the ticket');
    const agent = await ui.signIn('l1@demo.test', lang);
    const url = `${app.baseUrl}/desk/tickets/${number}`;
    await agent.goto(url);
    const typed = `Checked the logs (${lang}).\nNothing unusual.`;
    await agent.check('#composer-internal');
    await agent.fill('#composer-body', typed);
    const l1 = (await app.db('users').where({ email: 'l1@demo.test' }).first('id')).id as string;
    await app.db('auth_tokens').where({ user_id: l1, kind: 'session' }).whereNull('revoked_at').update({ expires_at: new Date(Date.now() - 1000) });
    await Promise.all([agent.waitForURL(/\/login\?/), agent.click('#composer-send')]);
    expect(await agent.locator('#login-kept').count()).toBe(1);
    await agent.fill('#email', 'l1@demo.test');
    await agent.fill('#password', 'demo');
    await Promise.all([agent.waitForURL((u) => !u.pathname.startsWith('/login')), agent.click('form[action="/login"] button')]);
    expect(agent.url()).toBe(url);
    expect(await agent.locator('#typed-restored').count()).toBe(1);
    expect(await agent.inputValue('#composer-body')).toBe(typed);
    expect(await agent.isChecked('#composer-internal')).toBe(true);
    await agent.context().close();
  });
});
