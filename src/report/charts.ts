// Charts drawn as inline SVG, so the report needs no script and makes no request: a stacked bar
// chart of findings over time by severity band, and small horizontal bars for tables.

import type { SeverityLabel } from '../findings/finding.ts';
import { escapeHtml } from '../sinks/email.ts';
import { SEVERITY_BANDS, type FindingsSection } from './model.ts';

export const BAND_COLORS: Record<SeverityLabel, string> = {
  critical: '#9f1239',
  high: '#ea580c',
  medium: '#d4a017',
  low: '#7aa7d9',
};

/** 1, 2, 5, 10, 20, 50... at or above `n`, for axis maxima. */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  if (n <= 10) return Math.ceil(n);
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/** Rough width in px of 11 px text: CJK characters are about twice as wide as Latin ones. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 11 : 6.5;
  return Math.ceil(w);
}

export interface TimelineLabels {
  bands: Record<SeverityLabel, string>;
}

/** Stacked columns per bucket (critical at the top), a y axis with 4 steps, sparse x labels. */
export function timelineSvg(tl: FindingsSection['timeline'], labels: TimelineLabels): string {
  const W = 700;
  const H = 220;
  const left = 40;
  const right = 8;
  const top = 28;
  const bottom = 28;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const n = Math.max(1, tl.buckets.length);
  const totals = tl.buckets.map((b) => SEVERITY_BANDS.reduce((s, k) => s + b.counts[k], 0));
  // Four gridline steps of a whole, round number: 7 findings -> 0, 2, 4, 6, 8.
  const max = 4 * niceCeiling(Math.max(1, ...totals) / 4);
  const step = plotW / n;
  const barW = Math.max(1, step * 0.72);
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    const yy = y(v).toFixed(1);
    const label = Number.isInteger(v) ? String(v) : v.toFixed(1);
    parts.push(
      `<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#e5e7eb" stroke-width="1"/>`,
    );
    parts.push(`<text x="${left - 6}" y="${yy}" dy="3.5" text-anchor="end" class="ax">${label}</text>`);
  }
  const stackOrder = [...SEVERITY_BANDS].reverse(); // low at the bottom
  tl.buckets.forEach((b, i) => {
    const x = left + i * step + (step - barW) / 2;
    let base = 0;
    for (const band of stackOrder) {
      const v = b.counts[band];
      if (v === 0) continue;
      const y1 = y(base + v);
      const h = y(base) - y1;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${BAND_COLORS[band]}"/>`,
      );
      base += v;
    }
  });
  const every = Math.max(1, Math.ceil(n / 8));
  const daily = tl.bucketSeconds >= 86_400;
  tl.buckets.forEach((b, i) => {
    if (i % every !== 0) return;
    const text = daily ? b.start.slice(5, 10) : `${b.start.slice(11, 13)}:00`;
    const x = left + i * step + step / 2;
    parts.push(
      `<text x="${x.toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle" class="ax">${text}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#9ca3af" stroke-width="1"/>`,
  );
  let lx = left;
  for (const band of SEVERITY_BANDS) {
    const name = escapeHtml(labels.bands[band]);
    parts.push(`<rect x="${lx}" y="6" width="11" height="11" fill="${BAND_COLORS[band]}"/>`);
    parts.push(`<text x="${lx + 15}" y="15.5" class="lg">${name}</text>`);
    lx += 34 + textWidth(labels.bands[band]);
  }
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img">${parts.join('')}</svg>`;
}

/** A small horizontal bar for a table cell: `value` of `max`, in the given colour. */
export function barSvg(value: number, max: number, color = '#64748b'): string {
  const W = 120;
  const w = max <= 0 ? 0 : Math.max(value > 0 ? 2 : 0, (value / max) * W);
  return `<svg class="bar" viewBox="0 0 ${W} 10" width="${W}" height="10"><rect width="${W}" height="10" fill="#f1f5f9"/><rect width="${w.toFixed(1)}" height="10" fill="${color}"/></svg>`;
}

/** One horizontal stacked bar of the severity counts, for the summary. */
export function severityStripSvg(counts: Record<SeverityLabel, number>): string {
  const W = 700;
  const total = SEVERITY_BANDS.reduce((s, k) => s + counts[k], 0);
  if (total === 0) return '';
  let x = 0;
  const rects = SEVERITY_BANDS.map((band) => {
    const w = (counts[band] / total) * W;
    const r =
      w > 0
        ? `<rect x="${x.toFixed(1)}" width="${w.toFixed(1)}" height="14" fill="${BAND_COLORS[band]}"/>`
        : '';
    x += w;
    return r;
  });
  return `<svg class="strip" viewBox="0 0 ${W} 14" width="100%">${rects.join('')}</svg>`;
}
