/**
 * The agent's ticket page as a conversation (#14, points 1 and 3), in a real browser (Debian's chromium through
 * playwright-core), English and Slovak, 1366 and 375 px: the timeline comes first, under a compact header; one
 * composer whose public/internal switch asks before changing what the customer will see; an internal note looks
 * different and never reaches the customer's portal; the actions sit in a side panel grouped by intent (under the
 * timeline on a phone); every action says what it did; a refused field brings the agent back to the ticket with the
 * text kept; the composer works from the keyboard alone; a text module is inserted by `::keyword` (and without
 * JavaScript by the Insert button) with its placeholders filled in the ticket's customer language.
 */
import type { BrowserContextOptions, Dialog, Page } from 'playwright-core';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { openPortalBrowser, reloadUntil, type PortalBrowser } from '../support/browser';

let app: TestApp;
let ui: PortalBrowser;
const tokens: Record<string, string> = {};
const WIDTHS = [1366, 375] as const;
const viewport = (width: number): BrowserContextOptions => ({ viewport: { width, height: 900 } });

beforeAll(async () => {
  app = await startTestApp();
  ui = await openPortalBrowser(app.baseUrl, 'desk-conversation-');
  for (const email of ['user@acme.test', 'user@beta.test', 'l1@demo.test', 'admin@demo.test']) tokens[email] = await app.login(email);
});

afterAll(async () => {
  await ui?.close();
  await app?.stop();
});

/** The ticket's customer per language: Acme speaks English, Beta Slovak. */
const CUSTOMER = { en: { email: 'user@acme.test', org: 'Acme', requester: 'Alice Acme' }, sk: { email: 'user@beta.test', org: 'Beta', requester: 'Boris Beta' } } as const;
const STRINGS = {
  en: { escalated: 'Ticket moved to L2.', escalatedBy: 'Escalated to L2 by Lucia Level-One', textModules: 'Text modules', created: 'Text module created.', saved: 'Text module saved.', deleted: 'Text module deleted.', work: 'Work on it', close: 'Close', internalLabel: 'Internal note — not visible to the customer', assigned: 'The ticket is now assigned to you.', noteAdded: 'Internal note added.', noteBy: 'Internal note by Lucia Level-One', opened: 'Ticket opened by', greeting: 'Dear' },
  sk: { escalated: 'Tiket bol presunutý na L2.', escalatedBy: 'Eskalované na L2 – Lucia Level-One', textModules: 'Textové moduly', created: 'Textový modul bol vytvorený.', saved: 'Textový modul bol uložený.', deleted: 'Textový modul bol odstránený.', work: 'Práca na tikete', close: 'Uzavretie', internalLabel: 'Interná poznámka — zákazník ju neuvidí', assigned: 'Tiket je teraz pridelený vám.', noteAdded: 'Interná poznámka bola pridaná.', noteBy: 'Interná poznámka – Lucia Level-One', opened: 'Tiket vytvorený', greeting: 'Vážený' },
} as const;

