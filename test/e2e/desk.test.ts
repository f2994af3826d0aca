/**
 * The staff desk in a real browser (playwright-core driving Debian's chromium, never a downloaded one): queues per
 * level with filters, tabs and paging; the ticket page's actions as the workflow allows them (assign, request
 * information, escalate, resolve, a refused action shown as a message, priority override for managers only, a
 * defect through to a scheduled fix, a change request assessed); logging a phone call with the scope rule; access
 * checks. One flow runs in Slovak.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, reloadUntil, switchLanguage, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const signIn: PortalBrowser['signIn'] = (...args) => ui.signIn(...args);
const shot: PortalBrowser['shot'] = (...args) => ui.shot(...args);
const tokens: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'desk-');
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

/** Projections are written by the ticket's activities: reload until the page shows the news. */
async function token(email: string): Promise<string> {
  tokens[email] ??= await app.login(email);
  return tokens[email];
}

async function newTicket(email: string, body: Record<string, unknown>): Promise<string> {
  const res = await app.request('POST', '/api/v1/tickets', { token: await token(email), body: { description: 'Seen in the browser test.', impact: 'medium', urgency: 'medium', type: 'incident', ...body } });
  if (res.status !== 201) throw new Error(`ticket not created: ${res.status} ${res.text}`);
  return res.body.number as string;
}

async function act(email: string, number: string, action: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.request('POST', `/api/v1/tickets/${number}/actions/${action}`, { token: await token(email), body });
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
}

const userId = async (email: string) => (await app.db('users').where({ email }).first('id')).id as string;
const customerId = async (slug: string) => (await app.db('customers').where({ slug }).first('id')).id as string;
const main = async (page: Page) => (await page.textContent('main')) ?? '';
const detail = async (page: Page, field: string) => ((await page.textContent(`dd[data-field="${field}"]`)) ?? '').trim();
const headValue = async (page: Page, label: string) => ((await page.locator('dl').first().locator('div', { hasText: label }).locator('dd').textContent()) ?? '').trim();

/** The page shows `expected` once the projection has caught up (a GET page is reloaded until it does). */
async function shows(page: Page, read: () => Promise<string>, expected: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await read();
    if (got === expected || Date.now() > deadline) {
      expect(got).toBe(expected);
      return;
    }
    await page.waitForTimeout(300);
    await page.reload();
  }
}

/** Submits one of the ticket page's action forms and waits for the page that follows (redirect or re-render). */
async function submit(page: Page, formId: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(`#form-${formId} button[type="submit"]`)]);
}

