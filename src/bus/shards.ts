// Which detectors run on which shard. A shard is the unit a detector worker owns: its durable
// JetStream consumer reads every record, and only the shard's detectors see them, so each
// detector's whole state (every key and window) lives in one process. Detectors that can emit the
// same finding type share a shard, so one finding id always has one writer.

import type { Detector } from '../engine/detector.ts';

/** Groups of detectors with no finding type in common between groups, in registry order. */
export function detectorGroups(detectors: readonly Detector[]): Detector[][] {
  const groups: { types: Set<string>; members: Detector[] }[] = [];
  for (const d of detectors) {
    const overlapping = groups.filter((g) => d.types.some((t) => g.types.has(t)));
    const merged = { types: new Set(d.types), members: [d] };
    for (const g of overlapping) {
      for (const t of g.types) merged.types.add(t);
      merged.members.unshift(...g.members);
      groups.splice(groups.indexOf(g), 1);
    }
    groups.push(merged);
  }
  return groups.map((g) => g.members);
}

/** The detectors of each of `shards` shards: groups dealt round-robin (heaviest-first is future work). */
export function assignShards(detectors: readonly Detector[], shards: number): Detector[][] {
  const out: Detector[][] = Array.from({ length: shards }, () => []);
  detectorGroups(detectors).forEach((g, i) => out[i % shards]!.push(...g));
  return out;
}
