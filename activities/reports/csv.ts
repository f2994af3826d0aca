/**
 * The tickets behind the service report as CSV (SPEC §12.1): one row per ticket of `figures.tickets`, the header in
 * the report's language. UTF-8 with a BOM and CRLF so Excel opens Slovak text as it is; times in ISO 8601 with the
 * customer's UTC offset; elapsed times in whole minutes of the SLA clock, rounded down like the PDF.
 */
import { stringify } from 'csv-stringify/sync';
import type { UnitSummary } from '../../domain/service-report';
import { formatTicketNumber } from '../../domain/tickets';
import type { ReportDocument } from './document';
import { isoInZone, reportText } from './text';

/** A spreadsheet runs a cell that starts like a formula; a leading apostrophe makes it text (OWASP CSV injection). */
export const guardFormula = (cell: string): string => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

export function renderServiceReportCsv(doc: ReportDocument): string {
  const { figures } = doc;
  const { t } = reportText(doc.language, figures.timeZone);
  const at = (iso: string | null) => (iso ? isoInZone(iso, figures.timeZone) : '');
  const unit = (u: UnitSummary | null) => [
    u ? t(`serviceReport.outcome.${u.outcome}`) : '',
    at(u?.at ?? null),
    u?.elapsedMs === null || u?.elapsedMs === undefined ? '' : Math.floor(u.elapsedMs / 60_000),
  ];
  const header = (
    [
      'number',
      'title',
      'type',
      'priority',
      'createdAt',
      'status',
      'terms',
      'firstResponseOutcome',
      'firstResponseAt',
      'firstResponseMinutes',
      'resolutionOutcome',
      'resolutionAt',
      'resolutionMinutes',
      'nextUpdateMet',
      'nextUpdateBreached',
      'escalations',
    ] as const
  ).map((c) => t(`serviceReport.csv.${c}`));
  const rows = figures.tickets.map((r) => {
    return [
      formatTicketNumber(r.number),
      r.title,
      t(`serviceReport.type.${r.type}`),
      r.priority,
      at(r.createdAt),
      t(`serviceReport.status.${r.statusAtMonthEnd}`),
      r.termsName,
      ...unit(r.firstResponse),
      ...unit(r.resolution),
      r.nextUpdate.met,
      r.nextUpdate.breached,
      r.escalations,
    ];
  });
  return stringify([header, ...rows], {
    bom: true,
    record_delimiter: 'windows',
    cast: { string: guardFormula },
  });
}
