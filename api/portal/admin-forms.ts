/**
 * Form handling shared by the release and administration pages: the API's zod schemas and services decide, and
 * what they refuse comes back as messages on the fields that were wrong, with everything typed kept.
 */
import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { auditWrites } from '../audit';
import { ProblemError } from '../errors';
import type { PortalKit } from './kit';

export interface FieldError {
  /** A message key (adm.err.*). */
  key: string;
  /** The API's own words, when it said more than the key does. */
  detail?: string;
}
export type FieldErrors = Record<string, FieldError>;

/** One form's state on a page: what was typed, what is wrong with it, and a problem not tied to a field. */
export interface FormState {
  values: Record<string, unknown>;
  errors: FieldErrors;
  errorList: Array<{ field: string; key: string; label: string }>;
  problem: string | null;
}

export const blankForm = (values: Record<string, unknown> = {}): FormState => ({ values, errors: {}, errorList: [], problem: null });

/** A zod issue as a message key the page can show in either language; `given` is the value the issue is about. */
function issueKey(issue: z.core.$ZodIssue, given: unknown): string {
  if (issue.message.startsWith('must not be before')) return 'adm.err.dateOrder';
  if (given === undefined || given === null || (typeof given === 'string' && given.trim() === '')) return issue.code === 'invalid_type' ? 'adm.err.required' : 'adm.err.empty';
  if (issue.code === 'unrecognized_keys') return 'adm.err.unknownField';
  return 'adm.err.invalid';
}

const valueAt = (input: unknown, path: PropertyKey[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);

/**
 * Field errors from a zod error over `input`; `name` turns an issue's path into the form field it is about (by
 * default the first segment), so a nested schema can still point at the input that held the value.
 */
export function zodErrors(err: z.ZodError, input: unknown, name: (path: PropertyKey[]) => string = (p) => String(p[0] ?? '')): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const field = name(issue.path);
    if (!out[field]) out[field] = { key: issueKey(issue, issue.message.startsWith('must not be before') ? undefined : valueAt(input, issue.path)) };
  }
  return out;
}

/**
 * A refusal from the API's services as form errors: 400 names fields (`body.x`), 409/422 may name one or none.
 * Anything else (403, 404, 5xx) is not a form problem and is rethrown to the error page.
 */
export function problemErrors(err: unknown, name: (field: string) => string = (f) => f.replace(/^body\./, '')): { errors: FieldErrors; problem: string | null; status: number } {
  if (!(err instanceof ProblemError) || ![400, 409, 422].includes(err.status)) throw err;
  const errors: FieldErrors = {};
  const listed = (err.extra.errors as Array<{ field: string; message: string }> | undefined) ?? [];
  for (const e of listed) errors[name(e.field)] ??= { key: 'adm.err.invalid', detail: e.message };
  const field = typeof err.extra.field === 'string' ? name(err.extra.field) : null;
  if (field) errors[field] = { key: err.status === 409 ? 'adm.err.taken' : 'adm.err.invalid', detail: err.detail };
  const problem = listed.length || field ? null : (err.detail ?? err.title);
  return { errors, problem, status: err.status };
}

export function formState(values: Record<string, unknown>, errors: FieldErrors, problem: string | null = null): FormState {
  return { values, errors, errorList: Object.entries(errors).map(([field, e]) => ({ field, key: e.key, label: field.startsWith('t_') ? 'adm.f.targets' : `adm.f.${field}` })), problem };
}

/** Empty form fields are "not given"; strings are kept as typed otherwise. */
export function presentFields(values: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const v = values[n];
    if (v !== undefined && v !== '') out[n] = v;
  }
  return out;
}

/** A form field that may come once or many times (checkboxes) as a list. */
export const many = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)]);

/**
 * The audit log of the JSON API for portal writes: the same middleware, told who the visitor is. A successful
 * form (a redirect) leaves one row naming the actor and the page's path; a refused one leaves none.
 */
export function auditedForm(kit: PortalKit): RequestHandler {
  const audit = auditWrites(kit.db, kit.deps.log);
  return (req, res, next) => {
    const principal = kit.visitorOf(res).principal;
    // An anonymous post is sent to the sign-in page by the route's guard: nothing happened, nothing to audit.
    if (!principal) return next();
    res.locals.principal = principal;
    audit(req, res, next);
  };
}

/** Redirect after a successful form, with a short note of what was done for the next page to confirm. */
export function doneRedirect(res: Response, path: string, done: string): void {
  res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}done=${encodeURIComponent(done)}`);
}

/** The `done` notes a page knows how to show (anything else in the query is ignored). */
export const doneNote = (v: unknown, known: readonly string[]): string | null => (typeof v === 'string' && known.includes(v) ? `adm.done.${v}` : null);
