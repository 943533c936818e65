// `auditPaths`: the posture audit as a function (the CLI, the API and tests call it). Finds
// configuration files, recognises each by content, runs every check, applies inline suppressions
// and, given observed flows, joins the findings with the traffic.

import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_INPUT, UserError } from '../core/errors.ts';
import { CHECKS } from './checks/definitions.ts';
import { makeFinding } from './checks/finding.ts';
import { auditCompose, parseDotEnv, type ComposePublish } from './compose/compose.ts';
import { dockerBypass, hostFindings } from './hostfw/host-checks.ts';
import { looksLikeIptablesSave, parseIptablesSave } from './hostfw/iptables.ts';
import type { HostRuleset } from './hostfw/model.ts';
import { looksLikeNftRuleset, parseNftRuleset } from './hostfw/nft.ts';
import { k8sFindings } from './kubernetes/k8s-checks.ts';
import { type K8sObjects, looksLikeKubernetes, readKubernetes } from './kubernetes/kubernetes.ts';
import type { TrafficSummary } from './flows/join.ts';
import { applySuppressions } from './suppress.ts';
import { auditTerraform } from './terraform/terraform.ts';
import type { AuditFinding, AuditProblem, AuditRule, CheckDefinition, InputKind } from './types.ts';
import { type YamlSource, child, keyText, mapPairs, parseYaml } from './yaml-nodes.ts';

export interface AuditOptions {
  /** Paths in the report are relative to this directory (default: the current directory). */
  baseDir?: string;
}

export interface AuditReport {
  version: 1;
  files: { file: string; kind: InputKind }[];
  /** Sorted by file, line and check id. Suppressed findings stay, marked with `suppression`. */
  findings: AuditFinding[];
  /** Every allow rule read, for the traffic advisor. */
  rules: AuditRule[];
  /** Files or parts of files that could not be read; the rest was still audited. */
  problems: AuditProblem[];
  checks: readonly CheckDefinition[];
  /** Set by the traffic join (--flows-from): what was read and how complete it is. */
  traffic?: TrafficSummary;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', '.venv', 'vendor', 'dist']);
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const READ_CONCURRENCY = 32;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Files a directory walk considers; explicit file arguments are always read. */
function candidate(name: string): boolean {
  return (
    /\.(tf|ya?ml|rules|nft|v4|v6|iptables|conf)$/i.test(name) ||
    /(^terraform|\.auto)\.tfvars$/i.test(name) ||
    /(iptables|nftables|ruleset)/i.test(name)
  );
}

async function collect(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile() && candidate(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new UserError(`cannot read ${p}: no such file or directory`, {
        hint: 'pass files or directories holding docker-compose, Terraform, iptables-save, nft or Kubernetes files',
        exitCode: EXIT_INPUT,
      });
    }
    if (s.isDirectory()) await walk(p);
    else out.push(p);
  }
  return [...new Set(out)];
}

interface Loaded {
  file: string;
  abs: string;
  text: string;
  lines: string[];
  yaml?: YamlSource;
}

const COMPOSE_KEYS = new Set([
  'image',
  'build',
  'ports',
  'volumes',
  'environment',
  'command',
  'networks',
  'network_mode',
  'depends_on',
  'restart',
  'container_name',
  'deploy',
  'expose',
  'privileged',
  'entrypoint',
  'healthcheck',
]);

/** A top-level `services` map whose entries look like services (a Helm values file may have one too). */
function looksLikeCompose(services: unknown): boolean {
  const entries = mapPairs(services);
  return (
    entries.length > 0 && entries.some((p) => mapPairs(p.value).some((x) => COMPOSE_KEYS.has(keyText(x))))
  );
}

function sniff(f: Loaded): InputKind | null {
  if (/\.tf$|\.tfvars$/i.test(f.file)) return 'terraform';
  if (/\.ya?ml$/i.test(f.file)) {
    const y = parseYaml(f.text);
    f.yaml = y; // parsed once: the compose and Kubernetes readers reuse it
    if (looksLikeKubernetes(y)) return 'kubernetes';
    if (y.docs.some((d) => looksLikeCompose(child(d.contents, 'services')))) return 'compose';
    return null;
  }
  if (looksLikeIptablesSave(f.text)) return 'iptables';
  if (looksLikeNftRuleset(f.text)) return 'nft';
  return null;
}

