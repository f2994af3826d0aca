/**
 * The agent's ticket page in words (#14, point 1): every event type the projection writes has a sentence in English
 * and Slovak (per clock for SLA events), none shows an event's type, and the placeholders are filled; every action
 * of the registry has its one place on the page (composer or a side-panel group). Text modules' placeholders: an
 * unknown one, a helper or a block is refused, known ones render without HTML escaping.
 */
import { loadMessages } from '../../api/portal/i18n';
import { ALL_SENTENCE_KEYS, eventSentence } from '../../api/portal/event-text';
import { DESK_PANEL, PANEL_GROUPS } from '../../api/portal/desk-panel';
import { placeholderProblem, renderTextModule, TEXT_MODULE_PLACEHOLDERS } from '../../api/services/text-modules';
import { ACTIONS, TICKET_ACTIONS, type ActionDefinition } from '../../domain/ticket/actions';
import { TICKET_EVENT_TYPES } from '../../domain/ticket/events';
import { DEMO_TEXT_MODULES } from '../../db/seeds/demo-text-modules';

const MESSAGES = { en: loadMessages('en'), sk: loadMessages('sk') };

describe.each(['en', 'sk'] as const)('timeline sentences in %s', (lang) => {
  const msgs = MESSAGES[lang];

  test('every event type has its sentence(s)', () => {
    const missing = ALL_SENTENCE_KEYS().filter((k) => !msgs[k]?.trim());
    expect(missing).toEqual([]);
    expect(TICKET_EVENT_TYPES.length).toBeGreaterThan(40);
  });

  test('no sentence is an event type, and every placeholder is filled', () => {
    const data = { clock: 'firstResponse', from: 'L1', to: 'L2', level: 'L2', assigneeId: 'u1', releaseVersion: '4.2', newDate: '2031-01-01', plannedFor: '2031-02-02', targetNumber: 7, duplicateNumber: 8, incidentNumber: 9, problemNumber: 10, incidents: 2, address: 'a@b.test' };
    for (const type of TICKET_EVENT_TYPES) {
      const s = eventSentence(msgs, type, data, 'Lucia', new Map([['u1', 'Lukas']]));
      expect(s).not.toContain(type);
      expect(s).not.toMatch(/[{}]|\?/);
    }
  });

  test('the sentences say what happened', () => {
    const s = (type: string, data: unknown, actor: string | null = 'Lucia') => eventSentence(msgs, type, data, actor);
    const expected = {
      en: { met: 'First response target met', breached: 'Resolution deadline missed', escalated: 'Escalated to L2 by Lucia', note: 'Internal note by Lucia', auto: 'Escalated automatically to L3', merged: 'T-000007' },
      sk: { met: 'Cieľ prvej odpovede splnený', breached: 'Termín vyriešenia zmeškaný', escalated: 'Eskalované na L2 – Lucia', note: 'Interná poznámka – Lucia', auto: 'Automaticky eskalované na L3', merged: 'T-000007' },
    }[lang];
    expect(s('sla.met', { clock: 'firstResponse', consumedMs: 1 }, null)).toBe(expected.met);
    expect(s('sla.breached', { clock: 'resolution', deadline: 'x' }, null)).toBe(expected.breached);
    expect(s('escalation.manual', { from: 'L1', to: 'L2', reason: 'x' })).toBe(expected.escalated);
    expect(s('comment.internal', { body: 'x' })).toBe(expected.note);
    expect(s('escalation.automatic', { from: 'L2', to: 'L3' }, null)).toContain(expected.auto);
    expect(s('ticket.merged', { targetNumber: 7 })).toContain(expected.merged);
    expect(s('ticket.assigned', { assigneeId: null })).not.toContain('?');
    expect(s('something.new', {})).toBe(msgs['timeline.other']);
  });

  test('every side-panel group has its heading and every panel form its success message', () => {
    for (const g of PANEL_GROUPS) expect(msgs[`desk.group.${g}`]).toBeTruthy();
    for (const name of TICKET_ACTIONS) {
      const def = ACTIONS[name] as ActionDefinition;
      if (def.forms === 'api-only') continue;
      for (const f of def.forms.filter((x) => x.area === 'desk')) expect([f.id, msgs[`desk.done.${f.id}`]]).toEqual([f.id, expect.any(String)]);
    }
  });
});

test('every action with a desk form sits in the composer or a side-panel group', () => {
  for (const name of TICKET_ACTIONS) {
    const def = ACTIONS[name] as ActionDefinition;
    const desk = def.forms === 'api-only' ? [] : def.forms.filter((f) => f.area === 'desk');
    const place = DESK_PANEL[name];
    if (desk.length) expect([name, typeof place === 'object' || place === 'composer']).toEqual([name, true]);
    else expect([name, typeof place === 'object']).toEqual([name, false]);
  }
});

describe('text module placeholders', () => {
  const values = { customer: 'Acme & Co', requester: 'Alice <A>', ticket: { number: 'T-000042', title: 'Printer' }, deadline: { firstResponse: '4 Dec 2026, 10:00', resolution: '5 Dec 2026, 17:00' }, agent: 'Lucia' };

  test('known placeholders are accepted and rendered as text, not HTML-escaped', () => {
    const body = 'Dear {{requester}} of {{customer}}, about {{ticket.number}} ({{ticket.title}}): answer by {{deadline.firstResponse}}, solved by {{deadline.resolution}}. {{agent}}';
    expect(placeholderProblem(body)).toBeNull();
    expect(renderTextModule(body, values)).toBe('Dear Alice <A> of Acme & Co, about T-000042 (Printer): answer by 4 Dec 2026, 10:00, solved by 5 Dec 2026, 17:00. Lucia');
    expect(TEXT_MODULE_PLACEHOLDERS).toHaveLength(7);
  });

  test.each([
    ['{{customr}}', 'unknown placeholder {{customr}}'],
    ['{{#if customer}}x{{/if}}', 'not allowed'],
    ['{{> partial}}', 'not allowed'],
    ['{{lookup customer "x"}}', 'without arguments'],
    ['{{customer', 'not a valid template'],
    ['{{this}}', 'unknown placeholder'],
    ['{{../customer}}', 'unknown placeholder'],
  ])('%s is refused', (body, why) => {
    expect(placeholderProblem(body)).toContain(why);
  });

  test('the demo modules pass the check they would meet when saved', () => {
    for (const m of DEMO_TEXT_MODULES) for (const body of [m.body_en, m.body_sk]) expect([m.keyword, placeholderProblem(body)]).toEqual([m.keyword, null]);
  });
});
