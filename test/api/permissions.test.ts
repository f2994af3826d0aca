/**
 * The permission matrix (SPEC §8), from one table: every documented operation × every role, own organisation,
 * other organisation and other business line. A new route without a row fails the coverage check.
 */
import { actionOperations, OPERATIONS } from '../../api/openapi';
import { permissionRefusal, roleRefusal, type TicketActionName } from '../../domain/ticket/actions';
import type { TicketFacts } from '../../domain/ticket/state';
import { eventually, startTestApp, type TestApp } from '../support/app';

type Who = 'anonymous' | 'owner' | 'keyUserOtherLine' | 'orgAdmin' | 'otherOrg' | 'otherOrgAdmin' | 'agent' | 'manager' | 'admin';
const LOGINS: Record<Exclude<Who, 'anonymous'>, string> = {
  owner: 'user@acme.test',
  keyUserOtherLine: 'keyuser@acme.test',
  orgAdmin: 'admin@acme.test',
  otherOrg: 'user@beta.test',
  otherOrgAdmin: 'admin@beta.test',
  agent: 'l1@demo.test',
  manager: 'manager@demo.test',
  admin: 'admin@demo.test',
};
const EVERYONE: Who[] = ['anonymous', 'owner', 'keyUserOtherLine', 'orgAdmin', 'otherOrg', 'otherOrgAdmin', 'agent', 'manager', 'admin'];
const all = (status: number, anonymous = status) => ({ ...Object.fromEntries(EVERYONE.map((w) => [w, status])), anonymous });

