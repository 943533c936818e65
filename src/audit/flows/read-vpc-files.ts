// Reads VPC Flow Log text files (default or custom format with a header line, plain or .gz) into
// flow groups; NODATA/SKIPDATA records become coverage gaps. Malformed lines are counted, never fatal.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { EXIT_INPUT, UserError } from '../../core/errors.ts';
import { FlowGrouper, type CoverageGapSpan, type ObservedTraffic } from './observed.ts';

const DEFAULT_FIELDS =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'.split(
    ' ',
  );

async function listFiles(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => null);
  if (!s)
    throw new UserError(`cannot read flows from ${p}: no such file or directory`, {
      hint: 'pass a data directory or VPC flow-log files',
      exitCode: EXIT_INPUT,
    });
  if (s.isFile()) return [p];
  const out: string[] = [];
  for (const e of (await readdir(p, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile() && /\.(log|txt|gz)$/i.test(e.name)) out.push(full);
  }
  return out;
}

interface RawFlow {
  time: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  proto: number;
  action: 'accept' | 'reject' | 'unknown';
}

export async function readVpcFlowFiles(
  paths: readonly string[],
  windowDays: number,
  now?: number,
): Promise<ObservedTraffic & { rejected: number }> {
  const flows: RawFlow[] = [];
  const gaps: CoverageGapSpan[] = [];
  let rejected = 0;
  for (const p of paths)
    for (const file of await listFiles(p)) {
      const input = file.endsWith('.gz')
        ? createReadStream(file).pipe(createGunzip())
        : createReadStream(file);
      let fields = DEFAULT_FIELDS;
      let first = true;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        const t = line.trim();
        if (t === '') continue;
        const parts = t.split(/\s+/);
        if (first && /^[a-z-]+$/.test(parts[0] ?? '') && parts.includes('srcaddr')) {
          fields = parts;
          first = false;
          continue;
        }
        first = false;
        const get = (name: string): string | undefined => {
          const i = fields.indexOf(name);
          return i < 0 ? undefined : parts[i];
        };
        const status = get('log-status');
        const start = Number(get('start'));
        const end = Number(get('end'));
        if (status === 'NODATA' || status === 'SKIPDATA') {
          if (Number.isFinite(start) && Number.isFinite(end))
            gaps.push({ kind: status.toLowerCase(), start, end });
          continue;
        }
        const srcIp = get('srcaddr');
        const proto = Number(get('protocol'));
        const act = get('action');
        if (
          parts.length !== fields.length ||
          !srcIp ||
          srcIp === '-' ||
          !Number.isFinite(start) ||
          !Number.isFinite(proto)
        ) {
          rejected++;
          continue;
        }
        const direction = get('flow-direction');
        if (direction === 'egress') continue;
        flows.push({
          time: start,
          srcIp,
          dstIp: get('dstaddr') ?? '',
          srcPort: Number(get('srcport') ?? -1),
          dstPort: Number(get('dstport') ?? -1),
          proto,
          action: act === 'ACCEPT' ? 'accept' : act === 'REJECT' ? 'reject' : 'unknown',
        });
      }
    }
  const end = now ?? flows.reduce((m, f) => Math.max(m, f.time), 0);
  const window = { start: end - windowDays * 86400, end, days: windowDays };
  const grouper = new FlowGrouper();
  for (const f of flows) if (f.time >= window.start && f.time <= window.end) grouper.add(f);
  return {
    source: paths.join(', '),
    window,
    groups: grouper.groups(),
    gaps: gaps.filter((g) => g.end >= window.start && g.start <= window.end),
    daysWithData: grouper.dayCount(),
    flows: grouper.flows,
    rejected,
  };
}
