/** Handlebars for the portal: a layout, partials and one template per page, compiled once at start-up. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { LANGUAGES, type Language } from '../../domain/languages';
import { fromRepo, loadMessages, translate, type Messages } from './i18n';

export const PORTAL_TEMPLATES_DIR = fromRepo('templates', 'portal');

export interface PageContext {
  lang: Language;
  title: string;
  csrfToken?: string | null;
  user?: { name: string; role: string; isStaff: boolean; isManager: boolean; isAdmin: boolean; isCustomerAdmin: boolean } | null;
  returnTo: string;
  [key: string]: unknown;
}

export type RenderPage = (page: string, ctx: PageContext) => string;

export function createViews(): RenderPage {
  const hbs = Handlebars.create();
  const messages = Object.fromEntries(LANGUAGES.map((l) => [l, loadMessages(l)])) as Record<Language, Messages>;
  const msgs = (options: Handlebars.HelperOptions): Messages => messages[(options.data.root as PageContext).lang] ?? messages.en;
  hbs.registerHelper('t', function (key: string, options: Handlebars.HelperOptions) {
    return translate(msgs(options), key);
  });
  // A message whose key is built from a value: {{tk "status." ticket.status}}.
  hbs.registerHelper('tk', function (prefix: string, value: unknown, options: Handlebars.HelperOptions) {
    return translate(msgs(options), `${prefix}${String(value)}`);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);

  const partialsDir = join(PORTAL_TEMPLATES_DIR, 'partials');
  for (const f of readdirSync(partialsDir).filter((n) => n.endsWith('.hbs'))) {
    hbs.registerPartial(f.replace(/\.hbs$/, ''), readFileSync(join(partialsDir, f), 'utf8'));
  }
  const compile = (f: string) => hbs.compile(readFileSync(join(PORTAL_TEMPLATES_DIR, f), 'utf8'), { strict: false });
  const layout = compile('layout.hbs');
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const f of readdirSync(PORTAL_TEMPLATES_DIR).filter((n) => n.endsWith('.hbs') && n !== 'layout.hbs')) {
    pages.set(f.replace(/\.hbs$/, ''), compile(f));
  }
  return (page, ctx) => {
    const tpl = pages.get(page);
    if (!tpl) throw new Error(`no portal template ${page}`);
    return layout({ ...ctx, body: tpl(ctx) });
  };
}
