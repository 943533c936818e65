// Words and chart data shared by the behaviour findings: sizes, the learning window, maturity
// (the cold-start rule) and the `series` detail field (docs/baselines.md gives its shape).

import { isoTime } from '../findings/finding.ts';
import { durationWords } from './beacon-score.ts';
import { portName, type HostProfile } from './profile.ts';

/** Cold start: a host's profile is mature once it has this much history. */
export interface Maturity {
  learningSeconds: number;
  minFlows: number;
}

export function isMature(p: HostProfile, t: number, m: Maturity): boolean {
  return t - p.first >= m.learningSeconds && p.flows >= m.minFlows;
}

export function bytesWords(n: number): string {
  if (n >= 1073741824) return `${Math.round((n / 1073741824) * 10) / 10} GB`;
  if (n >= 1048576) return `${Math.round((n / 1048576) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${Math.round(n)} bytes`;
}

/** "learned from 3.2 h of history (since 2026-11-23T10:00:00Z, 4 120 flows; mature after 1 h)". */
export function learningWords(p: HostProfile, t: number, m: Maturity): string {
  return `learned from ${durationWords(t - p.first)} of history (since ${isoTime(p.first)}, ${p.flows} flows; mature after ${durationWords(m.learningSeconds)})`;
}

/** Up to `max` known ports, as "tcp/443, udp/53" (and how many more). */
export function portsWords(ports: ReadonlySet<number>, max = 12): string {
  if (ports.size === 0) return 'none';
  const list = [...ports].sort((a, b) => a - b);
  const head = list.slice(0, max).map(portName).join(', ');
  return list.length > max ? `${head} and ${list.length - max} more` : head;
}

export interface Series {
  kind: string;
  unit: string;
  /** [Unix seconds, value] in time order. */
  points: [number, number][];
  /** Optional baseline line: [Unix seconds, typical value] or one value for all points. */
  baseline?: number;
  /** Optional extra bars (e.g. a 24-bin histogram). */
  histogram?: number[];
}

/** The `series` detail field: JSON text, at most 200 points. */
export function seriesText(s: Series): string {
  return JSON.stringify({ ...s, points: s.points.slice(-200) });
}

/** Adds `v` to the point for the bucket holding t (points kept in time order, bounded). */
export function addPoint(points: [number, number][], t: number, step: number, v: number, max = 200): void {
  const b = Math.floor(t / step) * step;
  const last = points[points.length - 1];
  if (last !== undefined && last[0] === b) {
    last[1] += v;
    return;
  }
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]![0] === b) {
      points[i]![1] += v;
      return;
    }
    if (points[i]![0] < b) {
      points.splice(i + 1, 0, [b, v]);
      if (points.length > max) points.shift();
      return;
    }
  }
  points.unshift([b, v]);
  if (points.length > max) points.pop();
}
