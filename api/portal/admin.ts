/**
 * Administration pages for admins (SPEC §2, §8): customers with their business lines, licensed modules and
 * contracts, the module catalogue, users (invite, change, disable), and read-only plans and calendars. Each form
 * is checked by the API's zod schema and written by the API's own function, so a page allows exactly what
 * /api/v1 allows; successful writes land in the audit log like the API's.
 */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { getCustomerDetail, getUser, listCustomers, listUsers, type CustomerDetail, type User } from '../../db/organisations';
import { getContract, listCalendars, listContracts, listPlans } from '../../db/reference';
import { CUSTOMER_ROLES, isCustomerRole, ROLES, STAFF_ROLES, userManagementScope, type OrganisationScope, type Principal } from '../../domain/access';
import { DEFAULT_TIME_ZONE } from '../../domain/calendars';
import { DEFAULT_LANGUAGE } from '../../domain/languages';
import { PRIORITIES, SUPPORT_LEVELS, TARGET_KINDS, type Contract } from '../../domain/plans';
import {
  addBusinessLine,
  addModule,
  businessLineSchema,
  createCustomer,
  customerUpdateSchema,
  licenseModule,
  listModules,
  moduleLicenceParams,
  moduleLicenceSchema,
  newCustomerSchema,
  newModuleSchema,
  renameBusinessLine,
  revokeModule,
  updateCustomer,
} from '../admin-customers';
import { contractSchema, saveContract } from '../admin-sla';
import { inviteUser, listUsersQuerySchema, updateUser, userUpdateSchema, inviteUserSchema } from '../admin-users';
import { forbidden, notFound } from '../errors';
import type { PortalKit } from './kit';
import { auditedForm, blankForm, doneNote, doneRedirect, formState, many, presentFields, problemErrors, zodErrors, type FieldErrors, type FormState } from './admin-forms';

const uuid = z.string().uuid();
const DONE = ['created', 'saved', 'lineAdded', 'lineRenamed', 'moduleGranted', 'moduleRevoked', 'moduleAdded', 'contractCreated', 'contractSaved', 'invited', 'disabled', 'enabled', 'bounceCleared'] as const;
const HOUR_MS = 3_600_000;
const usersFilter = z.object({
  customerId: uuid.optional().or(z.literal('').transform(() => undefined)),
  role: z.enum(ROLES).optional().or(z.literal('').transform(() => undefined)),
});

/** A person form with its checkboxes (levels, lead levels, business lines) marked as typed. */
function withChoices(state: FormState, lines: Array<{ id: string; name: string; customer: string }>) {
  const picked = (name: string) => new Set(many(state.values[name]));
  const levels = picked('levels');
  const lead = picked('leadLevels');
  const chosenLines = picked('businessLineIds');
  return {
    ...state,
    levelChoices: SUPPORT_LEVELS.map((l) => ({ value: l, checked: levels.has(l) })),
    leadChoices: SUPPORT_LEVELS.map((l) => ({ value: l, checked: lead.has(l) })),
    lineChoices: lines.map((l) => ({ value: l.id, label: `${l.customer}: ${l.name}`, checked: chosenLines.has(l.id) })),
  };
}

export interface AdminPagesOptions {
  /** Base URL people open, for the link in invitation emails. */
  publicUrl: string;
}

/** A contract's targets as form fields: t_<priority>_<kind>_hours and _coverage. */
const targetField = (p: string, k: string, part: 'hours' | 'coverage') => `t_${p}_${k}_${part}`;

/** The contract form with its grid of target overrides, one row per priority. */
const contractView = (state: FormState) => ({
  ...state,
  targetRows: PRIORITIES.map((p) => ({
    priority: p,
    cells: TARGET_KINDS.map((k) => ({
      kindKey: `clock.${k}`,
      hoursName: targetField(p, k, 'hours'),
      coverageName: targetField(p, k, 'coverage'),
      hours: state.values[targetField(p, k, 'hours')] ?? '',
      coverage: state.values[targetField(p, k, 'coverage')] ?? 'business',
      error: state.errors[targetField(p, k, 'hours')] ?? null,
    })),
  })),
});

