/**
 * Text modules over the API (#14, point 3): admins create, change and delete them; staff read them; customers get
 * 403. A text naming an unknown placeholder (or a helper or a block) is refused with 400 naming the field and
 * changes nothing; the ticket page renders a module for its ticket with every placeholder filled in the customer's
 * language.
 */
import { startTestApp, eventually, type TestApp } from '../support/app';

let app: TestApp;
const tokens: Record<string, string> = {};
let run = 0;
const keyword = (k: string) => `${k}-${Date.now().toString(36)}-${run++}`;

beforeAll(async () => {
  app = await startTestApp();
  for (const email of ['admin@demo.test', 'manager@demo.test', 'l1@demo.test', 'user@acme.test', 'admin@acme.test']) tokens[email] = await app.login(email);
});
afterAll(async () => {
  await app?.stop();
});

const as = (email: string) => ({
  get: (path: string) => app.request('GET', path, { token: tokens[email] }),
  post: (path: string, body: unknown) => app.request('POST', path, { token: tokens[email], body }),
  patch: (path: string, body: unknown) => app.request('PATCH', path, { token: tokens[email], body }),
  del: (path: string) => app.request('DELETE', path, { token: tokens[email] }),
});
const admin = as('admin@demo.test');

describe('CRUD', () => {
  test('an admin creates, lists, reads, changes and deletes a module', async () => {
    const k = keyword('greet');
    const created = await admin.post('/api/v1/text-modules', { keyword: k, name: 'Greeting', bodyEn: 'Hello {{requester}}', bodySk: 'Dobrý deň, {{requester}}' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/text-modules/${created.body.id}`);
    expect(created.body).toMatchObject({ keyword: k, name: 'Greeting', bodyEn: 'Hello {{requester}}', bodySk: 'Dobrý deň, {{requester}}', active: true });
    const id = created.body.id as string;

    const list = await as('l1@demo.test').get('/api/v1/text-modules');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { keyword: string }) => m.keyword)).toContain(k);
    expect(list.body).toHaveProperty('nextCursor');
    expect((await as('l1@demo.test').get(`/api/v1/text-modules/${id}`)).body.name).toBe('Greeting');

    const changed = await admin.patch(`/api/v1/text-modules/${id}`, { name: 'Greeting (short)', active: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Greeting (short)', active: false, bodyEn: 'Hello {{requester}}' });
    const inactive = await admin.get('/api/v1/text-modules?active=false');
    expect(inactive.body.items.map((m: { id: string }) => m.id)).toContain(id);
    expect((await admin.get('/api/v1/text-modules?active=true')).body.items.map((m: { id: string }) => m.id)).not.toContain(id);

    expect((await admin.del(`/api/v1/text-modules/${id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/text-modules/${id}`)).status).toBe(404);
    expect((await admin.del(`/api/v1/text-modules/${id}`)).status).toBe(404);
    expect((await admin.patch(`/api/v1/text-modules/${id}`, { name: 'x' })).status).toBe(404);
  });

  test('a keyword in use is a conflict naming the field; a bad keyword or id is a 400', async () => {
    const k = keyword('dup');
    expect((await admin.post('/api/v1/text-modules', { keyword: k, name: 'One', bodyEn: 'a', bodySk: 'b' })).status).toBe(201);
    const again = await admin.post('/api/v1/text-modules', { keyword: k, name: 'Two', bodyEn: 'a', bodySk: 'b' });
    expect(again.status).toBe(409);
    expect(again.body.field).toBe('body.keyword');
    const bad = await admin.post('/api/v1/text-modules', { keyword: 'Has Spaces', name: 'x', bodyEn: 'a', bodySk: 'b' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.keyword']);
    expect((await admin.get('/api/v1/text-modules/not-a-uuid')).status).toBe(400);
    expect((await admin.post('/api/v1/text-modules', { keyword: keyword('x'), name: 'x', bodyEn: 'a', bodySk: 'b', colour: 'red' })).status).toBe(400);
  });
});

describe('roles', () => {
  test('staff read, only admins write, customers get 403, anonymous 401', async () => {
    const k = keyword('roles');
    const { body } = await admin.post('/api/v1/text-modules', { keyword: k, name: 'Roles', bodyEn: 'a', bodySk: 'b' });
    for (const email of ['manager@demo.test', 'l1@demo.test']) {
      const who = as(email);
      expect((await who.get('/api/v1/text-modules')).status).toBe(200);
      expect((await who.get(`/api/v1/text-modules/${body.id}`)).status).toBe(200);
      expect((await who.post('/api/v1/text-modules', { keyword: keyword('no'), name: 'x', bodyEn: 'a', bodySk: 'b' })).status).toBe(403);
      expect((await who.patch(`/api/v1/text-modules/${body.id}`, { name: 'x' })).status).toBe(403);
      expect((await who.del(`/api/v1/text-modules/${body.id}`)).status).toBe(403);
    }
    for (const email of ['user@acme.test', 'admin@acme.test']) {
      const who = as(email);
      const list = await who.get('/api/v1/text-modules');
      expect(list.status).toBe(403);
      expect(list.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await who.get(`/api/v1/text-modules/${body.id}`)).status).toBe(403);
      expect((await who.post('/api/v1/text-modules', { keyword: keyword('no'), name: 'x', bodyEn: 'a', bodySk: 'b' })).status).toBe(403);
      expect((await who.del(`/api/v1/text-modules/${body.id}`)).status).toBe(403);
    }
    expect((await app.request('GET', '/api/v1/text-modules')).status).toBe(401);
    expect((await admin.get(`/api/v1/text-modules/${body.id}`)).body.name).toBe('Roles');
  });
});

describe('placeholders', () => {
  test.each([
    ['bodyEn', { bodyEn: 'Dear {{custmer}}', bodySk: 'ok' }, 'custmer'],
    ['bodySk', { bodyEn: 'ok', bodySk: 'Vážený {{ticket.owner}}' }, 'ticket.owner'],
    ['bodyEn', { bodyEn: '{{#each customer}}x{{/each}}', bodySk: 'ok' }, 'not allowed'],
    ['bodySk', { bodyEn: 'ok', bodySk: '{{customer' }, 'not a valid template'],
  ])('%s with %j is refused with 400 naming the field, and nothing is saved', async (field, texts, why) => {
    const k = keyword('bad');
    const res = await admin.post('/api/v1/text-modules', { keyword: k, name: 'Bad', ...texts });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: `body.${field}`, message: expect.stringContaining(why) }]);
    expect(await app.db('text_modules').where({ keyword: k }).first()).toBeUndefined();
  });

  test('a change to an unknown placeholder is refused and the module stays as it was', async () => {
    const { body } = await admin.post('/api/v1/text-modules', { keyword: keyword('keep'), name: 'Keep', bodyEn: 'Hi {{agent}}', bodySk: 'Ahoj {{agent}}' });
    const res = await admin.patch(`/api/v1/text-modules/${body.id}`, { bodyEn: 'Hi {{agnet}}' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.bodyEn');
    expect((await admin.get(`/api/v1/text-modules/${body.id}`)).body.bodyEn).toBe('Hi {{agent}}');
  });

  test('every placeholder is filled for the ticket, in its customer language, without HTML escaping', async () => {
    const k = keyword('all');
    const text = '{{customer}}|{{requester}}|{{ticket.number}}|{{ticket.title}}|{{deadline.firstResponse}}|{{deadline.resolution}}|{{agent}}';
    const created = await admin.post('/api/v1/text-modules', { keyword: k, name: 'All', bodyEn: `EN ${text}`, bodySk: `SK ${text}` });
    expect(created.status).toBe(201);
    const ticket = await app.request('POST', '/api/v1/tickets', { token: tokens['user@acme.test'], body: { title: 'Printer <prints> & jams', description: 'd', type: 'incident', impact: 'medium', urgency: 'medium' } });
    expect(ticket.status).toBe(201);
    await eventually(async () => !!(await app.db('ticket_events').where({ ticket_id: ticket.body.id }).first()), 'the ticket');
    const acme = await app.db('customers').where({ slug: 'acme' }).first('name', 'language');
    const { renderTextModule, textModuleContext } = await import('../../api/services/text-modules');
    const { findTicket } = await import('../../db/tickets');
    const row = (await findTicket(app.db, { kind: 'all' }, ticket.body.number))!;
    const ctx = await textModuleContext(app.db, row, 'Lucia Level-One');
    expect(ctx.lang).toBe(acme.language);
    const rendered = renderTextModule(ctx.lang === 'sk' ? `SK ${text}` : `EN ${text}`, ctx.values).split('|');
    expect(rendered[0]).toBe(`${ctx.lang.toUpperCase()} ${acme.name}`);
    expect(rendered[1]).toBe('Alice Acme');
    expect(rendered[2]).toBe(ticket.body.number);
    expect(rendered[3]).toBe('Printer <prints> & jams');
    expect(rendered[4]).toMatch(/\d{1,2}:\d{2}/);
    expect(rendered[5]).toMatch(/\d{1,2}:\d{2}/);
    expect(rendered[6]).toBe('Lucia Level-One');
  });
});
