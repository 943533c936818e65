// The report as one self-contained HTML document: inline CSS, inline SVG charts, no script and no
// reference to anything outside the file. The PDF is printed from this same document (pdf.ts).

import { escapeHtml as h } from '../sinks/email.ts';
import { barSvg, BAND_COLORS, severityStripSvg, timelineSvg } from './charts.ts';
import { responderEvidence } from './compliance.ts';
import { complianceHtml } from './compliance-html.ts';
import { severityLabel } from '../findings/finding.ts';
import { clamp, empty, fmt, sevBadge, table } from './html-parts.ts';
import { coverage, posture } from './sections-html.ts';
import type { HostCount, NotableFinding, ReportData, SeverityCounts } from './model.ts';
import { SEVERITY_BANDS } from './model.ts';
import { formatPeriod, formatUtc } from './period.ts';
import { t, type Language } from './strings.ts';
import { REPORT_CSS } from './style.ts';

const TITLE_MAX = 140;
const DESCRIPTION_MAX = 400;

function card(value: string, key: string, alert = false): string {
  return `<div class="card${alert ? ' alert' : ''}"><div class="v">${value}</div><div class="k">${h(key)}</div></div>`;
}

function summary(r: ReportData, lang: Language): string {
  const f = r.findings;
  const hi = f.bySeverity.high + f.bySeverity.critical;
  const posture = r.posture.current === null ? '–' : fmt(r.posture.current.issues.length);
  const responder = responderEvidence(r.blocked);
  const blocked = responder === null ? '–' : fmt(responder.applied);
  return `<section><h2>${h(t(lang, 'summary'))}</h2><div class="cards">
${card(fmt(f.total), t(lang, 'findingsTotal'))}${card(fmt(hi), t(lang, 'highAndCritical'), hi > 0)}
${card(fmt(f.topTargets.length), t(lang, 'hostsAttacked'))}${card(fmt(r.coverage.flows), t(lang, 'flowsStored'))}
${card(posture, t(lang, 'postureIssues'), (r.posture.current?.issues.length ?? 0) > 0)}
${card(fmt(r.coverage.quarantine.total), t(lang, 'quarantined'), r.coverage.quarantine.total > 0)}
${card(blocked, t(lang, 'blocked'))}${card(fmt(r.coverage.gaps.reduce((s, g) => s + g.count, 0)), t(lang, 'gaps'))}
</div>${severityStripSvg(f.bySeverity)}${severityLegend(f.bySeverity, lang)}</section>`;
}

function severityLegend(c: SeverityCounts, lang: Language): string {
  return `<p class="note">${SEVERITY_BANDS.map(
    (b) => `<span style="color:${BAND_COLORS[b]}">■</span> ${h(t(lang, b))} ${fmt(c[b])}`,
  ).join('&nbsp;&nbsp; ')}</p>`;
}

function timeline(r: ReportData, lang: Language): string {
  const tl = r.findings.timeline;
  const bands = {
    low: t(lang, 'low'),
    medium: t(lang, 'medium'),
    high: t(lang, 'high'),
    critical: t(lang, 'critical'),
  };
  const bucket = t(lang, tl.bucketSeconds >= 86_400 ? 'bucketDay' : 'bucketHour');
  return `<section><h2>${h(t(lang, 'findingsOverTime'))}</h2>
<p class="note">${h(t(lang, 'findingsOverTimeNote', { bucket }))} (${h(t(lang, 'utc'))})</p>
${timelineSvg(tl, { bands })}</section>`;
}

function byType(r: ReportData, lang: Language): string {
  const rows = r.findings.byType;
  if (rows.length === 0) return `<section><h2>${h(t(lang, 'byType'))}</h2>${empty(lang)}</section>`;
  const max = Math.max(...rows.map((x) => x.occurrences));
  return `<section><h2>${h(t(lang, 'byType'))}</h2>${table(
    [h(t(lang, 'type')), h(t(lang, 'maxSeverity')), h(t(lang, 'count')), h(t(lang, 'occurrences')), ''],
    rows.map((x) => [
      `<span class="mono">${h(x.type)}</span>`,
      sevBadge(lang, severityLabel(x.maxSeverity), x.maxSeverity),
      fmt(x.findings),
      fmt(x.occurrences),
      barSvg(x.occurrences, max, BAND_COLORS[severityLabel(x.maxSeverity)]),
    ]),
    new Set([2, 3]),
  )}</section>`;
}

function hosts(list: readonly HostCount[], lang: Language, withSide: boolean): string {
  if (list.length === 0) return empty(lang);
  return table(
    [
      h(t(lang, 'host')),
      ...(withSide ? [h(t(lang, 'side'))] : []),
      h(t(lang, 'maxSeverity')),
      h(t(lang, 'count')),
    ],
    list.map((x) => [
      `<span class="mono">${h(x.ip)}</span>${x.name ? ` <span class="muted">${h(x.name)}</span>` : ''}`,
      ...(withSide ? [h(t(lang, x.internal ? 'internal' : 'external'))] : []),
      sevBadge(lang, severityLabel(x.maxSeverity), x.maxSeverity),
      fmt(x.findings),
    ]),
    new Set([withSide ? 3 : 2]),
  );
}

