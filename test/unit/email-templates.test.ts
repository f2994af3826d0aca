import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import {
  createEmailTemplates,
  createStrictHandlebars,
  defaultTemplatesDir,
  EMAIL_TEMPLATES,
  TEMPLATE_IDS,
  variablesOf,
  type EmailContext,
  type TemplateId,
} from '../../activities/notifications/templates';
import { LANGUAGES, type Language } from '../../domain/languages';
import { emailFixture } from './fixtures/emails';

const REPO = resolve(__dirname, '../..');
const DIR = join(REPO, 'templates/emails');
const templates = createEmailTemplates();
const SLOVAK = /[áäčďéíĺľňóôŕšťúýžÁÄČĎÉÍĹĽŇÓÔŔŠŤÚÝŽ]/;
const BROKEN = /undefined|\bnull\b|\[object Object\]|NaN/;
const CASES = TEMPLATE_IDS.flatMap((id) => LANGUAGES.map((lang) => [id, lang] as const));

const render = (id: TemplateId, lang: Language, ctx: unknown) => templates.render(id, lang, ctx as EmailContext);

/** Every key path of a value, objects included (`event`, `event.data`, `event.data.body`, ...). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...keyPaths(v, `${prefix}${k}.`)]);
}
function without(ctx: unknown, path: string): unknown {
  const copy = structuredClone(ctx) as Record<string, unknown>;
  const parts = path.split('.');
  const parent = parts.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy);
  delete parent[parts.at(-1)!];
  return copy;
}

describe('e-mail templates: catalogue and files', () => {
  it('has an en and an sk file for every template in the catalogue, and no other file', () => {
    const expected = TEMPLATE_IDS.flatMap((id) => LANGUAGES.map((l) => `${id}.${l}.hbs`)).sort();
    expect(readdirSync(DIR).filter((f) => f !== 'partials').sort()).toEqual(expected);
    expect(readdirSync(join(DIR, 'partials')).sort()).toEqual(['layout.en.hbs', 'layout.sk.hbs', 'text-layout.en.hbs', 'text-layout.sk.hbs']);
    expect(templates.templateIds).toEqual(TEMPLATE_IDS);
    expect(TEMPLATE_IDS).toHaveLength(28);
  });

  it('finds templates/ from the source tree and from the compiled dist/ tree', () => {
    expect(defaultTemplatesDir()).toBe(DIR);
    expect(defaultTemplatesDir(join(REPO, 'dist/activities/notifications'))).toBe(DIR);
  });

  describe('refuses, at load time, a template directory that breaks the rules', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'email-templates-'));
      cpSync(DIR, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const edit = (file: string, from: string, to: string): void => {
      const src = readFileSync(join(dir, file), 'utf8');
      expect(src).toContain(from);
      writeFileSync(join(dir, file), src.replaceAll(from, to));
    };

    it.each([
      ['an extra file', () => writeFileSync(join(dir, 'ticket-moved.en.hbs'), ''), /not a template of the catalogue/],
      ['a missing file', () => rmSync(join(dir, 'escalated.sk.hbs')), /escalated\.sk\.hbs is missing/],
      ['an undeclared field', () => edit('staff-replied.en.hbs', '{{event.data.authorName}}', '{{event.data.internalNote}}'), /"event\.data\.internalNote" is not a field/],
      ['unescaped HTML', () => edit('staff-replied.sk.hbs', '{{multiline event.data.body}}', '{{{event.data.body}}}'), /triple-stash/],
      ['a raw enum', () => edit('ticket-queued.en.hbs', '{{priority ticket.priority}}', '{{ticket.priority}}'), /"ticket\.priority" \(priority\) cannot be used here/],
      ['a nullable field outside its #if', () => edit('ticket-received.en.hbs', 'Priority: {{priority ticket.priority}}', 'Priority: {{datetime event.data.firstResponseDue}}'), /may be null/],
      ['a missing part', () => writeFileSync(join(dir, 'sla-breached.en.hbs'), '{{#*inline "subject"}}x{{/inline}}'), /part "html" is missing/],
      ['a declared field no file reads', () => edit('fix-released.sk.hbs', '{{links.releaseNotes}}', '{{ticket.url}}'), /never reads links\.releaseNotes/],
    ])('%s', (_name, breakIt, error) => {
      breakIt();
      expect(() => createEmailTemplates({ dir })).toThrow(error);
    });
  });
});

describe('e-mail templates: rendering', () => {
  it.each(CASES)('%s renders in %s from its fixture with nothing missing', (id, lang) => {
    const out = render(id, lang, emailFixture(id, lang));
    for (const part of [out.subject, out.html, out.text]) {
      expect(part.trim()).not.toBe('');
      expect(part).not.toMatch(BROKEN);
    }
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.html).toMatch(/^<!DOCTYPE html>/);
    expect(out.html).toContain(`<html lang="${lang}">`);
    if (EMAIL_TEMPLATES[id].ticket) expect(out.subject).toContain('[T-000123]');
  });

  it.each(CASES)('%s (%s) renders every "not applicable" (null) field and both branches of every flag', (id, lang) => {
    const spec = EMAIL_TEMPLATES[id];
    const fixture = emailFixture(id, lang).event.data as Record<string, unknown>;
    const variants = Object.entries(spec.data)
      .filter(([field, kind]) => kind === 'boolean' || (kind.endsWith('?') && fixture[field] !== null))
      .map(([field, kind]) => {
        const ctx = emailFixture(id, lang) as EmailContext;
        const data = ctx.event.data as Record<string, unknown>;
        data[field] = kind === 'boolean' ? !data[field] : null;
        return ctx;
      });
    for (const ctx of variants) {
      const out = render(id, lang, ctx);
      expect(`${out.subject}\n${out.html}\n${out.text}`).not.toMatch(BROKEN);
      expect(out).not.toEqual(render(id, lang, emailFixture(id, lang)));
    }
  });

  it('shows the closing survey only while there is no rating', () => {
    const ctx = emailFixture('ticket-closed', 'en');
    expect(render('ticket-closed', 'en', ctx).text).toContain(ctx.links.survey);
    ctx.event.data.rating = 4;
    const rated = render('ticket-closed', 'en', ctx).text;
    expect(rated).toContain('4 out of 5');
    expect(rated).not.toContain(ctx.links.survey);
  });
});

describe('e-mail templates: strictness', () => {
  it.each(CASES)('%s (%s) throws when any variable is left out', (id, lang) => {
    const fixture = emailFixture(id, lang);
    const paths = new Set([...keyPaths(fixture), ...templates.variables(id, lang)]);
    expect(paths.size).toBeGreaterThan(10);
    for (const path of paths) {
      expect(() => render(id, lang, without(fixture, path))).toThrow();
    }
  });

  it('refuses null where a value is required, unknown fields, and values of the wrong kind', () => {
    const bad: Array<[TemplateId, (c: any) => void, RegExp]> = [
      ['staff-replied', (c) => (c.event.data.body = null), /event\.data\.body is invalid/],
      ['staff-replied', (c) => (c.event.data.internalNote = 'secret'), /event\.data\.internalNote is not a known field/],
      ['staff-replied', (c) => (c.ticket.priority = 'P9'), /ticket\.priority is invalid/],
      ['fix-scheduled', (c) => (c.event.data.plannedDate = '2026-02-30'), /plannedDate is invalid/],
      ['sla-breached', (c) => (c.event.data.deadline = 'tomorrow'), /deadline is invalid/],
      ['ticket-resolved', (c) => (c.links.reopen = 'javascript:alert(1)'), /links\.reopen is invalid/],
      ['ticket-closed', (c) => (c.event.data.rating = 6), /rating is invalid/],
      ['user-invited', (c) => (c.ticket = { number: 'T-1' }), /ticket is invalid/],
      ['staff-replied', (c) => (c.recipient.timeZone = 'Mars/Olympus'), /recipient\.timeZone is invalid/],
      ['staff-replied', (c) => (c.recipient.language = 'en'), /recipient\.language is en, rendering sk/],
      ['sla-warning', (c) => (c.recipient.isCustomer = true), /staff notification cannot go to a customer/],
    ];
    for (const [id, spoil, error] of bad) {
      const ctx = emailFixture(id, 'sk');
      spoil(ctx);
      expect(() => render(id, 'sk', ctx)).toThrow(error);
    }
    expect(() => render('no-such-template' as TemplateId, 'en', {})).toThrow(/unknown e-mail template/);
    expect(() => render('staff-replied', 'de' as Language, emailFixture('staff-replied', 'en'))).toThrow(/unsupported language/);
  });

  it('runs Handlebars so that an absent value throws while a present null is simply falsy', () => {
    const hb = createStrictHandlebars('en');
    const run = (src: string, ctx: object) => hb.compile(src, { strict: true })(ctx);
    expect(run('{{#if a}}yes{{else}}no{{/if}}', { a: null })).toBe('no');
    expect(run('{{#if a}}yes{{else}}no{{/if}}', { a: 'x' })).toBe('yes');
    expect(() => run('{{#if a}}yes{{else}}no{{/if}}', {})).toThrow(/not defined/);
    expect(() => run('{{#unless a}}yes{{/unless}}', {})).toThrow(/not defined/);
    expect(() => run('{{#if a.b}}yes{{/if}}', { a: {} })).toThrow(/not defined/);
    expect(() => run('{{#if a.b}}yes{{/if}}', {})).toThrow();
    expect(() => run('{{a.b}}', { a: {} })).toThrow(/"b" not defined/);
    expect(() => run('{{datetime a}}', { recipient: { timeZone: 'UTC' } })).toThrow(/not defined/);
    expect(() => run('{{label "risk" a}}', { a: 'huge' })).toThrow(/no risk label/);
    expect(() => run('{{#each a}}{{/each}}', { a: [1] })).toThrow();
    // Handlebars alone (not strict about helper parameters) would have taken the else branch silently:
    expect(Handlebars.create().compile('{{#if a}}yes{{else}}no{{/if}}', { strict: true })({})).toBe('no');
  });
});

describe('e-mail templates: no untranslated text', () => {
  it.each(TEMPLATE_IDS)('%s reads the same variables in en and sk, and the texts differ', (id) => {
    expect(new Set(templates.variables(id, 'sk'))).toEqual(new Set(templates.variables(id, 'en')));
    const en = render(id, 'en', emailFixture(id, 'en'));
    const sk = render(id, 'sk', emailFixture(id, 'sk'));
    expect(sk.subject).not.toBe(en.subject);
    expect(sk.text).not.toBe(en.text);
    expect(`${en.subject}\n${en.text}\n${en.html}`).not.toMatch(SLOVAK);
    expect(`${sk.subject}\n${sk.text}`).toMatch(SLOVAK);
  });

  it('has layouts that read the same variables in en and sk', () => {
    for (const name of ['layout', 'text-layout']) {
      const vars = (lang: Language) => new Set(variablesOf(Handlebars.parse(readFileSync(join(DIR, 'partials', `${name}.${lang}.hbs`), 'utf8'))));
      expect(vars('sk')).toEqual(vars('en'));
      expect(vars('en').size).toBeGreaterThan(3);
    }
  });
});

describe('e-mail templates: dates and escaping', () => {
  const received = (lang: Language, timeZone: string, firstResponseDue: string) => {
    const ctx = emailFixture('ticket-received', lang);
    ctx.recipient.timeZone = timeZone;
    ctx.event.data.firstResponseDue = firstResponseDue;
    return render('ticket-received', lang, ctx).text;
  };

  it("shows instants in the recipient's time zone, with the zone", () => {
    // 00:30 UTC on the night the clocks go forward is still 01:30 CET in Bratislava.
    expect(received('en', 'Europe/Bratislava', '2026-03-29T00:30:00Z')).toContain('First response by: 29 March 2026 at 01:30 CET');
    expect(received('sk', 'Europe/Bratislava', '2026-03-29T00:30:00Z')).toContain('Termín prvej odozvy: 29. marca 2026 o 01:30 SEČ');
    // Summer time: +2 h.
    expect(received('en', 'Europe/Bratislava', '2026-07-01T10:00:00Z')).toContain('1 July 2026 at 12:00 CEST');
    expect(received('sk', 'Europe/Bratislava', '2026-07-01T10:00:00Z')).toContain('1. júla 2026 o 12:00 SELČ');
    // Another zone, and the day changes with it.
    expect(received('en', 'America/New_York', '2026-03-29T00:30:00Z')).toContain('28 March 2026 at 20:30 GMT-4');
  });

  it('answers unknown senders without repeating their subject, naming the message by its date, and promises nothing the cap breaks', () => {
    for (const lang of LANGUAGES) {
      const ctx = emailFixture('mail-unassigned', lang);
      ctx.recipient.timeZone = 'Europe/Bratislava';
      const out = render('mail-unassigned', lang, ctx);
      expect(out.subject).toBe(lang === 'en' ? 'We received your e-mail' : 'Váš e-mail sme dostali');
      expect(out.text).toContain(lang === 'en' ? 'your message of 2 March 2026 at 10:15 CET' : 'správu z 2. marca 2026 o 10:15 SEČ');
      for (const part of [out.text, out.html]) {
        expect(part).not.toContain('Invoices cannot be posted');
        expect(part).not.toMatch(/another one today|dnes už ďalšiu/);
      }
    }
  });

  it('keeps calendar dates (release days) on the same day in every zone', () => {
    for (const timeZone of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
      const ctx = emailFixture('fix-scheduled', 'en');
      ctx.recipient.timeZone = timeZone;
      expect(render('fix-scheduled', 'en', ctx).text).toContain('Planned date: 15 April 2026');
    }
  });

  it('escapes user content in HTML and keeps it as written in the text part and the subject', () => {
    const ctx = emailFixture('staff-replied', 'en');
    ctx.event.data.body = 'Try <script>alert("x")</script> & reload\nThen "log in" again';
    ctx.ticket.title = 'Export <b>fails</b>\nsince Monday';
    const out = render('staff-replied', 'en', ctx);
    expect(out.html).not.toContain('<script>');
    expect(out.html).not.toContain('<b>fails');
    expect(out.html).toContain('Try &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; reload<br>');
    expect(out.html).toContain('Export &lt;b&gt;fails&lt;/b&gt;');
    expect(out.text).toContain('Try <script>alert("x")</script> & reload\nThen "log in" again');
    expect(out.subject).toBe('[T-000123] New reply from support: Export <b>fails</b> since Monday');
  });
});

describe('e-mail templates: customer mails carry nothing internal', () => {
  const customerIds = TEMPLATE_IDS.filter((id) => EMAIL_TEMPLATES[id].audience === 'customer');

  it.each(customerIds)('%s reads no internal field', (id) => {
    for (const lang of LANGUAGES) {
      const vars = templates.variables(id, lang);
      expect(vars.filter((v) => /internal/i.test(v))).toEqual([]);
      // Nor the ticket's level: which team holds a ticket is the desk's business.
      expect(vars).not.toContain('ticket.level');
    }
    expect(Object.keys(EMAIL_TEMPLATES[id].data).filter((f) => /internal/i.test(f))).toEqual([]);
  });

  it('covers the customer- and staff-facing templates of issue #6', () => {
    expect(customerIds).toHaveLength(19);
    expect(TEMPLATE_IDS.filter((id) => EMAIL_TEMPLATES[id].audience === 'staff')).toEqual([
      'ticket-queued',
      'ticket-assigned',
      'customer-replied',
      'escalated',
      'sla-warning',
      'sla-breached',
      'p1-created',
      'ticket-reopened',
      'release-overdue',
    ]);
  });
});