interface Row {
  op: string;
  body?: (ctx: Ctx) => unknown;
  /** a multipart/form-data body (file uploads) instead of JSON */
  form?: () => FormData;
  query?: (ctx: Ctx) => string;
  expect: Partial<Record<Who, number>>;
  /** An extra row of an operation that already has one: the same operation on a draft KB article. */
  draftArticle?: true;
  /** Acts on the owner's cancelled ticket instead of the live one. */
  cancelledTicket?: true;
}
interface Ctx {
  ticketId: string;
  cancelledTicketId: string;
  acmeId: string;
  contractId: string;
  ownerId: string;
  lineId: string;
  notificationId: string;
  articleId: string;
  draftArticleId: string;
  /** unassigned mail, one to assign and one to dismiss */
  mailId: string;
  dismissMailId: string;
  /** a file on a public comment of the owner's ticket */
  attachmentId: string;
  /** a service report of the owner's organisation */
  reportId: string;
  /** a saved view of the agent (l1) */
  viewId: string;
  /** text modules: one to read and change, one to delete */
  textModuleId: string;
  deleteTextModuleId: string;
}
let unique = 0;
const matrixUpload = () => {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('matrix file')]), 'matrix.txt');
  return form;
};
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${unique++}`;

const seeOwnTicket = { anonymous: 401, owner: 200, keyUserOtherLine: 404, orgAdmin: 200, otherOrg: 404, otherOrgAdmin: 404, agent: 200, manager: 200, admin: 200 };
const staffOnly = { anonymous: 401, owner: 403, keyUserOtherLine: 403, orgAdmin: 403, otherOrg: 403, otherOrgAdmin: 403, agent: 200, manager: 200, admin: 200 };
const adminOnly = (ok: number) => ({ anonymous: 401, owner: 403, keyUserOtherLine: 403, orgAdmin: 403, otherOrg: 403, otherOrgAdmin: 403, agent: 403, manager: 403, admin: ok });
/** Users of the owner's organisation: its customer admin and admins manage them; another org's admin gets 404. */
const manageOwnersUser = (ok: number) => ({ ...adminOnly(ok), orgAdmin: ok, otherOrgAdmin: 404 });
const seeOwnOrganisation = { ...all(200, 401), otherOrg: 404, otherOrgAdmin: 404 };
const contract = (c: Ctx) => ({ customerId: c.acmeId, name: 'Matrix contract', validFrom: '2030-01-01' });

/*
 * One row per ticket action, derived from the action registry, on the owner's cancelled ticket (so no row changes
 * the state the next one sees): whom the registry's role rule refuses gets 403 (even for a ticket they cannot see:
 * the rule reveals nothing about it), who cannot see the ticket 404, whom the per-ticket permission refuses (only
 * the requester cancels) 403, and who may act the state rule's 409 (a cancelled ticket takes nothing).
 */
const ROLE_REFUSED = 403;
const STATE_REFUSED = 409;
/** The owner's ticket as the registry's permission rules see it (only its requester matters to them). */
const OWNERS_TICKET = { requesterId: 'owner' } as TicketFacts;
const ROLES_OF: Record<Exclude<Who, 'anonymous'>, string> = {
  owner: 'customer_user',
  keyUserOtherLine: 'customer_key_user',
  orgAdmin: 'customer_admin',
  otherOrg: 'customer_user',
  otherOrgAdmin: 'customer_admin',
  agent: 'agent',
  manager: 'manager',
  admin: 'admin',
};
const CANNOT_SEE_OWNERS_TICKET: Who[] = ['keyUserOtherLine', 'otherOrg', 'otherOrgAdmin'];
/** A valid input per action, so that the row reaches the role and state rules. */
const ACTION_INPUT: Record<TicketActionName, (c: Ctx) => unknown> = {
  triage: () => ({ impact: 'low' }),
  assign: () => ({ assigneeId: null }),
  comment: () => ({ body: 'matrix comment' }),
  'request-info': () => ({ body: 'which version?' }),
  reply: () => ({ body: 'version 4' }),
  resolve: () => ({ resolution: 'done' }),
  reopen: () => ({ reason: 'not done' }),
  close: () => ({}),
  cancel: () => ({}),
  escalate: () => ({ toLevel: 'L2', reason: 'needs L2' }),
  'override-priority': () => ({ priority: 'P2', reason: 'customer impact' }),
  'start-reproduction': () => ({}),
  'confirm-defect': () => ({ evidence: { steps: '1. open', environment: 'test', version: '4.2' } }),
  'mark-not-reproducible': () => ({ body: 'works here' }),
  'reject-defect': () => ({ reason: 'as designed' }),
  'start-fix': () => ({}),
  'schedule-fix': () => ({ releaseVersion: 'matrix-1.0' }),
  'confirm-fix': () => ({}),
  assess: () => ({ effort: '2d', risk: 'low', assessment: 'small' }),
  approve: () => ({}),
  reject: () => ({ reason: 'no budget' }),
  schedule: () => ({ plannedFor: '2031-03-01' }),
  implement: () => ({}),
  'link-incident': (c) => ({ incidentId: c.ticketId }),
  'unlink-incident': (c) => ({ incidentId: c.ticketId }),
  'record-workaround': () => ({ workaround: 'restart' }),
  merge: (c) => ({ targetId: c.ticketId }),
};
const actionRows: Row[] = actionOperations().map((op) => {
  const action = op.path.split('/').pop() as TicketActionName;
  const who = (w: Exclude<Who, 'anonymous'>) => ({ id: w, role: ROLES_OF[w] });
  // The role rule first (it reveals nothing about the ticket), then visibility, then the per-ticket permission.
  const expectFor = (w: Exclude<Who, 'anonymous'>) =>
    roleRefusal(action, who(w)) !== null
      ? ROLE_REFUSED
      : CANNOT_SEE_OWNERS_TICKET.includes(w)
        ? 404
        : permissionRefusal(action, who(w), OWNERS_TICKET, ACTION_INPUT[action]({} as Ctx)) !== null
          ? ROLE_REFUSED
          : STATE_REFUSED;
  return {
    op: `POST ${op.path}`,
    body: ACTION_INPUT[action],
    cancelledTicket: true,
    expect: { anonymous: 401, ...(Object.fromEntries((Object.keys(ROLES_OF) as Array<Exclude<Who, 'anonymous'>>).map((w) => [w, expectFor(w)])) as Record<Exclude<Who, 'anonymous'>, number>) },
  };
});

const MATRIX: Row[] = [
  { op: 'GET /healthz', expect: all(200) },
  { op: 'GET /readyz', expect: all(200) },
  { op: 'GET /metrics', expect: all(200) },
  { op: 'GET /api/v1/openapi.json', expect: all(200) },
  { op: 'POST /api/v1/auth/token', body: () => ({ email: 'user@acme.test', password: 'demo' }), expect: all(201) },
  { op: 'DELETE /api/v1/auth/token', expect: { anonymous: 401 } }, // revoking is covered in foundation.test.ts
  { op: 'POST /api/v1/auth/session', body: () => ({ email: 'user@acme.test', password: 'demo' }), expect: all(201) },
  { op: 'DELETE /api/v1/auth/session', expect: all(204) }, // signing out always works; see accounts.test.ts
  { op: 'GET /api/v1/auth/me', expect: all(200, 401) },
  { op: 'POST /api/v1/auth/invitations/accept', body: () => ({ token: 'x'.repeat(43), password: 'a long enough passphrase' }), expect: all(403) },
  { op: 'GET /api/v1/customers', expect: all(200, 401) },
  { op: 'POST /api/v1/customers', body: () => ({ name: 'Matrix', slug: fresh('matrix'), planId: 'basic' }), expect: adminOnly(201) },
  { op: 'GET /api/v1/customers/{id}', expect: seeOwnOrganisation },
  { op: 'PATCH /api/v1/customers/{id}', body: () => ({ name: 'Acme' }), expect: adminOnly(200) },
  { op: 'POST /api/v1/customers/{id}/business-lines', body: () => ({ name: fresh('Line') }), expect: adminOnly(201) },
  { op: 'PATCH /api/v1/customers/{id}/business-lines/{lineId}', body: () => ({ name: 'Logistics' }), expect: adminOnly(200) },
  { op: 'PUT /api/v1/customers/{id}/modules/{moduleId}', body: () => ({}), expect: adminOnly(200) },
  { op: 'DELETE /api/v1/customers/{id}/modules/{moduleId}', expect: adminOnly(204) },
  { op: 'GET /api/v1/modules', expect: all(200, 401) },
  { op: 'GET /api/v1/admin/mail', expect: adminOnly(200) },
  { op: 'GET /api/v1/phone-line', expect: all(200, 401) },
  { op: 'GET /api/v1/mail/unassigned', expect: staffOnly },
  // The first staff member opens the ticket; a repeat answers the mail as assigned.
  { op: 'POST /api/v1/mail/unassigned/{id}/assign', body: (c) => ({ customerId: c.acmeId, requesterId: c.ownerId }), expect: staffOnly },
  { op: 'POST /api/v1/mail/unassigned/{id}/dismiss', body: () => ({}), expect: staffOnly },
  { op: 'GET /api/v1/kb/articles', expect: all(200, 401) },
  { op: 'POST /api/v1/kb/articles', body: () => ({ language: 'en', kind: 'faq', title: fresh('Matrix FAQ'), bodyMd: 'Matrix answer' }), expect: { ...staffOnly, agent: 201, manager: 201, admin: 201 } },
  { op: 'GET /api/v1/kb/articles/{id}', expect: all(200, 401) },
  // A draft is "not found" to every customer, with the body of a missing article.
  { op: 'GET /api/v1/kb/articles/{id}', draftArticle: true, expect: { ...all(404, 401), agent: 200, manager: 200, admin: 200 } },
  { op: 'PUT /api/v1/kb/articles/{id}', body: () => ({ bodyMd: fresh('Matrix body') }), expect: staffOnly },
  { op: 'GET /api/v1/kb/articles/{id}/revisions', expect: staffOnly },
  { op: 'GET /api/v1/dashboard', expect: { ...adminOnly(200), manager: 200, orgAdmin: 200, otherOrgAdmin: 200 } },
  { op: 'GET /api/v1/stuck-tickets', expect: { ...adminOnly(200), manager: 200 } },
  { op: 'GET /api/v1/releases', expect: staffOnly },
  { op: 'POST /api/v1/releases', body: () => ({ version: fresh('9.0'), plannedDate: '2031-01-15' }), expect: { ...adminOnly(201), manager: 201 } },
  { op: 'GET /api/v1/releases/{version}', expect: staffOnly },
  { op: 'POST /api/v1/releases/{version}/move', body: () => ({ plannedDate: `2031-02-${String(10 + (unique++ % 18)).padStart(2, '0')}` }), expect: { ...adminOnly(200), manager: 200 } },
  // The manager publishes first; the admin is let through and told it is already published.
  { op: 'POST /api/v1/releases/{version}/publish', body: () => ({}), expect: { ...adminOnly(409), manager: 202 } },
  { op: 'POST /api/v1/modules', body: () => ({ id: fresh('m'), name: 'Matrix', product: 'suite' }), expect: adminOnly(201) },
  { op: 'GET /api/v1/users', expect: { ...adminOnly(200), orgAdmin: 200, otherOrgAdmin: 200 } },
  { op: 'POST /api/v1/users', body: (c) => ({ email: `${fresh('u')}@acme.test`, name: 'Matrix', role: 'customer_user', customerId: c.acmeId }), expect: { ...manageOwnersUser(201), otherOrgAdmin: 403 } },
  { op: 'GET /api/v1/users/{id}', expect: manageOwnersUser(200) },
  { op: 'PATCH /api/v1/users/{id}', body: () => ({ name: 'Matrix Name' }), expect: manageOwnersUser(200) },
  // Text modules: staff read them (the composer inserts them), admins manage them.
  { op: 'GET /api/v1/text-modules', expect: staffOnly },
  { op: 'POST /api/v1/text-modules', body: () => ({ keyword: fresh('tm').toLowerCase(), name: 'Matrix', bodyEn: 'Hello {{requester}}', bodySk: 'Dobrý deň {{requester}}' }), expect: adminOnly(201) },
  { op: 'GET /api/v1/text-modules/{id}', expect: staffOnly },
  { op: 'PATCH /api/v1/text-modules/{id}', body: () => ({ name: 'Matrix module' }), expect: adminOnly(200) },
  { op: 'DELETE /api/v1/text-modules/{id}', expect: adminOnly(204) },
  {
    op: 'POST /api/v1/tickets',
    body: () => ({ title: 'Matrix', description: 'd', type: 'question', impact: 'low', urgency: 'low' }),
    // Staff must name customer and requester (400); customers create for themselves.
    expect: { anonymous: 401, owner: 201, keyUserOtherLine: 201, orgAdmin: 201, otherOrg: 201, otherOrgAdmin: 201, agent: 400, manager: 400, admin: 400 },
  },
  { op: 'GET /api/v1/tickets', expect: all(200, 401) },
  { op: 'GET /api/v1/tickets/{id}', expect: seeOwnTicket },
  { op: 'GET /api/v1/tickets/{id}/events', expect: seeOwnTicket },
  { op: 'GET /api/v1/tickets/{id}/workflow', expect: seeOwnTicket },
  ...actionRows,
  { op: 'POST /api/v1/tickets/{id}/comments', body: () => ({ body: 'matrix comment' }), expect: { ...seeOwnTicket, owner: 201, orgAdmin: 201, agent: 201, manager: 201, admin: 201 } },
  { op: 'POST /api/v1/tickets/{id}/attachments', form: () => matrixUpload(), expect: { ...seeOwnTicket, owner: 201, orgAdmin: 201, agent: 201, manager: 201, admin: 201 } },
  { op: 'GET /api/v1/tickets/{id}/attachments', expect: seeOwnTicket },
  // Staff only; each ticket of the selection answers for itself (the cancelled ticket: 409 inside a 200).
  { op: 'POST /api/v1/bulk-ticket-actions', body: (c) => ({ action: 'assign', ticketIds: [c.cancelledTicketId], input: { assigneeId: null } }), expect: staffOnly },
  { op: 'GET /api/v1/views', expect: staffOnly },
  { op: 'POST /api/v1/views', body: () => ({ name: fresh('Matrix view'), filters: { sort: 'due' } }), expect: { ...staffOnly, agent: 201, manager: 201, admin: 201 } },
  // A view is its owner's: another staff member's delete is "not found" (asked while it still exists; the owner last).
  { op: 'DELETE /api/v1/views/{id}', expect: { anonymous: 401, owner: 403, keyUserOtherLine: 403, orgAdmin: 403, otherOrg: 403, otherOrgAdmin: 403, manager: 404, admin: 404, agent: 204 } },
  { op: 'GET /api/v1/tickets/{id}/attachments/{attachmentId}', expect: seeOwnTicket },
  {
    op: 'GET /api/v1/sla/preview',
    query: (c) => `?priority=P2&customerId=${c.acmeId}`,
    // Another organisation's customer id is "not found", exactly like a missing one.
    expect: { anonymous: 401, owner: 200, keyUserOtherLine: 200, orgAdmin: 200, otherOrg: 404, otherOrgAdmin: 404, agent: 200, manager: 200, admin: 200 },
  },
  { op: 'GET /api/v1/plans', expect: staffOnly },
  { op: 'PUT /api/v1/plans/{id}', body: () => ({ warningThreshold: 0.8 }), expect: adminOnly(200) },
  { op: 'GET /api/v1/calendars', expect: staffOnly },
  { op: 'PUT /api/v1/calendars/{id}', body: () => ({ name: 'Matrix', timeZone: 'UTC', week: { 1: [{ start: '09:00', end: '17:00' }] }, holidays: [] }), expect: adminOnly(200) },
  { op: 'GET /api/v1/contracts', expect: { ...staffOnly, agent: 403 } },
  { op: 'POST /api/v1/contracts', body: contract, expect: adminOnly(201) },
  { op: 'PUT /api/v1/contracts/{id}', body: contract, expect: adminOnly(200) },
  { op: 'GET /api/v1/notifications', expect: all(200, 401) },
  // Everyone's own feed: another person's notification is "not found".
  { op: 'POST /api/v1/notifications/{id}/read', expect: { ...all(404, 401), owner: 204 } },
  { op: 'POST /api/v1/notifications/read-all', expect: all(204, 401) },
  { op: 'GET /api/v1/me/notification-preferences', expect: all(200, 401) },
  { op: 'PUT /api/v1/me/notification-preferences', body: () => ({ email: {} }), expect: all(200, 401) },
  // Service reports: staff see every customer's, a customer admin their organisation's; other customer users none.
  { op: 'GET /api/v1/reports', expect: { ...staffOnly, orgAdmin: 200, otherOrgAdmin: 200 } },
  { op: 'POST /api/v1/reports', body: (c) => ({ customerId: c.acmeId, month: '2026-10' }), expect: { ...staffOnly, agent: 201, manager: 201, admin: 201, orgAdmin: 201, otherOrgAdmin: 404 } },
  { op: 'GET /api/v1/reports/{id}', expect: { ...staffOnly, orgAdmin: 200, otherOrgAdmin: 404 } },
  { op: 'GET /api/v1/reports/{id}/pdf', expect: { ...staffOnly, orgAdmin: 200, otherOrgAdmin: 404 } },
  { op: 'GET /api/v1/reports/{id}/csv', expect: { ...staffOnly, orgAdmin: 200, otherOrgAdmin: 404 } },
  // The signed link is the authority, signed in or not; a forged one is refused for everyone.
  { op: 'POST /api/v1/satisfaction', body: (c) => ({ token: `${Buffer.from(`sat1.${c.ticketId}.${c.ownerId}.${Math.floor(Date.now() / 1000)}`).toString('base64url')}.${'A'.repeat(43)}`, rating: 5 }), expect: all(403) },
];

describe('permission matrix', () => {
  let app: TestApp;
  let tokens: Partial<Record<Who, string>>;
  let ctx: Ctx;
  beforeAll(async () => {
    app = await startTestApp();
    tokens = {};
    for (const [who, email] of Object.entries(LOGINS)) tokens[who as Who] = await app.login(email);
    const acme = await app.db('customers').where({ slug: 'acme' }).first();
    const logistics = await app.db('business_lines').where({ customer_id: acme.id, name: 'Logistics' }).first();
    // The owner's ticket is in Logistics: the Finance key user must not see it.
    const t = await app.request('POST', '/api/v1/tickets', { token: tokens.owner, body: { title: 'Owned', description: 'd', type: 'question', impact: 'low', urgency: 'low', businessLineId: logistics.id } });
    await eventually(() => app.db('ticket_events').where({ ticket_id: t.body.id }).first(), 'ticket.created');
    const cancelled = await app.request('POST', '/api/v1/tickets', { token: tokens.owner, body: { title: 'Cancelled', description: 'd', type: 'question', impact: 'low', urgency: 'low', businessLineId: logistics.id } });
    await eventually(() => app.db('ticket_events').where({ ticket_id: cancelled.body.id }).first(), 'ticket.created');
    expect((await app.request('POST', `/api/v1/tickets/${cancelled.body.id}/actions/cancel`, { token: tokens.owner, body: {} })).status).toBe(200);
    const [c] = await app.db('contracts').insert({ customer_id: acme.id, name: 'Existing', valid_from: '2030-01-01' }).returning('id');
    const owner = await app.db('users').where({ email: 'user@acme.test' }).first();
    expect((await app.request('POST', '/api/v1/releases', { token: tokens.manager, body: { version: 'matrix-1.0', plannedDate: '2031-01-31' } })).status).toBe(201);
    const [n] = await app.db('notifications').insert({ idempotency_key: fresh('matrix-notification'), recipient_id: owner.id, recipient_email: owner.email, template: 'user-invited', language: 'en', payload: '{}' }).returning('id');
    const article = async (status: string) => {
      const res = await app.request('POST', '/api/v1/kb/articles', { token: tokens.manager, body: { language: 'en', kind: 'doc', title: `Matrix ${status} article`, bodyMd: 'Body', status } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const unassignedMail = async (n: string) => {
      const raw = Buffer.from(`From: stranger@example.test\r\nTo: support@ticketflow.local\r\nSubject: Matrix ${n}\r\nMessage-ID: <${fresh('matrix')}@example.test>\r\n\r\nHello.\r\n`);
      const [m] = await app.db('inbound_messages').insert({ dedupe_key: fresh('matrix-mail'), received_via: 'smtp', raw, size: raw.length, status: 'unassigned', sender_email: 'stranger@example.test', subject: `Matrix ${n}` }).returning('id');
      return m.id as string;
    };
    const file = await fetch(`${app.baseUrl}/api/v1/tickets/${t.body.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${tokens.owner}` }, body: matrixUpload() });
    expect(file.status).toBe(201);
    const attachmentId = ((await file.json()) as { attachments: Array<{ id: string }> }).attachments[0].id;
    const report = await app.request('POST', '/api/v1/reports', { token: tokens.manager, body: { customerId: acme.id, month: '2026-09' } });
    expect(report.status).toBe(201);
    const view = await app.request('POST', '/api/v1/views', { token: tokens.agent, body: { name: 'Matrix own view', filters: { sort: 'due' } } });
    expect(view.status).toBe(201);
    const textModule = async (keyword: string) => {
      const res = await app.request('POST', '/api/v1/text-modules', { token: tokens.admin, body: { keyword, name: 'Matrix', bodyEn: 'Hi', bodySk: 'Ahoj' } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    ctx = { viewId: view.body.id, textModuleId: await textModule(fresh('matrix').toLowerCase()), deleteTextModuleId: await textModule(fresh('matrix-del').toLowerCase()), reportId: report.body.id, mailId: await unassignedMail('assign'), dismissMailId: await unassignedMail('dismiss'), ticketId: t.body.id, cancelledTicketId: cancelled.body.id, acmeId: acme.id, contractId: c.id, ownerId: owner.id, lineId: logistics.id, notificationId: String(n.id), articleId: await article('published'), draftArticleId: await article('draft'), attachmentId };
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('has a row for every documented operation (and so for every route)', () => {
    const documented = OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    expect(MATRIX.filter((r) => !r.draftArticle).map((r) => r.op).sort()).toEqual(documented);
  });

  const cases = MATRIX.flatMap((row) => Object.entries(row.expect).map(([who, status]) => ({ row, who: who as Who, status: status as number })));
  it.each(cases.map((c) => [c.row.draftArticle ? `${c.row.op} (draft)` : c.row.op, c.who, c.status, c] as const))('%s as %s → %i', async (_op, who, status, c) => {
    const [method, template] = c.row.op.split(' ');
    const path = template
      .replace('/mail/unassigned/{id}/assign', `/mail/unassigned/${ctx.mailId}/assign`)
      .replace('/mail/unassigned/{id}/dismiss', `/mail/unassigned/${ctx.dismissMailId}/dismiss`)
      .replace('/reports/{id}', `/reports/${ctx.reportId}`)
      .replace('/views/{id}', `/views/${ctx.viewId}`)
      .replace('/text-modules/{id}', `/text-modules/${method === 'DELETE' ? ctx.deleteTextModuleId : ctx.textModuleId}`)
      .replace('/tickets/{id}', `/tickets/${c.row.cancelledTicket ? ctx.cancelledTicketId : ctx.ticketId}`)
      .replace('/plans/{id}', '/plans/basic')
      .replace('/calendars/{id}', '/calendars/matrix')
      .replace('/contracts/{id}', `/contracts/${ctx.contractId}`)
      .replace('/customers/{id}', `/customers/${ctx.acmeId}`)
      .replace('/users/{id}', `/users/${ctx.ownerId}`)
      .replace('/notifications/{id}', `/notifications/${ctx.notificationId}`)
      .replace('/kb/articles/{id}', `/kb/articles/${c.row.draftArticle ? ctx.draftArticleId : ctx.articleId}`)
      .replace('{lineId}', ctx.lineId)
      .replace('{moduleId}', 'inventory')
      .replace('{attachmentId}', ctx.attachmentId)
      .replace('{version}', 'matrix-1.0');
    const send = async (to: string) => {
      if (!c.row.form) return app.request(method, to, { token: tokens[who], ...(c.row.body ? { body: c.row.body(ctx) } : {}) });
      const r = await fetch(app.baseUrl + to, { method, headers: tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}, body: c.row.form() });
      return { status: r.status, headers: r.headers, body: (await r.json()) as { detail?: string } };
    };
    const res = await send(path + (c.row.query?.(ctx) ?? ''));
    expect({ who, status: res.status }).toEqual({ who, status });
    if (status >= 400) expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    if (status === 404 && template.includes('{id}')) {
      // The body of another organisation's 404 is the body of a missing resource's 404: nothing leaks.
      const real = [ctx.viewId, ctx.reportId, ctx.ticketId, ctx.cancelledTicketId, ctx.acmeId, ctx.ownerId, ctx.notificationId, ctx.articleId, ctx.draftArticleId].find((id) => path.split('/').includes(id))!; // a whole segment: a notification id 1 is not the start of a UUID
      const missingId = real === ctx.notificationId ? '999999999999' : '00000000-0000-4000-8000-000000000000';
      const missing = await send(path.replace(`/${real}`, `/${missingId}`));
      expect(res.body.detail).toBe(missing.body.detail);
    }
  });
});
