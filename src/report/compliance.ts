// The compliance view: which network-security control each posture check and each detector gives
// evidence for, and that evidence for one period. Every check id and every registered detector
// maps to exactly one control (compliance.test.ts fails when one is added without a line here).

import type { Finding } from '../findings/finding.ts';
import type {
  BlockedSection,
  ComplianceControl,
  ControlEvidence,
  ControlId,
  ControlStatus,
  CoverageSection,
  PostureSection,
} from './model.ts';

export const CONTROLS: readonly ControlId[] = [
  'segmentation',
  'least-privilege',
  'logging-monitoring',
  'incident-response',
];

/**
 * Posture checks by the control they test. Keyed by string, not CheckId, so that a check added by
 * someone else still compiles here; compliance.test.ts fails until it is given its line.
 */
export const CHECK_CONTROLS: Readonly<Record<string, ControlId>> = {
  // Is the network divided, with a default deny between the parts?
  'NET-WIDE-PRIVATE-SOURCE': 'segmentation',
  'NET-EGRESS-ALL': 'segmentation',
  'AWS-NACL-ALL-OPEN': 'segmentation',
  'SAKURA-PF-NO-DEFAULT-DENY': 'segmentation',
  'SAKURA-SERVER-NO-PACKET-FILTER': 'segmentation',
  'COMPOSE-HOST-NETWORK': 'segmentation',
  'COMPOSE-DEFAULT-NETWORK': 'segmentation',
  'COMPOSE-PUBLISH-BYPASSES-FIREWALL': 'segmentation',
  'HOST-DEFAULT-ACCEPT': 'segmentation',
  'K8S-NAMESPACE-NO-DEFAULT-DENY': 'segmentation',
  'K8S-WORKLOAD-NOT-ISOLATED': 'segmentation',
  'K8S-POLICY-ALLOW-ALL': 'segmentation',
  'K8S-POLICY-SELECTS-NOTHING': 'segmentation',
  'K8S-HOST-NETWORK': 'segmentation',
  // Is each service reachable only by those who need it?
  'NET-ALL-PORTS-OPEN': 'least-privilege',
  'NET-SSH-OPEN': 'least-privilege',
  'NET-RDP-OPEN': 'least-privilege',
  'NET-ADMIN-PORT-OPEN': 'least-privilege',
  'NET-DATABASE-PORT-OPEN': 'least-privilege',
  'NET-PORT-OPEN': 'least-privilege',
  'NET-PROTOCOL-OPEN': 'least-privilege',
  'NET-WIDE-PUBLIC-SOURCE': 'least-privilege',
  'AWS-NACL-SSH-OPEN': 'least-privilege',
  'AWS-NACL-RDP-OPEN': 'least-privilege',
  'AWS-DEFAULT-SG-HAS-RULES': 'least-privilege',
  'AWS-SG-UNATTACHED': 'least-privilege',
  'COMPOSE-DATABASE-PORT-PUBLISHED': 'least-privilege',
  'COMPOSE-PORT-PUBLISHED': 'least-privilege',
  'COMPOSE-PRIVILEGED': 'least-privilege',
  'COMPOSE-DOCKER-SOCKET': 'least-privilege',
  'HOST-DATABASE-PORT-OPEN': 'least-privilege',
  'K8S-HOST-PORT': 'least-privilege',
  'FLOW-EXPOSURE-PROBED': 'least-privilege',
  'FLOW-RULE-UNUSED': 'least-privilege',
  'FLOW-RULE-NARROW': 'least-privilege',
  // Is traffic recorded, and are exceptions documented?
  'AWS-VPC-NO-FLOW-LOGS': 'logging-monitoring',
  'AUDIT-SUPPRESSION-NO-REASON': 'logging-monitoring',
  'SAKURA-ROUTER-FW-LOGGING-OFF': 'logging-monitoring',
};

/** Detectors (ids of src/detectors/index.ts, plus the posture audit's own signals) by control. */
export const DETECTOR_CONTROLS: Readonly<Record<string, ControlId>> = {
  // Movement and reconnaissance across boundaries show where segmentation fails.
  portscan: 'segmentation',
  'port-sweep': 'segmentation',
  'firewall-drops': 'segmentation',
  // Exposed services being probed or guessed at show where access is wider than needed.
  'port-probe': 'least-privilege',
  bruteforce: 'least-privilege',
  'ssh-auth': 'least-privilege',
  'posture-audit': 'least-privilege',
  // Watching for what only monitoring sees: known-bad peers, long and large sessions.
  'threat-intel': 'logging-monitoring',
  'long-connection': 'logging-monitoring',
  beacon: 'logging-monitoring',
  'port-unusual': 'logging-monitoring',
  'volume-unusual': 'logging-monitoring',
  rules: 'logging-monitoring',
  // Signs of a compromised or attacked host: incidents to respond to.
  'dos-outbound': 'incident-response',
  'inbound-flood': 'incident-response',
  'mining-pool': 'incident-response',
  'large-upload': 'incident-response',
  'web-attack': 'incident-response',
  'http-flood': 'incident-response',
};

