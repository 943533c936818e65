// Streaming and SQL give the same matches on the same data: every operator, missing values,
// negation and allowlists, for flows (FlowBatch vs the `flows` view) and events (LogEvent vs the
// `events` table), and every correlation type (engine windows vs the hunt's GROUP BY).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipText } from '../core/ip.ts';
import { type DuckDbFlowStore, openDuckDbStore } from '../store/duckdb.ts';
import { compileEventRule } from './compile-event.ts';
import { compileFlowRule } from './compile-flow.ts';
import { basesOf, huntCorrelation, huntDetection } from './hunt.ts';
import { linkRules, parseRuleText } from './load.ts';
import { createLocalRun } from './run-local.ts';
import { generatedEvents, generatedFlows, T0 } from './testdata.ts';
import type { CorrelationRule, DetectionRule, Rule, RuleProblem } from './types.ts';

const FLOW_SELECTIONS: Record<string, string> = {
  ports: `sel: {dst_port: [5432, 3306, 6379, 27017]}`,
  'port-and-action': `sel: {DestinationPort: 22, action: accept}`,
  cidr: `sel: {src_ip|cidr: [203.0.113.0/24, 45.33.32.0/24]}`,
  'not-private': `sel: {dst_port: 25}\n    inside: {dst_ip|cidr: [10.0.0.0/8, 192.168.0.0/16, 172.16.0.0/12]}`,
  'ip-equal': `sel: {dst_ip: 8.8.8.8}`,
  'wide-range': `sel: {src_ip|cidr: 192.168.0.0/15, dst_port|gt: 1000}`,
  'range-or-port': `sel_a: {src_ip|cidr: 45.33.32.0/24}\n    sel_b: {src_ip: 8.8.8.8}`,
  ipv6: `sel: {src_ip|startswith: '2001:db8::'}`,
  'ipv6-equal': `sel: {dst_ip: '2001:db8:1::10'}`,
  wildcard: `sel: {resource: 'ENI-*'}`,
  'missing-port': `sel: {dst_port: null}`,
  'missing-resource': `sel: {resource: null}`,
  numbers: `sel: {bytes|gt: 50000, packets|lte: 80}`,
  'tcp-flags': `sel: {tcp_flags|gte: 32}`,
  'regex-ip': `sel: {src_ip|re: '^198\\.51\\.100\\.[0-9]$'}`,
  'text-field': `sel: {vpc_id: vpc-prod1}`,
  contains: `sel: {vpc_id|contains: STAGE}`,
  proto: `sel: {network.transport: udp}`,
  'one-of': `sel_a: {dst_port: 53}\n    sel_b: {dst_port: 443, action: reject}`,
  all: `sel: {resource|all: ['eni-*', '*-1']}`,
  missing: `sel: {dst_port|lt: 100}`,
  // Index paths (index-rules.ts, dispatch.ts): rules the dispatch must try on every record they can match.
  negation: `sel: {dst_port: 22}`,
  'or-across-fields': `sel_a: {src_ip|cidr: 45.33.32.0/24}\n    sel_b: {dst_port: 53}`,
  'cidr-edge-low': `sel: {src_ip|cidr: 10.0.1.0/28}`,
  'cidr-edge-high': `sel: {src_ip|cidr: [10.0.1.16/30, 10.0.1.20/31, 10.0.1.20]}`,
  'cidr-touching': `sel: {dst_ip|cidr: [10.0.1.0/29, 10.0.1.8/29], dst_port: [22, 443]}`,
  'ipv6-and-ipv4': `sel: {src_ip: ['2001:db8::5', '2001:db8::1f', 203.0.113.7]}`,
  'not-inside-v6': `inside: {src_ip|cidr: [10.0.0.0/8, 203.0.113.0/24]}`,
  'port-and-guard': `sel: {dst_port: 22, src_ip|cidr: 203.0.113.0/26}`,
  'port-window': `sel: {dst_port|gt: 442}\n    low: {dst_port|lte: 5432}`,
  'packets-few': `sel: {packets|lt: 5}`,
  'bytes-range': `sel: {bytes|gte: 100000}\n    top: {bytes|lt: 120000}`,
  'action-reject': `sel: {action: reject, proto: 17}`,
  'text-or-number': `sel_a: {vpc_id: vpc-stage2, tcp_flags: 2}\n    sel_b: {resource: eni-1}`,
  'text-and-not': `sel: {resource|endswith: '-3'}\n    web: {dst_port: [80, 443]}`,
};

const CONDITIONS: Record<string, string> = {
  'not-private': 'sel and not inside',
  negation: 'not sel',
  'not-inside-v6': 'not inside',
  'port-window': 'sel and low',
  'bytes-range': 'sel and top',
  'text-and-not': 'sel and not web',
  'one-of': '1 of sel_*',
};

function flowRule(id: string, body: string): string {
  return `title: ${id}\nid: ${id}\nlogsource: {category: flow}\ndetection:\n    ${body}\n    condition: ${CONDITIONS[id] ?? (body.includes('sel_a') ? '1 of sel_*' : 'sel')}\n`;
}

const EVENT_RULES = `
title: failed root
id: ev-failed
logsource: {product: linux, service: sshd}
detection:
  sel: {outcome: failure, user: ROOT}
  condition: sel
---
title: web errors
id: ev-web
logsource: {category: webserver}
detection:
  sel: {outcome|startswith: '4'}
  known: {src_ip|cidr: 203.0.113.0/30}
  condition: sel and not known
---
title: method field
id: ev-fields
logsource: {category: event}
detection:
  sel: {fields.method: password}
  nosrc: {src_ip: null}
  condition: sel or nosrc
allowlist:
  - {src_ip: 203.0.113.1}
`;

