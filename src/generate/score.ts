// Scores findings against labelled attacks: which findings are true positives, which labels
// were missed, per detector. Used by `npm run eval` and its tests.

import type { Finding } from '../findings/finding.ts';

export interface Label {
  name: string;
  type: string;
  /** The acting address (the scanner; or our host when our host acts). */
  actor: string;
  /** Our host the activity is about. */
  resource: string;
  start: number;
  end: number;
  /** Other finding types also true of the activity: they count as true positives, not as recall. */
  related?: readonly string[];
}

export interface DetectorScore {
  tp: number;
  fp: number;
  fpHigh: number;
}

export interface Score {
  labels: number;
  found: number;
  missed: Label[];
  perDetector: Record<string, DetectorScore>;
  /** Precision over findings of severity >= 4. */
  precisionMedium: number;
  findingsMedium: number;
  falsePositives: Finding[];
  trustedFindings: Finding[];
}

const SLACK = 300;

export function findingMatches(f: Finding, l: Label, type: string = l.type): boolean {
  if (f.type !== type) return false;
  const first = Date.parse(f.firstSeen) / 1000;
  const last = Date.parse(f.lastSeen) / 1000;
  if (last + SLACK < l.start || first - SLACK > l.end) return false;
  if (f.role === 'actor') return f.resource.ip === l.actor;
  return f.actor.ip === l.actor && f.resource.ip === l.resource;
}

export function scoreFindings(
  findings: readonly Finding[],
  labels: readonly Label[],
  trusted: readonly string[] = [],
): Score {
  const perDetector: Record<string, DetectorScore> = {};
  const falsePositives: Finding[] = [];
  let mediumTp = 0;
  let medium = 0;
  for (const f of findings) {
    const d = (perDetector[f.detector] ??= { tp: 0, fp: 0, fpHigh: 0 });
    const tp = labels.some(
      (l) => findingMatches(f, l) || (l.related ?? []).some((type) => findingMatches(f, l, type)),
    );
    if (tp) d.tp++;
    else {
      d.fp++;
      if (f.severity >= 4) d.fpHigh++;
      falsePositives.push(f);
    }
    if (f.severity >= 4) {
      medium++;
      if (tp) mediumTp++;
    }
  }
  const missed = labels.filter((l) => !findings.some((f) => findingMatches(f, l)));
  const trustedSet = new Set(trusted);
  return {
    labels: labels.length,
    found: labels.length - missed.length,
    missed,
    perDetector,
    precisionMedium: medium === 0 ? 1 : mediumTp / medium,
    findingsMedium: medium,
    falsePositives,
    trustedFindings: findings.filter((f) => trustedSet.has(f.actor.ip) || trustedSet.has(f.resource.ip)),
  };
}
