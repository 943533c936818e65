// NetworkPolicy coverage across every manifest of the audit (policies and workloads are often in
// different files), plus hostNetwork and hostPort.

import { makeFinding } from '../checks/finding.ts';
import type { AuditFinding } from '../types.ts';
import { type K8sObjects, type NetworkPolicy, type Workload, selectorMatches } from './kubernetes.ts';

const wAt = (w: Workload, line = w.line) => ({
  file: w.file,
  line,
  endLine: line,
  resource: `${w.kind} ${w.namespace}/${w.name}`,
  scope: { startLine: w.line, endLine: w.endLine },
});
const pAt = (p: NetworkPolicy, line: number, endLine = line) => ({
  file: p.file,
  line,
  endLine,
  resource: `NetworkPolicy ${p.namespace}/${p.name}`,
  scope: { startLine: p.line, endLine: p.endLine },
});

/** An empty-selector policy that isolates ingress and does not let everything back in. */
export function isDefaultDenyIngress(p: NetworkPolicy): boolean {
  return p.selectsAll && p.policyTypes.includes('Ingress') && !p.ingress.some((r) => r.allowsAll);
}

export function k8sFindings(all: K8sObjects): AuditFinding[] {
  const out: AuditFinding[] = [];
  const namespaces = new Set([
    ...all.workloads.map((w) => w.namespace),
    ...all.namespaces.map((n) => n.name),
  ]);
  for (const ns of [...namespaces].sort()) {
    const workloads = all.workloads.filter((w) => w.namespace === ns);
    const policies = all.policies.filter((p) => p.namespace === ns);
    const declared = all.namespaces.find((n) => n.name === ns);
    const nsAt = declared
      ? {
          file: declared.file,
          line: declared.line,
          endLine: declared.line,
          resource: `Namespace ${ns}`,
          scope: { startLine: declared.line, endLine: declared.endLine },
        }
      : wAt(workloads[0]!);
    const running =
      workloads.length > 0 ? `runs ${workloads.map((w) => `${w.kind} ${w.name}`).join(', ')}` : 'is declared';
    if (policies.length === 0) {
      out.push(
        makeFinding(
          'K8S-NAMESPACE-NO-DEFAULT-DENY',
          nsAt,
          `namespace ${ns} ${running} and has no NetworkPolicy`,
        ),
      );
      continue;
    }
    if (!policies.some(isDefaultDenyIngress))
      out.push(
        makeFinding(
          'K8S-NAMESPACE-NO-DEFAULT-DENY',
          nsAt,
          `namespace ${ns} has NetworkPolicies but none with podSelector: {} that denies ingress by default`,
        ),
      );
    for (const w of workloads) {
      if (w.hostNetwork) continue; // policies do not apply; reported as K8S-HOST-NETWORK
      const isolated = policies.some(
        (p) => p.policyTypes.includes('Ingress') && selectorMatches(p.selector, w.labels),
      );
      if (!isolated)
        out.push(
          makeFinding(
            'K8S-WORKLOAD-NOT-ISOLATED',
            wAt(w),
            `${w.kind} ${ns}/${w.name} is not selected by any Ingress NetworkPolicy`,
          ),
        );
    }
    for (const p of policies) {
      if (!p.selectsAll && !workloads.some((w) => selectorMatches(p.selector, w.labels)))
        out.push(
          makeFinding(
            'K8S-POLICY-SELECTS-NOTHING',
            pAt(p, p.selectorLine),
            `NetworkPolicy ${ns}/${p.name} selects none of the ${workloads.length} workload(s) audited in ${ns}`,
          ),
        );
    }
  }
  for (const p of all.policies) {
    for (const [dir, list] of [
      ['Ingress', p.ingress],
      ['Egress', p.egress],
    ] as const) {
      if (!p.policyTypes.includes(dir)) continue;
      for (const r of list)
        if (r.allowsAll)
          out.push(
            makeFinding(
              'K8S-POLICY-ALLOW-ALL',
              pAt(p, r.line, r.endLine),
              `NetworkPolicy ${p.namespace}/${p.name} has an ${dir.toLowerCase()} rule that allows all traffic`,
            ),
          );
    }
  }
  for (const w of all.workloads) {
    if (w.hostNetwork)
      out.push(
        makeFinding(
          'K8S-HOST-NETWORK',
          wAt(w, w.hostNetwork.line),
          `${w.kind} ${w.namespace}/${w.name} uses hostNetwork: true`,
        ),
      );
    for (const hp of w.hostPorts)
      out.push(
        makeFinding(
          'K8S-HOST-PORT',
          wAt(w, hp.line),
          `container ${hp.container} of ${w.kind} ${w.namespace}/${w.name} binds hostPort ${hp.port}`,
        ),
      );
  }
  return out;
}
