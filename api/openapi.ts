/**
 * The OpenAPI 3.1 document, generated: parameters and request bodies from the zod schemas the routes validate with,
 * answers from api/responses.ts, one operation per ticket action from the action registry (zod → JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is). Nothing in it is written by hand twice: a test walks the express app and fails if
 * a route is missing here, and API tests parse real answers with the response schemas.
 */
import { z } from 'zod';
import { acceptInvitationSchema, CSRF_HEADER, SESSION_COOKIE, tokenRequestSchema } from './auth';
import { businessLineParams, businessLineSchema, customerIdParam, customerUpdateSchema, listPageQuery, moduleLicenceParams, moduleLicenceSchema, newCustomerSchema, newModuleSchema } from './admin-customers';
import { caughtMailQuerySchema } from './caught-mail';
import { assignMailSchema, inboundMailIdParam } from './mail';
import { dashboardQuerySchema } from './dashboard';
import { kbArticleParams, kbArticleQuery, kbArticleUpdateSchema, kbRevisionsQuery, listKbArticlesQuery, newKbArticleSchema } from './kb';
import { listReleasesQuery, moveReleaseSchema, newReleaseSchema, releaseParams } from './releases';
import { inviteUserSchema, listUsersQuerySchema, userIdParam, userUpdateSchema } from './admin-users';
import { listTextModulesQuerySchema, newTextModuleSchema, textModuleIdParam, textModuleUpdateSchema } from './text-modules';
import { TEXT_MODULE_PLACEHOLDERS } from './services/text-modules';
import { feedQuerySchema, notificationIdParam, notificationPreferencesSchema, satisfactionSchema } from './notifications';
import { calendarBodySchema, calendarIdParam, contractIdParam, contractSchema, contractsQuerySchema, planIdParam, planUpdateSchema } from './admin-sla';
import { slaPreviewQuerySchema } from './sla';
import { listReportsQuery, newReportSchema, reportIdParam } from './reports';
import { commentBodySchema } from './ticket-actions';
import { attachmentParamsSchema, listAttachmentsQuerySchema, UPLOAD_FILE_FIELD } from './attachments';
import { MAX_FILES_PER_EVENT } from '../domain/attachments';
import { eventsQuerySchema, listTicketsQuerySchema, newTicketSchema } from './tickets';
import { bulkTicketActionSchema } from './bulk-ticket-actions';
import { viewIdParam } from './saved-views';
import { newViewSchema } from './ticket-list';
import { idempotencyHeadersSchema, ticketIdParamSchema } from './validation';
import { ACTIONS, TICKET_ACTIONS, type ActionDefinition } from '../domain/ticket/actions';
import * as R from './responses';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented operation; the statuses it can answer are derived from what it takes (see statusesOf). */
export interface Operation {
  operationId: string;
  method: Method;
  path: string; // OpenAPI form: /api/v1/tickets/{id}
  summary: string;
  tag: string;
  /** false: no sign-in needed (a bad bearer token is still refused with 401). */
  auth?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** the body is multipart/form-data: these fields plus the files (`file` parts) */
  multipart?: z.ZodType;
  headers?: z.ZodObject;
  ok?: number;
  /** The success answer: a schema of api/responses.ts, no content, or a file's bytes. */
  response?: z.ZodType | 'none' | 'text' | 'document' | 'file';
  /** what a status means for this operation, where it differs from the general text */
  statusText?: Record<number, string>;
  /** Statuses beyond the derived ones (e.g. 404 for a reference in the query, 503 when Temporal does not answer). */
  also?: number[];
  /** The success answer sets Location (resources created). */
  location?: boolean;
  links?: Record<string, { operationId: string; parameters: Record<string, string> }>;
}

/** The ticket actions as the document sees them; the one place that reads the action registry. */
export function actionOperations(): Operation[] {
  const registry = TICKET_ACTIONS.map((name) => ({ name, def: ACTIONS[name] as ActionDefinition }));
  return registry.map(({ name, def }) => ({
    operationId: `runTicketAction${name.replace(/(^|-)(\w)/g, (_m, _dash, c: string) => c.toUpperCase())}`,
    method: 'post',
    path: `/api/v1/tickets/{id}/actions/${name}`,
    summary: `${def.summary}. Roles: ${def.roles.join(', ')} (403 for others); 409 when not allowed now: ${def.why}`,
    tag: 'ticket actions',
    params: ticketIdParamSchema,
    body: def.input,
    headers: idempotencyHeadersSchema,
    response: R.TicketActionResult,
    also: [503],
  }));
}

