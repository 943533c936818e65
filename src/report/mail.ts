// The mail that carries a scheduled report: a short summary in the body, the report attached.

import { escapeHtml as h, type MailAttachment, type RenderedMail } from '../sinks/email.ts';
import type { ReportSchedule } from './config.ts';
import type { ReportData } from './model.ts';
import { formatPeriod } from './period.ts';
import type { RenderedReport } from './render.ts';
import { t } from './strings.ts';

export function reportMail(
  data: ReportData,
  s: Pick<ReportSchedule, 'every' | 'language' | 'format'>,
  doc: RenderedReport,
): RenderedMail & { attachments: MailAttachment[] } {
  const lang = s.language;
  const vars = {
    every: t(lang, s.every),
    period: formatPeriod(Date.parse(data.period.from), Date.parse(data.period.to)),
    format: s.format.toUpperCase(),
  };
  const f = data.findings;
  const lines = [
    t(lang, 'mailBody', vars),
    '',
    `${t(lang, 'findingsTotal')}: ${f.total}`,
    `${t(lang, 'highAndCritical')}: ${f.bySeverity.high + f.bySeverity.critical}`,
    `${t(lang, 'hostsAttacked')}: ${f.topTargets.length}`,
    `${t(lang, 'flowsStored')}: ${data.coverage.flows}`,
    `${t(lang, 'quarantined')}: ${data.coverage.quarantine.total}`,
    ...(data.posture.current ? [`${t(lang, 'postureIssues')}: ${data.posture.current.issues.length}`] : []),
  ];
  const stamp = data.period.to.slice(0, 10);
  return {
    subject: `[Sakura Guard] ${t(lang, 'mailSubject', vars)}`,
    text: lines.join('\n'),
    html: `<p>${h(lines[0] ?? '')}</p><ul>${lines
      .slice(2)
      .map((l) => `<li>${h(l)}</li>`)
      .join('')}</ul>`,
    attachments: [
      {
        filename: `sakura-guard-report-${s.every}-${stamp}-${lang}.${doc.extension}`,
        content: doc.body,
        contentType: doc.contentType,
      },
    ],
  };
}
