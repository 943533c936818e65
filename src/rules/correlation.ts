// Correlation state in event-time windows: tumbling windows of the rule's timespan (aligned to
// the epoch, as the SQL hunt groups them), per group-by key, bounded (at most `maxGroups` keys per
// window, at most TIMES_KEPT times per referenced rule, at most VALUES_KEPT distinct values).
// The decision functions are shared with the SQL hunt so both give the same answer.

import { createTumblingWindows, type TumblingWindows } from '../engine/windows.ts';
import type { CompareOp, CorrelationRule } from './types.ts';

/** Earliest match times kept per referenced rule and group (temporal_ordered). */
export const TIMES_KEPT = 64;
/** Distinct values kept per group (value_count): counts above it are reported as at least this. */
export const VALUES_KEPT = 10_000;

export interface GroupState {
  group: (string | null)[];
  count: number;
  values: Set<string>;
  /** Per referenced rule: its earliest match times, sorted, at most TIMES_KEPT. */
  times: number[][];
  first: number;
  last: number;
  samples: string[];
  /** The endpoints of the first contributing record at the latest time, for the finding's resource and actor. */
  src: string | null;
  dst: string | null;
  srcInternal: boolean;
  dstInternal: boolean;
  resourceId: string | null;
  /** Live mode: the group already raised its finding before the window closed. */
  reportedEarly: boolean;
}

export interface Contribution {
  position: number;
  time: number;
  group: (string | null)[];
  value: string | null;
  /** Made only when kept (the first 20 per group). */
  sample: () => string;
  /** The record's endpoints, made only when it is the group's first record at a later time than any before. */
  facts: () => Pick<GroupState, 'src' | 'dst' | 'srcInternal' | 'dstInternal' | 'resourceId'>;
}

export interface ClosedGroup {
  windowStart: number;
  windowEnd: number;
  state: GroupState;
  observed: number;
}

export function compare(n: number, op: CompareOp, v: number): boolean {
  switch (op) {
    case 'gt':
      return n > v;
    case 'gte':
      return n >= v;
    case 'lt':
      return n < v;
    case 'lte':
      return n <= v;
    case 'eq':
      return n === v;
    case 'neq':
      return n !== v;
    default: {
      const never: never = op;
      throw new Error(`unexpected op ${String(never)}`);
    }
  }
}

/** Inserts t into a sorted list keeping only the `max` smallest. */
export function insertTime(list: number[], t: number, max = TIMES_KEPT): void {
  if (list.length >= max && t >= list[list.length - 1]!) return;
  let i = list.length;
  while (i > 0 && list[i - 1]! > t) i--;
  list.splice(i, 0, t);
  if (list.length > max) list.pop();
}

/**
 * temporal_ordered: how many referenced rules, in order, matched after each other (rule k's
 * min-count-th match strictly after rule k-1's), greedily from the earliest. All = in order.
 */
export function orderedPrefix(times: readonly (readonly number[])[], minCounts: readonly number[]): number {
  let after = -Infinity;
  for (let k = 0; k < times.length; k++) {
    const need = minCounts[k] ?? 1;
    let seen = 0;
    let found = NaN;
    for (const t of times[k]!) {
      if (t > after && ++seen === need) {
        found = t;
        break;
      }
    }
    if (Number.isNaN(found)) return k;
    after = found;
  }
  return times.length;
}

/** The figure the condition compares, per correlation type. */
export function observedValue(
  rule: CorrelationRule,
  s: Pick<GroupState, 'count' | 'values' | 'times'>,
): number {
  switch (rule.type) {
    case 'event_count':
      return s.count;
    case 'value_count':
      return s.values.size;
    case 'temporal':
      return s.times.filter((t) => t.length > 0).length;
    case 'temporal_ordered':
      return orderedPrefix(s.times, rule.minCounts);
    default: {
      const never: never = rule.type;
      throw new Error(`unexpected type ${String(never)}`);
    }
  }
}

export interface CorrelationState {
  /**
   * Adds a match. Live mode (`early`): returns the group when this match made a monotone
   * condition (gt, gte) true for the first time in its window, so it can be reported now.
   */
  add(c: Contribution, early?: boolean): ClosedGroup | null;
  closeUpTo(t: number, onFire: (g: ClosedGroup) => void): void;
  size(): number;
  readonly dropped: number;
}

export function createCorrelationState(rule: CorrelationRule, maxGroups: number): CorrelationState {
  // Keyed by the group's one value when there is one group-by field (no text made per match).
  const windows: TumblingWindows<Map<string | null, GroupState>> = createTumblingWindows(
    rule.timespanSeconds,
    () => new Map(),
  );
  let dropped = 0;
  return {
    add(c, early = false) {
      const w = windows.at(c.time);
      if (w === null) return null;
      const key = c.group.length === 1 ? (c.group[0] ?? null) : JSON.stringify(c.group);
      let s = w.get(key);
      if (s === undefined) {
        if (w.size >= maxGroups) {
          dropped++;
          return null;
        }
        s = {
          group: c.group,
          count: 0,
          values: new Set(),
          times: rule.rules.map(() => []),
          first: c.time,
          last: c.time,
          samples: [],
          src: null,
          dst: null,
          srcInternal: false,
          dstInternal: false,
          resourceId: null,
          reportedEarly: false,
        };
        w.set(key, s);
      }
      s.count++;
      if (c.value !== null && s.values.size < VALUES_KEPT) s.values.add(c.value);
      insertTime(s.times[c.position]!, c.time);
      if (c.time < s.first) s.first = c.time;
      // The endpoints of the first record at the latest time: made once per time, not per match.
      if (c.time > s.last || s.src === null) {
        s.last = Math.max(s.last, c.time);
        Object.assign(s, c.facts());
      }
      if (s.samples.length < 20) s.samples.push(c.sample());
      if (!early || s.reportedEarly || (rule.compare.op !== 'gt' && rule.compare.op !== 'gte')) return null;
      const observed = observedValue(rule, s);
      if (!compare(observed, rule.compare.op, rule.compare.value)) return null;
      s.reportedEarly = true;
      const start = Math.floor(c.time / rule.timespanSeconds) * rule.timespanSeconds;
      return { windowStart: start, windowEnd: start + rule.timespanSeconds, state: s, observed };
    },
    closeUpTo(t, onFire) {
      windows.closeUpTo(t, (start, end, groups) => {
        for (const s of groups.values()) {
          const observed = observedValue(rule, s);
          if (compare(observed, rule.compare.op, rule.compare.value))
            onFire({ windowStart: start, windowEnd: end, state: s, observed });
        }
      });
    },
    size() {
      let n = 0;
      for (const [, w] of windows.open()) n += w.size;
      return n;
    },
    get dropped() {
      return dropped;
    },
  };
}
