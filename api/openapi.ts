/**
 * OpenAPI 3.1 document generated from the same zod schemas the routes validate with (zod → JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is). A test walks the express app and fails if a route is missing here.
 */
import { z } from 'zod';
import { acceptInvitationSchema, tokenRequestSchema } from './auth';
import { businessLineSchema, customerUpdateSchema, listPageQuery, moduleLicenceSchema, newCustomerSchema, newModuleSchema } from './admin-customers';
import { caughtMailQuerySchema } from './caught-mail';
import { dashboardQuerySchema } from './dashboard';
import { kbArticleQuery, kbArticleUpdateSchema, kbRevisionsQuery, listKbArticlesQuery, newKbArticleSchema } from './kb';
import { listReleasesQuery, moveReleaseSchema, newReleaseSchema } from './releases';
import { inviteUserSchema, listUsersQuerySchema, userUpdateSchema } from './admin-users';
import { feedQuerySchema, notificationPreferencesSchema, satisfactionSchema } from './notifications';
import { contractSchema, planUpdateSchema } from './admin-sla';
import { slaPreviewQuerySchema } from './sla';
import { ACTION_SCHEMAS, commentBodySchema } from './ticket-actions';
import { eventsQuerySchema, listTicketsQuerySchema, newTicketSchema } from './tickets';
import { idempotencyHeadersSchema } from './validation';
import { TICKET_ACTIONS } from '../domain/ticket/actions';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string; // OpenAPI form: /api/v1/tickets/{id}
  summary: string;
  tag: string;
  auth?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  headers?: z.ZodObject;
  ok?: number;
}

const calendarBody = z.object({
  name: z.string(),
  timeZone: z.string().describe('IANA time zone, e.g. Europe/Bratislava'),
  week: z.record(z.string(), z.array(z.object({ start: z.string(), end: z.string() }))).describe('ISO weekday 1–7 → working intervals HH:MM'),
  holidays: z.array(z.record(z.string(), z.unknown())),
});

