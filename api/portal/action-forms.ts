/**
 * The registry's form descriptions (domain/ticket/actions) as the portal uses them: a posted form's fields become
 * the action's input (then checked by the action's own schema), and a failed field is named by its form field.
 */
import type { ActionForm, FormField } from '../../domain/ticket/actions';

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function valueOf(field: FormField, raw: unknown, me: string): unknown {
  switch (field.kind) {
    case 'checkbox':
      return blank(raw) ? undefined : true;
    case 'yesNo':
      if (raw === 'yes') return true;
      if (raw === 'no') return false;
      return blank(raw) ? (field.required ? null : undefined) : raw;
    case 'rating':
      return blank(raw) ? undefined : typeof raw === 'string' && /^\d$/.test(raw) ? Number(raw) : raw;
    case 'assignee':
      return raw === 'me' ? me : blank(raw) || raw === 'none' ? null : raw;
    case 'hidden':
      return raw;
    case 'file':
      // Files are not form values: the portal stages them and puts their ids in the field (portalFiles).
      return undefined;
    default:
      return blank(raw) ? undefined : raw;
  }
}

/** The form's posted strings as the action's input (nested names such as evidence.steps become objects). */
export function formPayload(form: ActionForm, posted: Record<string, unknown>, me: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of form.fields) {
    const v = valueOf(field, posted[field.name], me);
    if (v === undefined) continue;
    const path = field.name.split('.');
    let at = out;
    for (const p of path.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = v;
  }
  return { ...out, ...(form.fixed ?? {}) };
}

/** The form's file field, if it takes files (its form is then multipart). */
export const fileFieldOf = (form: ActionForm): FormField | undefined => form.fields.find((f) => f.kind === 'file');

/** The form fields a schema's issues point at (`evidence.steps` for a nested field). */
export function invalidFields(form: ActionForm, issues: ReadonlyArray<{ path: PropertyKey[] }>): string[] {
  const names = new Set(form.fields.map((f) => f.name));
  const out = new Set<string>();
  for (const i of issues) {
    const full = i.path.map(String).join('.');
    const last = String(i.path[i.path.length - 1] ?? '');
    out.add(names.has(full) ? full : last);
  }
  return [...out];
}

/** A field or form label: a message key, or the text itself in both languages. */
export const labelText = (label: FormField['label'], lang: 'en' | 'sk', t: (key: string) => string): string | undefined =>
  label === undefined ? undefined : typeof label === 'string' ? t(label) : label[lang];