const CORRELATIONS = `
title: many ports
id: c-ports
correlation: {type: value_count, rules: [c-any-outside], group-by: [src_ip], timespan: 5m, condition: {gte: 4, field: dst_port}}
---
title: any outside
id: c-any-outside
name: c-any-outside
logsource: {category: flow}
detection:
  sel: {src_ip|cidr: 203.0.113.0/24}
  condition: sel
---
title: failures
id: c-fail-count
correlation: {type: event_count, rules: [ssh-fail], group-by: [src_ip, user], timespan: 10m, condition: {gte: 5}}
---
title: ssh failure
id: ssh-fail
logsource: {service: sshd}
detection: {sel: {outcome: failure}, condition: sel}
---
title: ssh success
id: ssh-ok
logsource: {service: sshd}
detection: {sel: {outcome: success}, condition: sel}
---
title: failure burst then success
id: c-ordered
correlation:
  type: temporal_ordered
  rules: [ssh-fail, ssh-ok]
  group-by: [src_ip]
  timespan: 10m
  min-count: {ssh-fail: 3}
---
title: both
id: c-temporal
correlation: {type: temporal, rules: [ssh-fail, ssh-ok], group-by: [src_ip], timespan: 5m}
`;

function load(text: string): Rule[] {
  const problems: RuleProblem[] = [];
  const rules = linkRules(parseRuleText('test.yml', text, problems), problems);
  expect(problems).toEqual([]);
  return rules;
}

describe('streaming and SQL agree', () => {
  let dir = '';
  let store: DuckDbFlowStore;
  const flows = generatedFlows(20_000);
  const events = generatedEvents(3_000);
  const range = { from: T0 - 1, to: T0 + 100_000 };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sakura-rules-'));
    store = await openDuckDbStore(dir);
    await store.appendFlows(flows);
    await store.appendEvents(events);
    await store.flush();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [id, body] of Object.entries(FLOW_SELECTIONS)) {
    it(`flow rule ${id}`, async () => {
      const rule = load(flowRule(id, body))[0] as DetectionRule;
      const pred = compileFlowRule(rule);
      const streamed: string[] = [];
      for (let i = 0; i < flows.length; i++) {
        if (pred(flows, i))
          streamed.push(
            `${flows.start[i]}|${ipText(flows.srcIp4[i]!, flows.srcIp6[i] ?? null)}|${flows.srcPort[i]}`,
          );
      }
      const hunted = await huntDetection(store, rule, range, 1_000_000);
      const sql = hunted.rows.map((r) => `${Number(r.t)}|${String(r.src_ip)}|${Number(r.src_port)}`);
      expect(streamed.length).toBeGreaterThan(0);
      expect(streamed.length).toBeLessThan(flows.length);
      expect(hunted.total).toBe(streamed.length);
      expect(new Set(sql)).toEqual(new Set(streamed));
      // The engine's dispatch (port and address-block indexes) tries the rule on every record it can match.
      const run = createLocalRun([rule], { latenessSeconds: 1e9 });
      run.onFlows(flows);
      expect(run.finish().matches.get(id)).toBe(streamed.length);
    });
  }

  it('every flow rule in one engine: shared index tables and guards skip no match', () => {
    const rules = Object.entries(FLOW_SELECTIONS).map(
      ([id, body]) => load(flowRule(id, body))[0] as DetectionRule,
    );
    const run = createLocalRun(rules, { latenessSeconds: 1e9 });
    run.onFlows(flows);
    const matches = run.finish().matches;
    for (const rule of rules) {
      const pred = compileFlowRule(rule);
      let n = 0;
      for (let i = 0; i < flows.length; i++) if (pred(flows, i)) n++;
      expect(matches.get(rule.id), rule.id).toBe(n);
    }
  });

  it('event rules', async () => {
    for (const rule of load(EVENT_RULES) as DetectionRule[]) {
      const pred = compileEventRule(rule);
      const streamed = events.filter(pred).map((e) => `${e.time}|${e.src_port}`);
      const hunted = await huntDetection(store, rule, range, 1_000_000);
      const sql = hunted.rows.map((r) => `${Number(r.t)}|${r.src_port === null ? null : Number(r.src_port)}`);
      expect(streamed.length, rule.id).toBeGreaterThan(0);
      expect(new Set(sql), rule.id).toEqual(new Set(streamed));
      expect(hunted.total).toBe(streamed.length);
    }
  });

  it('correlations: the windows and groups that fire are the same', async () => {
    const rules = load(CORRELATIONS);
    for (const c of rules.filter((r): r is CorrelationRule => r.kind === 'correlation')) {
      const bases = basesOf(c, rules);
      // Flows then events, both spanning the same hour: no window may close before the end.
      const run = createLocalRun([c, ...bases], { latenessSeconds: 1e9 });
      run.onFlows(flows);
      for (const e of events) run.onEvent(e);
      const streamed = run
        .finish()
        .signals.filter((s) => s.detail.rule === c.id)
        .map((s) => `${s.windowStart}|${String(s.detail.group)}|${s.observed}`);
      const hits = await huntCorrelation(store, c, bases, range);
      const sql = hits.map(
        (h) =>
          `${h.windowStart}|${c.groupBy.map((f, k) => `${f}=${h.group[k] ?? 'null'}`).join(',')}|${h.observed}`,
      );
      expect(streamed.length, c.id).toBeGreaterThan(0);
      expect(new Set(sql), c.id).toEqual(new Set(streamed));
    }
  });
});