export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/healthz', summary: 'Process is up', tag: 'operations', auth: false },
  { method: 'get', path: '/readyz', summary: 'PostgreSQL and Temporal are reachable', tag: 'operations', auth: false },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'operations', auth: false },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document', tag: 'operations', auth: false },
  { method: 'post', path: '/api/v1/auth/token', summary: 'Exchange email and password for a bearer token', tag: 'auth', auth: false, body: tokenRequestSchema, ok: 201 },
  { method: 'delete', path: '/api/v1/auth/token', summary: 'Revoke the bearer token used', tag: 'auth', ok: 204 },
  {
    method: 'post',
    path: '/api/v1/auth/session',
    summary: 'Browser sign-in: sets the httpOnly session cookie and returns the CSRF token writes must send in X-CSRF-Token',
    tag: 'auth',
    auth: false,
    body: tokenRequestSchema,
    ok: 201,
  },
  { method: 'delete', path: '/api/v1/auth/session', summary: 'Browser sign-out (revokes the session, clears the cookie)', tag: 'auth', auth: false, ok: 204 },
  { method: 'get', path: '/api/v1/auth/me', summary: 'The signed-in user (and the CSRF token for a browser session)', tag: 'auth' },
  { method: 'post', path: '/api/v1/auth/invitations/accept', summary: 'Set the password of an invited user (one-use token from the invitation)', tag: 'auth', auth: false, body: acceptInvitationSchema, ok: 204 },
  { method: 'post', path: '/api/v1/tickets', summary: 'Create a ticket (starts its workflow)', tag: 'tickets', body: newTicketSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/tickets', summary: 'List tickets visible to the caller', tag: 'tickets', query: listTicketsQuerySchema },
  { method: 'get', path: '/api/v1/tickets/{id}', summary: 'One ticket (staff also get the live workflow state)', tag: 'tickets' },
  { method: 'get', path: '/api/v1/tickets/{id}/events', summary: 'Audit timeline (customers: public events only)', tag: 'tickets', query: eventsQuerySchema },
  { method: 'get', path: '/api/v1/tickets/{id}/workflow', summary: 'Live workflow state', tag: 'tickets' },
  {
    method: 'post',
    path: '/api/v1/tickets/{id}/actions/{action}',
    summary: `Run an action (${TICKET_ACTIONS.join(', ')}); 409 when not allowed now`,
    tag: 'tickets',
    body: z.union(Object.values(ACTION_SCHEMAS) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]),
    headers: idempotencyHeadersSchema,
  },
  { method: 'post', path: '/api/v1/tickets/{id}/comments', summary: 'Comment (public or internal)', tag: 'tickets', body: commentBodySchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/sla/preview', summary: 'Deadlines a ticket created at `at` would get', tag: 'sla', query: slaPreviewQuerySchema },
  { method: 'get', path: '/api/v1/plans', summary: 'Service plans', tag: 'sla' },
  { method: 'put', path: '/api/v1/plans/{id}', summary: 'Edit a plan (admins; new tickets only)', tag: 'sla', body: planUpdateSchema },
  { method: 'get', path: '/api/v1/calendars', summary: 'Calendars', tag: 'sla' },
  { method: 'put', path: '/api/v1/calendars/{id}', summary: 'Create or replace a calendar (admins)', tag: 'sla', body: calendarBody },
  { method: 'get', path: '/api/v1/contracts', summary: 'Contracts (admins, managers)', tag: 'sla', query: z.object({ customerId: z.string().uuid().optional() }) },
  { method: 'post', path: '/api/v1/contracts', summary: 'Record a contract (admins)', tag: 'sla', body: contractSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'put', path: '/api/v1/contracts/{id}', summary: 'Edit a contract (admins; new tickets only)', tag: 'sla', body: contractSchema },
  { method: 'get', path: '/api/v1/customers', summary: 'Customers (a customer sees its own organisation)', tag: 'customers', query: listPageQuery },
  { method: 'post', path: '/api/v1/customers', summary: 'Create a customer (admins)', tag: 'customers', body: newCustomerSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/customers/{id}', summary: 'One customer with business lines and licensed modules', tag: 'customers' },
  { method: 'patch', path: '/api/v1/customers/{id}', summary: 'Edit a customer (admins)', tag: 'customers', body: customerUpdateSchema },
  { method: 'post', path: '/api/v1/customers/{id}/business-lines', summary: 'Add a business line (admins)', tag: 'customers', body: businessLineSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'patch', path: '/api/v1/customers/{id}/business-lines/{lineId}', summary: 'Rename a business line (admins)', tag: 'customers', body: businessLineSchema },
  { method: 'put', path: '/api/v1/customers/{id}/modules/{moduleId}', summary: 'License a module to a customer (admins)', tag: 'customers', body: moduleLicenceSchema },
  { method: 'delete', path: '/api/v1/customers/{id}/modules/{moduleId}', summary: 'Withdraw a module licence (admins)', tag: 'customers', ok: 204 },
  { method: 'get', path: '/api/v1/modules', summary: 'The product modules', tag: 'customers' },
  { method: 'post', path: '/api/v1/modules', summary: 'Add a product module (admins)', tag: 'customers', body: newModuleSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/users', summary: 'Users (admins: everyone; customer admins: their organisation)', tag: 'users', query: listUsersQuerySchema },
  { method: 'post', path: '/api/v1/users', summary: 'Invite a user (emails a one-use link to set a password)', tag: 'users', body: inviteUserSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/users/{id}', summary: 'One user', tag: 'users' },
  { method: 'patch', path: '/api/v1/users/{id}', summary: 'Change role, levels, business lines, language; disable or enable', tag: 'users', body: userUpdateSchema },
  { method: 'get', path: '/api/v1/notifications', summary: "The caller's notifications, newest first, with the unread count", tag: 'notifications', query: feedQuerySchema },
  { method: 'post', path: '/api/v1/notifications/{id}/read', summary: 'Mark one of your notifications read', tag: 'notifications', ok: 204 },
  { method: 'post', path: '/api/v1/notifications/read-all', summary: 'Mark all your notifications read', tag: 'notifications', ok: 204 },
  { method: 'get', path: '/api/v1/me/notification-preferences', summary: 'Which e-mails you receive (every template of your role; absent = sent)', tag: 'notifications' },
  { method: 'put', path: '/api/v1/me/notification-preferences', summary: 'Switch e-mails on or off per template (partial)', tag: 'notifications', body: notificationPreferencesSchema },
  {
    method: 'post',
    path: '/api/v1/satisfaction',
    summary: "Rate a closed ticket with the signed link from its closing e-mail (no sign-in; once per ticket)",
    tag: 'notifications',
    auth: false,
    body: satisfactionSchema,
  },
  { method: 'get', path: '/api/v1/admin/mail', summary: 'Mail caught by the embedded mail catcher (admins; 404 in production)', tag: 'operations', query: caughtMailQuerySchema },
  { method: 'get', path: '/api/v1/releases', summary: 'Releases with their linked tickets (staff)', tag: 'releases', query: listReleasesQuery },
  { method: 'post', path: '/api/v1/releases', summary: 'Plan a release (managers, admins); starts its workflow', tag: 'releases', body: newReleaseSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/releases/{version}', summary: 'One release and its workflow state (staff)', tag: 'releases' },
  { method: 'post', path: '/api/v1/releases/{version}/move', summary: 'Move the planned date; every linked customer is told', tag: 'releases', body: moveReleaseSchema },
  {
    method: 'post',
    path: '/api/v1/releases/{version}/publish',
    summary: 'Publish; every linked ticket records fix_released and its customer is told (202: fan-out running)',
    tag: 'releases',
    body: z.strictObject({}),
    ok: 202,
  },
  {
    method: 'get',
    path: '/api/v1/dashboard',
    summary: 'Open tickets by level/priority/status, at-risk and breached, SLA compliance per plan and customer, escalations today, satisfaction (managers, admins; customer admins: their organisation)',
    tag: 'dashboard',
    query: dashboardQuerySchema,
  },
  { method: 'get', path: '/api/v1/phone-line', summary: 'Phone line hours and whether it is open now', tag: 'phone' },
  { method: 'get', path: '/api/v1/kb/articles', summary: 'Knowledge-base articles; `q` searches both languages ignoring accents (customers: published only)', tag: 'kb', query: listKbArticlesQuery },
  { method: 'post', path: '/api/v1/kb/articles', summary: 'Write an article or a translation of one (staff)', tag: 'kb', body: newKbArticleSchema, headers: idempotencyHeadersSchema, ok: 201 },
  { method: 'get', path: '/api/v1/kb/articles/{id}', summary: 'One article with its translations; `format=html` adds the sanitised HTML (a draft is 404 to customers)', tag: 'kb', query: kbArticleQuery },
  { method: 'put', path: '/api/v1/kb/articles/{id}', summary: 'Edit title, body, status, versions or module (staff); the previous revision is kept', tag: 'kb', body: kbArticleUpdateSchema },
  { method: 'get', path: '/api/v1/kb/articles/{id}/revisions', summary: 'Every revision of an article with its author, newest first (staff)', tag: 'kb', query: kbRevisionsQuery },
];

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters: unknown[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const [where, obj] of [
      ['query', op.query],
      ['header', op.headers],
    ] as const) {
      if (!obj) continue;
      const props = (jsonSchema(obj).properties ?? {}) as Record<string, unknown>;
      const required = new Set((jsonSchema(obj).required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries(props)) parameters.push({ name, in: where, required: required.has(name), schema });
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth === false ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: {
        [String(op.ok ?? 200)]: { description: 'Success' },
        '400': problem,
        ...(op.auth === false ? {} : { '401': problem, '403': problem, '404': problem }),
        ...(op.method !== 'get' ? { '409': problem, '429': problem } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ticketflow API', version: '1', description: 'Support desk in which every ticket is a durable Temporal workflow.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'tf_session', description: 'Browser session; writes must also send X-CSRF-Token' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
