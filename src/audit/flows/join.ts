// The static × observed join. An internet exposure that accepted flows from public addresses is
// escalated; one that saw only rejected probes is marked "probed, closed"; a rule no traffic used
// in the window is offered for removal with the window's coverage as its confidence; a rule used
// by a few sources (or ports) is offered narrowed, as a diff at its line. Reply traffic (service
// port → ephemeral port) is never evidence for an ingress rule.

import { isPrivateIp, parseIp } from '../../core/ip.ts';
import { type AuditReport, compareFindings } from '../audit.ts';
import { coversPort, coversProtocol } from '../checks/firewall.ts';
import { makeFinding } from '../checks/finding.ts';
import { cidrContains, describeTraffic, parseCidr, servicePort } from '../net.ts';
import { SEVERITIES, type AuditFinding, type AuditRule, type NetExposure, type Severity } from '../types.ts';
import { type AdvisorConfig, DEFAULT_ADVISOR_CONFIG, advisorConfigSchema } from './config.ts';
import { proposeDiff } from './diff.ts';
import { type FlowGroup, type ObservedTraffic, windowConfidence } from './observed.ts';
import { isDataDir, readStoreTraffic } from './read-store.ts';
import { readVpcFlowFiles } from './read-vpc-files.ts';

/** Resource addresses kept per reached exposure. */
export const MAX_RESOURCES = 20;

function topSource(groups: FlowGroup[]): string {
  const by = new Map<string, number>();
  for (const g of groups) by.set(g.srcIp, (by.get(g.srcIp) ?? 0) + g.count);
  return [...by].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
}

export interface TrafficSummary {
  source: string;
  window: ObservedTraffic['window'];
  flows: number;
  confidence: string;
}

export interface JoinOptions {
  from: readonly string[];
  /** Overrides `advisor.windowDays`. */
  windowDays?: number;
  /** Window end (Unix seconds); default: the newest flow read. */
  now?: number;
  advisor?: Partial<AdvisorConfig>;
}

export async function joinFlows(report: AuditReport, options: JoinOptions): Promise<void> {
  const stores = options.from.filter(isDataDir);
  const files = options.from.filter((p) => !isDataDir(p));
  const parts: ObservedTraffic[] = [];
  const config = advisorConfigSchema.parse({
    ...options.advisor,
    ...(options.windowDays ? { windowDays: options.windowDays } : {}),
  });
  for (const dir of stores) parts.push(await readStoreTraffic(dir, config.windowDays, options.now));
  if (files.length > 0) parts.push(await readVpcFlowFiles(files, config.windowDays, options.now));
  const merged = mergeTraffic(parts);
  applyObserved(report, merged, config);
}

function mergeTraffic(parts: ObservedTraffic[]): ObservedTraffic {
  if (parts.length === 1) return parts[0]!;
  const end = Math.max(...parts.map((p) => p.window.end));
  const days = Math.max(...parts.map((p) => p.window.days));
  return {
    source: parts.map((p) => p.source).join(', '),
    window: { start: end - days * 86400, end, days },
    groups: parts.flatMap((p) => p.groups),
    gaps: parts.flatMap((p) => p.gaps),
    daysWithData: Math.max(0, ...parts.map((p) => p.daysWithData)),
    flows: parts.reduce((n, p) => n + p.flows, 0),
  };
}

/** Ranges up to this width are looked up port by port in the index; wider ones scan every group. */
const INDEXED_RANGE = 4096;

/** Groups by destination port, so matching a rule does not scan every group. */
class GroupIndex {
  private readonly byPort = new Map<number, FlowGroup[]>();
  readonly all: FlowGroup[];
  constructor(groups: FlowGroup[]) {
    this.all = groups;
    for (const g of groups) {
      const list = this.byPort.get(g.dstPort);
      if (list) list.push(g);
      else this.byPort.set(g.dstPort, [g]);
    }
  }
  /** Groups matching the exposure's protocol, ports and sources. */
  match(e: NetExposure): FlowGroup[] {
    const p = e.ports;
    const candidates =
      p === null || p.to - p.from >= INDEXED_RANGE
        ? this.all
        : Array.from({ length: p.to - p.from + 1 }, (_, i) => this.byPort.get(p.from + i) ?? []).flat();
    return candidates.filter((g) => matches(e, g));
  }
}

