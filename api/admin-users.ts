/**
 * Users (SPEC §8): admins manage everyone; a customer admin manages the people of their own organisation in
 * customer roles. New users are invited: they get a one-use link to set their own password, nobody else knows it.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { getCustomerDetail, getUser, isValidListCursor, listUsers, type User } from '../db/organisations';
import { createInvitation, revokeAllTokens } from '../db/users';
import { isCustomerRole, mayAssignRole, ROLES, userManagementScope, type OrganisationScope, type Principal, type Role } from '../domain/access';
import { DEFAULT_TIME_ZONE } from '../domain/calendars';
import { DEFAULT_LANGUAGE, LANGUAGES } from '../domain/languages';
import { SUPPORT_LEVELS } from '../domain/plans';
import { principal } from './auth';
import { badRequest, conflict, forbidden, notFound, type FieldProblem } from './errors';
import { idempotentCreate } from './idempotency';
import { emailAddress, uuid } from '../domain/text';
import { freeText, ianaTimeZone as timeZone, parseInput } from './validation';

const level = z.enum(SUPPORT_LEVELS);
const levels = z.array(level).max(SUPPORT_LEVELS.length).refine((l) => new Set(l).size === l.length, 'must not repeat a level').meta({ uniqueItems: true });

export const userIdParam = z.strictObject({ id: uuid() });
export const listUsersQuerySchema = z.strictObject({
  customerId: uuid().optional(),
  role: z.enum(ROLES).optional(),
  includeDisabled: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).refine(isValidListCursor, 'is not a cursor returned by this API').optional(),
});
/** What an admin may set on a person, at invitation and later. */
const userFields = {
  name: freeText(200),
  levels: levels.optional(),
  leadLevels: levels.optional(),
  businessLineIds: z
    .array(uuid())
    .max(50)
    .refine((l) => new Set(l).size === l.length, 'must not repeat a business line')
    .meta({ uniqueItems: true })
    .optional(),
  language: z.enum(LANGUAGES).optional(),
  timeZone: timeZone.optional(),
  phone: z.string().regex(/^\+?[0-9 ()-]{3,30}$/, 'must be a phone number').nullable().optional(),
};
export const inviteUserSchema = z.strictObject({
  ...userFields,
  email: emailAddress(),
  role: z.enum(ROLES),
  customerId: uuid().nullable().optional(),
});
export const userUpdateSchema = z.strictObject({
  ...userFields,
  name: userFields.name.optional(),
  /** a new address; it also ends a bounce (mail goes out again) */
  email: emailAddress().optional(),
  /** false: the address works again (the bounce is cleared) */
  emailBouncing: z.literal(false).optional(),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
});

function managementScope(p: Principal): OrganisationScope {
  const scope = userManagementScope(p);
  if (!scope) throw forbidden('Only admins and customer admins manage users');
  return scope;
}

/** The shape rules every user must satisfy whoever edits it; each problem names its field. */
async function checkShape(
  db: Db | Knex.Transaction,
  u: { role: Role; customerId: string | null; levels: string[]; leadLevels: string[]; businessLineIds: string[] },
): Promise<void> {
  const problems: FieldProblem[] = [];
  if (isCustomerRole(u.role) && !u.customerId) problems.push({ field: 'body.customerId', message: 'is required for customer roles' });
  if (!isCustomerRole(u.role) && u.customerId) problems.push({ field: 'body.customerId', message: 'must be empty for staff roles' });
  if (u.role !== 'agent' && u.levels.length) problems.push({ field: 'body.levels', message: 'only agents work at support levels' });
  if (u.role === 'agent' && !u.levels.length) problems.push({ field: 'body.levels', message: 'an agent needs at least one level' });
  if (u.leadLevels.some((l) => !u.levels.includes(l))) problems.push({ field: 'body.leadLevels', message: 'an agent can only lead a level they work at' });
  if (u.role !== 'customer_key_user' && u.businessLineIds.length) problems.push({ field: 'body.businessLineIds', message: 'only key users are scoped to business lines' });
  if (u.role === 'customer_key_user' && !u.businessLineIds.length) problems.push({ field: 'body.businessLineIds', message: 'a key user needs at least one business line' });
  if (u.businessLineIds.length && u.customerId) {
    const found = await db('business_lines').where({ customer_id: u.customerId }).whereIn('id', u.businessLineIds).pluck('id');
    if (found.length !== new Set(u.businessLineIds).size) problems.push({ field: 'body.businessLineIds', message: "must be business lines of the user's organisation" });
  }
  if (problems.length) throw badRequest(problems);
}

