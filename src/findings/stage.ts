// The findings stage: the one place that turns detector signals into findings. It drops signals
// about trusted addresses, derives the stable id, aggregates repeats (count = distinct windows,
// so re-importing the same data updates and never double counts), names the resource from the
// asset inventory (name, tags, owner, zone) and applies suppression rules. Results do not depend on signal order.

import type { Clock } from '../core/clock.ts';
import { isTrustedText, type AssetLookup, type IntelLookup } from '../engine/lookups.ts';
import {
  MAX_SAMPLE,
  MAX_WINDOWS_KEPT,
  clampSeverity,
  findingId,
  formatWindow,
  isoTime,
  severityLabel,
  type Finding,
  type Signal,
} from './finding.ts';
import { namedActor, resourceAssetFields } from './asset-fields.ts';
import type { FindingEvents } from './events.ts';
import type { FindingStore } from './store.ts';
import { matchingRule, type SuppressionRule } from './suppression.ts';

export type SignalOutcome = 'new' | 'updated' | 'repeat' | 'trusted';

export interface FindingsStage {
  accept(signal: Signal): Promise<SignalOutcome>;
  /**
   * Tells `events` of the findings accepted since the last call. The pipeline calls it after the
   * store's flush, so a listener that reads the store sees what it was told of.
   */
  announce(): Promise<void>;
  readonly counts: { new: number; updated: number; repeat: number; trusted: number };
}

export interface FindingsStageDeps {
  store: FindingStore;
  clock: Clock;
  intel: IntelLookup;
  assets: AssetLookup;
  /** Told of every stored finding with its outcome (alert router, live API stream). */
  events?: FindingEvents;
}

function evidenceOf(s: Signal): Finding['evidence'] {
  return {
    threshold: s.threshold,
    observed: s.observed,
    window: formatWindow(Math.round(s.windowEnd - s.windowStart)),
    sample: s.sample.slice(0, MAX_SAMPLE),
    query: s.query,
  };
}

export function createFindingsStage(deps: FindingsStageDeps): FindingsStage {
  const counts = { new: 0, updated: 0, repeat: 0, trusted: 0 };
  let rules: SuppressionRule[] | null = null;
  const pending: [Finding, SignalOutcome][] = [];

  const resourceOf = (s: Signal): Finding['resource'] => ({
    ip: s.resource.ip,
    id: s.resource.id,
    ...resourceAssetFields(deps.assets, s.resource.ip, s.resource.id),
  });

  async function accept(s: Signal): Promise<SignalOutcome> {
    if (isTrustedText(deps.intel, s.actor.ip) || isTrustedText(deps.intel, s.resource.ip)) {
      counts.trusted++;
      return 'trusted';
    }
    rules ??= await deps.store.listRules();
    const now = deps.clock.now();
    const id = findingId(
      s.type,
      s.resource.ip,
      s.actorInIdentity === false ? '*' : s.actor.ip,
      s.discriminator,
    );
    const existing = await deps.store.get(id);
    let f: Finding;
    let outcome: SignalOutcome;
    if (!existing) {
      f = {
        id,
        type: s.type,
        severity: clampSeverity(s.severity),
        severityLabel: severityLabel(clampSeverity(s.severity)),
        title: s.title,
        description: s.description,
        resource: resourceOf(s),
        actor: namedActor(deps.assets, s.actor),
        role: s.role,
        count: 1,
        firstSeen: isoTime(s.firstSeen),
        lastSeen: isoTime(s.lastSeen),
        evidence: evidenceOf(s),
        status: 'active',
        archivedBy: null,
        intelList: s.intelList ?? null,
        detector: s.detector,
        detail: { ...s.detail, windowStart: isoTime(s.windowStart) },
        windows: [s.windowStart],
        createdAt: now,
        updatedAt: now,
      };
      outcome = 'new';
    } else {
      f = existing;
      const known = f.windows.includes(s.windowStart);
      if (!known) {
        f.count++;
        f.windows.push(s.windowStart);
        f.windows.sort((a, b) => a - b);
        if (f.windows.length > MAX_WINDOWS_KEPT) f.windows.splice(0, f.windows.length - MAX_WINDOWS_KEPT);
      }
      const first = isoTime(s.firstSeen);
      const last = isoTime(s.lastSeen);
      if (first < f.firstSeen) f.firstSeen = first;
      if (last > f.lastSeen) f.lastSeen = last;
      const sev = clampSeverity(s.severity);
      if (sev > f.severity) {
        f.severity = sev;
        f.severityLabel = severityLabel(sev);
      }
      // "Latest detail" is the signal of the latest window (ties: the larger observation), so
      // the result is the same whatever order the signals came in.
      const latestWindow = f.windows[f.windows.length - 1] ?? s.windowStart;
      const currentDetailWindow = Date.parse(String(f.detail.windowStart ?? '')) / 1000;
      if (
        s.windowStart >= latestWindow &&
        (s.windowStart > currentDetailWindow || s.observed > f.evidence.observed)
      ) {
        f.title = s.title;
        f.description = s.description;
        f.evidence = evidenceOf(s);
        f.detail = { ...s.detail, windowStart: isoTime(s.windowStart) };
        f.role = s.role;
        if (s.actorInIdentity === false) f.actor = namedActor(deps.assets, s.actor);
        if (s.intelList !== undefined) f.intelList = s.intelList;
      }
      // The inventory may have learned the host since (a Sakura sync): name it as it is now.
      f.resource = resourceOf(s);
      if (s.actorInIdentity !== false) f.actor = namedActor(deps.assets, f.actor);
      f.updatedAt = now;
      outcome = known ? 'repeat' : 'updated';
    }
    if (f.status === 'active') {
      const rule = matchingRule(rules, f, now);
      if (rule) {
        f.status = 'archived';
        f.archivedBy = `suppression:${rule.id}`;
      }
    }
    await deps.store.put(f);
    counts[outcome]++;
    if (deps.events && deps.events.listenerCount > 0) pending.push([structuredClone(f), outcome]);
    return outcome;
  }

  async function announce(): Promise<void> {
    const list = pending.splice(0, pending.length);
    for (const [f, outcome] of list) await deps.events?.publish(f, outcome);
  }

  return { accept, announce, counts };
}
