/**
 * Releases and administration in a real browser (playwright-core driving Debian's chromium): a manager plans,
 * moves and publishes a release whose linked defect then shows the fix as released; an agent reads releases but
 * cannot change them, not even with a forged form; an admin sets up a customer in Slovak (business line, licence,
 * contract, invitation), with bad input re-rendered on the named fields; managers and customers are kept out.
 */
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { hasElement, openPortalBrowser, reloadUntil, switchLanguage, type PortalBrowser } from '../support/browser';

jest.setTimeout(180_000);

let app: TestApp;
let ui: PortalBrowser;
const signIn: PortalBrowser['signIn'] = (...args) => ui.signIn(...args);
const shot: PortalBrowser['shot'] = (...args) => ui.shot(...args);

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'admin-');
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

/** Submits a form and waits for the page it leads to (a redirect or a re-rendered form). */
async function submit(page: Page, selector: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status() ?? 0;
}

/** The worker writes projections and release notes after a moment: reload until the selector shows. */
async function act(token: string, ticketId: string, action: string, body: unknown = {}): Promise<void> {
  const res = await app.request('POST', `/api/v1/tickets/${ticketId}/actions/${action}`, { token, body });
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.text}`);
}

/** A confirmed defect of Acme's, its fix scheduled into `version` through the API. */
async function defectFixedIn(version: string): Promise<{ id: string; number: string }> {
  const customer = await app.login('user@acme.test');
  const l2 = await app.login('l2@demo.test');
  const created = await app.request('POST', '/api/v1/tickets', {
    token: customer,
    body: { title: `Credit note doubles VAT (${version})`, description: 'Posting a credit note doubles the VAT line.', type: 'defect', impact: 'medium', urgency: 'high', moduleId: 'finance', moduleVersion: '9.0.2' },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  for (let i = 0; ; i++) {
    if (await app.db('ticket_events').where({ ticket_id: id, type: 'ticket.created' }).first()) break;
    if (i > 100) throw new Error('the ticket was never projected');
    await new Promise((r) => setTimeout(r, 200));
  }
  await act(l2, id, 'start-reproduction', { note: 'Trying on a test tenant' });
  await act(l2, id, 'confirm-defect', { evidence: { steps: '1. Post a credit note 2. Open the VAT report', environment: 'test tenant', version: '9.0.2' } });
  await act(l2, id, 'schedule-fix', { releaseVersion: version });
  return { id, number: created.body.number as string };
}

test('a manager plans 9.1.0, moves its date, publishes it; the linked defect shows the fix released and the release links its notes', async () => {
  const manager = await signIn('manager@demo.test');
  await manager.goto(`${app.baseUrl}/desk/releases`);
  expect(await manager.textContent('h1')).toBe('Releases');
  expect(await manager.locator('header nav a[href="/desk/releases"]').count()).toBe(1);

  // Bad input: the form comes back with the wrong fields named and what was typed kept.
  await manager.fill('#plan-version', 'not a version!');
  await manager.fill('#plan-product', 'ticketflow ERP');
  await manager.fill('#plan-notes', 'Faster invoice posting.');
  expect(await submit(manager, '#plan-form button[type=submit]')).toBe(400);
  expect(await manager.getAttribute('#plan-version', 'aria-invalid')).toBe('true');
  expect(await manager.getAttribute('#plan-plannedDate', 'aria-invalid')).toBe('true');
  expect(await manager.textContent('#plan-errors')).toContain('Planned date');
  expect(await manager.inputValue('#plan-version')).toBe('not a version!');
  expect(await manager.inputValue('#plan-notes')).toBe('Faster invoice posting.');
  await shot(manager, '01-plan-invalid');

  await manager.fill('#plan-version', '9.1.0');
  await manager.fill('#plan-plannedDate', '2031-03-02');
  expect(await submit(manager, '#plan-form button[type=submit]')).toBe(200);
  expect(new URL(manager.url()).pathname).toBe('/desk/releases/9.1.0');
  expect(await manager.textContent('h1')).toContain('9.1.0');
  expect(await manager.textContent('#release-planned')).toBe('2031-03-02');

  // The same version again is a 409, shown on the version field.
  await manager.goto(`${app.baseUrl}/desk/releases`);
  await manager.fill('#plan-version', '9.1.0');
  await manager.fill('#plan-plannedDate', '2031-04-01');
  expect(await submit(manager, '#plan-form button[type=submit]')).toBe(409);
  expect(await manager.getAttribute('#plan-version', 'aria-invalid')).toBe('true');
  expect(await manager.textContent('#plan-version-error')).toContain('already');
  expect(await manager.textContent('#releases [data-version="9.1.0"]')).toContain('2031-03-02');

  const ticket = await defectFixedIn('9.1.0');
  const releaseUrl = `${app.baseUrl}/desk/releases/9.1.0`;
  await reloadUntil(manager, releaseUrl, hasElement(manager, `#release-tickets a[href="/desk/tickets/${ticket.number}"]`), `#release-tickets a[href="/desk/tickets/${ticket.number}"]`, 30_000);
  expect(await manager.textContent('#release-tickets')).toContain('Acme');

  await manager.fill('#move-plannedDate', '2031-03-16');
  await manager.fill('#move-reason', 'A regression found in QA');
  expect(await submit(manager, '#move-form button[type=submit]')).toBe(200);
  expect(await manager.textContent('#release-planned')).toBe('2031-03-16');
  await shot(manager, '02-release-moved');

  await Promise.all([manager.waitForURL(/\/publish$/), manager.click('#publish-link')]);
  await shot(manager, '03-publish-confirm');
  expect(await submit(manager, '#publish-form button[type=submit]')).toBe(200);
  expect(new URL(manager.url()).pathname).toBe('/desk/releases/9.1.0');
  expect(await manager.textContent('#release-status')).toBe('Published');
  expect(await manager.textContent('#release-published')).toMatch(/\d{1,2}:\d{2}/);
  expect(await manager.locator('#move-form').count()).toBe(0);

  // Publishing again (a stale tab) is the workflow's 409, shown as a readable message on the release page.
  const managerCsrf = await manager.getAttribute('form[action="/logout"] input[name="_csrf"]', 'value');
  const again = await manager.evaluate(async (token) => {
    const res = await fetch('/desk/releases/9.1.0/publish', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${token}` });
    return { status: res.status, text: await res.text() };
  }, managerCsrf as string);
  expect(again.status).toBe(409);
  expect(again.text).toContain('already published');
  expect(again.text).toContain('role="alert"');

  await reloadUntil(manager, releaseUrl, hasElement(manager, '#release-notes-link'), '#release-notes-link', 30_000);
  expect(await manager.getAttribute('#release-notes-link', 'href')).toMatch(/^\/kb\/articles\/[0-9a-f-]{36}$/);
  expect(await manager.textContent('#release-notes-link')).toContain('9.1.0');
  await shot(manager, '04-release-published');

  // The customer's ticket tells them the fix is out.
  const customer = await signIn('user@acme.test');
  await reloadUntil(customer, `${app.baseUrl}/portal/tickets/${ticket.number}`, hasElement(customer, 'li[data-event="fix.released"]'), 'li[data-event="fix.released"]', 30_000);
  await shot(customer, '05-ticket-fix-released');

  // The release's writes from the pages are in the audit log with their actor.
  const managerId = (await app.db('users').where({ email: 'manager@demo.test' }).first('id')).id;
  const audited = await app.db('audit_log').where({ actor_id: managerId }).pluck('path');
  expect(audited).toEqual(expect.arrayContaining(['/desk/releases', '/desk/releases/9.1.0/move', '/desk/releases/9.1.0/publish']));
});

test('an agent sees releases but has no forms to change them, and a forged publish is refused', async () => {
  const managerToken = await app.login('manager@demo.test');
  expect((await app.request('POST', '/api/v1/releases', { token: managerToken, body: { version: '9.2.0', plannedDate: '2031-06-01' } })).status).toBe(201);

  const agent = await signIn('l1@demo.test');
  await agent.goto(`${app.baseUrl}/desk/releases`);
  expect(await agent.textContent('#releases')).toContain('9.2.0');
  expect(await agent.locator('#plan-form').count()).toBe(0);
  await agent.goto(`${app.baseUrl}/desk/releases/9.2.0`);
  expect(await agent.textContent('h1')).toContain('9.2.0');
  expect(await agent.locator('#move-form, #publish-link').count()).toBe(0);
  expect(await agent.locator('header nav a[href="/admin/customers"]').count()).toBe(0);
  await shot(agent, '06-agent-release');
  expect((await agent.goto(`${app.baseUrl}/desk/releases/9.2.0/publish`))?.status()).toBe(403);

  // A hand-made form with the agent's own valid CSRF token: the role check still refuses it.
  await agent.goto(`${app.baseUrl}/desk/releases/9.2.0`);
  const csrf = await agent.getAttribute('form[action="/logout"] input[name="_csrf"]', 'value');
  expect(csrf).toBeTruthy();
  for (const action of ['publish', 'move']) {
    const status = await agent.evaluate(
      async ([url, token]) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${token}&plannedDate=2031-07-01` })).status,
      [`/desk/releases/9.2.0/${action}`, csrf as string],
    );
    expect(status).toBe(403);
  }
  const release = await app.request('GET', '/api/v1/releases/9.2.0', { token: managerToken });
  expect(release.body).toMatchObject({ status: 'planned', plannedDate: '2031-06-01' });
  // And without the token it is refused before anything else.
  const noCsrf = await agent.evaluate(async () => (await fetch('/desk/releases', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'version=9.3.0&plannedDate=2031-07-01' })).status);
  expect(noCsrf).toBe(403);
});