function topHosts(r: ReportData, lang: Language): string {
  return `<section class="two"><div><h2>${h(t(lang, 'topTargets'))}</h2>${hosts(r.findings.topTargets, lang, false)}</div>
<div><h2>${h(t(lang, 'topActors'))}</h2>${hosts(r.findings.topActors, lang, true)}</div></section>`;
}

function blocked(r: ReportData, lang: Language): string {
  const b = r.blocked;
  const title = `<h2>${h(t(lang, 'blockedTitle'))}</h2>`;
  const rejected = `<p>${h(t(lang, 'rejectedFlows'))}: <b>${fmt(b.rejectedFlows)}</b></p>`;
  if (!b.configured) return `<section>${title}<p>${h(t(lang, 'noResponder'))}</p>${rejected}</section>`;
  if (b.actions.length === 0) return `<section>${title}${empty(lang)}${rejected}</section>`;
  const counts = `<p>${h(t(lang, 'actionsByStatus'))}: ${b.byStatus
    .map((s) => `<span class="mono">${h(s.status)}</span> <b>${fmt(s.count)}</b>`)
    .join(' · ')}</p>`;
  const rows = b.actions.map((a) => [
    h(formatUtc(Date.parse(a.at))),
    `<span class="mono">${h(a.target)}</span>`,
    h(a.responder),
    `<span class="mono">${h(a.status)}</span>`,
    `<span class="mono">${h(a.findingType)}</span>`,
  ]);
  const head = ['time', 'target', 'responder', 'status', 'type'] as const;
  return `<section>${title}${counts}${table(
    head.map((k) => h(t(lang, k))),
    rows,
  )}${rejected}</section>`;
}

function notable(f: NotableFinding, lang: Language): string {
  const e = f.evidence;
  const res = f.resource.name ? `${f.resource.ip} (${f.resource.name})` : f.resource.ip;
  const facts = [
    `<span class="mono">${h(f.type)}</span>`,
    `${h(t(lang, 'resource'))} <span class="mono">${h(res)}</span>`,
    `${h(t(lang, 'actor'))} <span class="mono">${h(f.actor)}</span>`,
    `${h(t(lang, 'observed'))} ${h(String(e.observed))} (${h(t(lang, 'threshold'))} ${h(String(e.threshold))}, ${h(t(lang, 'window'))} ${h(e.window)})`,
    `${h(t(lang, 'firstSeen'))} ${h(formatUtc(Date.parse(f.firstSeen)))} · ${h(t(lang, 'lastSeen'))} ${h(formatUtc(Date.parse(f.lastSeen)))} · ×${fmt(f.count)}`,
    ...(f.status === 'archived' ? [h(t(lang, 'statusArchived'))] : []),
  ];
  const sample = e.sample.length > 0 ? `<pre>${e.sample.map(h).join('\n')}</pre>` : '';
  return `<div class="finding ${h(f.severityLabel)}"><div class="t">${sevBadge(lang, f.severityLabel, f.severity)} ${h(clamp(f.title, TITLE_MAX))}</div>
<div class="d">${h(clamp(f.description, DESCRIPTION_MAX))}</div><div class="f">${facts.join(' · ')}</div>${sample}</div>`;
}

function notables(r: ReportData, lang: Language): string {
  const list = r.findings.notable;
  const more =
    r.findings.notableOmitted > 0
      ? `<p class="note">${h(t(lang, 'more', { n: r.findings.notableOmitted }))}</p>`
      : '';
  return `<section><h2>${h(t(lang, 'notable'))}</h2><p class="note">${h(t(lang, 'notableNote'))}</p>${
    list.length === 0 ? empty(lang) : list.map((f) => notable(f, lang)).join('\n')
  }${more}</section>`;
}

/** The whole document. */
export function renderHtml(r: ReportData, lang: Language): string {
  const from = Date.parse(r.period.from);
  const to = Date.parse(r.period.to);
  const period = `${formatPeriod(from, to)} (${t(lang, 'utc')})`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`Sakura Guard — ${t(lang, 'title')} ${period}`)}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header><div class="brand">SAKURA GUARD</div><h1>${h(t(lang, 'title'))}</h1>
<div class="meta">${h(t(lang, 'period'))}: ${h(period)} · ${h(t(lang, 'generated'))}: ${h(formatUtc(Date.parse(r.generatedAt)))} ${h(t(lang, 'utc'))}</div></header>
${summary(r, lang)}
${timeline(r, lang)}
${byType(r, lang)}
${topHosts(r, lang)}
${blocked(r, lang)}
${posture(r, lang)}
${coverage(r, lang)}
${complianceHtml(r, lang)}
${notables(r, lang)}
<footer>Sakura Guard · ${h(t(lang, 'title'))} · ${h(period)}</footer>
</body></html>
`;
}
