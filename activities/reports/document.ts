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

/** The name of the plan or contract a `kind:id` key (or kind and id) stands for, from the terms in force. */
export function termsName(figures: ServiceReportFigures, kind: string, id: string): string {
  return figures.terms.find((t) => t.kind === kind && t.id === id)?.name ?? id;
}
