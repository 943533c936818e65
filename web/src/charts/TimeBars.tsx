// Stacked bars over time in SVG: one bar per bucket, one colour per series. A click on a bar
// hands its bucket to the caller (to narrow the time range).

import type { ReactNode } from 'react';
import { useWidth } from './useWidth.ts';

export interface TimePoint {
  t: number;
  values: number[];
}

interface Props {
  points: readonly TimePoint[];
  series: readonly { label: string; color: string }[];
  bucketMs: number;
  formatTick(ms: number): string;
  formatValue(v: number): string;
  onPick?(from: number, to: number): void;
  label: string;
  height?: number;
}

const PAD = { l: 56, r: 8, t: 8, b: 22 };

export function TimeBars(props: Props): ReactNode {
  const [box, W] = useWidth<HTMLDivElement>();
  const h = props.height ?? 180;
  const pts = props.points;
  if (pts.length === 0)
    return (
      <div ref={box}>
        <svg className="chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={props.label} />
      </div>
    );
  const t0 = Math.min(...pts.map((p) => p.t));
  const t1 = Math.max(...pts.map((p) => p.t)) + props.bucketMs;
  const max = Math.max(1, ...pts.map((p) => p.values.reduce((a, b) => a + b, 0)));
  const iw = W - PAD.l - PAD.r;
  const ih = h - PAD.t - PAD.b;
  const x = (t: number): number => PAD.l + ((t - t0) / (t1 - t0)) * iw;
  const bw = Math.max(1, (props.bucketMs / (t1 - t0)) * iw - 1);
  const ticks = 6;
  return (
    <div ref={box}>
      <svg className="chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={props.label}>
        <line x1={PAD.l} y1={PAD.t + ih} x2={W - PAD.r} y2={PAD.t + ih} className="axis" />
        <text x={PAD.l - 4} y={PAD.t + 10} textAnchor="end" className="tick">
          {props.formatValue(max)}
        </text>
        <text x={PAD.l - 4} y={PAD.t + ih} textAnchor="end" className="tick">
          0
        </text>
        {Array.from({ length: ticks }, (_, i) => {
          const t = t0 + ((t1 - t0) * i) / (ticks - 1);
          return (
            <text
              key={i}
              x={x(t)}
              y={h - 6}
              textAnchor={i === 0 ? 'start' : i === ticks - 1 ? 'end' : 'middle'}
              className="tick"
            >
              {props.formatTick(t)}
            </text>
          );
        })}
        {pts.map((p) => {
          let y = PAD.t + ih;
          const total = p.values.reduce((a, b) => a + b, 0);
          return (
            <g
              key={p.t}
              className={props.onPick ? 'bar clickable' : 'bar'}
              onClick={() => props.onPick?.(p.t, p.t + props.bucketMs)}
            >
              <title>{`${props.formatTick(p.t)}: ${props.formatValue(total)}`}</title>
              <rect x={x(p.t)} y={PAD.t} width={bw} height={ih} fill="transparent" />
              {p.values.map((v, i) => {
                const bh = (v / max) * ih;
                y -= bh;
                return (
                  <rect
                    key={i}
                    x={x(p.t)}
                    y={y}
                    width={bw}
                    height={bh}
                    fill={props.series[i]?.color ?? '#888'}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

export function Legend(props: { series: readonly { label: string; color: string }[] }): ReactNode {
  return (
    <div className="legend">
      {props.series.map((s) => (
        <span key={s.label}>
          <i style={{ background: s.color }} />
          {s.label}
        </span>
      ))}
    </div>
  );
}
