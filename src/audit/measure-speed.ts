// Measures the 1 000-file target: writes a synthetic repository (Terraform modules, compose files,
// Kubernetes manifests, iptables-save and nft dumps) to a temporary directory and times
// auditPaths over it. Run: node src/audit/measure-speed.ts [files=1000]

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditPaths } from './audit.ts';

const sg = (i: number): string => `resource "aws_security_group" "sg${i}" {
  name   = "sg${i}"
  vpc_id = aws_vpc.main.id
${Array.from(
  { length: 8 },
  (_, k) => `  ingress {
    from_port   = ${[22, 443, 5432, 8080, 3389, 6379, 80, 9000][k]}
    to_port     = ${[22, 443, 5432, 8080, 3389, 6379, 80, 9000][k]}
    protocol    = "tcp"
    cidr_blocks = [${k % 2 === 0 ? '"0.0.0.0/0"' : 'local.office'}]
  }`,
).join('\n')}
}

resource "aws_instance" "i${i}" {
  ami                    = "ami-123"
  vpc_security_group_ids = [aws_security_group.sg${i}.id]
}
`;

const compose = (i: number): string => `services:
  db${i}:
    image: postgres:16
    ports:
      - "5432:5432"
  web${i}:
    image: nginx:1.27
    networks: [front]
    ports:
      - "127.0.0.1:8080:80"
      - target: 443
        published: "\${HTTPS_PORT:-443}"
networks:
  front: {}
`;

const k8s = (i: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app${i}
  namespace: ns${i % 20}
spec:
  template:
    metadata:
      labels: {app: app${i}}
    spec:
      containers:
        - name: app
          image: example/app:${i}
          ports: [{containerPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-app${i}
  namespace: ns${i % 20}
spec:
  podSelector:
    matchLabels: {app: app${i}}
  ingress:
    - from: [{podSelector: {matchLabels: {role: frontend}}}]
`;

const iptables = (i: number): string => `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -s 10.${i % 250}.0.0/16 -p tcp -m tcp --dport 5432 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 6379 -j ACCEPT
COMMIT
`;

/** Writes a synthetic repository of `count` configuration files under `root`. */
export async function writeSyntheticRepo(root: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `svc${Math.floor(i / 10)}`);
    await mkdir(dir, { recursive: true });
    const kind = i % 4;
    if (kind === 0)
      await writeFile(path.join(dir, `sg${i}.tf`), `locals {\n  office = "203.0.113.0/28"\n}\n${sg(i)}`);
    else if (kind === 1) await writeFile(path.join(dir, `compose${i}.yml`), compose(i));
    else if (kind === 2) await writeFile(path.join(dir, `k8s${i}.yaml`), k8s(i));
    else await writeFile(path.join(dir, `host${i}.rules`), iptables(i));
  }
}

export interface AuditSpeed {
  files: number;
  findings: number;
  problems: number;
  ms: number;
}

/** Times auditPaths over a repository already written by writeSyntheticRepo. */
export async function timeAudit(root: string): Promise<AuditSpeed> {
  const start = performance.now();
  const report = await auditPaths([root], { baseDir: root });
  const ms = performance.now() - start;
  return {
    files: report.files.length,
    findings: report.findings.length,
    problems: report.problems.length,
    ms,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const count = Number(process.argv[2] ?? 1000);
  const root = await mkdtemp(path.join(tmpdir(), 'sg-audit-speed-'));
  try {
    await writeSyntheticRepo(root, count);
    const r = await timeAudit(root);
    process.stdout.write(
      `audited ${r.files} files in ${(r.ms / 1000).toFixed(2)} s: ${r.findings} findings, ${r.problems} problems\n`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
