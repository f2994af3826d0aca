/**
 * Text modules' placeholders (#14, point 3), rendered with handlebars: a module may name only the placeholders below,
 * as plain `{{name}}` (no helpers, blocks or partials), which is checked on its parsed template when it is saved, so
 * an unknown one is refused with the field named instead of rendering empty. Rendering is strict (a missing value
 * throws) and does not HTML-escape: the text goes into a textarea and a comment body, never into HTML as markup.
 */
import Handlebars from 'handlebars';
import type { Db } from '../../db/connection';
import type { Ticket } from '../../db/tickets';
import { DEFAULT_TIME_ZONE } from '../../domain/calendars';
import { formatTicketNumber } from '../../domain/tickets';
import type { Language } from '../../domain/languages';
import { formatInstant, loadMessages } from '../portal/i18n';
import { toApiTicket } from '../ticket-shape';

export const TEXT_MODULE_PLACEHOLDERS = ['customer', 'requester', 'ticket.number', 'ticket.title', 'deadline.firstResponse', 'deadline.resolution', 'agent'] as const;
export type Placeholder = (typeof TEXT_MODULE_PLACEHOLDERS)[number];
export type PlaceholderValues = { customer: string; requester: string; ticket: { number: string; title: string }; deadline: { firstResponse: string; resolution: string }; agent: string };

const hbs = Handlebars.create();
const NONE = { en: loadMessages('en').none, sk: loadMessages('sk').none };

/** Why a module's text cannot be saved (unknown placeholder, a helper or block, bad syntax), or null. */
export function placeholderProblem(body: string): string | null {
  let program: hbs.AST.Program;
  try {
    program = hbs.parse(body);
  } catch (err) {
    return `is not a valid template: ${(err as Error).message.split('\n')[0]}`;
  }
  for (const s of program.body) {
    if (s.type === 'ContentStatement' || s.type === 'CommentStatement') continue;
    if (s.type !== 'MustacheStatement') return `may use only {{placeholder}}; ${s.type.replace(/Statement$/, '').toLowerCase()}s are not allowed`;
    const m = s as hbs.AST.MustacheStatement;
    const path = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : null;
    if (m.params.length || (m.hash?.pairs.length ?? 0) || !path) return 'may use only {{placeholder}} without arguments';
    if (!(TEXT_MODULE_PLACEHOLDERS as readonly string[]).includes(path)) return `names an unknown placeholder {{${path}}}; known: ${TEXT_MODULE_PLACEHOLDERS.map((x) => `{{${x}}}`).join(', ')}`;
  }
  return null;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
/** A saved module's text with the ticket's values (checked on save, so every placeholder has its value). */
export function renderTextModule(body: string, values: PlaceholderValues): string {
  let tpl = compiled.get(body);
  if (!tpl) {
    tpl = hbs.compile(body, { strict: true, noEscape: true, knownHelpersOnly: true, knownHelpers: { helperMissing: false, blockHelperMissing: false } });
    if (compiled.size > 500) compiled.clear();
    compiled.set(body, tpl);
  }
  return tpl(values);
}

/** The placeholders' values for one ticket, in its customer's language and time zone; `agent` is who inserts. */
export async function textModuleContext(db: Db, t: Ticket, agent: string): Promise<{ lang: Language; values: PlaceholderValues }> {
  const [customer, requester] = await Promise.all([
    db('customers').where({ id: t.customerId }).first('name', 'language', 'time_zone') as Promise<{ name: string; language: string; time_zone: string } | undefined>,
    db('users').where({ id: t.requesterId }).first('name') as Promise<{ name: string } | undefined>,
  ]);
  const lang: Language = customer?.language === 'sk' ? 'sk' : 'en';
  const zone = customer?.time_zone ?? DEFAULT_TIME_ZONE;
  const sla = toApiTicket(t).sla as Record<string, { deadline: string | null } | undefined>;
  const deadline = (k: 'firstResponse' | 'resolution') => formatInstant(sla[k]?.deadline ?? null, lang, zone) ?? NONE[lang];
  return {
    lang,
    values: {
      customer: customer?.name ?? '',
      requester: requester?.name ?? '',
      ticket: { number: formatTicketNumber(Number(t.number)), title: t.title },
      deadline: { firstResponse: deadline('firstResponse'), resolution: deadline('resolution') },
      agent,
    },
  };
}
