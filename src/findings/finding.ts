// The finding: what the findings stage makes of detector signals, and what `findings --json`
// prints (PRODUCT.md's finding JSON contract). Detectors never build findings; they emit Signals.

import { createHash } from 'node:crypto';

export type Role = 'actor' | 'target';
export type FindingStatus = 'active' | 'archived';
export type SeverityLabel = 'low' | 'medium' | 'high' | 'critical';

/** The remote or acting side of a signal. IPv4 text or canonical IPv6 text. */
export interface Endpoint {
  ip: string;
  port: number | null;
}

/** "This happened, identified by X": what a detector emits, once per closed window and key. */
export interface Signal {
  type: string;
  /** Base severity 1.0-10.0 chosen by the detector from the role and the target. */
  severity: number;
  /** Our host (the finding is about it). */
  resource: { ip: string; id: string | null };
  actor: Endpoint;
  /** Whether our resource is the actor of the activity or its target. */
  role: Role;
  /** Extra identity beyond type/resource/actor (e.g. "port:445"); part of the finding id. */
  discriminator: string;
  /**
   * False when many actors do the same thing to one resource and one finding should hold them
   * (GuardDuty groups port probes by resource and port): the actor is then left out of the id and
   * the finding names the actor of its latest detail. Default true.
   */
  actorInIdentity?: boolean;
  title: string;
  description: string;
  threshold: number;
  observed: number;
  /** Window (Unix seconds) the activity was observed in. */
  windowStart: number;
  windowEnd: number;
  /** Up to 20 contributing records, as text. */
  sample: string[];
  /** SQL over the `flows` view that returns every contributing record. */
  query: string;
  /** First and last record time of the activity (Unix seconds). */
  firstSeen: number;
  lastSeen: number;
  /** Threat-intel list that matched, when the signal came from intel. */
  intelList?: string;
  detail: Record<string, string | number | boolean | string[]>;
  detector: string;
}

/**
 * What the asset inventory says of an address: its name, tags, owner, and the zone (from a
 * `zone:<name>` tag, which Sakura Cloud inventory sync writes). Absent on findings stored before
 * these fields existed, so readers default `tags` to [] and the others to null.
 */
export interface AssetFields {
  name: string | null;
  tags?: string[];
  owner?: string | null;
  zone?: string | null;
}

/** A finding's actor: the endpoint, plus the asset fields when the inventory lists the actor too. */
export interface FindingActor extends Endpoint {
  name?: string;
  tags?: string[];
  owner?: string | null;
  zone?: string | null;
}

export interface Evidence {
  threshold: number;
  observed: number;
  window: string;
  sample: string[];
  query: string;
}

export interface Finding {
  id: string;
  type: string;
  severity: number;
  severityLabel: SeverityLabel;
  title: string;
  description: string;
  resource: { ip: string; id: string | null } & AssetFields;
  actor: FindingActor;
  role: Role;
  count: number;
  firstSeen: string;
  lastSeen: string;
  evidence: Evidence;
  status: FindingStatus;
  /** Why the finding is archived: "user", or "suppression:<rule id>". Null when active. */
  archivedBy: string | null;
  intelList: string | null;
  detector: string;
  detail: Record<string, string | number | boolean | string[]>;
  /** Start times (Unix seconds) of the windows already counted: re-imports do not add to `count`. */
  windows: number[];
  /** Milliseconds (injected clock) when first created and last updated. */
  createdAt: number;
  updatedAt: number;
}

export const MAX_SAMPLE = 20;
export const MAX_WINDOWS_KEPT = 200;

/** GuardDuty bands: low 1.0-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0. */
export function severityLabel(severity: number): SeverityLabel {
  if (severity >= 9) return 'critical';
  if (severity >= 7) return 'high';
  if (severity >= 4) return 'medium';
  return 'low';
}

export function clampSeverity(s: number): number {
  return Math.round(Math.min(10, Math.max(1, s)) * 10) / 10;
}

/** Stable id: the same (type, resource, actor, discriminator) always maps to the same finding. */
export function findingId(type: string, resourceIp: string, actorIp: string, discriminator: string): string {
  return createHash('sha256')
    .update(`${type}\u0000${resourceIp}\u0000${actorIp}\u0000${discriminator}`)
    .digest('hex')
    .slice(0, 32);
}

export function isoTime(unixSeconds: number): string {
  return new Date(Math.round(unixSeconds * 1000)).toISOString().replace('.000Z', 'Z');
}

export function formatWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
