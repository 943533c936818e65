// Web attacks from access logs (http events): per source and web server in a window, requests
// that probe for SQL injection, XSS, path traversal, sensitive files, Log4Shell (JNDI lookups),
// CMS admin paths, requests from scanner user agents, failed HTTP authentications (401s, nginx
// error-log auth failures), and bursts of 4xx answers. One finding per
// source and server lists every category that crossed its threshold (web-patterns.ts).

import { z } from 'zod';
import type { LogEvent } from '../core/records.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import { classifyRequest, WEB_CATEGORIES, type WebCategory } from './web-patterns.ts';

const categoryThresholds = z
  .object({
    sqli: z.number().int().min(1).default(3),
    xss: z.number().int().min(1).default(3),
    'path-traversal': z.number().int().min(1).default(2),
    'sensitive-file': z.number().int().min(1).default(3),
    jndi: z.number().int().min(1).default(1),
    'cms-probe': z.number().int().min(1).default(3),
    scanner: z.number().int().min(1).default(2),
    /** Failed HTTP authentications (CrowdSec http-generic-bf: 5). */
    'http-auth': z.number().int().min(1).default(5),
  })
  .default({
    sqli: 3,
    xss: 3,
    'path-traversal': 2,
    'sensitive-file': 3,
    jndi: 1,
    'cms-probe': 3,
    scanner: 2,
    'http-auth': 5,
  });

export const webAttackConfigSchema = z.object({
  windowSeconds: z.number().int().min(10).default(600),
  /** Matching requests per category from one source to one server in a window. */
  thresholds: categoryThresholds,
  /** 4xx answers from one source to one server in a window (Wazuh: 14 in 90 s). */
  min4xx: z.number().int().min(1).default(30),
  /** Severity of injection, traversal, sensitive-file, Log4Shell and scanner findings. */
  severity: z.number().min(1).max(10).default(5),
  /**
   * Severity when the only finding is a 4xx burst or CMS path probing (noise of the internet); a
   * burst of ten times `min4xx` (content discovery) gets `severity`.
   */
  severityNoise: z.number().min(1).max(10).default(3),
  maxKeys: z.number().int().min(100).default(100_000),
});

const MAX_SAMPLE = 20;
const NOISE: ReadonlySet<string> = new Set(['4xx-burst', 'cms-probe']);

interface SourceState {
  actor: string;
  server: string;
  counts: Map<WebCategory, number>;
  requests: number;
  errors: number;
  first: number;
  last: number;
  samples: string[];
}

function serverOf(e: LogEvent): string {
  if (e.dst_ip !== null) return e.dst_ip;
  if (e.host !== null) return e.host;
  return typeof e.fields.vhost === 'string' ? e.fields.vhost : 'web-server';
}

export const webAttack: Detector<typeof webAttackConfigSchema> = {
  id: 'web-attack',
  types: ['UnauthorizedAccess:Host/WebAttack'],
  description: 'SQL injection, XSS, path traversal, Log4Shell and scanner probes, 4xx bursts in access logs',
  configSchema: webAttackConfigSchema,
  create(config) {
    const windows = createTumblingWindows<Map<string, SourceState>>(config.windowSeconds, () => new Map());
    const crossed = (s: SourceState): string[] => {
      const out: string[] = WEB_CATEGORIES.filter((c) => (s.counts.get(c) ?? 0) >= config.thresholds[c]);
      if (s.errors >= config.min4xx) out.push('4xx-burst');
      return out;
    };

    function report(ctx: DetectorContext, start: number, end: number, s: SourceState, kinds: string[]): void {
      const noise = kinds.every((k) => NOISE.has(k)) && s.errors < 10 * config.min4xx;
      const parts = kinds.map((k) =>
        k === '4xx-burst' ? `${s.errors} 4xx answers` : `${s.counts.get(k as WebCategory)} ${k}`,
      );
      const observed = Math.max(s.errors, ...[...s.counts.values()]);
      const q = (v: string): string => `'${v.replace(/'/g, "''")}'`;
      ctx.emit({
        type: 'UnauthorizedAccess:Host/WebAttack',
        severity: noise ? config.severityNoise : config.severity,
        resource: { ip: s.server, id: s.server },
        actor: { ip: s.actor, port: null },
        role: 'target',
        discriminator: 'web',
        title: `Web attack from ${s.actor} against ${s.server}: ${kinds.join(', ')}`,
        description: `${s.actor} sent ${s.requests} requests to ${s.server} within ${config.windowSeconds / 60} min: ${parts.join(', ')}.`,
        threshold: Math.min(
          ...kinds.map((k) => (k === '4xx-burst' ? config.min4xx : config.thresholds[k as WebCategory])),
        ),
        observed,
        windowStart: start,
        windowEnd: end,
        sample: s.samples,
        query:
          `SELECT * FROM events WHERE kind = 'http' AND src_ip = ${q(s.actor)}` +
          ` AND time >= to_timestamp(${start}) AND time < to_timestamp(${end}) ORDER BY time`,
        firstSeen: s.first,
        lastSeen: s.last,
        detail: {
          server: s.server,
          categories: kinds,
          requests: s.requests,
          errors4xx: s.errors,
          ...Object.fromEntries([...s.counts].map(([k, n]) => [`count_${k}`, n])),
        },
        detector: 'web-attack',
      });
    }

    return {
      onFlows() {},
      onEvent(e) {
        if (e.kind !== 'http' || e.src_ip === null) return;
        // nginx error-log lines repeat requests the access log has; only their auth failures count.
        if (e.fields.log === 'error' && e.fields.error !== 'auth_fail') return;
        const w = windows.at(e.time);
        if (w === null) return;
        const server = serverOf(e);
        const k = `${e.src_ip}|${server}`;
        let s = w.get(k);
        if (s === undefined) {
          if (w.size >= config.maxKeys) return;
          s = {
            actor: e.src_ip,
            server,
            counts: new Map(),
            requests: 0,
            errors: 0,
            first: e.time,
            last: e.time,
            samples: [],
          };
          w.set(k, s);
        }
        const status = typeof e.fields.status === 'number' ? e.fields.status : Number(e.outcome);
        const target = typeof e.fields.path === 'string' ? e.fields.path : String(e.fields.request ?? '');
        const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
        const categories = classifyRequest({
          target,
          userAgent: str(e.fields.user_agent),
          referer: str(e.fields.referer),
          status,
        });
        s.requests++;
        if (status >= 400 && status < 500) s.errors++;
        for (const c of categories) s.counts.set(c, (s.counts.get(c) ?? 0) + 1);
        if (e.time < s.first) s.first = e.time;
        if (e.time > s.last) s.last = e.time;
        if (categories.length > 0 && s.samples.length < MAX_SAMPLE) s.samples.push(e.message.slice(0, 500));
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const s of w.values()) {
            const kinds = crossed(s);
            if (kinds.length > 0) report(ctx, start, end, s, kinds);
          }
        });
      },
      stateSize() {
        let n = 0;
        for (const [, w] of windows.open()) n += w.size;
        return n;
      },
    };
  },
};