test('an admin sets up a customer in Slovak: business line, licence, contract and an invitation, with bad input named and kept', async () => {
  const admin = await signIn('admin@demo.test');
  await switchLanguage(admin, 'sk');
  await admin.click('header nav a[href="/admin/customers"]');
  await admin.waitForURL(/\/admin\/customers$/);
  expect(await admin.textContent('h1')).toBe('Zákazníci');

  // An empty name: re-rendered with the field named, in Slovak, and the slug kept.
  await admin.fill('#create-slug', 'gamma-sro');
  await admin.selectOption('#create-planId', 'premium');
  await admin.selectOption('#create-language', 'sk');
  expect(await submit(admin, '#create-form button[type=submit]')).toBe(400);
  expect(await admin.getAttribute('#create-name', 'aria-invalid')).toBe('true');
  expect(await admin.textContent('#create-name-error')).toContain('Nesmie byť prázdne');
  expect(await admin.textContent('#create-errors')).toContain('Názov');
  expect(await admin.inputValue('#create-slug')).toBe('gamma-sro');
  expect(await admin.inputValue('#create-planId')).toBe('premium');
  await shot(admin, '07-sk-customer-invalid');

  await admin.fill('#create-name', 'Gama s.r.o.');
  expect(await submit(admin, '#create-form button[type=submit]')).toBe(200);
  expect(new URL(admin.url()).pathname).toMatch(/^\/admin\/customers\/[0-9a-f-]{36}$/);
  expect(await admin.textContent('h1')).toBe('Gama s.r.o.');
  expect(await admin.textContent('[role=status]')).toContain('Zákazník vytvorený');
  const customerUrl = admin.url().split('?')[0];
  const customerId = customerUrl.split('/').pop() as string;

  await admin.fill('#line-name', 'Výroba');
  expect(await submit(admin, '#line-form button[type=submit]')).toBe(200);
  expect(await admin.inputValue('#lines input[name=name]')).toBe('Výroba');
  await admin.fill('#lines input[name=name]', '');
  expect(await submit(admin, '#lines form button[type=submit]')).toBe(400);
  expect(await admin.getAttribute('#lines input[name=name]', 'aria-invalid')).toBe('true');
  await admin.fill('#lines input[name=name]', 'Výroba a sklad');
  expect(await submit(admin, '#lines form button[type=submit]')).toBe(200);
  expect(await admin.inputValue('#lines input[name=name]')).toBe('Výroba a sklad');

  await admin.selectOption('#grant-moduleId', 'finance');
  await admin.fill('#grant-licensedFrom', '2031-01-01');
  await admin.fill('#grant-licensedTo', '2030-12-31');
  expect(await submit(admin, '#grant-form button[type=submit]')).toBe(400);
  expect(await admin.getAttribute('#grant-licensedTo', 'aria-invalid')).toBe('true');
  expect(await admin.inputValue('#grant-moduleId')).toBe('finance');
  await admin.fill('#grant-licensedTo', '2031-12-31');
  expect(await submit(admin, '#grant-form button[type=submit]')).toBe(200);
  expect(await admin.textContent('#licences [data-module="finance"]')).toContain('2031-12-31');

  // A contract ending before it starts: the end date is named, everything typed is kept.
  await admin.fill('#contract-name', 'Rámcová zmluva 2031');
  await admin.fill('#contract-validFrom', '2031-01-01');
  await admin.fill('#contract-validTo', '2030-06-30');
  await admin.fill('#contract-t_P1_resolution_hours', '6');
  expect(await submit(admin, '#contract-form button[type=submit]')).toBe(400);
  expect(await admin.getAttribute('#contract-validTo', 'aria-invalid')).toBe('true');
  expect(await admin.textContent('#contract-validTo-error')).toContain('Nesmie byť pred dátumom začiatku');
  expect(await admin.inputValue('#contract-name')).toBe('Rámcová zmluva 2031');
  expect(await admin.inputValue('#contract-t_P1_resolution_hours')).toBe('6');
  await shot(admin, '08-sk-contract-invalid');
  await admin.fill('#contract-validTo', '2031-12-31');
  expect(await submit(admin, '#contract-form button[type=submit]')).toBe(200);
  expect(await admin.textContent('#contracts')).toContain('Rámcová zmluva 2031');
  const contract = await app.db('contracts').where({ customer_id: customerId }).first();
  expect(contract.targets).toEqual({ P1: { resolution: { ms: 6 * 3_600_000, coverage: 'business' } } });
  await shot(admin, '09-sk-customer');

  // The contract page edits it through the same PUT logic.
  await admin.click(`#contracts a[href="/admin/contracts/${contract.id}"]`);
  await admin.waitForURL(/\/admin\/contracts\//);
  expect(await admin.inputValue('#contract-t_P1_resolution_hours')).toBe('6');
  await admin.fill('#contract-warningThreshold', '0.8');
  expect(await submit(admin, '#contract-form button[type=submit]')).toBe(200);
  expect(Number((await app.db('contracts').where({ id: contract.id }).first()).warning_threshold)).toBe(0.8);

  // An invitation: the page says where it was sent.
  await admin.goto(`${app.baseUrl}/admin/users?customerId=${customerId}`);
  await admin.fill('#invite-email', 'jana@gama.test');
  await admin.fill('#invite-name', 'Jana Gamová');
  await admin.selectOption('#invite-customerId', customerId);
  await admin.selectOption('#invite-role', 'customer_user');
  expect(await submit(admin, '#invite-form button[type=submit]')).toBe(200);
  expect(new URL(admin.url()).pathname).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
  expect(await admin.textContent('#invitation-sent')).toContain('jana@gama.test');
  expect(await admin.textContent('#invitation-sent')).toContain('Pozvánka bola odoslaná');
  expect(Number((await app.db('notifications').where({ recipient_email: 'jana@gama.test', template: 'user-invited' }).count('* as n').first())?.n)).toBe(1);
  await shot(admin, '10-sk-invited');
  await admin.goto(`${app.baseUrl}/admin/users?customerId=${customerId}`);
  expect(await admin.textContent('#users')).toContain('jana@gama.test');
  expect(await admin.textContent('#users')).not.toContain('user@acme.test');

  // The same email again: a 409 on the email field, the rest kept.
  await admin.fill('#invite-email', 'jana@gama.test');
  await admin.fill('#invite-name', 'Jana Druhá');
  await admin.selectOption('#invite-customerId', customerId);
  expect(await submit(admin, '#invite-form button[type=submit]')).toBe(409);
  expect(await admin.getAttribute('#invite-email', 'aria-invalid')).toBe('true');
  expect(await admin.inputValue('#invite-name')).toBe('Jana Druhá');

  // Every successful form above left an audit row naming the admin.
  const adminId = (await app.db('users').where({ email: 'admin@demo.test' }).first('id')).id;
  const paths = await app.db('audit_log').where({ actor_id: adminId }).pluck('path');
  expect(paths).toEqual(expect.arrayContaining(['/admin/customers', `/admin/customers/${customerId}/lines`, `/admin/customers/${customerId}/modules`, `/admin/customers/${customerId}/contracts`, `/admin/contracts/${contract.id}`, '/admin/users']));
  const bodies = await app.db('audit_log').where({ actor_id: adminId, path: '/admin/users' }).pluck('body');
  expect(JSON.stringify(bodies)).not.toContain(await admin.getAttribute('form[action="/logout"] input[name="_csrf"]', 'value'));
});

test('managers are kept out of administration, customers out of releases and users', async () => {
  const manager = await signIn('manager@demo.test');
  expect((await manager.goto(`${app.baseUrl}/admin/customers`))?.status()).toBe(403);
  expect((await manager.goto(`${app.baseUrl}/admin/users`))?.status()).toBe(403);
  expect(await manager.locator('header nav a[href="/admin/customers"]').count()).toBe(0);

  const customer = await signIn('admin@acme.test');
  for (const path of ['/desk/releases', '/admin/users', '/admin/customers']) {
    const res = await customer.goto(`${app.baseUrl}${path}`);
    expect(res?.status()).toBe(403);
    expect(await customer.textContent('h1')).toBe('Not allowed');
  }
  await shot(customer, '11-customer-forbidden');

  const anon = await (await ui.browser.newContext()).newPage();
  await anon.goto(`${app.baseUrl}/admin/users`);
  expect(new URL(anon.url()).pathname).toBe('/login');
  await anon.context().close();
});

test('an admin changes a person and disables another; bad combinations are named on the form', async () => {
  const admin = await signIn('admin@demo.test');
  await switchLanguage(admin, 'en');
  await admin.goto(`${app.baseUrl}/admin/users?role=agent`);
  const agents = (await admin.textContent('#users')) ?? '';
  expect(agents).toContain('l2@demo.test');
  expect(agents).not.toContain('user@acme.test');

  await admin.click('#users [data-email="l2@demo.test"] a');
  await admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  // Leading a level one does not work at is refused by the API's rule, named on the field, the choice kept.
  await admin.check('#person-leadLevels input[value="L3"]');
  expect(await submit(admin, '#person-form button[type=submit]')).toBe(400);
  expect(await admin.textContent('#person-errors')).toContain('Leads levels');
  expect(await admin.isChecked('#person-leadLevels input[value="L3"]')).toBe(true);
  await admin.check('#person-levels input[value="L3"]');
  expect(await submit(admin, '#person-form button[type=submit]')).toBe(200);
  expect(await admin.textContent('[role=status]')).toContain('Saved');
  expect((await app.db('users').where({ email: 'l2@demo.test' }).first()).lead_levels).toEqual(['L2', 'L3']);
  await shot(admin, '12-user-saved');

  // Staff stay staff: the role list offers staff roles only (the API refuses a move between the two sides).
  expect(await admin.locator('#person-role option[value="customer_user"]').count()).toBe(0);

  // The module catalogue grows from its page; plans and calendars are shown read-only.
  await admin.goto(`${app.baseUrl}/admin/modules`);
  await admin.fill('#module-id', 'Pay Roll');
  await admin.fill('#module-name', 'Payroll');
  await admin.fill('#module-product', 'ticketflow ERP');
  expect(await submit(admin, '#module-form button[type=submit]')).toBe(400);
  expect(await admin.getAttribute('#module-id', 'aria-invalid')).toBe('true');
  expect(await admin.inputValue('#module-name')).toBe('Payroll');
  await admin.fill('#module-id', 'payroll');
  expect(await submit(admin, '#module-form button[type=submit]')).toBe(200);
  expect(await admin.textContent('#modules')).toContain('payroll');
  await admin.goto(`${app.baseUrl}/admin/plans`);
  expect(await admin.textContent('main')).toContain('premium');
  expect(await admin.locator('main form').count()).toBe(0);
  await admin.goto(`${app.baseUrl}/admin/calendars`);
  expect(await admin.textContent('main')).toContain('Monday');
  await shot(admin, '13-calendars');

  const beta = await getUserId('user@beta.test');
  await admin.goto(`${app.baseUrl}/admin/users/${beta}`);
  expect(await submit(admin, '#disable-form button[type=submit]')).toBe(200);
  expect(await admin.textContent('#person-state')).toBe('Disabled');
  expect((await app.request('POST', '/api/v1/auth/token', { body: { email: 'user@beta.test', password: 'demo' } })).status).toBe(401);
});

test("a customer admin manages their own organisation's people, but not another organisation's nor another customer admin", async () => {
  const acmeAdmin = await signIn('admin@acme.test');
  await switchLanguage(acmeAdmin, 'en');
  await acmeAdmin.click('header nav a[href="/portal/people"]');
  await acmeAdmin.waitForURL(/\/portal\/people$/);
  const list = (await acmeAdmin.textContent('#users')) ?? '';
  expect(list).toContain('keyuser@acme.test');
  expect(list).not.toContain('beta.test');
  expect(list).not.toContain('demo.test');
  expect(await acmeAdmin.locator('#invite-role option[value="agent"]').count()).toBe(0);
  expect(await acmeAdmin.locator('#invite-customerId, #invite-levels').count()).toBe(0);

  // A key user needs a business line: named on the form, the rest kept.
  await acmeAdmin.fill('#invite-email', 'kamil@acme.test');
  await acmeAdmin.fill('#invite-name', 'Kamil Key');
  await acmeAdmin.selectOption('#invite-role', 'customer_key_user');
  expect(await submit(acmeAdmin, '#invite-form button[type=submit]')).toBe(400);
  expect(await acmeAdmin.textContent('#invite-errors')).toContain('Business lines');
  expect(await acmeAdmin.inputValue('#invite-email')).toBe('kamil@acme.test');
  await acmeAdmin.check('#invite-businessLineIds label:has-text("Finance") input');
  expect(await submit(acmeAdmin, '#invite-form button[type=submit]')).toBe(200);
  expect(await acmeAdmin.textContent('#invitation-sent')).toContain('kamil@acme.test');
  await shot(acmeAdmin, '14-people-invited');

  // Another organisation's person is not found; another customer admin cannot be deposed from here.
  expect((await acmeAdmin.goto(`${app.baseUrl}/portal/people/${await getUserId('admin@beta.test')}`))?.status()).toBe(404);
  await acmeAdmin.goto(`${app.baseUrl}/portal/people`);
  await acmeAdmin.fill('#invite-email', 'second-admin@acme.test');
  await acmeAdmin.fill('#invite-name', 'Second Admin');
  await acmeAdmin.selectOption('#invite-role', 'customer_admin');
  expect(await submit(acmeAdmin, '#invite-form button[type=submit]')).toBe(200);
  expect(await submit(acmeAdmin, '#disable-form button[type=submit]')).toBe(403);
  expect((await app.db('users').where({ email: 'second-admin@acme.test' }).first()).disabled_at).toBeNull();

  // People pages are for customer admins only.
  const user = await signIn('user@acme.test');
  expect((await user.goto(`${app.baseUrl}/portal/people`))?.status()).toBe(403);
  const agent = await signIn('l1@demo.test');
  expect((await agent.goto(`${app.baseUrl}/portal/people`))?.status()).toBe(403);
});

test('an admin registers mail domains for a customer and sees a bouncing address, in Slovak, and clears it', async () => {
  const admin = await signIn('admin@demo.test');
  await switchLanguage(admin, 'sk');
  const beta = (await app.db('customers').where({ slug: 'beta' }).first('id')).id as string;
  await admin.goto(`${app.baseUrl}/admin/customers/${beta}`);
  await admin.fill('#edit-emailDomains', 'Beta.test, mail.beta.test');
  expect(await submit(admin, '#edit-emailDomains >> xpath=ancestor::form//button[@type="submit"]')).toBe(200);
  expect((await app.db('customers').where({ id: beta }).first('email_domains')).email_domains).toEqual(['beta.test', 'mail.beta.test']);
  expect(await admin.inputValue('#edit-emailDomains')).toBe('beta.test, mail.beta.test');
  // A bad domain is named on its field and the typed text is kept.
  await admin.fill('#edit-emailDomains', 'beta.test, not_a domain');
  expect(await submit(admin, '#edit-emailDomains >> xpath=ancestor::form//button[@type="submit"]')).toBe(400);
  expect(await admin.getAttribute('#edit-emailDomains', 'aria-invalid')).toBe('true');
  expect(await admin.inputValue('#edit-emailDomains')).toBe('beta.test, not_a domain');
  expect((await app.db('customers').where({ id: beta }).first('email_domains')).email_domains).toEqual(['beta.test', 'mail.beta.test']);

  const betaAdmin = await getUserId('admin@beta.test');
  await app.db('users').where({ id: betaAdmin }).update({ email_bouncing_at: new Date('2026-12-01T09:30:00Z'), email_bounce_reason: '550 5.1.1 user unknown' });
  await admin.goto(`${app.baseUrl}/admin/users?customerId=${beta}`);
  expect(await admin.textContent('#users')).toContain('E-maily sa vracajú');
  await admin.goto(`${app.baseUrl}/admin/users/${betaAdmin}`);
  expect(await admin.textContent('#bouncing')).toContain('550 5.1.1 user unknown');
  expect(await admin.textContent('#bouncing')).toContain('2026-12-01 09:30 UTC');
  await admin.setViewportSize({ width: 375, height: 800 });
  await shot(admin, '15-bouncing-sk-375');
  await admin.setViewportSize({ width: 1366, height: 900 });
  expect(await submit(admin, '#clear-bounce-form button[type=submit]')).toBe(200);
  expect(await admin.locator('#bouncing').count()).toBe(0);
  expect(await admin.textContent('main')).toContain('E-maily na túto adresu sa opäť posielajú.');
  expect((await app.db('users').where({ id: betaAdmin }).first()).email_bouncing_at).toBeNull();
});

async function getUserId(email: string): Promise<string> {
  return (await app.db('users').where({ email }).first('id')).id as string;
}
