/**
 * Logging a phone call (SPEC §3, §5.6): staff create a ticket with channel `phone` on behalf of one of the customer's
 * users, through the same intake as POST /api/v1/tickets (the plan must include phone support; a data-change or
 * environment-access call is converted to a service request or rejected, as the agent decides).
 */
import { randomUUID } from 'node:crypto';
import type { Response, Router } from 'express';
import { z } from 'zod';
import { LEVELS_OF_IMPACT } from '../../domain/priority';
import { formatTicketNumber, TICKET_TYPES } from '../../domain/tickets';
import { ProblemError } from '../errors';
import { phoneLineStatus } from '../phone';
import { applyPhoneScope, createTicket, OUT_OF_PHONE_SCOPE } from '../services/ticket-intake';
import { runTicketAction } from '../ticket-actions';
import { newTicketSchema } from '../tickets';
import { freeText } from '../validation';
import { formatInstant, loadMessages } from './i18n';
import type { PortalKit } from './kit';

/** What the call is about; the last two are outside phone support (SPEC §5.6). */
export const CALL_CATEGORIES = ['how_to', 'malfunction', 'account', 'other', ...OUT_OF_PHONE_SCOPE] as const;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** The call's own fields, besides the ticket's (validated by the API's newTicketSchema). */
const callForm = z.object({
  category: z.enum(CALL_CATEGORIES),
  callerPhone: z.preprocess(blank, z.string().regex(/^[+0-9 ()/.-]{3,40}$/).optional()),
  callNotes: z.preprocess(blank, freeText(10_000).optional()),
  idempotencyKey: z.string().regex(/^phone-[0-9a-f-]{36}$/),
});

export function mountPhonePages(r: Router, kit: PortalKit): void {
  const { db, deps, form, page, visitorOf, staffOnly, checkCsrf, formBody, fieldErrors, zoneOf } = kit;

  const phonePage = async (res: Response, values: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    const v = visitorOf(res);
    const [line, customers, callers, modules] = await Promise.all([
      phoneLineStatus(db, new Date()),
      db('customers as c').join('plans as p', 'p.id', 'c.plan_id').orderBy('c.name').select('c.id', 'c.name', 'p.name as plan', 'p.channels') as Promise<Array<{ id: string; name: string; plan: string; channels: string[] }>>,
      db('users').whereNotNull('customer_id').whereNull('disabled_at').orderBy('name').select('id', 'name', 'email', 'customer_id') as Promise<Array<{ id: string; name: string; email: string; customer_id: string }>>,
      db('modules').orderBy('id').select('id', 'name') as Promise<Array<{ id: string; name: string }>>,
    ]);
    const zone = zoneOf(v);
    page(
      res,
      'phone',
      'phone.title',
      {
        values,
        line: line && { open: line.open, closesAt: formatInstant(line.closesAt, v.lang, zone), opensAt: formatInstant(line.opensAt, v.lang, zone) },
        customers: customers.map((c) => ({ ...c, hasPhone: c.channels.includes('phone'), selected: c.id === values.customerId })),
        callerGroups: customers
          .map((c) => ({ name: c.name, callers: callers.filter((u) => u.customer_id === c.id).map((u) => ({ ...u, selected: u.id === values.requesterId })) }))
          .filter((g) => g.callers.length),
        modules,
        types: TICKET_TYPES,
        levels: LEVELS_OF_IMPACT,
        categories: CALL_CATEGORIES,
        outOfScope: OUT_OF_PHONE_SCOPE,
        ...extra,
        err: Object.fromEntries(((extra.errors as string[] | undefined) ?? []).map((f) => [f, true])),
      },
      status,
    );
  };

  r.get('/desk/phone', async (req, res) => {
    staffOnly(req, res);
    await phonePage(res, { type: 'question', impact: 'low', urgency: 'medium', category: 'how_to', idempotencyKey: `phone-${randomUUID()}` });
  });

  r.post('/desk/phone', form, async (req, res) => {
    const p = staffOnly(req, res);
    checkCsrf(req, res);
    const values = formBody(req);
    const call = callForm.safeParse(values);
    const category = call.success ? call.data.category : typeof values.category === 'string' ? values.category : '';
    const body = newTicketSchema.safeParse({
      title: values.title,
      description: values.description,
      type: values.type,
      impact: values.impact,
      urgency: values.urgency,
      customerId: blank(values.customerId),
      requesterId: blank(values.requesterId),
      moduleId: blank(values.moduleId),
      category: blank(category),
      channel: 'phone',
      // The convert/reject choice is sent only where the scope rule asks for it; the intake refuses it elsewhere.
      phoneScope: OUT_OF_PHONE_SCOPE.includes(category) ? blank(values.phoneScope) : undefined,
    });
    if (!call.success || !body.success) {
      const errors = [...(call.success ? [] : fieldErrors(call.error)), ...(body.success ? [] : fieldErrors(body.error))];
      await phonePage(res, values, { errors }, 400);
      return;
    }
    const intake = { db, temporal: deps.temporal, taskQueue: deps.taskQueue };
    let ticket;
    try {
      ({ ticket } = await createTicket(intake, p, body.data, call.data.idempotencyKey));
    } catch (err) {
      if (err instanceof ProblemError && (err.status === 400 || err.status === 422)) {
        const fields = ((err.extra.errors as Array<{ field: string }> | undefined) ?? (typeof err.extra.field === 'string' ? [{ field: err.extra.field }] : [])).map((x) => x.field.replace(/^body\./, ''));
        const problem = err.type === 'channel-not-in-plan' ? { key: 'phone.notInPlan', detail: err.detail } : err.status === 422 ? { detail: err.detail } : null;
        await phonePage(res, values, { errors: fields.map((x) => (x === 'channel' ? 'customerId' : x)), problem }, err.status);
        return;
      }
      throw err;
    }
    if (body.data.phoneScope) await applyPhoneScope(intake, p, ticket.id, body.data.phoneScope, category);
    const { callerPhone, callNotes } = call.data;
    if (callerPhone || callNotes) {
      const m = loadMessages(visitorOf(res).lang);
      const text = [callerPhone ? `${m['phone.callerPhone']}: ${callerPhone}` : null, callNotes ?? null].filter(Boolean).join('\n\n');
      await runTicketAction(deps, p, ticket.id, 'comment', { body: text, visibility: 'internal' }, `phone-notes:${ticket.id}`);
    }
    res.redirect(303, `/desk/tickets/${formatTicketNumber(ticket.number)}`);
  });
}