/** Links from the answer that creates a ticket to every operation that reads or acts on it (stateful testing). */
const ticketLinks = (): Operation['links'] =>
  Object.fromEntries(
    ['getTicket', 'listTicketEvents', 'getTicketWorkflow', 'createTicketComment', 'uploadTicketAttachments', 'listTicketAttachments', ...actionOperations().map((o) => o.operationId)].map((operationId) => [
      operationId,
      { operationId, parameters: { id: '$response.body#/id' } },
    ]),
  );
const linksTo = (ids: string[], parameters: Record<string, string>): Operation['links'] => Object.fromEntries(ids.map((operationId) => [operationId, { operationId, parameters }]));

const noBody = z.strictObject({});

export const OPERATIONS: Operation[] = [
  { operationId: 'getHealth', method: 'get', path: '/healthz', summary: 'Process is up', tag: 'operations', auth: false, response: R.Health },
  { operationId: 'getReadiness', method: 'get', path: '/readyz', summary: 'PostgreSQL and Temporal are reachable (503 when not)', tag: 'operations', auth: false, response: R.Readiness, also: [503] },
  { operationId: 'getMetrics', method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'operations', auth: false, response: 'text' },
  { operationId: 'getOpenApiDocument', method: 'get', path: '/api/v1/openapi.json', summary: 'This document', tag: 'operations', auth: false, response: 'document' },
  { operationId: 'createToken', method: 'post', path: '/api/v1/auth/token', summary: 'Exchange email and password for a bearer token', tag: 'auth', auth: false, body: tokenRequestSchema, ok: 201, response: R.Token },
  { operationId: 'revokeToken', method: 'delete', path: '/api/v1/auth/token', summary: 'Revoke the bearer token used', tag: 'auth', ok: 204, response: 'none' },
  {
    operationId: 'createSession',
    method: 'post',
    path: '/api/v1/auth/session',
    summary: 'Browser sign-in: sets the httpOnly session cookie and returns the CSRF token writes must send in X-CSRF-Token',
    tag: 'auth',
    auth: false,
    body: tokenRequestSchema,
    ok: 201,
    response: R.Session,
  },
  { operationId: 'deleteSession', method: 'delete', path: '/api/v1/auth/session', summary: 'Browser sign-out (revokes the session, clears the cookie)', tag: 'auth', auth: false, ok: 204, response: 'none' },
  { operationId: 'getMe', method: 'get', path: '/api/v1/auth/me', summary: 'The signed-in user (and the CSRF token for a browser session)', tag: 'auth', response: R.Me },
  {
    operationId: 'acceptInvitation',
    method: 'post',
    path: '/api/v1/auth/invitations/accept',
    summary: 'Set the password of an invited user (one-use token from the invitation)',
    tag: 'auth',
    auth: false,
    body: acceptInvitationSchema,
    ok: 204,
    response: 'none',
  },
  {
    operationId: 'createTicket',
    method: 'post',
    path: '/api/v1/tickets',
    summary: 'Create a ticket (starts its workflow); a repeated Idempotency-Key answers 200 with the ticket it created',
    tag: 'tickets',
    body: newTicketSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.Ticket,
    location: true,
    links: ticketLinks(),
    also: [200, 503],
  },
  {
    operationId: 'listTickets',
    method: 'get',
    path: '/api/v1/tickets',
    summary:
      'List and search the tickets visible to the caller: staff in queue order, customers newest first, unless `sort` says otherwise; numbered pages (`page`, `total`, `pageCount`) or a cursor; the dashboard figures link to lists of these filters (`breached` and the escalation filters select by internal events: staff only, 403)',
    tag: 'tickets',
    query: listTicketsQuerySchema,
    response: R.TicketPage,
  },
  { operationId: 'getTicket', method: 'get', path: '/api/v1/tickets/{id}', summary: 'One ticket (staff also get the live workflow state)', tag: 'tickets', params: ticketIdParamSchema, response: R.TicketDetail },
  {
    operationId: 'listTicketEvents',
    method: 'get',
    path: '/api/v1/tickets/{id}/events',
    summary: 'Audit timeline (customers: public events only)',
    tag: 'tickets',
    params: ticketIdParamSchema,
    query: eventsQuerySchema,
    response: R.TicketEventPage,
  },
  { operationId: 'getTicketWorkflow', method: 'get', path: '/api/v1/tickets/{id}/workflow', summary: 'Live workflow state', tag: 'tickets', params: ticketIdParamSchema, response: R.TicketWorkflow },
  ...actionOperations(),
  {
    operationId: 'runBulkTicketAction',
    method: 'post',
    path: '/api/v1/bulk-ticket-actions',
    summary:
      'Assign or escalate a selection of tickets (staff). Each ticket goes through its action API (role, input, state rule); the answer lists per ticket ok or the problem (404 for a ticket the caller cannot see, 409 when its state refuses) and never stops half-way silently',
    tag: 'ticket actions',
    body: bulkTicketActionSchema,
    response: R.BulkTicketActionResult,
  },
  { operationId: 'listSavedViews', method: 'get', path: '/api/v1/views', summary: "The caller's saved views with the number of tickets each matches now (staff)", tag: 'views', response: R.SavedViewPage },
  { operationId: 'createSavedView', method: 'post', path: '/api/v1/views', summary: 'Save a view: a name and the list filters (staff; 409 when the name is taken or the caller already keeps 30 views)', tag: 'views', body: newViewSchema, ok: 201, response: R.SavedView, location: true },
  { operationId: 'deleteSavedView', method: 'delete', path: '/api/v1/views/{id}', summary: "Delete one of the caller's views (404 for another user's)", tag: 'views', params: viewIdParam, ok: 204, response: 'none' },
  {
    operationId: 'createTicketComment',
    method: 'post',
    path: '/api/v1/tickets/{id}/comments',
    summary: 'Comment (public or internal)',
    tag: 'tickets',
    params: ticketIdParamSchema,
    body: commentBodySchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.TicketActionResult,
    also: [503],
  },
  {
    operationId: 'uploadTicketAttachments',
    method: 'post',
    path: '/api/v1/tickets/{id}/attachments',
    summary: `Attach files (multipart/form-data: 1–${MAX_FILES_PER_EVENT} \`file\` parts, optional \`body\` and \`visibility\`): a comment carrying them, under the comment action's rules (customers cannot post internal: 403). Types are detected from the content; limits per file and per ticket answer 413 naming the file and the limit`,
    tag: 'attachments',
    params: ticketIdParamSchema,
    multipart: commentBodySchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.AttachmentUpload,
    statusText: {
      413: 'A file is larger than the per-file limit, or the files would take the ticket past its limit: `detail` names the file and the limit, `limit` is file, ticket or field (more than 10 files is a 400 naming `file`)',
      415: 'The body is not multipart/form-data',
    },
    links: linksTo(['getTicketAttachment'], { id: '$request.path.id', attachmentId: '$response.body#/attachments/0/id' }),
    also: [503],
  },
  {
    operationId: 'listTicketAttachments',
    method: 'get',
    path: '/api/v1/tickets/{id}/attachments',
    summary: 'Files on the ticket the caller may see (customers: those of public events), oldest event first',
    tag: 'attachments',
    params: ticketIdParamSchema,
    query: listAttachmentsQuerySchema,
    response: R.AttachmentPage,
  },
  {
    operationId: 'getTicketAttachment',
    method: 'get',
    path: '/api/v1/tickets/{id}/attachments/{attachmentId}',
    summary: "A file's bytes, with the detected Content-Type; downloaded (Content-Disposition: attachment) unless an image. 404 for a file the caller may not see (an internal note's, to a customer)",
    tag: 'attachments',
    params: attachmentParamsSchema,
    response: 'file',
  },
  { operationId: 'previewSla', method: 'get', path: '/api/v1/sla/preview', summary: 'Deadlines a ticket created at `at` would get', tag: 'sla', query: slaPreviewQuerySchema, response: R.SlaPreview, also: [404] },
  { operationId: 'listPlans', method: 'get', path: '/api/v1/plans', summary: 'Service plans', tag: 'sla', response: R.PlanPage },
  { operationId: 'updatePlan', method: 'put', path: '/api/v1/plans/{id}', summary: 'Edit a plan (admins; new tickets only)', tag: 'sla', params: planIdParam, body: planUpdateSchema, response: R.Plan },
  { operationId: 'listCalendars', method: 'get', path: '/api/v1/calendars', summary: 'Calendars', tag: 'sla', response: R.CalendarPage },
  { operationId: 'putCalendar', method: 'put', path: '/api/v1/calendars/{id}', summary: 'Create or replace a calendar (admins)', tag: 'sla', params: calendarIdParam, body: calendarBodySchema, response: R.Calendar },
  {
    operationId: 'listServiceReports',
    method: 'get',
    path: '/api/v1/reports',
    summary: "Monthly SLA service reports, newest month first (staff: every customer's; a customer admin: their organisation's)",
    tag: 'reports',
    query: listReportsQuery,
    response: R.ServiceReportPage,
    also: [404],
  },
  {
    operationId: 'createServiceReport',
    method: 'post',
    path: '/api/v1/reports',
    summary: "Generate a customer's report of a completed month (staff; a customer admin for their organisation). A month reported before gets a new revision",
    tag: 'reports',
    body: newReportSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.ServiceReport,
    location: true,
    also: [404, 503],
    statusText: { 422: "The month is not over yet in the customer's time zone (`month-not-over`, naming `body.month`), or the Idempotency-Key was used for a different request" },
    links: linksTo(['getServiceReport', 'getServiceReportPdf', 'getServiceReportCsv'], { id: '$response.body#/id' }),
  },
  { operationId: 'getServiceReport', method: 'get', path: '/api/v1/reports/{id}', summary: 'One service report with its figures', tag: 'reports', params: reportIdParam, response: R.ServiceReport },
  { operationId: 'getServiceReportPdf', method: 'get', path: '/api/v1/reports/{id}/pdf', summary: 'The report as PDF (application/pdf), in the customer\'s language', tag: 'reports', params: reportIdParam, response: 'file' },
  { operationId: 'getServiceReportCsv', method: 'get', path: '/api/v1/reports/{id}/csv', summary: 'The tickets behind the report as CSV (text/csv, UTF-8 with BOM)', tag: 'reports', params: reportIdParam, response: 'file' },
  { operationId: 'listContracts', method: 'get', path: '/api/v1/contracts', summary: 'Contracts (admins, managers)', tag: 'sla', query: contractsQuerySchema, response: R.ContractPage },
  {
    operationId: 'createContract',
    method: 'post',
    path: '/api/v1/contracts',
    summary: 'Record a contract (admins)',
    tag: 'sla',
    body: contractSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.Contract,
    location: true,
    links: linksTo(['updateContract'], { id: '$response.body#/id' }),
  },
  { operationId: 'updateContract', method: 'put', path: '/api/v1/contracts/{id}', summary: 'Edit a contract (admins; new tickets only)', tag: 'sla', params: contractIdParam, body: contractSchema, response: R.Contract },
  { operationId: 'listCustomers', method: 'get', path: '/api/v1/customers', summary: 'Customers (a customer sees its own organisation)', tag: 'customers', query: listPageQuery, response: R.CustomerPage },
  {
    operationId: 'createCustomer',
    method: 'post',
    path: '/api/v1/customers',
    summary: 'Create a customer (admins)',
    tag: 'customers',
    body: newCustomerSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.CustomerDetail,
    location: true,
    links: linksTo(['getCustomer', 'updateCustomer', 'addBusinessLine'], { id: '$response.body#/id' }),
  },
  { operationId: 'getCustomer', method: 'get', path: '/api/v1/customers/{id}', summary: 'One customer with business lines and licensed modules', tag: 'customers', params: customerIdParam, response: R.CustomerDetail },
  { operationId: 'updateCustomer', method: 'patch', path: '/api/v1/customers/{id}', summary: 'Edit a customer (admins)', tag: 'customers', params: customerIdParam, body: customerUpdateSchema, response: R.CustomerDetail },
  {
    operationId: 'addBusinessLine',
    method: 'post',
    path: '/api/v1/customers/{id}/business-lines',
    summary: 'Add a business line (admins)',
    tag: 'customers',
    params: customerIdParam,
    body: businessLineSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.BusinessLine,
    location: true,
    links: linksTo(['renameBusinessLine'], { id: '$request.path.id', lineId: '$response.body#/id' }),
  },
  {
    operationId: 'renameBusinessLine',
    method: 'patch',
    path: '/api/v1/customers/{id}/business-lines/{lineId}',
    summary: 'Rename a business line (admins)',
    tag: 'customers',
    params: businessLineParams,
    body: businessLineSchema,
    response: R.BusinessLine,
  },
  {
    operationId: 'licenseModule',
    method: 'put',
    path: '/api/v1/customers/{id}/modules/{moduleId}',
    summary: 'License a module to a customer (admins)',
    tag: 'customers',
    params: moduleLicenceParams,
    body: moduleLicenceSchema,
    response: R.CustomerDetail,
  },
  {
    operationId: 'revokeModuleLicence',
    method: 'delete',
    path: '/api/v1/customers/{id}/modules/{moduleId}',
    summary: 'Withdraw a module licence (admins)',
    tag: 'customers',
    params: moduleLicenceParams,
    ok: 204,
    response: 'none',
  },
  { operationId: 'listModules', method: 'get', path: '/api/v1/modules', summary: 'The product modules', tag: 'customers', response: R.ModulePage },
  {
    operationId: 'createModule',
    method: 'post',
    path: '/api/v1/modules',
    summary: 'Add a product module (admins)',
    tag: 'customers',
    body: newModuleSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.Module,
    location: true,
  },
  { operationId: 'listUsers', method: 'get', path: '/api/v1/users', summary: 'Users (admins: everyone; customer admins: their organisation)', tag: 'users', query: listUsersQuerySchema, response: R.UserPage },
  {
    operationId: 'inviteUser',
    method: 'post',
    path: '/api/v1/users',
    summary: 'Invite a user (emails a one-use link to set a password)',
    tag: 'users',
    body: inviteUserSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.InvitedUser,
    location: true,
    links: linksTo(['getUser', 'updateUser'], { id: '$response.body#/id' }),
  },
  { operationId: 'getUser', method: 'get', path: '/api/v1/users/{id}', summary: 'One user', tag: 'users', params: userIdParam, response: R.User },
  {
    operationId: 'updateUser',
    method: 'patch',
    path: '/api/v1/users/{id}',
    summary: 'Change role, levels, business lines, language; disable or enable',
    tag: 'users',
    params: userIdParam,
    body: userUpdateSchema,
    response: R.User,
  },
  {
    operationId: 'listTextModules',
    method: 'get',
    path: '/api/v1/text-modules',
    summary: 'Text modules (canned replies in EN and SK) in keyword order (staff)',
    tag: 'text-modules',
    query: listTextModulesQuerySchema,
    response: R.TextModulePage,
  },
  {
    operationId: 'createTextModule',
    method: 'post',
    path: '/api/v1/text-modules',
    summary: `Add a text module (admins). Its texts may name only these placeholders: ${TEXT_MODULE_PLACEHOLDERS.map((x) => `{{${x}}}`).join(', ')} (400 otherwise, naming the field); 409 for a keyword in use`,
    tag: 'text-modules',
    body: newTextModuleSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.TextModule,
    location: true,
    links: linksTo(['getTextModule', 'updateTextModule', 'deleteTextModule'], { id: '$response.body#/id' }),
  },
  { operationId: 'getTextModule', method: 'get', path: '/api/v1/text-modules/{id}', summary: 'One text module (staff)', tag: 'text-modules', params: textModuleIdParam, response: R.TextModule },
  {
    operationId: 'updateTextModule',
    method: 'patch',
    path: '/api/v1/text-modules/{id}',
    summary: 'Change a text module (admins); the same placeholder rule as on creation',
    tag: 'text-modules',
    params: textModuleIdParam,
    body: textModuleUpdateSchema,
    response: R.TextModule,
  },
  { operationId: 'deleteTextModule', method: 'delete', path: '/api/v1/text-modules/{id}', summary: 'Delete a text module (admins)', tag: 'text-modules', params: textModuleIdParam, ok: 204, response: 'none' },
  {
    operationId: 'listNotifications',
    method: 'get',
    path: '/api/v1/notifications',
    summary: "The caller's notifications, newest first, with the unread count",
    tag: 'notifications',
    query: feedQuerySchema,
    response: R.NotificationFeed,
  },
  {
    operationId: 'markNotificationRead',
    method: 'post',
    path: '/api/v1/notifications/{id}/read',
    summary: 'Mark one of your notifications read',
    tag: 'notifications',
    params: notificationIdParam,
    body: noBody,
    ok: 204,
    response: 'none',
  },
  { operationId: 'markAllNotificationsRead', method: 'post', path: '/api/v1/notifications/read-all', summary: 'Mark all your notifications read', tag: 'notifications', body: noBody, ok: 204, response: 'none' },
  {
    operationId: 'getNotificationPreferences',
    method: 'get',
    path: '/api/v1/me/notification-preferences',
    summary: 'Which e-mails you receive (every template of your role; absent = sent)',
    tag: 'notifications',
    response: R.NotificationPreferences,
  },
  {
    operationId: 'updateNotificationPreferences',
    method: 'put',
    path: '/api/v1/me/notification-preferences',
    summary: 'Switch e-mails on or off per template (partial)',
    tag: 'notifications',
    body: notificationPreferencesSchema,
    response: R.NotificationPreferences,
  },
  {
    operationId: 'rateSatisfaction',
    method: 'post',
    path: '/api/v1/satisfaction',
    summary: 'Rate a closed ticket with the signed link from its closing e-mail (no sign-in; once per ticket)',
    tag: 'notifications',
    auth: false,
    body: satisfactionSchema,
    response: R.SatisfactionRating,
    also: [404],
  },
  {
    operationId: 'listCaughtMail',
    method: 'get',
    path: '/api/v1/admin/mail',
    summary: 'Mail caught by the embedded mail catcher (admins; 404 in production)',
    tag: 'operations',
    query: caughtMailQuerySchema,
    response: R.CaughtMailPage,
    also: [404],
  },
  { operationId: 'listReleases', method: 'get', path: '/api/v1/releases', summary: 'Releases with their linked tickets (staff)', tag: 'releases', query: listReleasesQuery, response: R.ReleasePage },
  {
    operationId: 'planRelease',
    method: 'post',
    path: '/api/v1/releases',
    summary: 'Plan a release (managers, admins); starts its workflow',
    tag: 'releases',
    body: newReleaseSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.Release,
    location: true,
    links: linksTo(['getRelease', 'moveRelease', 'publishRelease'], { version: '$response.body#/version' }),
    also: [503],
  },
  { operationId: 'getRelease', method: 'get', path: '/api/v1/releases/{version}', summary: 'One release and its workflow state (staff)', tag: 'releases', params: releaseParams, response: R.ReleaseDetail },
  {
    operationId: 'moveRelease',
    method: 'post',
    path: '/api/v1/releases/{version}/move',
    summary: 'Move the planned date; every linked customer is told',
    tag: 'releases',
    params: releaseParams,
    body: moveReleaseSchema,
    response: R.ReleaseChange,
    also: [503],
  },
  {
    operationId: 'publishRelease',
    method: 'post',
    path: '/api/v1/releases/{version}/publish',
    summary: 'Publish; every linked ticket records fix_released and its customer is told (202: fan-out running)',
    tag: 'releases',
    params: releaseParams,
    body: noBody,
    ok: 202,
    response: R.ReleaseChange,
    also: [503],
  },
  {
    operationId: 'getDashboard',
    method: 'get',
    path: '/api/v1/dashboard',
    summary: 'Open tickets by level/priority/status, at-risk and breached, SLA compliance per plan and customer, escalations today, satisfaction (managers, admins; customer admins: their organisation)',
    tag: 'dashboard',
    query: dashboardQuerySchema,
    response: R.Dashboard,
  },
  {
    operationId: 'listStuckTickets',
    method: 'get',
    path: '/api/v1/stuck-tickets',
    summary: 'Tickets whose timeline the database refused (kept by their workflows, timers running, tried again at most every 10 minutes): what was refused and why (managers, admins)',
    tag: 'dashboard',
    response: R.StuckTicketList,
  },
  { operationId: 'listUnassignedMail', method: 'get', path: '/api/v1/mail/unassigned', summary: 'Mail no ticket could take (unknown sender), oldest first; staff only', tag: 'mail', query: listPageQuery, response: R.InboundMailPage },
  {
    operationId: 'assignUnassignedMail',
    method: 'post',
    path: '/api/v1/mail/unassigned/{id}/assign',
    summary: "Open a ticket from unassigned mail for a customer's requester (once; a repeat answers the same); staff only",
    tag: 'mail',
    params: inboundMailIdParam,
    body: assignMailSchema,
    response: R.InboundMail,
    also: [503],
  },
  { operationId: 'dismissUnassignedMail', method: 'post', path: '/api/v1/mail/unassigned/{id}/dismiss', summary: 'Dismiss unassigned mail (no ticket); staff only', tag: 'mail', params: inboundMailIdParam, body: noBody, response: R.InboundMail },
  { operationId: 'getPhoneLine', method: 'get', path: '/api/v1/phone-line', summary: 'Phone line hours and whether it is open now', tag: 'phone', response: R.PhoneLine, also: [404] },
  {
    operationId: 'listKbArticles',
    method: 'get',
    path: '/api/v1/kb/articles',
    summary: 'Knowledge-base articles; `q` searches both languages ignoring accents (customers: published only)',
    tag: 'kb',
    query: listKbArticlesQuery,
    response: R.KbArticlePage,
  },
  {
    operationId: 'createKbArticle',
    method: 'post',
    path: '/api/v1/kb/articles',
    summary: 'Write an article or a translation of one (staff)',
    tag: 'kb',
    body: newKbArticleSchema,
    headers: idempotencyHeadersSchema,
    ok: 201,
    response: R.KbArticle,
    location: true,
    links: linksTo(['getKbArticle', 'updateKbArticle', 'listKbArticleRevisions'], { id: '$response.body#/id' }),
  },
  {
    operationId: 'getKbArticle',
    method: 'get',
    path: '/api/v1/kb/articles/{id}',
    summary: 'One article with its translations; `format=html` adds the sanitised HTML (a draft is 404 to customers)',
    tag: 'kb',
    params: kbArticleParams,
    query: kbArticleQuery,
    response: R.KbArticle,
  },
  {
    operationId: 'updateKbArticle',
    method: 'put',
    path: '/api/v1/kb/articles/{id}',
    summary: 'Edit title, body, status, versions or module (staff); the previous revision is kept',
    tag: 'kb',
    params: kbArticleParams,
    body: kbArticleUpdateSchema,
    response: R.KbArticle,
  },
  {
    operationId: 'listKbArticleRevisions',
    method: 'get',
    path: '/api/v1/kb/articles/{id}/revisions',
    summary: 'Every revision of an article with its author, newest first (staff)',
    tag: 'kb',
    params: kbArticleParams,
    query: kbRevisionsQuery,
    response: R.KbRevisionPage,
  },
];