describe('queues', () => {
  test('level tabs, filters, assigned/unassigned tabs, SLA badges and paging', async () => {
    const run = randomUUID().slice(0, 8);
    const atL1 = await newTicket('user@acme.test', { title: `Queue L1 ${run}`, impact: 'high', urgency: 'high' });
    const atL2 = await newTicket('user@acme.test', { title: `Queue L2 ${run}` });
    const request = await newTicket('user@acme.test', { title: `Queue service ${run}`, type: 'service_request', impact: 'low', urgency: 'low' });
    const beta = await newTicket('user@beta.test', { title: `Queue Beta ${run}`, type: 'question', impact: 'low', urgency: 'low' });
    const breached = await newTicket('user@acme.test', { title: `Queue breached ${run}`, type: 'question' });
    await act('l1@demo.test', atL2, 'escalate', { toLevel: 'L2', reason: 'Needs an application specialist.' });
    await act('l1@demo.test', atL1, 'assign', { assigneeId: await userId('l1@demo.test') });
    // The badge shows the projected SLA state; a breach is forced in the projection so the test needs no waiting.
    await app.db('tickets').where({ number: Number(breached.slice(2)) }).update({ sla_state: 'breached' });

    const agent = await signIn('l1@demo.test');
    expect(new URL(agent.url()).pathname).toBe('/desk');
    expect(await agent.textContent('h1')).toBe('Queue');
    expect(await agent.getAttribute('a[data-tab="mine"]', 'aria-current')).toBe('page');
    // The agent's own level by default: the escalated ticket is no longer in L1's queue.
    let text = await main(agent);
    expect(text).toContain(atL1);
    expect(text).not.toContain(atL2);
    expect(await agent.locator('a[data-tab="all"]').count()).toBe(0);
    await shot(agent, '01-queue-l1');

    await agent.click('a[data-tab="L2"]');
    await agent.waitForURL(/level=L2/);
    expect(await agent.getAttribute('a[data-tab="L2"]', 'aria-current')).toBe('page');
    text = await main(agent);
    expect(text).toContain(atL2);
    expect(text).not.toContain(atL1);

    // Filters: type, priority, customer.
    await agent.goto(`${app.baseUrl}/desk?level=L1`);
    expect(await agent.textContent('h1')).toBe('Queue');
    await agent.selectOption('#f-type', 'service_request');
    await Promise.all([agent.waitForURL(/type=service_request/), agent.click('form.desk-filters button')]);
    text = await main(agent);
    expect(text).toContain(request);
    expect(text).not.toContain(atL1);
    expect(await agent.inputValue('#f-type')).toBe('service_request');
    await agent.goto(`${app.baseUrl}/desk?level=L1&priority=P1`);
    text = await main(agent);
    expect(text).toContain(atL1);
    expect(text).not.toContain(request);
    await agent.goto(`${app.baseUrl}/desk?level=all&customer=${await customerId('beta')}`);
    text = await main(agent);
    expect(text).toContain(beta);
    expect(text).not.toContain(atL1);

    // Assigned to me / unassigned.
    await agent.click('a[data-tab="me"]');
    await agent.waitForURL(/assignee=me/);
    text = await main(agent);
    expect(text).toContain(atL1);
    expect(text).not.toContain(request);
    await agent.click('a[data-tab="unassigned"]');
    await agent.waitForURL(/assignee=none/);
    text = await main(agent);
    expect(text).toContain(request);
    expect(text).not.toContain(atL1);

    // SLA state: colour and text, and its own filter.
    await agent.goto(`${app.baseUrl}/desk?sla=breached`);
    const row = agent.locator(`tr[data-number="${breached}"]`);
    expect(await row.getAttribute('class')).toContain('attention');
    expect(((await row.locator('.badge').textContent()) ?? '').trim()).toContain('Breached');
    expect(await row.locator('.badge.sla-breached').count()).toBe(1);
    expect(await main(agent)).not.toContain(atL1);
    await agent.goto(`${app.baseUrl}/desk?level=L1`);
    expect(((await agent.locator(`tr[data-number="${atL1}"] .badge`).textContent()) ?? '').trim()).toBe('On track');
    await shot(agent, '02-queue-filtered');

    // Paging with the list's cursor: pages do not overlap, and there is a way back to the first one.
    await agent.goto(`${app.baseUrl}/desk?level=all&limit=2`);
    const first = await agent.locator('tr[data-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    expect(first).toHaveLength(2);
    await Promise.all([agent.waitForURL(/cursor=/), agent.click('#next-page')]);
    const second = await agent.locator('tr[data-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((n) => first.includes(n))).toEqual([]);
    expect(await agent.locator('a[rel="first"]').count()).toBe(1);
    await agent.context().close();

    // Managers get the "all levels" tab.
    const manager = await signIn('manager@demo.test');
    await manager.goto(`${app.baseUrl}/desk?level=all`);
    expect(await manager.getAttribute('a[data-tab="all"]', 'aria-current')).toBe('page');
    text = await main(manager);
    expect(text).toContain(atL1);
    expect(text).toContain(atL2);
    await manager.context().close();
  });
});

describe('the ticket page', () => {
  test('assign to me, request information, escalate, resolve; a stale action is refused with a message', async () => {
    const number = await newTicket('user@acme.test', { title: 'Stock report is empty', impact: 'low', urgency: 'low' });
    const url = `${app.baseUrl}/desk/tickets/${number}`;
    const agent = await signIn('l1@demo.test');
    await agent.goto(url);
    expect(await detail(agent, 'customer')).toContain('Acme');
    await shows(agent, () => detail(agent, 'requester'), 'Alice Acme');
    await shows(agent, () => detail(agent, 'level'), 'L1');
    await shows(agent, () => detail(agent, 'channel'), 'Portal');
    // Actions a state does not allow are not offered; an agent never sees the override.
    expect(await agent.locator('#form-reopen').count()).toBe(0);
    expect(await agent.locator('#form-override-priority').count()).toBe(0);
    expect(await agent.locator('#form-start-reproduction').count()).toBe(0);

    await submit(agent, 'assign-me');
    expect(agent.url()).toContain('done=assign-me');
    await shows(agent, () => detail(agent, 'assignee'), 'Lucia Level-One');

    await agent.fill('#request-info-body', 'Which warehouse does the report cover?');
    await submit(agent, 'request-info');
    await shows(agent, () => headValue(agent, 'Status'), 'Waiting on customer');
    await reloadUntil(agent, url, async () => (await main(agent)).includes('Which warehouse does the report cover?'));

    // A missing reason is named on the form; what was chosen stays.
    await agent.selectOption('#escalate-toLevel', 'L2');
    await submit(agent, 'escalate');
    expect(await agent.getAttribute('#escalate-reason', 'aria-invalid')).toBe('true');
    expect(await agent.inputValue('#escalate-toLevel')).toBe('L2');
    expect(await agent.locator('#form-escalate [role="alert"]').count()).toBe(1);
    await shot(agent, '03-ticket-invalid');
    await agent.fill('#escalate-reason', 'The report query needs an application specialist.');
    await submit(agent, 'escalate');
    await shows(agent, () => detail(agent, 'level'), 'L2');
    // The internal timeline says where it went and why.
    await reloadUntil(agent, url, async () => (await agent.locator('li.internal[data-event="escalation.manual"]').count()) === 1);
    expect(await agent.textContent('li[data-event="escalation.manual"]')).toContain('L1 → L2');
    expect(await agent.textContent('li[data-event="escalation.manual"]')).toContain('application specialist');

    // An empty public reply is named on its form, not sent.
    await agent.fill('#composer-body', '   ');
    const [empty] = await Promise.all([agent.waitForNavigation(), agent.click('#composer-send')]);
    expect(empty?.status()).toBe(400);
    expect(await agent.getAttribute('#composer-body', 'aria-invalid')).toBe('true');

    // The page is now stale: someone else resolves the ticket, then this agent's resolve is refused (409) readably.
    const stale = await (await agent.context().newPage());
    await stale.goto(url);
    await agent.fill('#resolve-resolution', 'The report covered the wrong warehouse; fixed the filter.');
    await submit(agent, 'resolve');
    await shows(agent, () => headValue(agent, 'Status'), 'Resolved');
    expect(await agent.locator('#form-reopen').count()).toBe(1);
    expect(await agent.locator('#form-resolve').count()).toBe(0);
    await stale.fill('#resolve-resolution', 'Resolving twice.');
    const [refused] = await Promise.all([stale.waitForNavigation(), stale.click('#form-resolve button[type="submit"]')]);
    expect(refused?.status()).toBe(409);
    expect(await stale.textContent('#action-conflict')).toContain('resolved');
    expect(await stale.textContent('#action-conflict')).toContain('Resolving twice.');
    expect(await stale.locator('#form-resolve').count()).toBe(0);
    await shot(stale, '04-ticket-conflict');
    await shot(agent, '05-ticket-resolved');

    // A forged override by an agent is refused outright, CSRF token or not.
    const csrf = await agent.getAttribute('input[name="_csrf"]', 'value');
    const forged = await agent.request.post(`${url}/override-priority`, { form: { _csrf: csrf ?? '', priority: 'P1', reason: 'I want it first.' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    await agent.context().close();

    // A manager may override the priority, with a reason.
    const manager = await signIn('manager@demo.test');
    await manager.goto(url);
    await shows(manager, () => headValue(manager, 'Priority'), 'P4');
    await manager.selectOption('#override-priority-priority', 'P2');
    await manager.fill('#override-priority-reason', 'The customer closes the month tomorrow.');
    await submit(manager, 'override-priority');
    await shows(manager, () => headValue(manager, 'Priority'), 'P2');
    await shot(manager, '06-priority-overridden');
    await manager.context().close();
  });

  test('a defect goes through reproduction, confirmation, fix and a scheduled release', async () => {
    const version = `9.${Date.now() % 1000}.${Math.floor(Math.random() * 1000)}`;
    const release = await app.request('POST', '/api/v1/releases', { token: await token('manager@demo.test'), body: { version, plannedDate: '2027-03-15' } });
    expect(release.status).toBe(201);
    const number = await newTicket('user@acme.test', { title: 'Invoice total rounds wrongly', type: 'defect', moduleId: 'finance' });
    const url = `${app.baseUrl}/desk/tickets/${number}`;
    const agent = await signIn('l2@demo.test');
    await agent.goto(url);
    await shows(agent, () => detail(agent, 'defectState'), 'Reported');
    expect(await agent.locator('#form-confirm-defect').count()).toBe(0);

    await submit(agent, 'start-reproduction');
    await shows(agent, () => detail(agent, 'defectState'), 'Being reproduced');
    await agent.fill('#confirm-defect-steps', '1. Create an invoice of 3 × 0.333\n2. The total shows 0.99');
    await agent.fill('#confirm-defect-environment', 'Test tenant');
    await submit(agent, 'confirm-defect');
    // The version is missing: named, and the steps typed so far are kept.
    expect(await agent.getAttribute('#confirm-defect-version', 'aria-invalid')).toBe('true');
    expect(await agent.inputValue('#confirm-defect-steps')).toContain('3 × 0.333');
    await agent.fill('#confirm-defect-version', '4.1.2');
    await submit(agent, 'confirm-defect');
    await shows(agent, () => detail(agent, 'defectState'), 'Confirmed');

    await submit(agent, 'start-fix');
    await shows(agent, () => detail(agent, 'defectState'), 'Fix in progress');
    await agent.selectOption('#schedule-fix-releaseVersion', version);
    await submit(agent, 'schedule-fix');
    await shows(agent, () => detail(agent, 'defectState'), 'Fix scheduled');
    await reloadUntil(agent, url, async () => (await agent.locator('[data-event="fix.scheduled"]').count()) === 1);
    expect(await agent.textContent('[data-event="fix.scheduled"]')).toContain('Fix scheduled');
    await shot(agent, '07-defect-scheduled');
    await agent.context().close();
  });

  test('a change request is assessed and then awaits the customer', async () => {
    const number = await newTicket('user@acme.test', { title: 'Add a cost centre column', type: 'change_request' });
    const agent = await signIn('l1@demo.test');
    await agent.goto(`${app.baseUrl}/desk/tickets/${number}`);
    await shows(agent, () => detail(agent, 'changeState'), 'Submitted');
    expect(await agent.locator('#form-schedule').count()).toBe(0);
    await agent.fill('#assess-effort', '3 days');
    await agent.selectOption('#assess-risk', 'low');
    await agent.fill('#assess-assessment', 'One column in the export and in the screen.');
    await submit(agent, 'assess');
    await shows(agent, () => detail(agent, 'changeState'), 'Awaiting approval');
    // Scheduling waits for the customer's approval.
    expect(await agent.locator('#form-schedule').count()).toBe(0);
    expect(await agent.locator('#form-implement').count()).toBe(0);
    await shot(agent, '08-change-assessed');
    await agent.context().close();
  });

  test('a problem links an incident by number, tells it the workaround, and lets it go', async () => {
    const problem = await newTicket('user@acme.test', { title: 'Nightly stock sync fails', type: 'problem' });
    const incident = await newTicket('user@acme.test', { title: 'Stock numbers are stale', type: 'incident' });
    const agent = await signIn('l2@demo.test');
    const url = `${app.baseUrl}/desk/tickets/${problem}`;
    await agent.goto(url);
    expect(await agent.locator('#form-unlink-incident').count()).toBe(0);
    await agent.fill('#link-incident-incidentId', 'T-999999');
    await submit(agent, 'link-incident');
    expect(await agent.getAttribute('#link-incident-incidentId', 'aria-invalid')).toBe('true');
    expect(await agent.inputValue('#link-incident-incidentId')).toBe('T-999999');
    await agent.fill('#link-incident-incidentId', incident);
    await submit(agent, 'link-incident');
    await shows(agent, async () => String(await agent.locator('dd[data-field="incidents"]', { hasText: incident }).count()), '1');
    await agent.fill('#record-workaround-workaround', 'Run the sync by hand from the admin screen.');
    await submit(agent, 'record-workaround');
    await reloadUntil(agent, `${app.baseUrl}/desk/tickets/${incident}`, async () => (await main(agent)).includes('Run the sync by hand'));
    await agent.goto(url);
    await agent.selectOption('#unlink-incident-incidentId', { label: incident });
    await submit(agent, 'unlink-incident');
    await shows(agent, async () => String(await agent.locator('dd[data-field="incidents"]').count()), '0');
    await shot(agent, '09-problem');
    await agent.context().close();
  });
});

describe('merging duplicates', () => {
  test('an agent merges a duplicate into the earlier ticket (EN), both pages link each other, the customer sees it (SK)', async () => {
    const earlier = await newTicket('user@acme.test', { title: 'Reports are empty since Monday' });
    const duplicate = await newTicket('user@acme.test', { title: 'No data in the reports' });
    const agent = await signIn('l1@demo.test');
    await agent.goto(`${app.baseUrl}/desk/tickets/${duplicate}`);
    expect(await agent.textContent('#form-merge legend')).toBe('Merge as duplicate');
    // A number that names no ticket is the field's fault, and what was typed stays.
    await agent.fill('#merge-targetId', 'T-999999');
    await agent.fill('#merge-note', 'We are working on it in the earlier ticket.');
    await submit(agent, 'merge');
    expect(await agent.getAttribute('#merge-targetId', 'aria-invalid')).toBe('true');
    expect(await agent.inputValue('#merge-note')).toBe('We are working on it in the earlier ticket.');
    await agent.fill('#merge-targetId', earlier);
    await submit(agent, 'merge');
    await shows(agent, async () => ((await agent.textContent('dd[data-field="duplicateOf"]')) ?? '').trim(), earlier);
    expect(await agent.locator('#form-merge').count()).toBe(0);
    expect(await main(agent)).toContain('Merged into another ticket');
    await shot(agent, '15-merged-duplicate');
    await agent.goto(`${app.baseUrl}/desk/tickets/${earlier}`);
    await shows(agent, async () => ((await agent.textContent('dd[data-field="duplicates"]')) ?? '').trim(), duplicate);
    expect(await main(agent)).toContain('Duplicate merged into this ticket');
    await agent.context().close();

    const customer = await signIn('user@acme.test', 'sk');
    await customer.goto(`${app.baseUrl}/portal/tickets/${duplicate}`);
    expect(((await customer.textContent('#duplicate-of')) ?? '').trim()).toBe(`Duplikát tiketu: ${earlier}`);
    expect(await main(customer)).toContain('Zlúčený do iného tiketu');
    expect(await main(customer)).toContain('We are working on it in the earlier ticket.');
    await customer.setViewportSize({ width: 375, height: 800 });
    await shot(customer, '16-sk-merged-customer-375');
    await customer.context().close();
  });
});

describe('access', () => {
  test('customers get 403 on staff ticket pages; a desk form without the CSRF token is refused', async () => {
    const number = await newTicket('user@acme.test', { title: 'Access check' });
    const customer = await signIn('user@acme.test');
    const res = await customer.goto(`${app.baseUrl}/desk/tickets/${number}`);
    expect(res?.status()).toBe(403);
    await customer.context().close();
    const agent = await signIn('l1@demo.test');
    const forged = await agent.request.post(`${app.baseUrl}/desk/tickets/${number}/assign`, { form: { _csrf: 'wrong', assigneeId: 'me' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const missing = await agent.goto(`${app.baseUrl}/desk/tickets/T-999999`);
    expect(missing?.status()).toBe(404);
    await agent.context().close();
  });
});

describe('phone calls', () => {
  test('a call is logged for a customer user; the scope rule needs a decision; a plan without phone is refused', async () => {
    const agent = await signIn('l1@demo.test');
    await agent.click('a[href="/desk/phone"]');
    await agent.waitForURL(/\/desk\/phone$/);
    expect(await agent.textContent('h1')).toBe('Log a phone call');
    expect(await agent.textContent('#phone-line')).toMatch(/phone line is (open|closed)/);
    await shot(agent, '10-phone-form');

    await agent.selectOption('#phone-customer', await customerId('acme'));
    await agent.selectOption('#phone-requester', await userId('user@acme.test'));
    await agent.fill('#phone-number', '+421 900 123 456');
    await agent.selectOption('#phone-category', 'how_to');
    await agent.fill('#phone-title', 'How to export the ledger');
    await agent.fill('#phone-description', 'Alice asked how to export the general ledger to a spreadsheet.');
    await agent.fill('#phone-notes', 'Walked her through it; she will try tomorrow.');
    await Promise.all([agent.waitForURL(/\/desk\/tickets\/T-\d+$/), agent.click('#phone-form button[type="submit"]')]);
    expect(await agent.textContent('h1')).toContain('How to export the ledger');
    await shows(agent, () => detail(agent, 'channel'), 'Phone');
    await shows(agent, () => detail(agent, 'requester'), 'Alice Acme');
    await reloadUntil(agent, agent.url(), async () => (await main(agent)).includes('+421 900 123 456'));
    expect(await agent.locator('li.internal', { hasText: '+421 900 123 456' }).count()).toBe(1);
    await shot(agent, '11-phone-ticket');

    // Changing data is not phone support: without the convert/reject choice the field is named, the rest kept.
    await agent.goto(`${app.baseUrl}/desk/phone`);
    await agent.selectOption('#phone-customer', await customerId('acme'));
    await agent.selectOption('#phone-requester', await userId('keyuser@acme.test'));
    await agent.selectOption('#phone-category', 'data_change');
    await agent.fill('#phone-title', 'Correct last month postings');
    await agent.fill('#phone-description', 'Karl wants us to change 12 postings in their ledger.');
    const [missing] = await Promise.all([agent.waitForNavigation(), agent.click('#phone-form button[type="submit"]')]);
    expect(missing?.status()).toBe(400);
    expect(await agent.isVisible('#phone-scope-error')).toBe(true);
    expect(await agent.getAttribute('fieldset.phone-scope', 'aria-invalid')).toBe('true');
    expect(await agent.inputValue('#phone-title')).toBe('Correct last month postings');
    expect(await agent.inputValue('#phone-category')).toBe('data_change');
    await shot(agent, '12-phone-scope-missing');
    await agent.check('#phone-scope-convert');
    await Promise.all([agent.waitForURL(/\/desk\/tickets\/T-\d+$/), agent.click('#phone-form button[type="submit"]')]);
    await shows(agent, () => headValue(agent, 'Type'), 'Service request');
    await shows(agent, () => detail(agent, 'channel'), 'Phone');

    // Beta's Basic plan has no phone support: refused with the reason, on the form.
    await agent.goto(`${app.baseUrl}/desk/phone`);
    await agent.selectOption('#phone-customer', await customerId('beta'));
    await agent.selectOption('#phone-requester', await userId('user@beta.test'));
    await agent.fill('#phone-title', 'Question about invoices');
    await agent.fill('#phone-description', 'Boris called about invoices.');
    const [refused] = await Promise.all([agent.waitForNavigation(), agent.click('#phone-form button[type="submit"]')]);
    expect(refused?.status()).toBe(422);
    expect(await agent.textContent('#phone-problem')).toContain('does not include phone support');
    expect(await agent.getAttribute('#phone-customer', 'aria-invalid')).toBe('true');
    expect(await agent.inputValue('#phone-title')).toBe('Question about invoices');
    await shot(agent, '13-phone-no-plan');
    await agent.context().close();

    // Customers may not open staff pages.
    const customer = await signIn('user@acme.test');
    const forbidden = await customer.goto(`${app.baseUrl}/desk/phone`);
    expect(forbidden?.status()).toBe(403);
    const csrf = await customer.getAttribute('input[name="_csrf"]', 'value');
    const post = await customer.request.post(`${app.baseUrl}/desk/phone`, { form: { _csrf: csrf ?? '', title: 'x' }, maxRedirects: 0 });
    expect(post.status()).toBe(403);
    await customer.context().close();
  });
});

describe('in Slovak', () => {
  test('an agent takes a ticket and hands it to L3', async () => {
    const number = await newTicket('user@acme.test', { title: 'Sklad neukazuje zásoby' });
    const agent = await signIn('l2@demo.test');
    await switchLanguage(agent, 'sk');
    await agent.goto(`${app.baseUrl}/desk?level=L1`);
    expect(await agent.textContent('h1')).toBe('Fronta');
    expect(((await agent.locator(`tr[data-number="${number}"] .badge`).textContent()) ?? '').trim()).toBe('V poriadku');
    await agent.goto(`${app.baseUrl}/desk/tickets/${number}`);
    expect(await agent.textContent('#form-escalate legend')).toBe('Eskalovať alebo vrátiť');
    await submit(agent, 'assign-me');
    expect(await agent.textContent('.notice')).toBeTruthy();
    await shows(agent, () => detail(agent, 'assignee'), 'Lukas Level-Two');
    await agent.selectOption('#escalate-toLevel', 'L3');
    await submit(agent, 'escalate');
    expect(await agent.textContent('#form-escalate .field-error')).toBe('Vyplňte, prosím, správne.');
    await agent.fill('#escalate-reason', 'Treba opraviť dotaz v databáze.');
    await submit(agent, 'escalate');
    await shows(agent, () => detail(agent, 'level'), 'L3');
    await shows(agent, () => detail(agent, 'channel'), 'Portál');
    await shot(agent, '14-sk-escalated');
    await switchLanguage(agent, 'en');
    await agent.context().close();
  });
});