const idsOf = (m: Readonly<Record<string, ControlId>>, c: ControlId): string[] =>
  Object.entries(m)
    .filter(([, v]) => v === c)
    .map(([k]) => k)
    .sort();

/** A detector without a line above (a user rule, say) is evidence of monitoring. */
export function controlOfDetector(id: string): ControlId {
  return DETECTOR_CONTROLS[id] ?? 'logging-monitoring';
}

export interface ComplianceInputs {
  findings: readonly Finding[];
  posture: PostureSection;
  coverage: CoverageSection;
  blocked: BlockedSection;
}

/** Statuses of actions that blocked, at least for a while. */
const APPLIED = new Set(['applied', 'expired', 'undone']);

/** Response actions of the period and those that blocked; null when no responder ever ran. */
export function responderEvidence(b: BlockedSection): { actions: number; applied: number } | null {
  if (!b.configured) return null;
  const sum = (ok: (status: string) => boolean): number =>
    b.byStatus.filter((s) => ok(s.status)).reduce((n, s) => n + s.count, 0);
  return { actions: sum(() => true), applied: sum((s) => APPLIED.has(s)) };
}

export function complianceView(inp: ComplianceInputs): ComplianceControl[] {
  const byDetector = new Map<string, number>();
  for (const f of inp.findings) byDetector.set(f.detector, (byDetector.get(f.detector) ?? 0) + 1);
  const byCheck = new Map<string, number>();
  for (const i of inp.posture.current?.issues ?? [])
    byCheck.set(i.checkId, (byCheck.get(i.checkId) ?? 0) + 1);

  return CONTROLS.map((control) => {
    const checks = idsOf(CHECK_CONTROLS, control);
    const detectors = [
      ...new Set([
        ...idsOf(DETECTOR_CONTROLS, control),
        ...[...byDetector.keys()].filter((d) => controlOfDetector(d) === control),
      ]),
    ].sort();
    const items = [
      ...checks.map((id) => ({ id, kind: 'check' as const, count: byCheck.get(id) ?? 0 })),
      ...detectors.map((id) => ({ id, kind: 'detector' as const, count: byDetector.get(id) ?? 0 })),
    ];
    const issues =
      inp.posture.current === null ? null : checks.reduce((s, id) => s + (byCheck.get(id) ?? 0), 0);
    const detected = detectors.reduce((s, id) => s + (byDetector.get(id) ?? 0), 0);
    const evidence: ControlEvidence[] = [];
    if (checks.length > 0) evidence.push({ kind: 'checks', checks: checks.length, issues });
    if (detectors.length > 0)
      evidence.push({ kind: 'detectors', detectors: detectors.length, findings: detected });
    const c = inp.coverage;
    const gaps = c.gaps.reduce((s, g) => s + g.count, 0);
    let status: ControlStatus;
    if (control === 'logging-monitoring') {
      evidence.push({
        kind: 'flows',
        flows: c.flows,
        sources: c.sources.length,
        gaps,
        quarantined: c.quarantine.total,
      });
      status =
        c.flows === 0
          ? 'no-evidence'
          : gaps > 0 || c.quarantine.total > 0 || (issues ?? 0) > 0 || detected > 0
            ? 'attention'
            : 'ok';
    } else if (control === 'incident-response') {
      const openHigh = inp.findings.filter((f) => f.status === 'active' && f.severity >= 7).length;
      evidence.push({
        kind: 'response',
        findings: inp.findings.length,
        archived: inp.findings.filter((f) => f.status === 'archived').length,
        openHigh,
        responder: responderEvidence(inp.blocked),
      });
      status = c.flows === 0 && inp.findings.length === 0 ? 'no-evidence' : openHigh > 0 ? 'attention' : 'ok';
    } else {
      const anyEvidence = issues !== null || c.flows > 0;
      status = !anyEvidence ? 'no-evidence' : (issues ?? 0) > 0 || detected > 0 ? 'attention' : 'ok';
    }
    return { control, status, evidence, items };
  });
}
