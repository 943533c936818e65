// Kubernetes manifests: workloads and NetworkPolicies with their real semantics. An empty
// podSelector selects every pod; policyTypes defaults to Ingress, plus Egress when egress rules
// are present; matchExpressions (In, NotIn, Exists, DoesNotExist) are honoured.

import { isMap, type Node } from 'yaml';
import {
  type YamlSource,
  child,
  endLineOf,
  lineOf,
  mapPairs,
  keyText,
  scalar,
  seqItems,
} from '../yaml-nodes.ts';

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  file: string;
  line: number;
  endLine: number;
  hostNetwork: { line: number } | null;
  hostPorts: { line: number; port: number; container: string }[];
}

export interface PolicyRule {
  line: number;
  endLine: number;
  /** No peers and no ports, or an ipBlock covering everything with no ports. */
  allowsAll: boolean;
}

export interface NetworkPolicy {
  name: string;
  namespace: string;
  selector: LabelSelector;
  selectsAll: boolean;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: PolicyRule[];
  egress: PolicyRule[];
  file: string;
  line: number;
  endLine: number;
  selectorLine: number;
}

const POD_TEMPLATES: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function labels(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of mapPairs(node)) out[keyText(p)] = String(scalar(p.value) ?? '');
  return out;
}

function selector(node: unknown): LabelSelector {
  return {
    matchLabels: labels(child(node, 'matchLabels')),
    matchExpressions: seqItems(child(node, 'matchExpressions')).map((e) => ({
      key: String(scalar(child(e, 'key')) ?? ''),
      operator: String(scalar(child(e, 'operator')) ?? ''),
      values: seqItems(child(e, 'values')).map((v) => String(scalar(v) ?? '')),
    })),
  };
}

export function selectorMatches(sel: LabelSelector, l: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.hasOwn(l, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an invalid operator selects nothing (the API server would reject it)
    }
  }
  return true;
}

const ANY = new Set(['0.0.0.0/0', '::/0']);

function rules(src: YamlSource, node: Node | null | undefined, peerKey: 'from' | 'to'): PolicyRule[] {
  return seqItems(node).map((r) => {
    const peers = seqItems(child(r, peerKey));
    const ports = seqItems(child(r, 'ports'));
    const everyone =
      peers.length === 0 ||
      peers.some((p) => {
        const cidr = scalar(child(child(p, 'ipBlock'), 'cidr'));
        return (
          typeof cidr === 'string' &&
          ANY.has(cidr) &&
          seqItems(child(child(p, 'ipBlock'), 'except')).length === 0
        );
      });
    return { line: lineOf(src, r), endLine: endLineOf(src, r), allowsAll: everyone && ports.length === 0 };
  });
}

export interface NamespaceObject {
  name: string;
  file: string;
  line: number;
  endLine: number;
}

export interface K8sObjects {
  workloads: Workload[];
  policies: NetworkPolicy[];
  namespaces: NamespaceObject[];
}

export function readKubernetes(file: string, src: YamlSource): K8sObjects {
  const out: K8sObjects = { workloads: [], policies: [], namespaces: [] };
  for (const doc of src.docs) {
    const root = doc.contents;
    const items = scalar(child(root, 'kind')) === 'List' ? seqItems(child(root, 'items')) : [root];
    for (const obj of items) {
      if (!isMap(obj)) continue;
      const kind = String(scalar(child(obj, 'kind')) ?? '');
      const meta = child(obj, 'metadata');
      const name = String(scalar(child(meta, 'name')) ?? '');
      const namespace = String(scalar(child(meta, 'namespace')) ?? 'default');
      const line = lineOf(src, obj);
      const endLine = endLineOf(src, obj);
      if (kind === 'Namespace') {
        out.namespaces.push({ name, file, line, endLine });
        continue;
      }
      if (kind === 'NetworkPolicy') {
        const spec = child(obj, 'spec');
        const podSel = child(spec, 'podSelector');
        const sel = selector(podSel);
        const declared = seqItems(child(spec, 'policyTypes')).map((t) => String(scalar(t)));
        const hasEgress = child(spec, 'egress') !== undefined;
        const policyTypes = (
          declared.length > 0 ? declared : hasEgress ? ['Ingress', 'Egress'] : ['Ingress']
        ).filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
        out.policies.push({
          name,
          namespace,
          selector: sel,
          selectsAll: Object.keys(sel.matchLabels).length === 0 && sel.matchExpressions.length === 0,
          policyTypes,
          ingress: rules(src, child(spec, 'ingress'), 'from'),
          egress: rules(src, child(spec, 'egress'), 'to'),
          file,
          line,
          endLine,
          selectorLine: podSel ? lineOf(src, podSel) : line,
        });
        continue;
      }
      const path = POD_TEMPLATES[kind];
      if (!path) continue;
      let template: unknown = obj;
      for (const step of path) template = child(template, step);
      const podMeta = kind === 'Pod' ? meta : child(template, 'metadata');
      const podSpec = child(template, 'spec');
      const hn = child(podSpec, 'hostNetwork');
      const hostPorts: Workload['hostPorts'] = [];
      for (const key of ['containers', 'initContainers'])
        for (const c of seqItems(child(podSpec, key)))
          for (const p of seqItems(child(c, 'ports'))) {
            const hp = scalar(child(p, 'hostPort'));
            if (typeof hp === 'number' && hp > 0)
              hostPorts.push({
                line: lineOf(src, child(p, 'hostPort')),
                port: hp,
                container: String(scalar(child(c, 'name')) ?? ''),
              });
          }
      out.workloads.push({
        kind,
        name,
        namespace,
        labels: labels(child(podMeta, 'labels')),
        file,
        line,
        endLine,
        hostNetwork: scalar(hn) === true ? { line: lineOf(src, hn) } : null,
        hostPorts,
      });
    }
  }
  return out;
}

export function looksLikeKubernetes(src: YamlSource): boolean {
  return src.docs.some(
    (d) =>
      scalar(child(d.contents, 'apiVersion')) !== undefined &&
      scalar(child(d.contents, 'kind')) !== undefined,
  );
}
