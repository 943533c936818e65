// The streaming side of the rules: every enabled rule compiled once, flow rules filed under their
// most selective field (dispatch.ts: a record is tested only against the rules that could match
// it), event rules under their event kind, matches aggregated per window and endpoint pair into
// signals, and fed to the correlations that reference them.

import type { FlowBatch } from '../core/flow.ts';
import { parseIp } from '../core/ip.ts';
import type { LogEvent } from '../core/records.ts';
import type { DetectorContext, FlowView } from '../engine/detector.ts';
import { sampleText } from '../engine/evidence.ts';
import { hashKey } from '../engine/keys.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import { compileEventRule, type EventPredicate, eventValueText } from './compile-event.ts';
import { compileFlowRule, type FlowPredicate, flowValueText } from './compile-flow.ts';
import { createFlowDispatch } from './dispatch.ts';
import { type ClosedGroup, type CorrelationState, createCorrelationState } from './correlation.ts';
import { resolveField } from './fields.ts';
import { type MatchFacts, displaySql, ruleSignal } from './rule-signal.ts';
import type { CorrelationRule, DetectionRule } from './types.ts';

export interface RuleEngineOptions {
  /** Window (seconds) a detection rule's matches are gathered in before they become one signal. */
  windowSeconds: number;
  /** Most keys (endpoint pairs, correlation groups) one window holds per engine / correlation. */
  maxKeys: number;
  /** Live mode (DetectorDeps.early): report a match or a met condition at once, again at the close. */
  early?: boolean;
}

interface Feed {
  rule: CorrelationRule;
  state: CorrelationState;
  position: number;
  group: ((b: FlowBatch, i: number) => string | null)[] | ((e: LogEvent) => string | null)[];
  value: ((b: FlowBatch, i: number) => string | null) | ((e: LogEvent) => string | null) | null;
}

interface Entry {
  rule: DetectionRule;
  slot: number;
  emits: boolean;
  feeds: Feed[];
  matches: number;
}

interface FlowEntry extends Entry {
  pred: FlowPredicate;
}
interface EventEntry extends Entry {
  pred: EventPredicate;
}

interface Agg extends MatchFacts {
  slot: number;
  count: number;
}

export interface RuleEngine {
  onFlows(view: FlowView, ctx: DetectorContext): void;
  onEvent(e: LogEvent, ctx: DetectorContext): void;
  onWatermark(t: number, ctx: DetectorContext): void;
  stateSize(): number;
  /** Records matched so far, by rule id (detection rules). */
  matchCounts(): Map<string, number>;
  /** Keys not tracked because a window was full (detection windows and correlations). */
  dropped(): number;
}

/**
 * `emitting`: detection rules that raise findings; `correlations`: enabled correlations (their
 * referenced rules are evaluated even when they do not emit).
 */
