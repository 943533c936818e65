// A chart for a query result, chosen from its columns: a time column and a number give bars
// over time; a label column and a number give a top-N bar list. Returns null when neither fits.

import type { ReactNode } from 'react';
import type { QueryResult } from '../api.ts';
import { HBars } from './HBars.tsx';
import { TimeBars } from './TimeBars.tsx';

const NUMERIC = /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/i;
const TIME = /TIMESTAMP|DATE/i;

export function chartable(r: QueryResult): { label: number; value: number; time: boolean } | null {
  const value = r.columns.findIndex((c) => NUMERIC.test(c.type));
  if (value < 0) return null;
  const time = r.columns.findIndex((c) => TIME.test(c.type));
  if (time >= 0) return { label: time, value, time: true };
  const label = r.columns.findIndex((c, i) => i !== value && !NUMERIC.test(c.type));
  const fallback = r.columns.findIndex((_c, i) => i !== value);
  const l = label >= 0 ? label : fallback;
  return l < 0 ? null : { label: l, value, time: false };
}

interface Props {
  result: QueryResult;
  formatValue(v: number): string;
  formatTick(ms: number, span: number): string;
  label: string;
}

export function ResultChart(props: Props): ReactNode {
  const c = chartable(props.result);
  if (!c) return null;
  const rows = props.result.rows;
  if (c.time) {
    const pts = rows
      .map((r) => ({ t: new Date(String(r[c.label])).getTime(), values: [Number(r[c.value] ?? 0)] }))
      .filter((p) => Number.isFinite(p.t))
      .sort((a, b) => a.t - b.t);
    let step = Infinity;
    for (let i = 1; i < pts.length; i++)
      step = Math.min(step, (pts[i]?.t ?? 0) - (pts[i - 1]?.t ?? 0) || Infinity);
    const bucket = Number.isFinite(step) ? step : 60_000;
    const span = pts.length === 0 ? 0 : (pts[pts.length - 1]?.t ?? 0) - (pts[0]?.t ?? 0) + bucket;
    return (
      <TimeBars
        points={pts}
        series={[{ label: props.result.columns[c.value]?.name ?? '', color: '#d6336c' }]}
        bucketMs={bucket}
        formatTick={(ms) => props.formatTick(ms, span)}
        formatValue={props.formatValue}
        label={props.label}
      />
    );
  }
  const items = rows.slice(0, 25).map((r, i) => {
    const others = r.filter((_v, j) => j !== c.value && j !== c.label).map(String);
    return {
      key: String(i),
      label: String(r[c.label] ?? ''),
      value: Number(r[c.value] ?? 0),
      ...(others.length > 0 && others.length <= 2 ? { note: `→ ${others.join(' ')}` } : {}),
    };
  });
  return <HBars items={items} formatValue={props.formatValue} empty="" />;
}
