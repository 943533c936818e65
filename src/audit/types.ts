// The shapes every posture input, check and output shares.

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** What kind of configuration a file holds, recognised by content. */
export type InputKind = 'compose' | 'terraform' | 'iptables' | 'nft' | 'kubernetes';

/** A check's own definition: the source of its documentation, SARIF rule and JUnit name. */
export interface CheckDefinition {
  /** Stable id used in SARIF, JUnit, suppressions and --fail-on reports; never renamed. */
  id: string;
  title: string;
  severity: Severity;
  inputs: readonly InputKind[];
  /** Why it matters, one or two sentences. */
  description: string;
  remediation: string;
  /** Checks of other tools that cover the same ground (for people migrating). */
  related?: readonly string[];
}

/** An allow or deny rule reduced to what the advisor and the traffic join need. */
export interface NetExposure {
  direction: 'ingress' | 'egress';
  /** IANA protocol number, or 'all'. */
  protocol: number | 'all';
  /** Inclusive port range; null when the rule covers every port (or the protocol has none). */
  ports: { from: number; to: number } | null;
  /** Source (ingress) or destination (egress) CIDRs; empty when only references (SG ids, selectors). */
  cidrs: string[];
}

export interface Suppression {
  kind: 'inSource';
  justification: string;
  line: number;
}

export interface AuditFinding {
  checkId: string;
  severity: Severity;
  /** One sentence about this occurrence, with the values that made it fail. */
  message: string;
  file: string;
  /** 1-based lines of the offending element. */
  line: number;
  endLine: number;
  /** Resource address: `aws_security_group.web`, `service db`, `Deployment prod/api`, `chain INPUT`. */
  resource: string;
  /** Lines of the enclosing resource, where an inline suppression may be written. */
  scope: { startLine: number; endLine: number };
  snippet?: string;
  exposure?: NetExposure;
  suppression?: Suppression;
  /** Set by the traffic join: what observed flows say about this finding. */
  observed?: ObservedVerdict;
  /** A proposed change to the source, as a unified diff at the finding's lines. */
  fix?: { description: string; diff: string };
}

export type ObservedVerdict =
  | {
      kind: 'reached';
      acceptedFromPublic: number;
      distinctSources: number;
      /** Our addresses the accepted flows went to (at most 20), for joining with runtime findings. */
      resources: string[];
      /** The public source with the most accepted flows. */
      topSource: string;
      window: string;
    }
  | { kind: 'probed-closed'; rejected: number; window: string }
  | { kind: 'unused'; window: string; confidence: string }
  | { kind: 'no-data'; window: string };

/** A rule the advisor may propose to narrow or remove; every allow rule of a parsed file. */
export interface AuditRule {
  file: string;
  line: number;
  endLine: number;
  resource: string;
  exposure: NetExposure;
  /** The rule's source text lines, for diffs. */
  text: string;
}

/** One parsed configuration file's worth of facts, before checks run. */
export interface AuditedFile {
  file: string;
  kind: InputKind;
  lines: string[];
}

export interface AuditProblem {
  file: string;
  line: number;
  reason: string;
  text: string;
}