/** A zod pipe from a comma-separated string to an array: the document shows it as an array sent `a,b` (form, not exploded). */
function commaList(schema: z.ZodType): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s._zod.def.innerType as z.ZodType;
  if (s instanceof z.ZodPipe && s._zod.def.out instanceof z.ZodArray && s._zod.def.in instanceof z.ZodPipe) return s._zod.def.out;
  return undefined;
}

const jsonSchema = (s: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function parametersOf(op: Operation): unknown[] {
  const out: unknown[] = [];
  for (const [where, obj] of [
    ['path', op.params],
    ['query', op.query],
    ['header', op.headers],
  ] as const) {
    if (!obj) continue;
    const shape = obj.shape as Record<string, z.ZodType>;
    const full = jsonSchema(obj);
    const props = (full.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((full.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(props)) {
      const list = commaList(shape[name]);
      const { description, ...rest } = schema;
      const param: Record<string, unknown> = { name, in: where, required: where === 'path' || required.has(name), schema: list ? jsonSchema(list) : rest };
      if (list) Object.assign(param, { style: 'form', explode: false, description: 'Comma-separated list, e.g. a,b' });
      if (description) param.description = description;
      out.push(param);
    }
  }
  return out;
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: `errors` names each field and why',
  401: 'Not signed in, or the token is invalid, expired or revoked',
  403: 'Not allowed for your role (or a browser write without its CSRF token)',
  404: 'Not found (also another organisation’s resource)',
  409: 'Not allowed in the current state (with the reason), or a conflict with existing data',
  413: 'The body is larger than 256 kB',
  415: 'The body is not application/json',
  422: 'The Idempotency-Key was used for a different request',
  429: 'Too many requests: see Retry-After',
  503: 'PostgreSQL or Temporal cannot be reached now (down, restarting, out of connections): retry after Retry-After',
};

const isApi = (op: Operation) => op.path.startsWith('/api/v1/') && op.path !== '/api/v1/openapi.json';
const isWrite = (op: Operation) => op.method !== 'get';

/** Every status an operation can answer besides its success, from what it takes and where it is mounted. */
export function statusesOf(op: Operation): number[] {
  const s = new Set<number>(op.also ?? []);
  if (isApi(op)) {
    // Any request under /api/v1 may carry a bad bearer token; every write is rate-limited and may be a browser write.
    s.add(401);
    if (op.params || op.query || op.body || op.multipart || op.headers || isWrite(op)) s.add(400);
    if (op.auth !== false || isWrite(op)) s.add(403);
    if (op.params) s.add(404);
    if (isWrite(op)) [409, 413, 415, 429].forEach((c) => s.add(c));
    if (op.headers === idempotencyHeadersSchema) s.add(422);
    // Every operation reads PostgreSQL: while it cannot be reached the answer is 503 with Retry-After, never a 500.
    s.add(503);
  }
  s.delete(op.ok ?? 200);
  return [...s].sort();
}

/**
 * A multipart upload: the action's fields (the ids of staged files are the server's business, not the caller's)
 * and one to ten files in parts named `file`.
 */
function multipartBody(fields: z.ZodType): Record<string, unknown> {
  // The action's "body or staged files" rule is met by the files themselves here (`anyOf` dropped).
  const { properties = {}, required = [], anyOf: _bodyOrFiles, ...rest } = jsonSchema(fields) as { properties?: Record<string, unknown>; required?: string[]; anyOf?: unknown };
  const { attachments: _staged, ...own } = properties;
  const file = { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' };
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: { ...rest, properties: { ...own, [UPLOAD_FILE_FIELD]: { type: 'array', items: file, minItems: 1, maxItems: MAX_FILES_PER_EVENT } }, required: [...required.filter((n) => n !== 'attachments'), UPLOAD_FILE_FIELD] },
        encoding: { [UPLOAD_FILE_FIELD]: { contentType: '*/*' } },
      },
    },
  };
}

function successResponse(op: Operation): Record<string, unknown> {
  const headers = op.location ? { headers: { Location: { description: 'Where the created resource is', required: true, schema: { type: 'string' } } } } : {};
  const links = op.links ? { links: op.links } : {};
  const r = op.response;
  if (r === undefined || r === 'none') return { description: 'Done', ...headers, ...links };
  if (r === 'text') return { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } };
  if (r === 'document') return { description: 'This OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } };
  if (r === 'file') {
    return {
      description: "The file's bytes, as its detected type (`X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox`)",
      headers: {
        'Content-Disposition': { description: '`attachment; filename*=…` (`inline` for images)', required: true, schema: { type: 'string' } },
        'X-Content-Type-Options': { description: 'nosniff', required: true, schema: { type: 'string' } },
      },
      content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
    };
  }
  const id = R.responseSchemas.get(r)?.id;
  if (!id) throw new Error(`${op.operationId}: its response schema is not registered in api/responses.ts`);
  return { description: 'Success', ...headers, content: { 'application/json': { schema: { $ref: `#/components/schemas/${id}` } } }, ...links };
}

/** Every path the API serves → the methods it answers (for 405 and its Allow header). */
export function allowedMethods(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  for (const op of OPERATIONS) m.set(op.path, [...(m.get(op.path) ?? []), op.method.toUpperCase()].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  return m;
}

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(R.responseSchemas, { io: 'output', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  const out: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = s;
    out[id] = rest;
  }
  return out;
}

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters = parametersOf(op);
    const responses: Record<string, unknown> = { [String(op.ok ?? 200)]: successResponse(op) };
    for (const code of statusesOf(op)) {
      if (code === 200 && op.response && typeof op.response !== 'string') {
        responses['200'] = { ...successResponse(op), description: 'The ticket an earlier request with this Idempotency-Key created' };
        continue;
      }
      const text = op.statusText?.[code] ?? STATUS_TEXT[code] ?? 'Problem';
      responses[String(code)] = code === 429 || code === 503 ? { ...problemResponse(text), headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'string' } } } } : problemResponse(text);
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      // Reading needs a bearer token or a session cookie; a cookie-authenticated write also needs the CSRF header.
      security: op.auth === false ? [] : isWrite(op) ? [{ bearer: [] }, { session: [], csrf: [] }] : [{ bearer: [] }, { session: [] }],
      ...(parameters.length ? { parameters } : {}),
      // A missing body is read as {} (api/validation parseInput): a body every field of which is optional is optional.
      ...(op.body ? { requestBody: { required: !op.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      ...(op.multipart ? { requestBody: multipartBody(op.multipart) } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ticketflow API',
      version: '1',
      description:
        'Support desk in which every ticket is a durable Temporal workflow. Errors are application/problem+json. ' +
        'A method a path does not list answers 405 with an Allow header; a body that is not application/json answers 415.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/v1/auth/token' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Browser session from POST /api/v1/auth/session; writes must also send X-CSRF-Token' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: `The session's CSRF token (${CSRF_HEADER}), required on every cookie-authenticated write` },
      },
      schemas: {
        ...componentSchemas(),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', format: 'uri', description: 'Stable: clients switch on it' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
      responses: { MethodNotAllowed: { ...problemResponse('The path does not answer this method'), headers: { Allow: { required: true, schema: { type: 'string' } } } } },
    },
    paths,
  };
}
