import type { Language } from '../../domain/languages';
import type { ServiceReportFigures } from '../../domain/service-report';

/** One customer's monthly service report, ready to render (SPEC §12.1). */
export interface ReportDocument {
  figures: ServiceReportFigures;
  customer: { name: string };
  language: Language;
  /** ISO instant; also the PDF's creation date, so the same input renders the same bytes */
  generatedAt: string;
  revision: number;
}
