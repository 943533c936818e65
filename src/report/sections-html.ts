// The posture and ingest-coverage sections of the HTML report.

import path from 'node:path';
import { SEVERITIES } from '../audit/types.ts';
import { escapeHtml as h } from '../sinks/email.ts';
import { fmt, formatBytes, sevBadge, table } from './html-parts.ts';
import type { PostureIssue, ReportData } from './model.ts';
import { formatUtc } from './period.ts';
import { t, type Language } from './strings.ts';

/** Issues listed per table at most; the rest are counted. */
const ISSUES_SHOWN = 10;

function issues(list: readonly PostureIssue[], lang: Language): string {
  const rows = list
    .slice(0, ISSUES_SHOWN)
    .map((i) => [
      sevBadge(lang, i.severity),
      `<span class="mono nw">${h(i.checkId)}</span><br><span class="mono">${h(i.resource)}</span> <span class="muted">${h(`${path.basename(i.file)}:${i.line}`)}</span>`,
      h(i.message),
    ]);
  const more =
    list.length > ISSUES_SHOWN
      ? `<p class="note">${h(t(lang, 'more', { n: list.length - ISSUES_SHOWN }))}</p>`
      : '';
  return (
    table([h(t(lang, 'severity')), `${h(t(lang, 'check'))} · ${h(t(lang, 'resource'))}`, ''], rows) + more
  );
}

export function posture(r: ReportData, lang: Language): string {
  const p = r.posture;
  const title = `<h2>${h(t(lang, 'posture'))}</h2>`;
  if (p.current === null)
    return `<section>${title}<p class="muted">${h(t(lang, 'postureNone'))}</p></section>`;
  const c = p.current;
  const prev = p.previous;
  const bands = [...SEVERITIES]
    .reverse()
    .filter((s) => c.bySeverity[s] > 0 || (prev?.bySeverity[s] ?? 0) > 0)
    .map(
      (s) =>
        `${sevBadge(lang, s)} ${fmt(c.bySeverity[s])}${prev ? ` <span class="muted">(${fmt(prev.bySeverity[s])})</span>` : ''}`,
    )
    .join('&nbsp; ');
  const facts = table(
    ['', h(t(lang, 'postureLatest')), h(t(lang, 'posturePrevious'))],
    [
      [
        h(t(lang, 'recorded')),
        h(formatUtc(Date.parse(c.recordedAt))),
        prev ? h(formatUtc(Date.parse(prev.recordedAt))) : '–',
      ],
      [h(t(lang, 'postureFiles')), fmt(c.files), prev ? fmt(prev.files) : '–'],
      [h(t(lang, 'postureFindings')), fmt(c.issues.length), prev ? fmt(prev.issues.length) : '–'],
      [h(t(lang, 'postureReached')), fmt(c.reached), prev ? fmt(prev.reached) : '–'],
      [h(t(lang, 'postureSuppressed')), fmt(c.suppressed), prev ? fmt(prev.suppressed) : '–'],
    ],
    new Set([1, 2]),
  );
  let change: string;
  if (prev === null) change = `<p class="muted">${h(t(lang, 'postureNoPrevious'))}</p>`;
  else if (p.newIssues.length === 0 && p.resolved.length === 0)
    change = `<p class="muted">${h(t(lang, 'postureUnchanged'))}</p>`;
  else
    change = [
      p.newIssues.length > 0
        ? `<h3>${h(t(lang, 'postureNew'))} (${fmt(p.newIssues.length)})</h3>${issues(p.newIssues, lang)}`
        : '',
      p.resolved.length > 0
        ? `<h3>${h(t(lang, 'postureResolved'))} (${fmt(p.resolved.length)})</h3>${issues(p.resolved, lang)}`
        : '',
    ].join('');
  const open =
    prev === null && c.issues.length > 0
      ? `<h3>${h(t(lang, 'postureFindings'))}</h3>${issues(c.issues, lang)}`
      : '';
  return `<section>${title}<p>${bands}</p>${facts}${change}${open}</section>`;
}

export function coverage(r: ReportData, lang: Language): string {
  const c = r.coverage;
  const sources =
    c.sources.length === 0
      ? `<p class="muted">${h(t(lang, 'noFlows'))}</p>`
      : table(
          [h(t(lang, 'source')), h(t(lang, 'flows')), h(t(lang, 'first')), h(t(lang, 'last'))],
          c.sources.map((s) => [
            `<span class="mono">${h(s.source)}</span>`,
            fmt(s.flows),
            h(formatUtc(Date.parse(s.first))),
            h(formatUtc(Date.parse(s.last))),
          ]),
          new Set([1]),
        );
  const totals = `<p>${h(t(lang, 'flows'))} <b>${fmt(c.flows)}</b> · ${h(t(lang, 'bytes'))} <b>${h(formatBytes(c.bytes))}</b> · ${h(t(lang, 'accepted'))} <b>${fmt(c.accepted)}</b> · ${h(t(lang, 'rejected'))} <b>${fmt(c.rejected)}</b></p>`;
  const gaps =
    c.gaps.length === 0
      ? `<p class="muted">${h(t(lang, 'noGaps'))}</p>`
      : table(
          [h(t(lang, 'gapKind')), h(t(lang, 'gapCount')), h(t(lang, 'gapResources'))],
          c.gaps.map((g) => [`<span class="mono">${h(g.kind)}</span>`, fmt(g.count), fmt(g.resources)]),
          new Set([1, 2]),
        );
  const q = c.quarantine;
  const quarantine =
    q.total === 0
      ? `<p class="muted">${h(t(lang, 'noQuarantine'))}</p>`
      : table(
          [h(t(lang, 'reason')), h(t(lang, 'lines'))],
          q.byReason.map((x) => [`<span class="mono">${h(x.reason)}</span>`, fmt(x.count)]),
          new Set([1]),
        );
  return `<section><h2>${h(t(lang, 'coverage'))}</h2>${totals}${sources}
<div class="two"><div><h3>${h(t(lang, 'gaps'))}</h3>${gaps}</div><div><h3>${h(t(lang, 'quarantineTitle'))} (${fmt(q.total)})</h3>${quarantine}</div></div></section>`;
}