export function createRuleEngine(
  emitting: readonly DetectionRule[],
  correlations: readonly CorrelationRule[],
  all: readonly DetectionRule[],
  opts: RuleEngineOptions,
): RuleEngine {
  const entries = new Map<DetectionRule, FlowEntry | EventEntry>();
  const entryOf = (rule: DetectionRule): FlowEntry | EventEntry => {
    let e = entries.get(rule);
    if (e === undefined) {
      const base = { rule, slot: entries.size, emits: false, feeds: [], matches: 0 };
      e =
        rule.records === 'flow'
          ? { ...base, pred: compileFlowRule(rule) }
          : { ...base, pred: compileEventRule(rule) };
      entries.set(rule, e);
    }
    return e;
  };
  for (const r of emitting) entryOf(r).emits = true;
  const corrStates: { rule: CorrelationRule; state: CorrelationState }[] = [];
  const byRef = new Map<string, DetectionRule>();
  for (const r of all) {
    byRef.set(r.id, r);
    if (r.name !== null && !byRef.has(r.name)) byRef.set(r.name, r);
  }
  for (const c of correlations) {
    const state = createCorrelationState(c, opts.maxKeys);
    corrStates.push({ rule: c, state });
    c.rules.forEach((ref, position) => {
      const base = byRef.get(ref);
      if (base === undefined) return;
      const e = entryOf(base);
      if (c.generate) e.emits = true;
      const fields = c.groupBy.map((f) => resolveField(f, base.records)!);
      const vf = c.valueField === null ? null : resolveField(c.valueField, base.records);
      const group = base.records === 'flow' ? fields.map(flowValueText) : fields.map(eventValueText);
      const value = vf === null ? null : base.records === 'flow' ? flowValueText(vf) : eventValueText(vf);
      e.feeds.push({ rule: c, state, position, group, value } as Feed);
    });
  }
  const flowEntries = [...entries.values()].filter((e): e is FlowEntry => e.rule.records === 'flow');
  const eventEntries = [...entries.values()].filter((e): e is EventEntry => e.rule.records === 'event');
  const slots = [...entries.values()].map((e) => e.rule);
  // Each flow rule is tried only on the records it can match (dispatch.ts); event rules by kind.
  const dispatch = createFlowDispatch(flowEntries);
  const eventsByKind = new Map<string, EventEntry[]>();
  const eventsAlways: EventEntry[] = [];
  for (const e of eventEntries) {
    const kind = e.rule.eventKind;
    if (kind === null) eventsAlways.push(e);
    else {
      const list = eventsByKind.get(kind);
      if (list === undefined) eventsByKind.set(kind, [e]);
      else list.push(e);
    }
  }
  const windows = createTumblingWindows<Map<number | string, Agg>>(opts.windowSeconds, () => new Map());
  let dropped = 0;
  const early = opts.early === true;

  function record(
    ctx: DetectorContext | null,
    e: Entry,
    time: number,
    facts: () => Omit<Agg, 'slot' | 'count' | 'first' | 'last' | 'samples'>,
    key: number | string,
    sample: () => string,
  ): void {
    if (!e.emits) return;
    const w = windows.at(time);
    if (w === null) return;
    let a = w.get(key);
    if (a === undefined) {
      if (w.size >= opts.maxKeys) {
        dropped++;
        return;
      }
      a = { ...facts(), slot: e.slot, count: 0, first: time, last: time, samples: [] };
      w.set(key, a);
    }
    a.count++;
    if (time < a.first) a.first = time;
    if (time > a.last) a.last = time;
    if (a.samples.length < 20) a.samples.push(sample());
    if (early && a.count === 1 && ctx !== null) {
      const start = Math.floor(time / opts.windowSeconds) * opts.windowSeconds;
      emitDetection(a, start, start + opts.windowSeconds, ctx);
    }
  }

  function emitDetection(a: Agg, start: number, end: number, ctx: DetectorContext): void {
    const rule = slots[a.slot]!;
    const query =
      rule.records === 'flow'
        ? displaySql(rule, start, end, { src: a.src ?? undefined, dst: a.dst ?? undefined })
        : displaySql(rule, start, end);
    ctx.emit(ruleSignal(rule, a, { start, end }, a.count, 1, query, {}));
  }

  function emitCorrelation(rule: CorrelationRule, g: ClosedGroup, ctx: DetectorContext): void {
    const base = byRef.get(rule.rules[0]!);
    const query = base ? displaySql(base, g.windowStart, g.windowEnd) : '';
    const group = rule.groupBy.map((f, k) => `${f}=${g.state.group[k] ?? 'null'}`).join(',');
    ctx.emit(
      ruleSignal(
        rule,
        g.state,
        { start: g.windowStart, end: g.windowEnd },
        g.observed,
        rule.compare.value,
        query,
        {
          correlation: rule.type,
          group,
          condition: `${rule.compare.op} ${rule.compare.value}`,
        },
      ),
    );
  }

  function hitFlow(e: FlowEntry, view: FlowView, i: number, ctx: DetectorContext): void {
    e.matches++;
    const b = view.batch;
    const t = b.start[i]!;
    const srcKey = view.srcKey[i]!;
    const dstKey = view.dstKey[i]!;
    // Text is made only when a new key starts (or a correlation group moves on): not per match.
    const facts = () => ({
      src: ctx.keyText(srcKey),
      dst: ctx.keyText(dstKey),
      srcInternal: view.srcInternal[i] === 1,
      dstInternal: view.dstInternal[i] === 1,
      resourceId: b.resource[i] ?? null,
    });
    const sample = (): string => sampleText(b, i);
    record(ctx, e, t, facts, hashKey(e.slot, srcKey, dstKey), sample);
    for (const f of e.feeds) {
      const group = (f.group as ((b: FlowBatch, i: number) => string | null)[]).map((g) => g(b, i));
      const value = f.value === null ? null : (f.value as (b: FlowBatch, i: number) => string | null)(b, i);
      const now = f.state.add({ position: f.position, time: t, group, value, sample, facts }, early);
      if (now !== null) emitCorrelation(f.rule, now, ctx);
    }
  }

  const internal = (ctx: DetectorContext, ip: string | null): boolean => {
    const a = ip === null ? null : parseIp(ip);
    return a !== null && ctx.scope.isInternal(a.v4, a.v6);
  };

  function hitEvent(e: EventEntry, ev: LogEvent, ctx: DetectorContext): void {
    e.matches++;
    const facts = () => ({
      src: ev.src_ip,
      dst: ev.dst_ip,
      srcInternal: internal(ctx, ev.src_ip),
      dstInternal: internal(ctx, ev.dst_ip),
      resourceId: ev.host,
    });
    const sample = (): string =>
      `${new Date(ev.time * 1000).toISOString()} ${ev.source} ${ev.message}`.slice(0, 500);
    record(
      ctx,
      e,
      ev.time,
      facts,
      `${e.slot}|${ev.src_ip ?? ''}|${ev.dst_ip ?? ''}|${ev.host ?? ''}`,
      sample,
    );
    for (const f of e.feeds) {
      const group = (f.group as ((e: LogEvent) => string | null)[]).map((g) => g(ev));
      const value = f.value === null ? null : (f.value as (e: LogEvent) => string | null)(ev);
      const now = f.state.add({ position: f.position, time: ev.time, group, value, sample, facts }, early);
      if (now !== null) emitCorrelation(f.rule, now, ctx);
    }
  }

  function closeWindows(t: number, ctx: DetectorContext): void {
    windows.closeUpTo(t, (start, end, w) => {
      for (const a of w.values()) emitDetection(a, start, end, ctx);
    });
    for (const { rule, state } of corrStates) state.closeUpTo(t, (g) => emitCorrelation(rule, g, ctx));
  }

  return {
    onFlows(view, ctx) {
      dispatch.run(view.batch, view.skip, (e, i) => hitFlow(e, view, i, ctx));
    },
    onEvent(ev, ctx) {
      const byKind = eventsByKind.get(ev.kind);
      if (byKind !== undefined) for (const e of byKind) if (e.pred(ev)) hitEvent(e, ev, ctx);
      for (const e of eventsAlways) if (e.pred(ev)) hitEvent(e, ev, ctx);
    },
    onWatermark(t, ctx) {
      closeWindows(t, ctx);
    },
    stateSize() {
      let n = 0;
      for (const [, w] of windows.open()) n += w.size;
      for (const c of corrStates) n += c.state.size();
      return n;
    },
    dropped() {
      return dropped + corrStates.reduce((n, c) => n + c.state.dropped, 0);
    },
    matchCounts() {
      return new Map([...entries.values()].map((e) => [e.rule.id, e.matches]));
    },
  };
}
