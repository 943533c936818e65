import { describe, expect, it } from 'vitest';
import { parseYaml } from '../yaml-nodes.ts';
import { k8sFindings } from './k8s-checks.ts';
import { readKubernetes, selectorMatches } from './kubernetes.ts';

const read = (text: string) => readKubernetes('k.yaml', parseYaml(text));

describe('NetworkPolicy semantics', () => {
  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    const objs = read(
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: a}\nspec:\n  podSelector: {}\n  egress: [{}]\n---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: b}\nspec:\n  podSelector: {}\n',
    );
    expect(objs.policies.map((p) => [p.name, p.policyTypes])).toEqual([
      ['a', ['Ingress', 'Egress']],
      ['b', ['Ingress']],
    ]);
  });
  it('matchExpressions are honoured', () => {
    const sel = {
      matchLabels: { tier: 'db' },
      matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }],
    };
    expect(selectorMatches(sel, { tier: 'db', env: 'prod' })).toBe(true);
    expect(selectorMatches(sel, { tier: 'db', env: 'dev' })).toBe(false);
    expect(
      selectorMatches(
        { matchLabels: {}, matchExpressions: [{ key: 'x', operator: 'Exists', values: [] }] },
        {},
      ),
    ).toBe(false);
  });
});

describe('Kubernetes checks', () => {
  const half = [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata: {name: shop}',
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: db-only, namespace: shop}',
    'spec:',
    '  podSelector:',
    '    matchLabels: {app: db}',
    '  ingress:',
    '    - from: [{podSelector: {matchLabels: {app: api}}}]',
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: stale, namespace: shop}',
    'spec:',
    '  podSelector:',
    '    matchExpressions: [{key: app, operator: In, values: [legacy]}]',
    '---',
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata: {name: db, namespace: shop}',
    'spec:',
    '  template:',
    '    metadata: {labels: {app: db}}',
    '    spec:',
    '      containers: [{name: pg, image: postgres}]',
    '---',
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata: {name: report, namespace: shop}',
    'spec:',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        metadata: {labels: {app: report}}',
    '        spec:',
    '          hostNetwork: true',
    '          containers:',
    '            - name: r',
    '              ports: [{containerPort: 9000, hostPort: 9000}]',
  ].join('\n');
  it('covers a namespace half covered by policies', () => {
    const f = k8sFindings(read(half));
    expect(f.map((x) => [x.checkId, x.line])).toEqual([
      ['K8S-NAMESPACE-NO-DEFAULT-DENY', 1],
      ['K8S-POLICY-SELECTS-NOTHING', 19],
      ['K8S-HOST-NETWORK', 39],
      ['K8S-HOST-PORT', 42],
    ]);
  });
});

describe('broken manifests', () => {
  it('a YAML error becomes a problem with its line; the good documents are still audited', async () => {
    const { auditPaths } = await import('../audit.ts');
    const testdata = new URL('../testdata/', import.meta.url).pathname;
    const r = await auditPaths([`${testdata}k8s-broken`], { baseDir: testdata });
    expect(r.problems.map((p) => [p.file, p.line, p.reason])).toEqual([
      ['k8s-broken/mixed.yaml', 14, 'yaml: BAD_INDENT'],
    ]);
    expect(r.findings.map((f) => f.checkId)).toContain('K8S-HOST-NETWORK');
  });
});