let run = 0;
async function createTicket(email: string, title: string): Promise<{ id: string; number: string }> {
  const res = await app.request('POST', '/api/v1/tickets', { token: tokens[email], body: { title, description: 'The invoice run stops at 80 %.', type: 'incident', impact: 'medium', urgency: 'medium' } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  await eventually(async () => !!(await app.db('ticket_events').where({ ticket_id: res.body.id, type: 'ticket.created' }).first('seq')), 'ticket.created');
  return { id: res.body.id, number: res.body.number };
}
async function textModule(keyword: string): Promise<void> {
  const res = await app.request('POST', '/api/v1/text-modules', {
    token: tokens['admin@demo.test'],
    body: {
      keyword,
      name: 'Greeting',
      bodyEn: 'Dear {{requester}} ({{customer}}), about {{ticket.number}} "{{ticket.title}}": we answer by {{deadline.firstResponse}}. {{agent}}',
      bodySk: 'Vážený/á {{requester}} ({{customer}}), k tiketu {{ticket.number}} „{{ticket.title}}“ odpovieme do {{deadline.firstResponse}}. {{agent}}',
    },
  });
  if (res.status !== 201) throw new Error(`module failed: ${res.status} ${res.text}`);
}
const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;
const focused = (page: Page) => page.evaluate<string>('document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : ""');
const sidewaysScroll = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
const background = (page: Page) => page.evaluate<string>("getComputedStyle(document.getElementById('composer')).backgroundColor");

describe.each(['en', 'sk'] as const)('in %s', (lang) => {
  const s = STRINGS[lang];
  const c = CUSTOMER[lang];

  test.each(WIDTHS)('at %i px: the timeline first, the composer switch asks, an internal note stays internal, the panel groups actions, success and field errors on the ticket', async (width) => {
    const t = await createTicket(c.email, `Invoice run stops (${lang}, ${width})`);
    const url = `${app.baseUrl}/desk/tickets/${t.number}`;
    const agent = await ui.signIn('l1@demo.test', lang, viewport(width));
    await agent.goto(url);

    // The header is compact and the conversation starts near the top; the panel sits beside it, or under it on a phone.
    expect(await agent.textContent('h1')).toContain(t.number);
    const timeline = await box(agent, '.desk-timeline');
    const panel = await box(agent, '.action-panel');
    expect(timeline.y).toBeLessThan(width === 1366 ? 450 : 650);
    if (width === 1366) {
      expect(panel.x).toBeGreaterThan(timeline.x + timeline.width - 1);
      expect(panel.y).toBeLessThan(timeline.y + 50);
    } else {
      expect(panel.y).toBeGreaterThan(timeline.y + timeline.height);
    }
    expect(await sidewaysScroll(agent)).toBeLessThanOrEqual(0);
    // The entry says what happened, in words, with the description.
    expect(await agent.textContent('li[data-event="ticket.created"] .sentence')).toContain(s.opened);
    expect(await agent.textContent('#ticket-description')).toContain('80 %');
    expect(await agent.textContent('.desk-timeline')).not.toMatch(/ticket\.created|sla\.\w+/);
    // Actions grouped by intent, with their styles.
    expect(await agent.textContent('section.panel-group[data-group="work"] h3')).toBe(s.work);
    expect(await agent.textContent('section.panel-group[data-group="close"] h3')).toBe(s.close);
    expect(await agent.locator('section.panel-group[data-group="work"] #form-assign-me button.style-primary').count()).toBe(1);
    expect(await agent.locator('section.panel-group[data-group="close"] #form-cancel button.style-destructive').count()).toBe(1);
    await ui.shot(agent, `${lang}-${width}-01-timeline-first`);

    // A success message after an action, on the ticket page.
    await Promise.all([agent.waitForURL(/done=assign-me/), agent.click('#form-assign-me button[type="submit"]')]);
    expect(new URL(agent.url()).pathname).toBe(`/desk/tickets/${t.number}`);
    expect(await agent.textContent('#action-done')).toBe(s.assigned);
    await ui.shot(agent, `${lang}-${width}-02-success`);

    // The switch: public by default; to internal with text typed asks first, and back to public asks again.
    expect(await agent.isChecked('#composer-public')).toBe(true);
    expect(await agent.isVisible('#composer-internal-note')).toBe(false);
    const publicBackground = await background(agent);
    const secret = `Checked the batch log, customer's proxy drops the job (${lang} ${width} ${run++}).`;
    await agent.fill('#composer-body', secret);
    const dialogs: string[] = [];
    const answer = (accept: boolean) => (d: Dialog) => {
      dialogs.push(d.message());
      void (accept ? d.accept() : d.dismiss());
    };
    const accept = answer(true);
    agent.on('dialog', accept);
    await agent.check('#composer-internal');
    expect(dialogs).toHaveLength(1);
    expect(await agent.isChecked('#composer-internal')).toBe(true);
    expect(await agent.isVisible('#composer-internal-note')).toBe(true);
    expect(await agent.textContent('#composer-internal-note')).toBe(s.internalLabel);
    expect(await background(agent)).not.toBe(publicBackground);
    agent.off('dialog', accept);
    // Going public is refused when the agent says no: the note stays internal.
    const dismiss = answer(false);
    agent.on('dialog', dismiss);
    await agent.click('#composer-public');
    expect(dialogs).toHaveLength(2);
    expect(await agent.isChecked('#composer-internal')).toBe(true);
    agent.off('dialog', dismiss);
    await ui.shot(agent, `${lang}-${width}-03-composer-internal`);
    await Promise.all([agent.waitForURL(/done=note/), agent.click('#composer-send')]);
    expect(await agent.textContent('#action-done')).toBe(s.noteAdded);
    await reloadUntil(agent, url, async () => (await agent.locator('li.internal[data-event="comment.internal"]', { hasText: secret }).count()) === 1, 'the internal note');
    expect(await agent.textContent('li[data-event="comment.internal"] .sentence')).toBe(s.noteBy);
    await ui.shot(agent, `${lang}-${width}-04-internal-note`);

    // The customer never sees it.
    const customer = await ui.signIn(c.email, lang, viewport(width));
    await customer.goto(`${app.baseUrl}/portal/tickets/${t.number}`);
    expect(await customer.textContent('main')).not.toContain(secret);
    const events = await app.request('GET', `/api/v1/tickets/${t.id}/events`, { token: tokens[c.email] });
    expect(JSON.stringify(events.body)).not.toContain(secret);
    await ui.shot(customer, `${lang}-${width}-05-customer-without-note`);
    await customer.context().close();

    // A refused field: back on the ticket page, the field named, the text kept.
    const tooLong = `The batch needs L2. ${'x'.repeat(2000)}`;
    await agent.selectOption('#escalate-toLevel', 'L2');
    await agent.fill('#escalate-reason', tooLong);
    const [refused] = await Promise.all([agent.waitForNavigation(), agent.click('#form-escalate button[type="submit"]')]);
    expect(refused?.status()).toBe(400);
    await agent.waitForFunction(`location.pathname === '/desk/tickets/${t.number}'`);
    expect(await agent.getAttribute('#escalate-reason', 'aria-invalid')).toBe('true');
    expect(await agent.isVisible('#escalate-reason-error')).toBe(true);
    expect(await agent.inputValue('#escalate-reason')).toBe(tooLong);
    expect(await agent.inputValue('#escalate-toLevel')).toBe('L2');
    expect(await agent.locator('.desk-timeline').count()).toBe(1);
    await ui.shot(agent, `${lang}-${width}-06-field-error`);
    // Opening the address of the post again leads to the ticket.
    const back = await agent.goto(`${url}/escalate`);
    expect(new URL(back!.url()).pathname).toBe(`/desk/tickets/${t.number}`);
    // Corrected, it goes through: the message and the timeline say where the ticket went.
    await agent.selectOption('#escalate-toLevel', 'L2');
    await agent.fill('#escalate-reason', 'The batch needs an application specialist.');
    await Promise.all([agent.waitForURL(/done=escalate/), agent.click('#form-escalate button[type="submit"]')]);
    expect(await agent.textContent('#action-done')).toBe(s.escalated);
    await reloadUntil(agent, url, async () => (await agent.locator('li[data-event="escalation.manual"]').count()) === 1, 'the escalation');
    expect(await agent.textContent('li[data-event="escalation.manual"] .sentence')).toBe(s.escalatedBy);
    await ui.shot(agent, `${lang}-${width}-07-escalated`);
    await agent.context().close();
  });

  test('the composer from the keyboard alone, and a text module inserted by keyword with its placeholders filled', async () => {
    const t = await createTicket(c.email, `Keyboard <only> (${lang})`);
    const keyword = `greet-${lang}-${Date.now().toString(36)}`;
    await textModule(keyword);
    const url = `${app.baseUrl}/desk/tickets/${t.number}`;
    const agent = await ui.signIn('l1@demo.test', lang, viewport(1366));
    await agent.goto(url);

    // Tab to the skip link, into the content, on to the switch; arrows choose internal; type; Tab to send; Enter.
    await agent.keyboard.press('Tab');
    expect(await agent.evaluate<string>('document.activeElement.className')).toBe('skip');
    await agent.keyboard.press('Enter');
    for (let i = 0; i < 15 && (await focused(agent)) !== 'composer-public'; i++) await agent.keyboard.press('Tab');
    expect(await focused(agent)).toBe('composer-public');
    await agent.keyboard.press('ArrowDown');
    expect(await focused(agent)).toBe('composer-internal');
    expect(await agent.isChecked('#composer-internal')).toBe(true);
    await agent.keyboard.press('Tab');
    expect(await focused(agent)).toBe('composer-body');
    const typed = `Typed at the keyboard (${lang}).`;
    await agent.keyboard.type(typed);
    for (let i = 0; i < 8 && (await focused(agent)) !== 'composer-send'; i++) await agent.keyboard.press('Tab');
    expect(await focused(agent)).toBe('composer-send');
    await ui.shot(agent, `${lang}-07-keyboard-composer`);
    await Promise.all([agent.waitForURL(/done=note/), agent.keyboard.press('Enter')]);
    await reloadUntil(agent, url, async () => (await agent.locator('li.internal[data-event="comment.internal"]', { hasText: typed }).count()) === 1, 'the keyboard note');

    // ::keyword and a space: the module's text for this ticket, in its customer's language.
    await agent.focus('#composer-body');
    await agent.keyboard.type(`::${keyword}`);
    await agent.keyboard.press(' ');
    const text = await agent.inputValue('#composer-body');
    expect(text).toContain(s.greeting);
    expect(text).toContain(c.requester);
    expect(text).toContain(`(${c.org})`);
    expect(text).toContain(t.number);
    expect(text).toContain(`Keyboard <only> (${lang})`);
    expect(text).toMatch(/\d{1,2}:\d{2}/);
    expect(text).toContain('Lucia Level-One');
    expect(text).not.toContain('::');
    expect(text).not.toMatch(/\{\{|&lt;|&quot;/);
    await ui.shot(agent, `${lang}-08-text-module-inserted`);
    await Promise.all([agent.waitForURL(/done=comment/), agent.click('#composer-send')]);
    await reloadUntil(agent, url, async () => (await agent.locator('li[data-event="comment.public"]', { hasText: c.requester }).count()) === 1, 'the reply from the module');
    await agent.context().close();

    // Without JavaScript: choose the module, Insert, and the page comes back with it in the composer, typed text kept.
    const plain = await ui.signIn('l1@demo.test', lang, { ...viewport(375), javaScriptEnabled: false });
    await plain.goto(url);
    await plain.fill('#composer-body', 'First line.');
    const option = await plain.locator('#composer-module option', { hasText: `::${keyword}` }).getAttribute('value');
    await plain.selectOption('#composer-module', option!);
    await Promise.all([plain.waitForNavigation(), plain.click('#composer-insert')]);
    const inserted = await plain.inputValue('#composer-body');
    expect(inserted.startsWith('First line.\n\n')).toBe(true);
    expect(inserted).toContain(c.requester);
    expect(inserted).toContain(t.number);
    expect(await plain.locator('#module-inserted').count()).toBe(1);
    expect(await sidewaysScroll(plain)).toBeLessThanOrEqual(0);
    await ui.shot(plain, `${lang}-375-09-text-module-without-js`);
    await plain.context().close();
  });

  test('an admin lists, creates, edits and deletes text modules on the portal; an unknown placeholder is named on its field', async () => {
    const admin = await ui.signIn('admin@demo.test', lang, viewport(1366));
    await admin.goto(`${app.baseUrl}/admin/text-modules`);
    expect(await admin.textContent('h1')).toBe(s.textModules);
    const keyword = `portal-${lang}-${Date.now().toString(36)}`;
    await admin.fill('#tm-keyword', keyword);
    await admin.fill('#tm-name', `Portal ${lang}`);
    await admin.fill('#tm-bodyEn', 'Hello {{requester}}, see {{ticket.nubmer}}');
    await admin.fill('#tm-bodySk', 'Dobrý deň, {{requester}}');
    const [refused] = await Promise.all([admin.waitForNavigation(), admin.click('#tm-form button[type="submit"]')]);
    expect(refused?.status()).toBe(400);
    expect(await admin.getAttribute('#tm-bodyEn', 'aria-invalid')).toBe('true');
    expect(await admin.textContent('#tm-bodyEn-error')).toContain('{{ticket.nubmer}}');
    expect(await admin.getAttribute('#tm-bodySk', 'aria-invalid')).toBeNull();
    expect(await admin.inputValue('#tm-name')).toBe(`Portal ${lang}`);
    await ui.shot(admin, `${lang}-10-admin-text-module-refused`);
    await admin.fill('#tm-bodyEn', 'Hello {{requester}}, see {{ticket.number}}');
    await Promise.all([admin.waitForURL(/done=textModuleCreated/), admin.click('#tm-form button[type="submit"]')]);
    expect(await admin.textContent('#text-module-done')).toBe(s.created);
    expect(await admin.locator(`tr[data-keyword="${keyword}"]`).count()).toBe(1);
    await ui.shot(admin, `${lang}-11-admin-text-modules`);

    await Promise.all([admin.waitForNavigation(), admin.click(`tr[data-keyword="${keyword}"] a`)]);
    await admin.fill('#tm-name', `Portal ${lang} (edited)`);
    await admin.uncheck('#tm-active');
    await Promise.all([admin.waitForURL(/done=textModuleSaved/), admin.click('#tm-form button[type="submit"]')]);
    expect(await admin.textContent('#text-module-done')).toBe(s.saved);
    expect(await admin.textContent(`tr[data-keyword="${keyword}"]`)).toContain('(edited)');
    expect((await app.db('text_modules').where({ keyword }).first('active')).active).toBe(false);

    await Promise.all([admin.waitForNavigation(), admin.click(`tr[data-keyword="${keyword}"] a`)]);
    await Promise.all([admin.waitForURL(/done=textModuleDeleted/), admin.click('#tm-delete')]);
    expect(await admin.textContent('#text-module-done')).toBe(s.deleted);
    expect(await admin.locator(`tr[data-keyword="${keyword}"]`).count()).toBe(0);
    await admin.context().close();

    // Agents may not manage them.
    const agent = await ui.signIn('l1@demo.test', lang, viewport(1366));
    expect((await agent.goto(`${app.baseUrl}/admin/text-modules`))?.status()).toBe(403);
    await agent.context().close();
  });
});