/** Invites a person: the account, and the invitation emailed to them through the outbox (the token only by email). */
export async function inviteUser(deps: UsersRouterDeps, actor: Principal, body: z.infer<typeof inviteUserSchema>): Promise<User & { invitation: { sentTo: string; expiresAt: string } }> {
  const { db } = deps;
  const scope = managementScope(actor);
  const whyNot = mayAssignRole(actor, body.role);
  if (whyNot) throw forbidden(`Cannot give role ${body.role}: ${whyNot}`);
  // A customer admin invites into their own organisation; naming another one is refused.
  const customerId = scope.kind === 'organisation' ? (body.customerId ?? scope.customerId) : (body.customerId ?? null);
  if (scope.kind === 'organisation' && customerId !== scope.customerId) throw forbidden('A customer admin invites people into their own organisation only');
  const organisation = customerId ? await getCustomerDetail(db, { kind: 'all' }, customerId) : undefined;
  if (customerId && !organisation) throw badRequest([{ field: 'body.customerId', message: 'no such customer' }]);
  const shape = { role: body.role, customerId, levels: body.levels ?? [], leadLevels: body.leadLevels ?? [], businessLineIds: body.businessLineIds ?? [] };
  await checkShape(db, shape);

  const created = await db
    .transaction(async (trx) => {
      const [row] = await trx('users')
        .insert({
          email: body.email,
          name: body.name,
          role: body.role,
          customer_id: customerId,
          levels: shape.levels,
          lead_levels: shape.leadLevels,
          language: body.language ?? organisation?.language ?? DEFAULT_LANGUAGE,
          time_zone: body.timeZone ?? organisation?.timeZone ?? DEFAULT_TIME_ZONE,
          phone: body.phone ?? null,
        })
        .returning('*');
      if (shape.businessLineIds.length) await trx('user_business_lines').insert(shape.businessLineIds.map((id) => ({ user_id: row.id, business_line_id: id })));
      const invitation = await createInvitation(trx, row.id, actor.id);
      const invitationUrl = `${deps.publicUrl}/invitations/accept#token=${invitation.token}`;
      // The invitation email goes through the notification outbox like every other message.
      await trx('notifications').insert({
        idempotency_key: `user-invited:${row.id}:${invitation.expiresAt.getTime()}`,
        recipient_id: row.id,
        recipient_email: row.email,
        template: 'user-invited',
        language: row.language,
        payload: JSON.stringify({
          eventType: 'user.invited',
          at: new Date().toISOString(),
          data: { inviterName: actor.name, organisationName: organisation?.name ?? 'ticketflow', expiresAt: invitation.expiresAt.toISOString() },
          links: { invitation: invitationUrl },
        }),
      });
      // The link goes to the invited person only (by email); the inviter learns that it was sent, not the token.
      return { id: row.id as string, invitation: { sentTo: row.email as string, expiresAt: invitation.expiresAt.toISOString() } };
    })
    .catch((err: { code?: string; constraint?: string }) => {
      if (err.code === '23505' && err.constraint === 'users_email_lower_unique') {
        throw conflict('email-taken', 'This email already has an account; ask an admin to move or re-enable it', { field: 'body.email' });
      }
      throw err;
    });
  const user = await getUser(db, { kind: 'all' }, created.id);
  return { ...user!, invitation: created.invitation };
}

