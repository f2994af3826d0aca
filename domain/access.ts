/** Who is asking, and what they may see (SPEC §8). Pure rules; the data layer applies them to every query. */
import type { Language } from './languages';

export const ROLES = ['customer_user', 'customer_key_user', 'customer_admin', 'agent', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
  customerId: string | null;
  levels: string[];
  businessLineIds: string[];
  language: Language;
  timeZone: string;
}

export const isStaff = (p: Principal): boolean => p.role === 'agent' || p.role === 'manager' || p.role === 'admin';
export const isCustomer = (p: Principal): boolean => !isStaff(p);

/** The rows of `tickets` a principal may see, as data the query layer turns into WHERE clauses. */
export type TicketScope =
  | { kind: 'all' }
  | { kind: 'organisation'; customerId: string }
  | { kind: 'businessLines'; customerId: string; businessLineIds: string[]; requesterId: string }
  | { kind: 'own'; customerId: string; requesterId: string };

export function ticketScope(p: Principal): TicketScope {
  if (isStaff(p)) return { kind: 'all' };
  if (!p.customerId) return { kind: 'own', customerId: '00000000-0000-0000-0000-000000000000', requesterId: p.id };
  switch (p.role) {
    case 'customer_admin':
      return { kind: 'organisation', customerId: p.customerId };
    case 'customer_key_user':
      return { kind: 'businessLines', customerId: p.customerId, businessLineIds: p.businessLineIds, requesterId: p.id };
    default:
      return { kind: 'own', customerId: p.customerId, requesterId: p.id };
  }
}

export const CUSTOMER_ROLES = ['customer_user', 'customer_key_user', 'customer_admin'] as const satisfies readonly Role[];
export const STAFF_ROLES = ['agent', 'manager', 'admin'] as const satisfies readonly Role[];
/** Who works tickets and so may be assigned one: admins administer the desk but hold no tickets. */
export const ASSIGNABLE_ROLES = ['agent', 'manager'] as const satisfies readonly Role[];
export const isCustomerRole = (r: Role): boolean => (CUSTOMER_ROLES as readonly Role[]).includes(r);

/** Which organisations' customers (and so their people) a principal may see. */
export type OrganisationScope = { kind: 'all' } | { kind: 'organisation'; customerId: string };

export function organisationScope(p: Principal): OrganisationScope {
  if (isStaff(p)) return { kind: 'all' };
  return { kind: 'organisation', customerId: p.customerId ?? '00000000-0000-0000-0000-000000000000' };
}

/**
 * Who may manage which users (SPEC §8): admins everyone; a customer admin the people of their own organisation,
 * in customer roles only. Returns the scope, or null when the principal manages no users at all.
 */
export function userManagementScope(p: Principal): OrganisationScope | null {
  if (p.role === 'admin') return { kind: 'all' };
  if (p.role === 'customer_admin' && p.customerId) return { kind: 'organisation', customerId: p.customerId };
  return null;
}

/** Roles this principal may give; why not, when it may not. */
export function mayAssignRole(p: Principal, role: Role): string | null {
  if (p.role === 'admin') return null;
  if (p.role === 'customer_admin') return isCustomerRole(role) ? null : 'a customer admin may only give customer roles';
  return 'only admins and customer admins manage users';
}

/** A role name as carried by an actor (possibly absent, from an old CLI signal): anyone not staff is a customer. */
export const isStaffRoleName = (r: string | undefined): boolean => (STAFF_ROLES as readonly string[]).includes(r ?? '');
export const isCustomerRoleName = (r: string | undefined): boolean => !isStaffRoleName(r);
