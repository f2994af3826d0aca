/**
 * Real answers of the main operations parsed with the response schemas the OpenAPI document publishes
 * (api/responses.ts): a field a handler adds, drops or changes fails here, so the document cannot drift.
 */
import type { z } from 'zod';
import * as R from '../../api/responses';
import { OPERATIONS } from '../../api/openapi';
import { eventually, startTestApp, type TestApp } from '../support/app';

/** Parsing strips unknown fields, so an answer equal to its parse has none the schema lacks. */
function conforms(schema: z.ZodType, body: unknown, what: string): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${what}: ${parsed.error.message}\n${JSON.stringify(body).slice(0, 2000)}`);
  expect({ what, body: parsed.data }).toEqual({ what, body });
}

describe('answers match the documented response schemas', () => {
  let app: TestApp;
  let staff: string;
  let customer: string;
  let ticketId: string;
  beforeAll(async () => {
    app = await startTestApp();
    staff = await app.login('admin@demo.test');
    customer = await app.login('user@acme.test');
    const t = await app.request('POST', '/api/v1/tickets', { token: customer, body: { title: 'Schema', description: 'd', type: 'incident', impact: 'medium', urgency: 'high' } });
    expect(t.status).toBe(201);
    conforms(R.Ticket, t.body, 'createTicket');
    ticketId = t.body.id;
    await eventually(() => app.db('ticket_events').where({ ticket_id: ticketId }).first(), 'ticket.created');
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** [operationId, who, path, expected schema] for GETs of seeded or created data. */
  const reads: Array<[string, 'staff' | 'customer', () => string]> = [
    ['getTicket', 'staff', () => `/api/v1/tickets/${ticketId}`],
    ['getTicket', 'customer', () => `/api/v1/tickets/${ticketId}`],
    ['listTickets', 'customer', () => '/api/v1/tickets?status=new,triaged&limit=1'],
    ['listTickets', 'staff', () => '/api/v1/tickets?q=schema&sort=due&page=1&limit=5'],
    ['listSavedViews', 'staff', () => '/api/v1/views'],
    ['listTicketEvents', 'customer', () => `/api/v1/tickets/${ticketId}/events`],
    ['getTicketWorkflow', 'staff', () => `/api/v1/tickets/${ticketId}/workflow`],
    ['getTicketWorkflow', 'customer', () => `/api/v1/tickets/${ticketId}/workflow`],
    ['getMe', 'customer', () => '/api/v1/auth/me'],
    ['listCustomers', 'staff', () => '/api/v1/customers'],
    ['listModules', 'customer', () => '/api/v1/modules'],
    ['listUsers', 'staff', () => '/api/v1/users?limit=5'],
    ['listPlans', 'staff', () => '/api/v1/plans'],
    ['listCalendars', 'staff', () => '/api/v1/calendars'],
    ['listContracts', 'staff', () => '/api/v1/contracts'],
    ['listNotifications', 'customer', () => '/api/v1/notifications'],
    ['getNotificationPreferences', 'customer', () => '/api/v1/me/notification-preferences'],
    ['getDashboard', 'staff', () => '/api/v1/dashboard'],
    ['getPhoneLine', 'customer', () => '/api/v1/phone-line'],
    ['listKbArticles', 'customer', () => '/api/v1/kb/articles'],
    ['listReleases', 'staff', () => '/api/v1/releases'],
  ];
  const schemaOf = (operationId: string) => {
    const op = OPERATIONS.find((o) => o.operationId === operationId)!;
    return op.response as z.ZodType;
  };

  it.each(reads.map(([id, who, path]) => [id, who, path] as const))('%s as %s', async (id, who, path) => {
    const res = await app.request('GET', path(), { token: who === 'staff' ? staff : customer });
    expect({ id, status: res.status }).toEqual({ id, status: 200 });
    conforms(schemaOf(id), res.body, id);
  });

  it('writes: a saved view, a bulk action', async () => {
    const view = await app.request('POST', '/api/v1/views', { token: staff, body: { name: 'Schema view', filters: { q: 'schema', sort: 'priority' } } });
    expect(view.status).toBe(201);
    conforms(R.SavedView, view.body, 'createSavedView');
    conforms(R.SavedViewPage, (await app.request('GET', '/api/v1/views', { token: staff })).body, 'listSavedViews (one view)');
    const bulk = await app.request('POST', '/api/v1/bulk-ticket-actions', { token: staff, body: { action: 'assign', ticketIds: [ticketId, '00000000-0000-4000-8000-000000000000'], input: { assigneeId: null } } });
    expect(bulk.status).toBe(200);
    conforms(R.BulkTicketActionResult, bulk.body, 'runBulkTicketAction');
    expect(bulk.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
  });

  it('writes: an action, a comment, a customer and its detail, a release, an article, a token and a session', async () => {
    const triage = await app.request('POST', `/api/v1/tickets/${ticketId}/actions/triage`, { token: staff, body: { impact: 'high' } });
    conforms(R.TicketActionResult, triage.body, 'runTicketActionTriage');
    const comment = await app.request('POST', `/api/v1/tickets/${ticketId}/comments`, { token: customer, body: { body: 'more details' } });
    expect(comment.status).toBe(201);
    conforms(R.TicketActionResult, comment.body, 'createTicketComment');
    const events = await app.request('GET', `/api/v1/tickets/${ticketId}/events`, { token: staff });
    conforms(R.TicketEventPage, events.body, 'listTicketEvents (staff)');

    const admin = await app.login('admin@demo.test');
    const created = await app.request('POST', '/api/v1/customers', { token: admin, body: { name: 'Schema Ltd', slug: 'schema-ltd', planId: 'basic' } });
    expect(created.status).toBe(201);
    conforms(R.CustomerDetail, created.body, 'createCustomer');
    const line = await app.request('POST', `/api/v1/customers/${created.body.id}/business-lines`, { token: admin, body: { name: 'Sales' } });
    conforms(R.BusinessLine, line.body, 'addBusinessLine');
    const licensed = await app.request('PUT', `/api/v1/customers/${created.body.id}/modules/finance`, { token: admin, body: { licensedFrom: '2030-01-01' } });
    conforms(R.CustomerDetail, licensed.body, 'licenseModule');
    const invited = await app.request('POST', '/api/v1/users', { token: admin, body: { email: 'schema@schema.test', name: 'Schema', role: 'customer_user', customerId: created.body.id } });
    expect(invited.status).toBe(201);
    conforms(R.InvitedUser, invited.body, 'inviteUser');

    const release = await app.request('POST', '/api/v1/releases', { token: staff, body: { version: 'schema-1.0', plannedDate: '2031-01-15' } });
    expect(release.status).toBe(201);
    conforms(R.Release, release.body, 'planRelease');
    conforms(R.ReleaseDetail, (await app.request('GET', '/api/v1/releases/schema-1.0', { token: staff })).body, 'getRelease');
    conforms(R.ReleaseChange, (await app.request('POST', '/api/v1/releases/schema-1.0/move', { token: staff, body: { plannedDate: '2031-02-01' } })).body, 'moveRelease');

    const article = await app.request('POST', '/api/v1/kb/articles', { token: staff, body: { language: 'en', kind: 'faq', title: 'Schema FAQ', bodyMd: '**bold**', status: 'published' } });
    expect(article.status).toBe(201);
    conforms(R.KbArticle, article.body, 'createKbArticle');
    conforms(R.KbArticle, (await app.request('GET', `/api/v1/kb/articles/${article.body.id}?format=html`, { token: customer })).body, 'getKbArticle');
    conforms(R.KbRevisionPage, (await app.request('GET', `/api/v1/kb/articles/${article.body.id}/revisions`, { token: staff })).body, 'listKbArticleRevisions');

    const acme = await app.db('customers').where({ slug: 'acme' }).first();
    conforms(R.SlaPreview, (await app.request('GET', `/api/v1/sla/preview?priority=P1&customerId=${acme.id}`, { token: staff })).body, 'previewSla');
    conforms(R.Token, (await app.request('POST', '/api/v1/auth/token', { body: { email: 'user@acme.test', password: 'demo' } })).body, 'createToken');
    conforms(R.Session, (await app.request('POST', '/api/v1/auth/session', { body: { email: 'user@acme.test', password: 'demo' } })).body, 'createSession');
    conforms(R.Health, (await app.request('GET', '/healthz')).body, 'getHealth');
    conforms(R.Readiness, (await app.request('GET', '/readyz')).body, 'getReadiness');
  });

  it('refuses what Schemathesis found the database would choke on (a 500 before)', async () => {
    const res = await app.request('GET', `/api/v1/tickets/${ticketId}/events?afterSeq=9007199254740990`, { token: customer });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.afterSeq' })]);
  });

  it('answers 405 with Allow for a method a documented path lacks, and 415 for a body that is not JSON', async () => {
    const put = await app.request('PUT', '/api/v1/tickets', { token: customer, body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, HEAD');
    expect(put.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const getAction = await app.request('GET', `/api/v1/tickets/${ticketId}/actions/triage`, { token: staff });
    expect(getAction.status).toBe(405);
    expect(getAction.headers.get('allow')).toBe('POST');
    expect((await app.request('DELETE', '/healthz')).status).toBe(405);
    // An unknown path is still 404.
    expect((await app.request('PUT', '/api/v1/nothing-here', { token: customer })).status).toBe(404);

    const form = await app.request('POST', '/api/v1/tickets', { token: customer, rawBody: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const text = await app.request('POST', `/api/v1/tickets/${ticketId}/comments`, { token: customer, rawBody: '{"body":"hi"}', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    // The portal's forms are urlencoded and keep working.
    const login = await fetch(`${app.baseUrl}/login`, { method: 'POST', body: 'email=user%40acme.test&password=demo', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.baseUrl }, redirect: 'manual' });
    expect(login.status).not.toBe(415);
    expect(login.status).toBeLessThan(400);
  });
});