export async function auditPaths(paths: readonly string[], options: AuditOptions = {}): Promise<AuditReport> {
  const base = path.resolve(options.baseDir ?? process.cwd());
  const rel = (abs: string): string => {
    const r = path.relative(base, abs);
    return (r.startsWith('..') || path.isAbsolute(r) ? abs : r).split(path.sep).join('/');
  };
  const report: AuditReport = {
    version: 1,
    files: [],
    findings: [],
    rules: [],
    problems: [],
    checks: CHECKS,
  };
  const byKind = new Map<InputKind, Loaded[]>();
  const files = await collect(paths.map((p) => path.resolve(p)));
  // Reads run READ_CONCURRENCY at a time (file order is kept): one at a time waits on the disk.
  const texts = await mapLimit(files, READ_CONCURRENCY, async (abs): Promise<string | AuditProblem> => {
    const file = rel(abs);
    try {
      const s = await stat(abs);
      if (s.size > MAX_FILE_BYTES)
        return { file, line: 0, reason: 'too-large', text: `${s.size} bytes; limit ${MAX_FILE_BYTES}` };
      return await readFile(abs, 'utf8');
    } catch (e: unknown) {
      return { file, line: 0, reason: 'unreadable', text: e instanceof Error ? e.message : String(e) };
    }
  });
  files.forEach((abs, i) => {
    const text = texts[i]!;
    if (typeof text !== 'string') {
      report.problems.push(text);
      return;
    }
    const loaded: Loaded = { file: rel(abs), abs, text, lines: text.split('\n') };
    const kind = sniff(loaded);
    if (!kind) return;
    report.files.push({ file: loaded.file, kind });
    const list = byKind.get(kind);
    if (list) list.push(loaded);
    else byKind.set(kind, [loaded]);
  });
  const findings: AuditFinding[] = [];
  const tf = auditTerraform((byKind.get('terraform') ?? []).map((f) => ({ file: f.file, text: f.text })));
  findings.push(...tf.findings);
  report.rules.push(...tf.rules);
  report.problems.push(...tf.problems);

  const published: (ComposePublish & { file: string; dir: string })[] = [];
  for (const f of byKind.get('compose') ?? []) {
    const env = await dotEnv(path.dirname(f.abs));
    const r = auditCompose(f.file, f.yaml ?? f.text, env);
    findings.push(...r.findings);
    report.problems.push(...r.problems);
    for (const p of r.published) published.push({ ...p, file: f.file, dir: path.dirname(f.abs) });
    // Published ports with a fixed host port are rules the traffic join can find unused.
    for (const p of r.published)
      if (p.port.published)
        report.rules.push({
          file: f.file,
          line: p.line,
          endLine: p.line,
          resource: `service ${p.service}`,
          text: '',
          exposure: {
            direction: 'ingress',
            protocol: p.port.protocol === 'udp' ? 17 : p.port.protocol === 'sctp' ? 132 : 6,
            ports: p.port.published,
            cidrs: ['0.0.0.0/0', '::/0'],
          },
        });
  }

  const hosts: { set: HostRuleset; dir: string }[] = [];
  for (const kind of ['iptables', 'nft'] as const)
    for (const f of byKind.get(kind) ?? []) {
      const { ruleset, problems } =
        kind === 'iptables' ? parseIptablesSave(f.file, f.text) : parseNftRuleset(f.file, f.text);
      report.problems.push(...problems);
      const r = hostFindings(ruleset);
      findings.push(...r.findings);
      report.rules.push(...r.rules);
      hosts.push({ set: ruleset, dir: path.dirname(f.abs) });
    }
  findings.push(...composeBypass(published, hosts));

  const k8s: K8sObjects = { workloads: [], policies: [], namespaces: [] };
  for (const f of byKind.get('kubernetes') ?? []) {
    const yaml = f.yaml ?? parseYaml(f.text);
    for (const d of yaml.docs)
      for (const err of d.errors)
        report.problems.push({
          file: f.file,
          line: yaml.lines.linePos(err.pos[0]).line,
          reason: `yaml: ${err.code}`,
          text: err.message.split('\n')[0] ?? '',
        });
    const objs = readKubernetes(f.file, yaml);
    k8s.workloads.push(...objs.workloads);
    k8s.policies.push(...objs.policies);
    k8s.namespaces.push(...objs.namespaces);
  }
  findings.push(...k8sFindings(k8s));

  const loadedByFile = new Map([...byKind.values()].flat().map((f) => [f.file, f]));
  const byFile = new Map<string, AuditFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, f] of loadedByFile)
    if (f.text.includes('sakura-guard:ignore'))
      findings.push(...applySuppressions(file, f.lines, byFile.get(file) ?? []));
  for (const f of findings) {
    const lines = loadedByFile.get(f.file)?.lines ?? [];
    f.snippet = lines.slice(f.line - 1, Math.min(f.endLine, f.line + 9)).join('\n');
  }
  for (const r of report.rules)
    r.text = (loadedByFile.get(r.file)?.lines ?? []).slice(r.line - 1, r.endLine).join('\n');
  report.findings = findings.sort(compareFindings);
  return report;
}

/** File, then line, then check id: the order of every output. */
export function compareFindings(a: AuditFinding, b: AuditFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  return a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0;
}

async function dotEnv(dir: string): Promise<Map<string, string>> {
  try {
    return parseDotEnv(await readFile(path.join(dir, '.env'), 'utf8'));
  } catch {
    return new Map();
  }
}

/** Docker publishes through its own chains: an INPUT drop policy does not protect those ports. */
function composeBypass(
  published: (ComposePublish & { file: string; dir: string })[],
  hosts: { set: HostRuleset; dir: string }[],
): AuditFinding[] {
  const out: AuditFinding[] = [];
  const verdicts = new Map(hosts.map((h) => [h, dockerBypass(h.set)]));
  const byDir = new Map(hosts.map((h) => [h.dir, h]));
  for (const p of published) {
    const host = byDir.get(p.dir) ?? (hosts.length === 1 ? hosts[0] : undefined);
    if (!host) continue;
    const { inputDrops, dockerUserFilters } = verdicts.get(host)!;
    if (!inputDrops || dockerUserFilters) continue;
    const port = p.port.published ? `${p.port.published.from}` : `container port ${p.port.target.from}`;
    out.push(
      makeFinding(
        'COMPOSE-PUBLISH-BYPASSES-FIREWALL',
        { file: p.file, line: p.line, endLine: p.line, resource: `service ${p.service}` },
        `service ${p.service} publishes ${port} on all interfaces; ${host.set.file} drops in INPUT but Docker forwards published ports around it and DOCKER-USER filters nothing`,
      ),
    );
  }
  return out;
}

/** A fingerprint stable across line moves: check, file, resource and the offending text. */
export function fingerprint(f: AuditFinding): string {
  const text = (f.snippet ?? '').replace(/\s+/g, ' ').trim();
  return createHash('sha256')
    .update(`${f.checkId}\0${f.file}\0${f.resource}\0${text}`)
    .digest('hex')
    .slice(0, 32);
}
