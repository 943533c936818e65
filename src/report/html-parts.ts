// Small pieces the report's HTML sections share: number formats, severity badges, tables.

import { escapeHtml as h } from '../sinks/email.ts';
import { t, type Language, type StringKey } from './strings.ts';

export const fmt = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? String(v) : v.toFixed(v >= 100 ? 0 : 1)} ${units[i] ?? 'B'}`;
}

export function sevBadge(lang: Language, label: string, score?: number): string {
  const key = (['low', 'medium', 'high', 'critical', 'info'].includes(label) ? label : 'info') as StringKey;
  const text = score === undefined ? t(lang, key) : `${t(lang, key)} ${score.toFixed(1)}`;
  return `<span class="sev ${h(label)}">${h(text)}</span>`;
}

export function table(head: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const th = head.map((c, i) => `<th${numeric.has(i) ? ' class="n"' : ''}>${c}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

export const empty = (lang: Language): string => `<p class="muted">${h(t(lang, 'none'))}</p>`;

/** Text cut to `max` characters with an ellipsis: some titles list dozens of ports. */
export function clamp(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}