function matches(e: NetExposure, g: FlowGroup): boolean {
  return (
    coversProtocol(e.protocol, g.proto) &&
    (g.dstPort < 0 ? e.ports === null : coversPort(e.ports, g.dstPort)) &&
    e.cidrs.some((c) => cidrContains(c, g.srcIp))
  );
}

const isPublic = (ip: string): boolean => {
  const a = parseIp(ip);
  return a !== null && !isPrivateIp(a.v4, a.v6);
};

const escalate = (s: Severity): Severity =>
  SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(s) + 1)]!;

const isInternetWide = (e: NetExposure): boolean => e.cidrs.some((c) => parseCidr(c).scope === 'any');

const isWebOnly = (e: NetExposure): boolean =>
  e.ports !== null && e.ports.from === e.ports.to && servicePort(e.ports.from)?.category === 'web';

/** Mutates the report: observed verdicts on findings, advice findings added, a traffic summary. */
export function applyObserved(
  report: AuditReport,
  t: ObservedTraffic,
  config: AdvisorConfig = DEFAULT_ADVISOR_CONFIG,
): void {
  const conf = windowConfidence(t);
  const windowText = `${t.window.days} days`;
  report.traffic = { source: t.source, window: t.window, flows: t.flows, confidence: conf.text };
  const requests = t.groups.filter((g) => !g.reply);
  const index = new GroupIndex(requests);
  if (t.flows === 0) {
    for (const f of report.findings) if (f.exposure) f.observed = { kind: 'no-data', window: windowText };
    return;
  }
  for (const f of report.findings) {
    const e = f.exposure;
    if (!e || e.direction !== 'ingress' || !isInternetWide(e)) continue;
    const hits = index.match(e).filter((g) => isPublic(g.srcIp));
    const accepted = hits.filter((g) => g.action === 'accept');
    const rejected = hits.filter((g) => g.action === 'reject');
    if (accepted.length > 0) {
      f.observed = {
        kind: 'reached',
        acceptedFromPublic: accepted.reduce((n, g) => n + g.count, 0),
        distinctSources: new Set(accepted.map((g) => g.srcIp)).size,
        resources: [...new Set(accepted.map((g) => g.dstIp).filter((ip) => ip !== ''))]
          .sort()
          .slice(0, MAX_RESOURCES),
        topSource: topSource(accepted),
        window: windowText,
      };
      if (config.escalateReached && !isWebOnly(e)) f.severity = escalate(f.severity);
    } else if (rejected.length > 0) {
      f.observed = {
        kind: 'probed-closed',
        rejected: rejected.reduce((n, g) => n + g.count, 0),
        window: windowText,
      };
    }
  }
  const advice: AuditFinding[] = [];
  for (const rule of report.rules) {
    if (rule.exposure.direction !== 'ingress') continue;
    const used = index.match(rule.exposure).filter((g) => g.action !== 'reject');
    const at = { file: rule.file, line: rule.line, endLine: rule.endLine, resource: rule.resource };
    const what = `${rule.resource} rule allowing ${describeTraffic(rule.exposure.protocol, rule.exposure.ports)} from ${rule.exposure.cidrs.join(', ')}`;
    if (used.length === 0) {
      advice.push(
        makeFinding(
          'FLOW-RULE-UNUSED',
          at,
          `${what} matched no accepted flow in the ${windowText} window; remove it if the window covers its use (${conf.text})`,
          {
            exposure: rule.exposure,
          },
        ),
      );
      advice[advice.length - 1]!.observed = { kind: 'unused', window: windowText, confidence: conf.text };
      continue;
    }
    const sources = [...new Set(used.map((g) => g.srcIp))].sort();
    const ports = [...new Set(used.map((g) => g.dstPort).filter((p) => p >= 0))].sort((a, b) => a - b);
    const wideSource = rule.exposure.cidrs.some(
      (c) =>
        parseCidr(c).scope === 'any' ||
        parseCidr(c).scope === 'public-wide' ||
        parseCidr(c).scope === 'private-wide',
    );
    // A compose publish cannot say who may connect; only its removal is advised.
    if (/\.ya?ml$/i.test(rule.file)) continue;
    const narrowSources = wideSource && sources.length <= config.narrowMaxSources;
    const span =
      rule.exposure.ports === null ? Infinity : rule.exposure.ports.to - rule.exposure.ports.from + 1;
    const narrowPorts = span > ports.length && ports.length > 0 && ports.length <= config.narrowMaxPorts;
    if (!narrowSources && !narrowPorts) continue;
    const cidrs = narrowSources
      ? sources.map((s) => (s.includes(':') ? `${s}/128` : `${s}/32`))
      : rule.exposure.cidrs;
    const parts = [
      narrowSources ? `sources ${cidrs.join(', ')} (${sources.length} seen)` : null,
      narrowPorts ? `ports ${ports.join(', ')}` : null,
    ].filter((x) => x !== null);
    const f = makeFinding(
      'FLOW-RULE-NARROW',
      at,
      `${what} was used only by ${parts.join(' and ')} in ${windowText}; narrow it (${conf.text})`,
      {
        exposure: rule.exposure,
      },
    );
    const diff = proposeDiff(rule, narrowSources ? cidrs : null, narrowPorts ? ports : null);
    if (diff) f.fix = diff;
    advice.push(f);
  }
  advice.push(...probedWithoutRule(report.rules, requests, windowText));
  report.findings.push(...advice);
  report.findings.sort(compareFindings);
}

