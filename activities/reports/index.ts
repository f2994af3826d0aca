/** The monthly service report's files (SPEC §12.1): the PDF a customer reads and the CSV of the tickets behind it. */
export type { ReportDocument } from './document';
export { renderServiceReportPdf } from './pdf';
export { renderServiceReportCsv } from './csv';
