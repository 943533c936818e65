// HTTP request floods from web server logs (http events), CrowdSec's http-dos-* and
// http-crawl-non_statics scenarios as leaky buckets per source and web server:
// - crawl: non-static requests at a sustained rate (40 in a burst, one leaks every 0.5 s);
// - cache-bust: distinct numeric query strings of 7-12 digits (`/?183700723108`, cc-attack);
// - random-uri: GET of a six-capital-letter path without a query (`/NGUHGC`, LOIC);
// - switching-ua: distinct user agents from one source (mhddos).
// And the distributed version: in a window, many requests from many sources to one path or one
// host, no single source holding most of them (one finding per server and path, actors grouped).

import { z } from 'zod';
import type { LogEvent } from '../core/records.ts';
import type { Detector, DetectorContext } from '../engine/detector.ts';
import { createTumblingWindows } from '../engine/windows.ts';
import { bucketSchema, drained, newBucket, pour, type LeakyBucket } from './leaky-bucket.ts';

export const httpFloodConfigSchema = z.object({
  /** Findings are reported per window; buckets carry over between windows. */
  windowSeconds: z.number().int().min(10).default(60),
  /** Non-static requests from one source to one server (CrowdSec http-crawl-non_statics). */
  crawl: bucketSchema(40, 0.5),
  /** Distinct all-digit query strings of 7-12 characters (CrowdSec http-dos-bypass-cache). */
  cacheBust: bucketSchema(30, 1),
  /** GETs of a six-capital-letter path with no query (CrowdSec http-dos-random-uri). */
  randomUri: bucketSchema(30, 1),
  /** Distinct user agents from one source (CrowdSec http-dos-switching-ua). */
  switchingUa: bucketSchema(10, 8),
  /** Many sources to one server: requests to one path, or to the whole host, in a window. */
  distributed: z
    .object({
      minRequestsPerPath: z.number().int().min(1).default(3000),
      minRequestsPerHost: z.number().int().min(1).default(12000),
      minSources: z.number().int().min(2).default(50),
      /** Not distributed when one source sent more than this share (its own finding covers it). */
      maxShare: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  /** Severity of the flood patterns (cache-bust, random-uri, switching-ua) and distributed floods. */
  severity: z.number().min(1).max(10).default(5),
  /** Severity when the only pattern is a crawl rate (search engines crawl fast too). */
  severityCrawl: z.number().min(1).max(10).default(3),
  maxKeys: z.number().int().min(100).default(100_000),
});

type Config = z.output<typeof httpFloodConfigSchema>;
const PATTERNS = ['crawl', 'cache-bust', 'random-uri', 'switching-ua'] as const;
type Pattern = (typeof PATTERNS)[number];
const BUCKET: Record<Pattern, 'crawl' | 'cacheBust' | 'randomUri' | 'switchingUa'> = {
  crawl: 'crawl',
  'cache-bust': 'cacheBust',
  'random-uri': 'randomUri',
  'switching-ua': 'switchingUa',
};
const MAX_SAMPLE = 20;
const MAX_SOURCES = 10_000;
const STATIC =
  /\.(?:css|js|mjs|map|png|jpe?g|gif|ico|svg|webp|avif|bmp|woff2?|ttf|otf|eot|mp3|mp4|webm|txt)$/i;

interface ActorWindow {
  actor: string;
  server: string;
  requests: number;
  /** Highest bucket level reached by each pattern that overflowed. */
  over: Map<Pattern, number>;
  first: number;
  last: number;
  samples: string[];
}

interface Crowd {
  server: string;
  path: string;
  requests: number;
  sources: Map<string, number>;
  first: number;
  last: number;
}

function serverOf(e: LogEvent): string {
  if (e.dst_ip !== null) return e.dst_ip;
  if (e.host !== null) return e.host;
  return typeof e.fields.vhost === 'string' ? e.fields.vhost : 'web-server';
}

/** The values each pattern pours (undefined: the request does not count for it). */
function poured(e: LogEvent): Record<Pattern, string | undefined> {
  const target = typeof e.fields.path === 'string' ? e.fields.path : '';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const args = q < 0 ? '' : target.slice(q + 1);
  const isStatic = STATIC.test(path);
  const get = e.fields.method === 'GET';
  const frag = path.slice(path.lastIndexOf('/') + 1);
  const ua = e.fields.user_agent;
  return {
    crawl: isStatic ? undefined : '',
    'cache-bust': !isStatic && /^\d{7,12}$/.test(args) ? args : undefined,
    'random-uri': get && !isStatic && args === '' && /^[A-Z]{6}$/.test(frag) ? '' : undefined,
    'switching-ua': typeof ua === 'string' ? ua : undefined,
  };
}

const q = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const eventsQuery = (where: string, start: number, end: number): string =>
  `SELECT * FROM events WHERE kind = 'http' AND ${where}` +
  ` AND time >= to_timestamp(${start}) AND time < to_timestamp(${end}) ORDER BY time`;

function reportActor(ctx: DetectorContext, config: Config, s: ActorWindow, start: number, end: number): void {
  const kinds = PATTERNS.filter((p) => s.over.has(p));
  const crawlOnly = kinds.every((k) => k === 'crawl');
  const parts = kinds.map((k) => {
    const b = config[BUCKET[k]];
    return `${k} (bucket of ${b.capacity}, one leaking every ${b.leakSeconds} s, reached ${Math.floor(s.over.get(k)!)})`;
  });
  ctx.emit({
    type: 'Impact:Host/InboundFlood',
    severity: crawlOnly ? config.severityCrawl : config.severity,
    resource: { ip: s.server, id: s.server },
    actor: { ip: s.actor, port: null },
    role: 'target',
    discriminator: 'http',
    title: `HTTP flood from ${s.actor} against ${s.server}: ${kinds.join(', ')}`,
    description: `${s.actor} sent ${s.requests} requests to ${s.server} within ${config.windowSeconds} s: ${parts.join('; ')}.`,
    threshold: Math.min(...kinds.map((k) => config[BUCKET[k]].capacity)),
    observed: Math.floor(Math.max(...s.over.values())),
    windowStart: start,
    windowEnd: end,
    sample: s.samples,
    query: eventsQuery(`src_ip = ${q(s.actor)}`, start, end),
    firstSeen: s.first,
    lastSeen: s.last,
    detail: { server: s.server, categories: kinds, requests: s.requests },
    detector: 'http-flood',
  });
}

function reportCrowd(ctx: DetectorContext, config: Config, c: Crowd, start: number, end: number): void {
  const d = config.distributed;
  const min = c.path === '*' ? d.minRequestsPerHost : d.minRequestsPerPath;
  if (c.requests < min || c.sources.size < d.minSources) return;
  const ranked = [...c.sources].sort((a, b) => b[1] - a[1]);
  const [top, topCount] = ranked[0]!;
  if (topCount > d.maxShare * c.requests) return;
  const what = c.path === '*' ? c.server : `${c.server} ${c.path}`;
  const many = c.sources.size >= MAX_SOURCES ? `at least ${MAX_SOURCES}` : String(c.sources.size);
  ctx.emit({
    type: 'Impact:Host/InboundFlood',
    severity: config.severity,
    resource: { ip: c.server, id: c.server },
    actor: { ip: top, port: null },
    actorInIdentity: false,
    role: 'target',
    discriminator: `http-distributed:${c.path}`,
    title: `Distributed HTTP flood against ${what}: ${c.requests} requests from ${many} sources`,
    description: `${many} sources sent ${c.requests} requests to ${what} within ${config.windowSeconds} s (thresholds ${min} requests from ${d.minSources} sources); the busiest, ${top}, sent ${topCount}.`,
    threshold: min,
    observed: c.requests,
    windowStart: start,
    windowEnd: end,
    sample: ranked.slice(0, MAX_SAMPLE).map(([ip, n]) => `${ip}: ${n} requests`),
    query: eventsQuery(
      c.path === '*' ? 'true' : `json_extract_string(fields, '$.path') LIKE ${q(`${c.path}%`)}`,
      start,
      end,
    ),
    firstSeen: c.first,
    lastSeen: c.last,
    detail: {
      server: c.server,
      path: c.path,
      categories: ['distributed'],
      requests: c.requests,
      sources: c.sources.size,
      topSource: top,
      topRequests: topCount,
    },
    detector: 'http-flood',
  });
}

export const httpFlood: Detector<typeof httpFloodConfigSchema> = {
  id: 'http-flood',
  types: ['Impact:Host/InboundFlood'],
  description:
    'HTTP request floods in web server logs: crawl rate, cache bypass, random URIs, switching user agents, many sources',
  configSchema: httpFloodConfigSchema,
  create(config) {
    const buckets = new Map<string, Partial<Record<Pattern, LeakyBucket>>>();
    const windows = createTumblingWindows(config.windowSeconds, () => ({
      actors: new Map<string, ActorWindow>(),
      crowds: new Map<string, Crowd>(),
    }));

    function crowd(m: Map<string, Crowd>, server: string, path: string, e: LogEvent, ip: string): void {
      const k = `${server}|${path}`;
      let c = m.get(k);
      if (c === undefined) {
        if (m.size >= config.maxKeys) return;
        c = { server, path, requests: 0, sources: new Map(), first: e.time, last: e.time };
        m.set(k, c);
      }
      c.requests++;
      const n = c.sources.get(ip);
      if (n !== undefined) c.sources.set(ip, n + 1);
      else if (c.sources.size < MAX_SOURCES) c.sources.set(ip, 1);
      c.first = Math.min(c.first, e.time);
      c.last = Math.max(c.last, e.time);
    }

    return {
      onFlows() {},
      onEvent(e) {
        // nginx error-log lines repeat requests the access log already counts.
        if (e.kind !== 'http' || e.src_ip === null || e.fields.log === 'error') return;
        const w = windows.at(e.time);
        if (w === null) return;
        const server = serverOf(e);
        const k = `${e.src_ip}|${server}`;
        let s = w.actors.get(k);
        if (s === undefined) {
          if (w.actors.size >= config.maxKeys) return;
          s = {
            actor: e.src_ip,
            server,
            requests: 0,
            over: new Map(),
            first: e.time,
            last: e.time,
            samples: [],
          };
          w.actors.set(k, s);
        }
        s.requests++;
        s.first = Math.min(s.first, e.time);
        s.last = Math.max(s.last, e.time);
        let mine = buckets.get(k);
        if (mine === undefined) {
          if (buckets.size >= config.maxKeys) return;
          mine = {};
          buckets.set(k, mine);
        }
        const values = poured(e);
        let matched = false;
        for (const p of PATTERNS) {
          const v = values[p];
          if (v === undefined) continue;
          const b = (mine[p] ??= newBucket(e.time, p === 'cache-bust' || p === 'switching-ua'));
          if (p !== 'crawl') matched = true;
          if (pour(b, config[BUCKET[p]], e.time, v)) s.over.set(p, Math.max(s.over.get(p) ?? 0, b.level));
        }
        if ((matched || s.over.size > 0) && s.samples.length < MAX_SAMPLE)
          s.samples.push(e.message.slice(0, 500));
        const target = typeof e.fields.path === 'string' ? e.fields.path : '';
        const qm = target.indexOf('?');
        crowd(w.crowds, server, qm < 0 ? target : target.slice(0, qm), e, e.src_ip);
        crowd(w.crowds, server, '*', e, e.src_ip);
      },
      onWatermark(t, ctx) {
        windows.closeUpTo(t, (start, end, w) => {
          for (const s of w.actors.values()) if (s.over.size > 0) reportActor(ctx, config, s, start, end);
          for (const c of w.crowds.values()) reportCrowd(ctx, config, c, start, end);
        });
        for (const [k, mine] of buckets) {
          const live = PATTERNS.some((p) => mine[p] !== undefined && !drained(mine[p], config[BUCKET[p]], t));
          if (!live) buckets.delete(k);
        }
      },
      stateSize() {
        let n = buckets.size;
        for (const [, w] of windows.open()) n += w.actors.size + w.crowds.size;
        return n;
      },
    };
  },
};
