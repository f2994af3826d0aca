/**
 * A hand-made month of a customer's service report (March 2026, Europe/Bratislava, where summer time starts on the
 * 29th): two terms, several priorities, two breaches, defects and six months of trend, with figures chosen so the
 * printed percentages are known (first response 7/8 = 87.5 %, next update 24/25 = 96 %, resolution 5/5 = 100 %).
 */
import type { ReportDocument } from '../../activities/reports';
import type { Language } from '../../domain/languages';
import { monthWindow, type Breach, type Compliance, type ServiceReportFigures, type TicketRow } from '../../domain/service-report';

const c = (met: number, breached: number): Compliance => ({ met, breached, rate: met + breached ? met / (met + breached) : null });
const MIN = 60_000;
const H = 60 * MIN;

export const MONTH = '2026-03';
export const TIME_ZONE = 'Europe/Bratislava';
export const CUSTOMER = 'Žilinská energetika, a.s.';
const window = monthWindow(MONTH, TIME_ZONE);

export const BREACHES: Breach[] = [
  {
    ticketId: 't-123',
    number: 123,
    title: 'Fakturácia neodošle faktúry do ISDOC, keď má odberateľ v názve úvodzovky „…“ a čiarky, a potom zamrzne celý modul účtovníctva',
    clock: 'firstResponse',
    cycle: 0,
    priority: 'P2',
    deadline: '2026-03-10T09:00:00.000Z',
    metAt: '2026-03-10T11:15:00.000Z',
    lateMs: 2 * H + 15 * MIN,
    escalations: [],
  },
  {
    ticketId: 't-131',
    number: 131,
    title: 'Výpadok zákazníckeho portálu',
    clock: 'nextUpdate',
    cycle: 2,
    priority: 'P1',
    deadline: '2026-03-30T08:00:00.000Z',
    metAt: null,
    lateMs: window.end.getTime() - Date.parse('2026-03-30T08:00:00.000Z'),
    escalations: [
      { at: '2026-03-30T06:00:00.000Z', from: 'L1', to: 'L2', automatic: true },
      { at: '2026-03-30T09:30:00.000Z', from: 'L2', to: 'L3', automatic: false },
    ],
  },
];

const row = (number: number, title: string, over: Partial<TicketRow> = {}): TicketRow => ({
  ticketId: `t-${number}`,
  number,
  title,
  type: 'incident',
  priority: 'P3',
  createdAt: '2026-03-04T08:15:00.000Z',
  statusAtMonthEnd: 'resolved',
  terms: 'plan:premium',
  termsName: 'Premium',
  firstResponse: { outcome: 'met', at: '2026-03-04T08:57:00.000Z', elapsedMs: 42 * MIN + 30_000 },
  resolution: { outcome: 'met', at: '2026-03-05T10:00:00.000Z', elapsedMs: 6 * H + 30 * MIN },
  nextUpdate: { met: 2, breached: 0 },
  escalations: 0,
  ...over,
});

export const TICKETS: TicketRow[] = [
  row(120, 'Tlačiareň v dispečingu netlačí'),
  row(123, BREACHES[0]!.title, { priority: 'P2', firstResponse: { outcome: 'breached', at: '2026-03-10T11:15:00.000Z', elapsedMs: 4 * H + 15 * MIN }, resolution: { outcome: 'open', at: null, elapsedMs: null }, statusAtMonthEnd: 'open' }),
  row(127, 'Export do XLSX stráca diakritiku (ľščťžýáíéúäôňŕĺď)', { type: 'defect', terms: 'contract:c-zse-2026', termsName: 'Zmluva o podpore č. 2026/04 – rozšírená' }),
  row(131, 'Výpadok zákazníckeho portálu, "kritické", treba\nriešiť hneď', {
    priority: 'P1',
    createdAt: '2026-03-30T05:40:00.000Z',
    statusAtMonthEnd: 'open',
    terms: 'contract:c-zse-2026',
    termsName: 'Zmluva o podpore č. 2026/04 – rozšírená',
    resolution: { outcome: 'open', at: null, elapsedMs: null },
    nextUpdate: { met: 3, breached: 1 },
    escalations: 2,
  }),
  row(140, '=HYPERLINK("http://example.invalid","klik")', { type: 'question', priority: 'P4', resolution: null }),
  row(141, '@SUM(A1:A2)', { type: 'service_request' }),
  row(142, '+420 přepojit', { type: 'change_request', statusAtMonthEnd: 'closed' }),
  row(143, '-1 disk', { statusAtMonthEnd: 'cancelled', firstResponse: null, resolution: null }),
  row(144, '\tskrytý tabulátor', {}),
];