export function mountAdminPages(r: Router, kit: PortalKit, opts: AdminPagesOptions): void {
  const { db, form, page, signedIn, checkCsrf, formBody } = kit;
  const audited = auditedForm(kit);

  /** Administration is for the vendor's admins: 403 for everyone else, customers included. */
  const adminOnly = (req: Request, res: Response): Principal => {
    const p = signedIn(req, res);
    if (p.role !== 'admin') throw forbidden('Only admins administer');
    return p;
  };
  /** A customer admin's people page: their own organisation's people in customer roles (403 for everyone else). */
  const customerAdminOnly = (req: Request, res: Response): Principal => {
    const p = signedIn(req, res);
    if (p.role !== 'customer_admin') throw forbidden('Only customer admins manage their people here');
    return p;
  };
  const forbiddenScope = (): never => {
    throw forbidden('Only admins and customer admins manage users');
  };
  const idOf = (raw: unknown, what: string): string => {
    const parsed = uuid.safeParse(raw);
    if (!parsed.success) throw notFound(what);
    return parsed.data;
  };
  const plans = async () => (await db('plans').orderBy('id').select('id', 'name')) as Array<{ id: string; name: string }>;
  const calendars = async () => (await db('calendars').orderBy('id').select('id', 'name')) as Array<{ id: string; name: string }>;

  r.get('/admin', (req, res) => {
    adminOnly(req, res);
    res.redirect(303, '/admin/customers');
  });

  // Customers ---------------------------------------------------------------------------------------------------

  const customersPage = async (res: Response, create: FormState, code = 200, done: string | null = null, cursor?: string) => {
    const list = await listCustomers(db, { kind: 'all' }, { limit: 100, ...(cursor ? { cursor } : {}) });
    page(res, 'admin-customers', 'adm.customers', { customers: list.items, nextCursor: list.nextCursor, plans: await plans(), create, done, section: 'customers' }, code);
  };
  r.get('/admin/customers', async (req, res) => {
    adminOnly(req, res);
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 300 ? req.query.cursor : undefined;
    await customersPage(res, blankForm({ language: DEFAULT_LANGUAGE, timeZone: DEFAULT_TIME_ZONE }), 200, doneNote(req.query.done, DONE), cursor);
  });
  r.post('/admin/customers', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const input = { ...presentFields(values, ['planId', 'language', 'timeZone']), name: values.name ?? '', slug: values.slug ?? '' };
    const parsed = newCustomerSchema.safeParse(input);
    if (!parsed.success) return customersPage(res, formState(values, zodErrors(parsed.error, input)), 400);
    try {
      const created = await createCustomer(db, p, parsed.data);
      doneRedirect(res, `/admin/customers/${created.id}`, 'created');
    } catch (err) {
      const f = problemErrors(err);
      await customersPage(res, formState(values, f.errors, f.problem), f.status);
    }
  });

  type CustomerForms = Partial<Record<'edit' | 'line' | 'rename' | 'grant' | 'contract', FormState>> & { renameLineId?: string; done?: string | null };
  const customerPage = async (res: Response, id: string, forms: CustomerForms, code = 200) => {
    const customer = await getCustomerDetail(db, { kind: 'all' }, id);
    if (!customer) throw notFound('Customer');
    const contracts = await listContracts(db, { customerId: id });
    const licensed = new Set(customer.modules.map((m) => m.id));
    const catalogue = await listModules(db);
    page(
      res,
      'admin-customer',
      'adm.customer',
      {
        customer,
        plans: await plans(),
        calendars: await calendars(),
        contracts,
        unlicensed: catalogue.filter((m) => !licensed.has(m.id)),
        edit: forms.edit ?? blankForm({ name: customer.name, planId: customer.planId, language: customer.language, timeZone: customer.timeZone, emailDomains: customer.emailDomains.join(', '), accountManagerId: customer.accountManagerId ?? '' }),
        staff: await db('users').whereIn('role', [...STAFF_ROLES]).whereNull('disabled_at').orderBy('name').select('id', 'name', 'email'),
        line: forms.line ?? blankForm(),
        rename: forms.rename ?? blankForm(),
        renameLineId: forms.renameLineId ?? null,
        grant: forms.grant ?? blankForm(),
        contract: contractView(forms.contract ?? contractForm(id, null, blankForm())),
        priorities: PRIORITIES,
        done: forms.done ?? null,
        section: 'customers',
      },
      code,
    );
  };
  r.get('/admin/customers/:id', async (req, res) => {
    adminOnly(req, res);
    await customerPage(res, idOf(req.params.id, 'Customer'), { done: doneNote(req.query.done, DONE) });
  });
  r.post('/admin/customers/:id', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const id = idOf(req.params.id, 'Customer');
    const values = formBody(req);
    // The edit form always sends every field; an empty one is wrong, not "unchanged".
    // Mail domains are typed as a list separated by commas, spaces or lines.
    const emailDomains = String(values.emailDomains ?? '')
      .split(/[\s,;]+/)
      .filter(Boolean);
    const accountManagerId = values.accountManagerId === '' || values.accountManagerId === undefined ? null : values.accountManagerId;
    const input = { name: values.name ?? '', planId: values.planId ?? '', language: values.language, timeZone: values.timeZone ?? '', emailDomains, accountManagerId };
    const parsed = customerUpdateSchema.safeParse(input);
    if (!parsed.success) return customerPage(res, id, { edit: formState(values, zodErrors(parsed.error, input)) }, 400);
    try {
      await updateCustomer(db, p, id, parsed.data);
      doneRedirect(res, `/admin/customers/${id}`, 'saved');
    } catch (err) {
      const f = problemErrors(err);
      await customerPage(res, id, { edit: formState(values, f.errors, f.problem) }, f.status);
    }
  });

  r.post('/admin/customers/:id/lines', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const id = idOf(req.params.id, 'Customer');
    const values = formBody(req);
    const input = { name: values.name ?? '' };
    const parsed = businessLineSchema.safeParse(input);
    if (!parsed.success) return customerPage(res, id, { line: formState(values, zodErrors(parsed.error, input)) }, 400);
    try {
      await addBusinessLine(db, p, id, parsed.data);
      doneRedirect(res, `/admin/customers/${id}`, 'lineAdded');
    } catch (err) {
      const f = problemErrors(err);
      await customerPage(res, id, { line: formState(values, f.errors, f.problem) }, f.status);
    }
  });
  r.post('/admin/customers/:id/lines/:lineId', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const id = idOf(req.params.id, 'Customer');
    const lineId = idOf(req.params.lineId, 'Business line');
    const values = formBody(req);
    const input = { name: values.name ?? '' };
    const parsed = businessLineSchema.safeParse(input);
    if (!parsed.success) return customerPage(res, id, { rename: formState(values, zodErrors(parsed.error, input)), renameLineId: lineId }, 400);
    try {
      await renameBusinessLine(db, p, id, lineId, parsed.data);
      doneRedirect(res, `/admin/customers/${id}`, 'lineRenamed');
    } catch (err) {
      const f = problemErrors(err);
      await customerPage(res, id, { rename: formState(values, f.errors, f.problem), renameLineId: lineId }, f.status);
    }
  });

  // A licence: grant a module (or change its validity dates), or revoke it.
  r.post('/admin/customers/:id/modules', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const id = idOf(req.params.id, 'Customer');
    const values = formBody(req);
    const rawModule = typeof values.moduleId === 'string' ? values.moduleId : '';
    // The same shape the API requires of a module id in its path.
    const moduleId = moduleLicenceParams.shape.moduleId.safeParse(rawModule).success ? rawModule : '';
    const input = presentFields(values, ['licensedFrom', 'licensedTo']);
    const parsed = moduleLicenceSchema.safeParse(input);
    const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, input);
    if (!moduleId) errors.moduleId = { key: 'adm.err.required' };
    if (!parsed.success || !moduleId) return customerPage(res, id, { grant: formState(values, errors) }, 400);
    try {
      await licenseModule(db, p, id, moduleId, parsed.data);
      doneRedirect(res, `/admin/customers/${id}`, 'moduleGranted');
    } catch (err) {
      if ((err as { status?: number }).status === 404 && (await getCustomerDetail(db, { kind: 'all' }, id))) {
        return customerPage(res, id, { grant: formState(values, { moduleId: { key: 'adm.err.invalid' } }) }, 400);
      }
      const f = problemErrors(err);
      await customerPage(res, id, { grant: formState(values, f.errors, f.problem) }, f.status);
    }
  });
  r.post('/admin/customers/:id/modules/:moduleId/revoke', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const params = moduleLicenceParams.safeParse({ id: req.params.id, moduleId: req.params.moduleId });
    if (!params.success) throw notFound('Licence');
    const { id, moduleId } = params.data;
    await revokeModule(db, p, id, moduleId);
    doneRedirect(res, `/admin/customers/${id}`, 'moduleRevoked');
  });

  // Contracts ---------------------------------------------------------------------------------------------------

  /** The contract form's fields from a stored contract (or empty for a new one). */
  function contractForm(customerId: string, c: Contract | null, base: FormState): FormState {
    if (!c) return { ...base, values: { customerId, ...base.values } };
    const values: Record<string, unknown> = {
      customerId,
      name: c.name,
      validFrom: c.validFrom,
      validTo: c.validTo ?? '',
      businessCalendarId: c.businessCalendarId ?? '',
      warningThreshold: c.warningThreshold ?? '',
      budgetL1: c.levelBudgets?.L1 ?? '',
      budgetL2: c.levelBudgets?.L2 ?? '',
      serviceReport: c.serviceReport === null ? '' : c.serviceReport ? 'yes' : 'no',
    };
    for (const p of PRIORITIES) {
      for (const k of TARGET_KINDS) {
        const t = (c.targets as Record<string, Record<string, { ms: number; coverage: string } | null> | undefined>)[p]?.[k];
        if (t) {
          values[targetField(p, k, 'hours')] = String(t.ms / HOUR_MS);
          values[targetField(p, k, 'coverage')] = t.coverage;
        }
      }
    }
    return { ...base, values };
  }
  /** The form as the API's contract body; numbers stay numbers only when they are numbers (else zod names them). */
  const contractBody = (values: Record<string, unknown>, contacts: unknown) => {
    const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
    const targets: Record<string, Record<string, { ms: number; coverage: string }>> = {};
    for (const p of PRIORITIES) {
      for (const k of TARGET_KINDS) {
        const hours = num(values[targetField(p, k, 'hours')]);
        if (hours === undefined) continue;
        targets[p] ??= {};
        targets[p][k] = { ms: Math.round(hours * HOUR_MS), coverage: String(values[targetField(p, k, 'coverage')] ?? 'business') };
      }
    }
    const b1 = num(values.budgetL1);
    const b2 = num(values.budgetL2);
    return {
      customerId: values.customerId,
      name: values.name ?? '',
      validFrom: values.validFrom ?? '',
      validTo: values.validTo === '' ? null : values.validTo,
      targets,
      businessCalendarId: values.businessCalendarId === '' ? null : values.businessCalendarId,
      warningThreshold: num(values.warningThreshold) ?? null,
      levelBudgets: b1 === undefined && b2 === undefined ? null : { L1: b1, L2: b2 },
      serviceReport: values.serviceReport === 'yes' ? true : values.serviceReport === 'no' ? false : null,
      contacts,
    };
  };
  const contractFieldOf = (path: PropertyKey[]): string => {
    const [head, a, b] = path.map(String);
    if (head === 'targets' && a && b) return targetField(a, b, 'hours');
    if (head === 'levelBudgets') return a === 'L2' ? 'budgetL2' : 'budgetL1';
    return head ?? '';
  };

  r.post('/admin/customers/:id/contracts', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const id = idOf(req.params.id, 'Customer');
    const values = { ...formBody(req), customerId: id };
    const input = contractBody(values, []);
    const parsed = contractSchema.safeParse(input);
    if (!parsed.success) return customerPage(res, id, { contract: formState(values, zodErrors(parsed.error, input, contractFieldOf)) }, 400);
    try {
      await saveContract(db, p, parsed.data);
      doneRedirect(res, `/admin/customers/${id}`, 'contractCreated');
    } catch (err) {
      const f = problemErrors(err);
      await customerPage(res, id, { contract: formState(values, f.errors, f.problem) }, f.status);
    }
  });

  const contractPage = async (res: Response, contractId: string, state: FormState | null, code = 200, done: string | null = null) => {
    const contract = await getContract(db, contractId);
    if (!contract) throw notFound('Contract');
    const customer = (await getCustomerDetail(db, { kind: 'all' }, contract.customerId)) as CustomerDetail;
    page(res, 'admin-contract', 'adm.contract', { contract, customer, calendars: await calendars(), priorities: PRIORITIES, form: contractView(state ?? contractForm(customer.id, contract, blankForm())), done, section: 'customers' }, code);
  };
  r.get('/admin/contracts/:id', async (req, res) => {
    adminOnly(req, res);
    await contractPage(res, idOf(req.params.id, 'Contract'), null, 200, doneNote(req.query.done, DONE));
  });
  r.post('/admin/contracts/:id', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const contractId = idOf(req.params.id, 'Contract');
    const row = await db('contracts').where({ id: contractId }).first('customer_id', 'contacts');
    if (!row) throw notFound('Contract');
    // The page does not edit contacts; they are sent back as they are, since the API replaces the whole contract.
    const values = { ...formBody(req), customerId: row.customer_id };
    const input = contractBody(values, row.contacts ?? []);
    const parsed = contractSchema.safeParse(input);
    if (!parsed.success) return contractPage(res, contractId, formState(values, zodErrors(parsed.error, input, contractFieldOf)), 400);
    try {
      await saveContract(db, p, parsed.data, contractId);
      doneRedirect(res, `/admin/contracts/${contractId}`, 'contractSaved');
    } catch (err) {
      const f = problemErrors(err);
      await contractPage(res, contractId, formState(values, f.errors, f.problem), f.status);
    }
  });

  // Module catalogue --------------------------------------------------------------------------------------------

  const modulesPage = async (res: Response, create: FormState, code = 200, done: string | null = null) => {
    page(res, 'admin-modules', 'adm.modules', { modules: await listModules(db), create, done, section: 'modules' }, code);
  };
  r.get('/admin/modules', async (req, res) => {
    adminOnly(req, res);
    await modulesPage(res, blankForm(), 200, doneNote(req.query.done, DONE));
  });
  r.post('/admin/modules', form, audited, async (req, res) => {
    const p = adminOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const input = { id: values.id ?? '', name: values.name ?? '', product: values.product ?? '' };
    const parsed = newModuleSchema.safeParse(input);
    if (!parsed.success) return modulesPage(res, formState(values, zodErrors(parsed.error, input)), 400);
    try {
      await addModule(db, p, parsed.data);
      doneRedirect(res, '/admin/modules', 'moduleAdded');
    } catch (err) {
      const f = problemErrors(err);
      await modulesPage(res, formState(values, f.errors, f.problem), f.status);
    }
  });

  // Users: admins manage everyone at /admin/users; a customer admin their own organisation at /portal/people ------

  const allLines = async (scope: OrganisationScope) =>
    (await db('business_lines as b')
      .join('customers as c', 'c.id', 'b.customer_id')
      .modify((q) => (scope.kind === 'organisation' ? q.where('b.customer_id', scope.customerId) : q))
      .orderBy(['c.name', 'b.name'])
      .select('b.id', 'b.name', 'c.name as customer')) as Array<{ id: string; name: string; customer: string }>;
  const customerNames = async (scope: OrganisationScope) =>
    (await db('customers')
      .modify((q) => (scope.kind === 'organisation' ? q.where('id', scope.customerId) : q))
      .orderBy('name')
      .select('id', 'name')) as Array<{ id: string; name: string }>;

  const people = [
    { base: '/admin/users', guard: adminOnly, section: 'users', vendor: true },
    { base: '/portal/people', guard: customerAdminOnly, section: 'people', vendor: false },
  ] as const;
  for (const cfg of people) {
    const { base, guard } = cfg;
    const scopeOf = (p: Principal): OrganisationScope => userManagementScope(p) ?? forbiddenScope();
    const usersPage = async (res: Response, p: Principal, filters: z.infer<typeof usersFilter>, invite: FormState, code = 200, done: string | null = null) => {
      const scope = scopeOf(p);
      const q = listUsersQuerySchema.parse({ limit: 200, includeDisabled: 'true', ...filters });
      const list = await listUsers(db, scope, { customerId: q.customerId, role: q.role, includeDisabled: q.includeDisabled }, { limit: q.limit });
      const customers = await customerNames(scope);
      const orgName = new Map(customers.map((c) => [c.id, c.name]));
      page(
        res,
        'admin-users',
        cfg.vendor ? 'adm.users' : 'adm.people',
        {
          base,
          vendor: cfg.vendor,
          users: list.items.map((u) => ({ ...u, organisation: u.customerId ? orgName.get(u.customerId) : null })),
          more: list.nextCursor !== null,
          filters,
          customers,
          roles: cfg.vendor ? ROLES : CUSTOMER_ROLES,
          invite: withChoices(invite, await allLines(scope)),
          done,
          section: cfg.section,
        },
        code,
      );
    };
    r.get(base, async (req, res) => {
      const p = guard(req, res);
      const f = usersFilter.safeParse(req.query);
      await usersPage(res, p, f.success ? f.data : {}, blankForm({ language: 'en', role: cfg.vendor ? undefined : 'customer_user' }), 200, doneNote(req.query.done, DONE));
    });
    r.post(base, form, audited, async (req, res) => {
      const p = guard(req, res);
      checkCsrf(req, res);
      const values = formBody(req);
      const input = {
        ...presentFields(values, ['role', 'language', 'timeZone', 'phone']),
        email: values.email ?? '',
        name: values.name ?? '',
        // A customer admin's form has no organisation: the API puts the person into the admin's own.
        ...(cfg.vendor ? { customerId: values.customerId === '' || values.customerId === undefined ? null : values.customerId } : {}),
        levels: many(values.levels),
        leadLevels: many(values.leadLevels),
        businessLineIds: many(values.businessLineIds),
      };
      const parsed = inviteUserSchema.safeParse(input);
      if (!parsed.success) return usersPage(res, p, {}, formState(values, zodErrors(parsed.error, input)), 400);
      try {
        const invited = await inviteUser({ db, publicUrl: opts.publicUrl }, p, parsed.data);
        doneRedirect(res, `${base}/${invited.id}?sentTo=${encodeURIComponent(invited.invitation.sentTo)}`, 'invited');
      } catch (err) {
        const f = problemErrors(err);
        await usersPage(res, p, {}, formState(values, f.errors, f.problem), f.status);
      }
    });

    const userPage = async (res: Response, u: User, edit: FormState | null, code = 200, extra: Record<string, unknown> = {}) => {
      const customer = u.customerId ? await getCustomerDetail(db, { kind: 'all' }, u.customerId) : undefined;
      const state = edit ?? blankForm({ name: u.name, role: u.role, language: u.language, timeZone: u.timeZone, phone: u.phone ?? '', levels: u.levels, leadLevels: u.leadLevels, businessLineIds: u.businessLineIds });
      page(
        res,
        'admin-user',
        cfg.vendor ? 'adm.user' : 'adm.person',
        {
          base,
          vendor: cfg.vendor,
          person: u,
          organisation: customer ?? null,
          // A person stays on their side: staff roles for staff, customer roles for customers (the API refuses a move).
          roles: isCustomerRole(u.role) ? CUSTOMER_ROLES : STAFF_ROLES,
          edit: withChoices(state, (customer?.businessLines ?? []).map((l) => ({ ...l, customer: customer!.name }))),
          section: cfg.section,
          bouncingSince: u.emailBouncing ? `${u.emailBouncing.since.slice(0, 16).replace('T', ' ')} UTC` : null,
          ...extra,
        },
        code,
      );
    };
    /** Someone outside the visitor's organisation is not found, like a missing one. */
    const findPerson = async (p: Principal, raw: unknown) => {
      const u = await getUser(db, scopeOf(p), idOf(raw, 'User'));
      if (!u) throw notFound('User');
      return u;
    };
    r.get(`${base}/:id`, async (req, res) => {
      const p = guard(req, res);
      const u = await findPerson(p, req.params.id);
      const done = doneNote(req.query.done, DONE);
      // After an invitation: where it went (the address the API reported; the link itself is only in the email).
      const sentTo = done === 'adm.done.invited' && typeof req.query.sentTo === 'string' && req.query.sentTo.toLowerCase() === u.email.toLowerCase() ? u.email : null;
      await userPage(res, u, null, 200, { done, sentTo });
    });
    r.post(`${base}/:id`, form, audited, async (req, res) => {
      const p = guard(req, res);
      checkCsrf(req, res);
      const u = await findPerson(p, req.params.id);
      const values = formBody(req);
      const input = {
        ...presentFields(values, ['role', 'language', 'timeZone']),
        name: values.name ?? '',
        phone: values.phone === '' || values.phone === undefined ? null : values.phone,
        levels: many(values.levels),
        leadLevels: many(values.leadLevels),
        businessLineIds: many(values.businessLineIds),
      };
      const parsed = userUpdateSchema.safeParse(input);
      if (!parsed.success) return userPage(res, u, formState(values, zodErrors(parsed.error, input)), 400);
      try {
        await updateUser(db, p, u.id, parsed.data);
        doneRedirect(res, `${base}/${u.id}`, 'saved');
      } catch (err) {
        const f = problemErrors(err);
        await userPage(res, u, formState(values, f.errors, f.problem), f.status);
      }
    });
    r.post(`${base}/:id/clear-bounce`, form, audited, async (req, res) => {
      const p = guard(req, res);
      checkCsrf(req, res);
      const u = await findPerson(p, req.params.id);
      try {
        await updateUser(db, p, u.id, { emailBouncing: false });
      } catch (err) {
        const f = problemErrors(err);
        return userPage(res, u, null, f.status, { problem: f.problem });
      }
      doneRedirect(res, `${base}/${u.id}`, 'bounceCleared');
    });
    for (const change of ['disable', 'enable'] as const) {
      r.post(`${base}/:id/${change}`, form, audited, async (req, res) => {
        const p = guard(req, res);
        checkCsrf(req, res);
        const u = await findPerson(p, req.params.id);
        try {
          await updateUser(db, p, u.id, { disabled: change === 'disable' });
        } catch (err) {
          const f = problemErrors(err);
          return userPage(res, u, null, f.status, { problem: f.problem });
        }
        doneRedirect(res, `${base}/${u.id}`, change === 'disable' ? 'disabled' : 'enabled');
      });
    }
  }

  // Plans and calendars (read-only here; admins change them through PUT /api/v1/plans/:id and /calendars/:id) -------

  r.get('/admin/plans', async (req, res) => {
    adminOnly(req, res);
    const rows = await listPlans(db);
    const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;
    const planViews = rows.map((pl) => ({
      ...pl,
      rows: PRIORITIES.map((pr) => ({
        priority: pr,
        cells: TARGET_KINDS.map((k) => {
          const t = pl.targets[pr]?.[k];
          return t ? { hours: hours(t.ms), coverage: t.coverage } : null;
        }),
      })),
    }));
    page(res, 'admin-plans', 'adm.plans', { plans: planViews, kinds: TARGET_KINDS, section: 'plans' });
  });
  r.get('/admin/calendars', async (req, res) => {
    adminOnly(req, res);
    const rows = await listCalendars(db);
    const days = ['1', '2', '3', '4', '5', '6', '7'];
    const views = rows.map((c) => ({
      ...c,
      days: days.map((d) => ({ day: d, hours: ((c.week as Record<string, Array<{ start: string; end: string }>>)[d] ?? []).map((i) => `${i.start}–${i.end}`).join(', ') })),
      holidayCount: c.holidays.length,
    }));
    page(res, 'admin-calendars', 'adm.calendars', { calendars: views, section: 'calendars' });
  });
}
