// The static × observed join. An internet exposure that accepted flows from public addresses is
// escalated; one that saw only rejected probes is marked "probed, closed"; a rule no traffic used
// in the window is offered for removal with the window's coverage as its confidence; a rule used
// by a few sources (or ports) is offered narrowed, as a diff at its line. Reply traffic (service
// port → ephemeral port) is never evidence for an ingress rule.

import { isPrivateIp, parseIp } from '../../core/ip.ts';
import { type AuditReport, compareFindings } from '../audit.ts';
import { coversPort, coversProtocol } from '../checks/firewall.ts';
import { makeFinding } from '../checks/finding.ts';
import {
  type MatchAddress,
  cidrMatcher,
  describeTraffic,
  matchAddress,
  parseCidr,
  servicePort,
} from '../net.ts';
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
  /** Traffic read already (a running server's own store), joined with what `from` names. */
  observed?: ObservedTraffic;
}

export async function joinFlows(report: AuditReport, options: JoinOptions): Promise<void> {
  const stores = options.from.filter(isDataDir);
  const files = options.from.filter((p) => !isDataDir(p));
  const parts: ObservedTraffic[] = options.observed ? [options.observed] : [];
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

interface ExposureStats {
  acceptedFromPublic: number;
  distinctPublicSources: number;
  resources: string[];
  topSource: string;
  rejectedFromPublic: number;
  /** Sources and ports of every non-rejected request (any address), for narrowing. */
  usedSources: string[];
  usedPorts: number[];
}

const exposureKey = (e: NetExposure): string =>
  `${e.protocol}|${e.ports ? `${e.ports.from}-${e.ports.to}` : '*'}|${e.cidrs.join(',')}`;

/** Groups by destination port, with parsed sources, so matching a rule does not re-parse or scan everything. */
class GroupIndex {
  private readonly byPort = new Map<number, FlowGroup[]>();
  private readonly addr = new Map<FlowGroup, MatchAddress | null>();
  readonly all: FlowGroup[];
  constructor(groups: FlowGroup[]) {
    this.all = groups;
    for (const g of groups) {
      this.addr.set(g, matchAddress(g.srcIp));
      const list = this.byPort.get(g.dstPort);
      if (list) list.push(g);
      else this.byPort.set(g.dstPort, [g]);
    }
  }
  private readonly memo = new Map<string, FlowGroup[]>();
  private readonly publicSource = new Map<FlowGroup, boolean>();

  /** Whether the group's source is a public address (computed once per group). */
  isPublic(g: FlowGroup): boolean {
    let v = this.publicSource.get(g);
    if (v === undefined) {
      v = isPublic(g.srcIp);
      this.publicSource.set(g, v);
    }
    return v;
  }

  /** Groups matching the exposure's protocol, ports and sources; repeated exposures are answered once. */
  match(e: NetExposure): FlowGroup[] {
    const key = exposureKey(e);
    let hit = this.memo.get(key);
    if (!hit) {
      hit = this.scan(e);
      this.memo.set(key, hit);
    }
    return hit;
  }

  private readonly statsMemo = new Map<string, ExposureStats>();

  /** What the traffic says about one exposure (memoised: repositories repeat the same rules). */
  stats(e: NetExposure): ExposureStats {
    const key = exposureKey(e);
    const known = this.statsMemo.get(key);
    if (known) return known;
    const groups = this.match(e);
    const acceptedPublic: FlowGroup[] = [];
    let rejectedPublic = 0;
    const usedSources = new Set<string>();
    const usedPorts = new Set<number>();
    for (const g of groups) {
      if (g.action !== 'reject') {
        usedSources.add(g.srcIp);
        if (g.dstPort >= 0) usedPorts.add(g.dstPort);
      }
      if (!this.isPublic(g)) continue;
      if (g.action === 'accept') acceptedPublic.push(g);
      else if (g.action === 'reject') rejectedPublic += g.count;
    }
    const st: ExposureStats = {
      acceptedFromPublic: acceptedPublic.reduce((n, g) => n + g.count, 0),
      distinctPublicSources: new Set(acceptedPublic.map((g) => g.srcIp)).size,
      resources: [...new Set(acceptedPublic.map((g) => g.dstIp).filter((ip) => ip !== ''))]
        .sort()
        .slice(0, MAX_RESOURCES),
      topSource: topSource(acceptedPublic),
      rejectedFromPublic: rejectedPublic,
      usedSources: [...usedSources].sort(),
      usedPorts: [...usedPorts].sort((a, b) => a - b),
    };
    this.statsMemo.set(key, st);
    return st;
  }

  private scan(e: NetExposure): FlowGroup[] {
    const p = e.ports;
    const candidates =
      p === null || p.to - p.from >= INDEXED_RANGE
        ? this.all
        : Array.from({ length: p.to - p.from + 1 }, (_, i) => this.byPort.get(p.from + i) ?? []).flat();
    const sources = e.cidrs.map(cidrMatcher);
    return candidates.filter((g) => {
      if (!coversProtocol(e.protocol, g.proto)) return false;
      if (g.dstPort < 0 ? e.ports !== null : !coversPort(e.ports, g.dstPort)) return false;
      const a = this.addr.get(g);
      return a !== null && a !== undefined && sources.some((m) => m(a));
    });
  }
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
    const st = index.stats(e);
    if (st.acceptedFromPublic > 0) {
      f.observed = {
        kind: 'reached',
        acceptedFromPublic: st.acceptedFromPublic,
        distinctSources: st.distinctPublicSources,
        resources: st.resources,
        topSource: st.topSource,
        window: windowText,
      };
      if (config.escalateReached && !isWebOnly(e)) f.severity = escalate(f.severity);
    } else if (st.rejectedFromPublic > 0) {
      f.observed = { kind: 'probed-closed', rejected: st.rejectedFromPublic, window: windowText };
    }
  }
  const advice: AuditFinding[] = [];
  for (const rule of report.rules) {
    if (rule.exposure.direction !== 'ingress') continue;
    const st = index.stats(rule.exposure);
    const at = { file: rule.file, line: rule.line, endLine: rule.endLine, resource: rule.resource };
    const what = `${rule.resource} rule allowing ${describeTraffic(rule.exposure.protocol, rule.exposure.ports)} from ${rule.exposure.cidrs.join(', ')}`;
    if (st.usedSources.length === 0) {
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
    const sources = st.usedSources;
    const ports = st.usedPorts;
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
  // Distinct (protocol, ports) of the ingress rules; a repository repeats the same few many times.
  const opened = [
    ...new Map(
      rules
        .filter((r) => r.exposure.direction === 'ingress')
        .map(
          (r) =>
            [`${r.exposure.protocol}|${r.exposure.ports?.from}-${r.exposure.ports?.to}`, r.exposure] as const,
        ),
    ).values(),
  ];
  const openCache = new Map<string, boolean>();
  const isOpened = (proto: number, port: number): boolean => {
    const key = `${proto}/${port}`;
    let v = openCache.get(key);
    if (v === undefined) {
      v = opened.some((e) => coversProtocol(e.protocol, proto) && coversPort(e.ports, port));
      openCache.set(key, v);
    }
    return v;
  };
  for (const g of requests) {
    if (g.action !== 'reject' || g.dstPort < 0 || isOpened(g.proto, g.dstPort) || !isPublic(g.srcIp))
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
