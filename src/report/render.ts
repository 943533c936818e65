// One report in the format asked for: JSON for machines, the HTML document, or its PDF.

import { renderHtml } from './html.ts';
import type { ReportData } from './model.ts';
import { formatPeriod } from './period.ts';
import { renderPdf } from './pdf.ts';
import { t, type Language } from './strings.ts';

export const REPORT_FORMATS = ['html', 'pdf', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  extension: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json',
};

/** "Security report 2026-11-16 – 2026-11-23", for page footers and file names. */
export function reportLabel(r: ReportData, lang: Language): string {
  return `Sakura Guard · ${t(lang, 'title')} ${formatPeriod(Date.parse(r.period.from), Date.parse(r.period.to))}`;
}

export async function renderReport(
  r: ReportData,
  format: ReportFormat,
  lang: Language,
): Promise<RenderedReport> {
  const wrap = (body: Buffer): RenderedReport => ({
    body,
    contentType: CONTENT_TYPES[format],
    extension: format,
  });
  switch (format) {
    case 'json':
      return wrap(Buffer.from(`${JSON.stringify(r, null, 2)}\n`));
    case 'html':
      return wrap(Buffer.from(renderHtml(r, lang)));
    case 'pdf':
      return wrap((await renderPdf(renderHtml(r, lang), reportLabel(r, lang))).pdf);
    default: {
      const never: never = format;
      return never;
    }
  }
}