export const FIGURES: ServiceReportFigures = {
  month: MONTH,
  timeZone: TIME_ZONE,
  period: { start: window.start.toISOString(), end: window.end.toISOString() },
  terms: [
    { kind: 'plan', id: 'premium', name: 'Premium', from: '2026-03-01', to: '2026-03-14' },
    { kind: 'contract', id: 'c-zse-2026', name: 'Zmluva o podpore č. 2026/04 – rozšírená', from: '2026-03-15', to: '2026-03-31' },
  ],
  compliance: { firstResponse: c(7, 1), nextUpdate: c(24, 1), resolution: c(5, 0) },
  byPriority: {
    P1: { firstResponse: c(2, 0), nextUpdate: c(10, 1), resolution: c(1, 0) },
    P2: { firstResponse: c(2, 1), nextUpdate: c(8, 0), resolution: c(2, 0) },
    P3: { firstResponse: c(2, 0), nextUpdate: c(6, 0), resolution: c(2, 0) },
    P4: { firstResponse: c(1, 0), nextUpdate: c(0, 0), resolution: c(0, 0) },
  },
  byTerms: [
    { kind: 'plan', id: 'premium', name: 'Premium', compliance: { firstResponse: c(3, 1), nextUpdate: c(10, 0), resolution: c(2, 0) } },
    { kind: 'contract', id: 'c-zse-2026', name: 'Zmluva o podpore č. 2026/04 – rozšírená', compliance: { firstResponse: c(4, 0), nextUpdate: c(14, 1), resolution: c(3, 0) } },
  ],
  breaches: BREACHES,
  times: {
    firstResponse: { count: 8, medianMs: 42 * MIN, p90Ms: 3 * H + 10 * MIN },
    resolution: { count: 5, medianMs: 6 * H + 30 * MIN, p90Ms: 27 * H + 45 * MIN },
  },
  volume: { month: MONTH, opened: 14, resolved: 12, backlog: 5 },
  trend: [
    { month: '2025-10', opened: 9, resolved: 8, backlog: 2 },
    { month: '2025-11', opened: 11, resolved: 9, backlog: 4 },
    { month: '2025-12', opened: 6, resolved: 8, backlog: 2 },
    { month: '2026-01', opened: 13, resolved: 10, backlog: 5 },
    { month: '2026-02', opened: 10, resolved: 12, backlog: 3 },
    { month: MONTH, opened: 14, resolved: 12, backlog: 5 },
  ],
  escalations: { manual: 1, automatic: 2 },
  defects: {
    confirmed: [{ number: 127, title: 'Export do XLSX stráca diakritiku (ľščťžýáíéúäôňŕĺď)', at: '2026-03-05T10:00:00.000Z' }],
    fixScheduled: [{ number: 127, title: 'Export do XLSX stráca diakritiku (ľščťžýáíéúäôňŕĺď)', version: '4.2.1', plannedDate: '2026-04-08' }],
    released: [{ number: 98, title: 'Chybný výpočet DPH pri zálohových faktúrach', version: '4.2.0', releasedOn: '2026-03-20' }],
  },
  changes: { submitted: 3, approved: 2, rejected: 1, implemented: 1 },
  satisfaction: { ratings: 9, average: 40 / 9, distribution: { '1': 0, '2': 0, '3': 1, '4': 3, '5': 5 } },
  tickets: TICKETS,
};

export const reportDocument = (language: Language, over: Partial<ReportDocument> = {}): ReportDocument => ({
  figures: FIGURES,
  customer: { name: CUSTOMER },
  language,
  generatedAt: '2026-04-01T04:00:00.000Z',
  revision: 1,
  ...over,
});