/** Ports the internet probed (only rejected) that no audited rule opens: the filter works. */
function probedWithoutRule(rules: AuditRule[], requests: FlowGroup[], windowText: string): AuditFinding[] {
  const anchor = rules.find((r) => r.exposure.direction === 'ingress');
  if (!anchor) return [];
  const byPort = new Map<string, { proto: number; port: number; rejected: number; sources: Set<string> }>();
  for (const g of requests) {
    if (g.action !== 'reject' || g.dstPort < 0 || !isPublic(g.srcIp)) continue;
    if (
      rules.some(
        (r) =>
          r.exposure.direction === 'ingress' &&
          coversProtocol(r.exposure.protocol, g.proto) &&
          coversPort(r.exposure.ports, g.dstPort),
      )
    )
      continue;
    const key = `${g.proto}/${g.dstPort}`;
    const e = byPort.get(key) ?? { proto: g.proto, port: g.dstPort, rejected: 0, sources: new Set<string>() };
    e.rejected += g.count;
    e.sources.add(g.srcIp);
    byPort.set(key, e);
  }
  return [...byPort.values()]
    .sort((a, b) => b.rejected - a.rejected)
    .map((p) => {
      const f = makeFinding(
        'FLOW-EXPOSURE-PROBED',
        { file: anchor.file, line: anchor.line, endLine: anchor.endLine, resource: anchor.resource },
        `${describeTraffic(p.proto, { from: p.port, to: p.port })} was probed ${p.rejected} time(s) from ${p.sources.size} public source(s) in ${windowText} and rejected: probed, closed`,
        {
          exposure: {
            direction: 'ingress',
            protocol: p.proto,
            ports: { from: p.port, to: p.port },
            cidrs: ['0.0.0.0/0'],
          },
        },
      );
      f.observed = { kind: 'probed-closed', rejected: p.rejected, window: windowText };
      return f;
    });
}
