import {
  ASSIGNABLE_ROLES,
  CUSTOMER_ROLES,
  isCustomer,
  isCustomerRole,
  isCustomerRoleName,
  isStaff,
  isStaffRoleName,
  mayAssignRole,
  organisationScope,
  type Principal,
  type Role,
  ROLES,
  STAFF_ROLES,
  ticketScope,
  userManagementScope,
} from '../../domain/access';

// SPEC §8: who is asking, and what they may see. The API matrix tests these from outside; here are the rules.
const ACME = '11111111-1111-4111-8111-111111111111';
const NOBODY = '00000000-0000-0000-0000-000000000000';

function principal(role: Role, overrides: Partial<Principal> = {}): Principal {
  const customer = (CUSTOMER_ROLES as readonly Role[]).includes(role);
  return {
    id: `user-${role}`,
    email: `${role}@example.com`,
    name: role,
    role,
    customerId: customer ? ACME : null,
    levels: [],
    businessLineIds: customer ? ['line-a', 'line-b'] : [],
    language: 'en',
    timeZone: 'Europe/Bratislava',
    ...overrides,
  };
}

describe('roles', () => {
  test('six roles: three of the customer, three of the vendor', () => {
    expect(ROLES).toEqual(['customer_user', 'customer_key_user', 'customer_admin', 'agent', 'manager', 'admin']);
    expect([...CUSTOMER_ROLES, ...STAFF_ROLES].sort()).toEqual([...ROLES].sort());
  });

  test.each([
    ['customer_user', false],
    ['customer_key_user', false],
    ['customer_admin', false],
    ['agent', true],
    ['manager', true],
    ['admin', true],
  ] as const)('%s is staff: %s', (role, staff) => {
    const p = principal(role);
    expect(isStaff(p)).toBe(staff);
    expect(isCustomer(p)).toBe(!staff);
    expect(isCustomerRole(role)).toBe(!staff);
    expect(isStaffRoleName(role)).toBe(staff);
    expect(isCustomerRoleName(role)).toBe(!staff);
  });

  test('a role name this code does not know, or none, counts as a customer', () => {
    for (const name of [undefined, '', 'root', 'Agent']) {
      expect(isStaffRoleName(name)).toBe(false);
      expect(isCustomerRoleName(name)).toBe(true);
    }
  });

  test('agents and managers hold tickets; admins administer the desk but are not assignable', () => {
    expect(ASSIGNABLE_ROLES).toEqual(['agent', 'manager']);
  });
});

describe('ticketScope: the tickets a principal may see', () => {
  test.each([
    ['agent', { kind: 'all' }],
    ['manager', { kind: 'all' }],
    ['admin', { kind: 'all' }],
    ['customer_admin', { kind: 'organisation', customerId: ACME }],
    ['customer_key_user', { kind: 'businessLines', customerId: ACME, businessLineIds: ['line-a', 'line-b'], requesterId: 'user-customer_key_user' }],
    ['customer_user', { kind: 'own', customerId: ACME, requesterId: 'user-customer_user' }],
  ] as const)('%s sees %j', (role, scope) => {
    expect(ticketScope(principal(role))).toEqual(scope);
  });

  test.each(['customer_user', 'customer_key_user', 'customer_admin'] as const)(
    'a %s without an organisation sees only their own tickets, under no organisation',
    (role) => {
      expect(ticketScope(principal(role, { customerId: null }))).toEqual({ kind: 'own', customerId: NOBODY, requesterId: `user-${role}` });
    },
  );

  test('staff see everything even when a customer id is set on them', () => {
    expect(ticketScope(principal('agent', { customerId: ACME }))).toEqual({ kind: 'all' });
  });
});

describe('organisationScope: whose customers and people a principal may see', () => {
  test.each([
    ['agent', { kind: 'all' }],
    ['manager', { kind: 'all' }],
    ['admin', { kind: 'all' }],
    ['customer_admin', { kind: 'organisation', customerId: ACME }],
    ['customer_key_user', { kind: 'organisation', customerId: ACME }],
    ['customer_user', { kind: 'organisation', customerId: ACME }],
  ] as const)('%s: %j', (role, scope) => {
    expect(organisationScope(principal(role))).toEqual(scope);
  });

  test('a customer without an organisation sees no organisation', () => {
    expect(organisationScope(principal('customer_user', { customerId: null }))).toEqual({ kind: 'organisation', customerId: NOBODY });
  });
});

describe('user management', () => {
  test.each([
    ['admin', { kind: 'all' }],
    ['customer_admin', { kind: 'organisation', customerId: ACME }],
    ['manager', null],
    ['agent', null],
    ['customer_key_user', null],
    ['customer_user', null],
  ] as const)('%s manages %j', (role, scope) => {
    expect(userManagementScope(principal(role))).toEqual(scope);
  });

  test('a customer admin without an organisation manages nobody', () => {
    expect(userManagementScope(principal('customer_admin', { customerId: null }))).toBeNull();
  });

  // Rows: who gives; columns: the role given (in the order of ROLES). true = allowed.
  const MAY_GIVE: Record<Role, boolean[]> = {
    admin: [true, true, true, true, true, true],
    customer_admin: [true, true, true, false, false, false],
    manager: [false, false, false, false, false, false],
    agent: [false, false, false, false, false, false],
    customer_key_user: [false, false, false, false, false, false],
    customer_user: [false, false, false, false, false, false],
  };
  test.each(Object.entries(MAY_GIVE))('%s may give the roles of the table', (giver, row) => {
    expect(ROLES.map((role) => mayAssignRole(principal(giver as Role), role) === null)).toEqual(row);
  });

  test('a refusal says why', () => {
    expect(mayAssignRole(principal('customer_admin'), 'agent')).toBe('a customer admin may only give customer roles');
    expect(mayAssignRole(principal('manager'), 'customer_user')).toBe('only admins and customer admins manage users');
  });
});