/** Changes a person: role, levels, business lines, details, disabled; the same rules whoever asks. */
export async function updateUser(db: Db, actor: Principal, id: string, body: z.infer<typeof userUpdateSchema>): Promise<User> {
  const scope = managementScope(actor);
  const current = await getUser(db, scope, id);
  if (!current) throw notFound('User');
  if (id === actor.id && (body.disabled === true || (body.role && body.role !== actor.role))) {
    throw forbidden('You cannot disable yourself or change your own role; ask another admin');
  }
  // Customer admins do not depose each other: disabling, re-enabling or changing the role of a customer admin
  // is for the vendor's admins.
  if (actor.role !== 'admin' && current.role === 'customer_admin' && id !== actor.id && (body.disabled !== undefined || (body.role && body.role !== current.role))) {
    throw forbidden("Another customer admin's account is changed by the vendor's admins");
  }
  if (body.role) {
    const whyNot = mayAssignRole(actor, body.role);
    if (whyNot) throw forbidden(`Cannot give role ${body.role}: ${whyNot}`);
    if (isCustomerRole(body.role) !== isCustomerRole(current.role)) {
      throw badRequest([{ field: 'body.role', message: 'cannot move a user between staff and customer roles; invite a new account' }]);
    }
  }
  const role = body.role ?? current.role;
  const next = {
    role,
    customerId: current.customerId,
    levels: body.levels ?? (role === 'agent' ? current.levels : []),
    leadLevels: body.leadLevels ?? (role === 'agent' ? current.leadLevels : []),
    businessLineIds: body.businessLineIds ?? (role === 'customer_key_user' ? current.businessLineIds : []),
  };
  await checkShape(db, next);
  const taken = (err: { code?: string; constraint?: string }) => err.code === '23505' && err.constraint === 'users_email_lower_unique';
  await db.transaction(async (trx) => {
    await trx('users')
      .where({ id })
      .update({
        role,
        levels: next.levels,
        lead_levels: next.leadLevels,
        ...(body.name !== undefined && { name: body.name }),
        ...(body.language !== undefined && { language: body.language }),
        ...(body.timeZone !== undefined && { time_zone: body.timeZone }),
        ...(body.phone !== undefined && { phone: body.phone }),
        ...(body.disabled !== undefined && { disabled_at: body.disabled ? trx.fn.now() : null }),
        // A changed address, or staff saying it works again, ends a bounce: mail goes out to it again.
        ...(body.email !== undefined && body.email.toLowerCase() !== current.email.toLowerCase() && { email: body.email, email_bouncing_at: null, email_bounce_reason: null }),
        ...(body.emailBouncing === false && { email_bouncing_at: null, email_bounce_reason: null }),
        updated_at: trx.fn.now(),
      });
    await trx('user_business_lines').where({ user_id: id }).delete();
    if (next.businessLineIds.length) await trx('user_business_lines').insert(next.businessLineIds.map((b) => ({ user_id: id, business_line_id: b })));
    // A disabled user is signed out everywhere at once; re-enabling does not bring old sessions back.
    if (body.disabled === true) await revokeAllTokens(trx, id);
  }).catch((err) => {
    if (taken(err)) throw conflict('email-taken', 'This email already has an account', { field: 'body.email' });
    throw err;
  });
  return (await getUser(db, scope, id))!;
}

export interface UsersRouterDeps {
  db: Db;
  publicUrl: string;
}

export function createUsersRouter(deps: UsersRouterDeps): Router {
  const { db } = deps;
  const r = Router();

  r.get('/users', async (req, res) => {
    const scope = managementScope(principal(res));
    const q = parseInput(listUsersQuerySchema, req.query, 'query');
    res.json(await listUsers(db, scope, { customerId: q.customerId, role: q.role, includeDisabled: q.includeDisabled }, { limit: q.limit, cursor: q.cursor }));
  });

  r.post('/users', idempotentCreate(db), async (req, res) => {
    const actor = principal(res);
    managementScope(actor);
    const invited = await inviteUser(deps, actor, parseInput(inviteUserSchema, req.body, 'body'));
    res.status(201).location(`/api/v1/users/${invited.id}`).json(invited);
  });

  r.get('/users/:id', async (req, res) => {
    const scope = managementScope(principal(res));
    const { id } = parseInput(userIdParam, req.params, 'params');
    const user = await getUser(db, scope, id);
    if (!user) throw notFound('User');
    res.json(user);
  });

  r.patch('/users/:id', async (req, res) => {
    const actor = principal(res);
    managementScope(actor);
    const { id } = parseInput(userIdParam, req.params, 'params');
    res.json(await updateUser(db, actor, id, parseInput(userUpdateSchema, req.body, 'body')));
  });

  return r;
}
