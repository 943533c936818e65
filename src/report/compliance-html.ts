// The compliance view of the HTML report: one row per control with its status, the evidence of
// the period in words, and the checks and detectors mapped to it (those that fired in red).

import { escapeHtml as h } from '../sinks/email.ts';
import { fmt, table } from './html-parts.ts';
import type { ControlEvidence, ControlId, ControlStatus, ReportData } from './model.ts';
import { t, type Language, type StringKey } from './strings.ts';

const CONTROL_KEYS: Record<ControlId, StringKey> = {
  segmentation: 'controlSegmentation',
  'least-privilege': 'controlLeastPrivilege',
  'logging-monitoring': 'controlLogging',
  'incident-response': 'controlIncidentResponse',
};

const STATUS_KEYS: Record<ControlStatus, StringKey> = {
  ok: 'statusOk',
  attention: 'statusAttention',
  'no-evidence': 'statusNoEvidence',
};

export function evidenceText(e: ControlEvidence, lang: Language): string {
  switch (e.kind) {
    case 'checks':
      return e.issues === null
        ? t(lang, 'evNoAudit', { n: e.checks })
        : t(lang, 'evChecks', { n: e.checks, issues: fmt(e.issues) });
    case 'detectors':
      return t(lang, 'evDetectors', { n: e.detectors, findings: fmt(e.findings) });
    case 'flows':
      return t(lang, 'evFlows', {
        flows: fmt(e.flows),
        sources: e.sources,
        gaps: fmt(e.gaps),
        quarantined: fmt(e.quarantined),
      });
    case 'response': {
      const r = e.responder;
      const responder =
        r === null
          ? t(lang, 'noResponderShort')
          : t(lang, 'responderActions', { n: fmt(r.actions), applied: fmt(r.applied) });
      return `${t(lang, 'evResponse', { findings: fmt(e.findings), archived: fmt(e.archived), open: fmt(e.openHigh) })}. ${t(lang, 'evBlocked', { blocked: responder })}`;
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}

export function complianceHtml(r: ReportData, lang: Language): string {
  const rows = r.compliance.map((c) => [
    `<b>${h(t(lang, CONTROL_KEYS[c.control]))}</b>`,
    `<span class="st ${c.status}">${h(t(lang, STATUS_KEYS[c.status]))}</span>`,
    `${c.evidence.map((e) => h(evidenceText(e, lang))).join('<br>')}<div class="items">${c.items
      .map((i) => (i.count > 0 ? `<span class="hit">${h(i.id)} (${fmt(i.count)})</span>` : h(i.id)))
      .join(', ')}</div>`,
  ]);
  return `<section class="compliance"><h2>${h(t(lang, 'compliance'))}</h2><p class="note">${h(t(lang, 'complianceNote'))}</p>${table(
    [h(t(lang, 'control')), h(t(lang, 'status')), h(t(lang, 'evidence'))],
    rows,
  )}</section>`;
}
