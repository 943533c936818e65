import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { flowAt } from '../core/flow.ts';
import { openFlowInputs, type InputEvent } from '../sources/files.ts';
import { openFlowInputsInWorker } from './parallel-inputs.ts';

const FIXTURES = fileURLToPath(new URL('../parsers/vpc/testdata/otel-contrib', import.meta.url));
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

const dir = mkdtempSync(join(tmpdir(), 'sg-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, data: string | Buffer): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** Files with good rows, IPv6 rows, NODATA/SKIPDATA rows and malformed lines; one corrupt gzip. */
function multiFileDir(name: string, files: number, rowsPerFile: number): string {
  const root = join(dir, name);
  for (let f = 0; f < files; f++) {
    const lines = [HEADER];
    for (let i = 0; i < rowsPerFile; i++) {
      const t = 1_763_596_800 + f * 600 + i;
      const src = i % 7 === 0 ? `2001:db8::${(i % 50).toString(16)}` : `10.0.${f % 4}.${(i % 250) + 1}`;
      const dst = src.includes(':') ? '2001:db8::ffff' : '203.0.113.7';
      lines.push(
        `2 123456789012 eni-${f % 3} ${src} ${dst} ${40000 + i} 443 6 3 ${300 + i} ${t} ${t + 60} ACCEPT OK`,
      );
      if (i % 97 === 0) lines.push(`2 123456789012 eni-${f % 3} - - - - - - - ${t} ${t + 60} - NODATA`);
      if (i % 131 === 5) lines.push(`2 123456789012 eni-x 10.0.0.999 10.0.0.2 1 2 6 1 1 ${t} ${t} ACCEPT OK`);
      if (i % 149 === 3) lines.push('garbage line');
    }
    const dd = String(f).padStart(3, '0');
    write(`${name}/2026/11/${dd}/part-${dd}.log.gz`, gzipSync(`${lines.join('\n')}\n`));
  }
  const good = gzipSync(`${HEADER}\n2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT OK\n`);
  write(
    `${name}/2026/11/zz-corrupt.log.gz`,
    Buffer.concat([good.subarray(0, good.length - 12), Buffer.from('broken')]),
  );
  return root;
}

/** Everything a consumer can see: framing, flows row by row, gaps, rejections. */
async function collect(events: AsyncIterable<InputEvent>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const ev of events) {
    if (ev.kind !== 'output') {
      out.push(ev);
      continue;
    }
    const { batches, gaps, rejections } = ev.output;
    out.push({
      kind: ev.kind,
      file: ev.file,
      bytesRead: ev.bytesRead,
      batches: batches.map((b) => ({
        capacity: b.capacity,
        rows: Array.from({ length: b.length }, (_, i) => flowAt(b, i)),
      })),
      gaps,
      rejections,
    });
  }
  return out;
}

async function failure(events: AsyncIterable<InputEvent>): Promise<unknown> {
  try {
    for await (const _ of events) {
      // read to the end
    }
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('openFlowInputsInWorker', () => {
  it('gives the same events, flows, gaps and rejections as openFlowInputs on the fixtures', async () => {
    const expected = await collect(openFlowInputs([FIXTURES]));
    expect(expected.length).toBeGreaterThan(8);
    expect(await collect(openFlowInputsInWorker([FIXTURES]))).toEqual(expected);
  });

  it('gives the same on a multi-file gzip directory with gaps, bad lines and a corrupt file', async () => {
    const root = multiFileDir('multi', 12, 3000);
    const expected = await collect(openFlowInputs([root]));
    const got = await collect(openFlowInputsInWorker([root], {}, { maxInFlight: 3 }));
    expect(got).toEqual(expected);
    const all = JSON.stringify(got);
    // The comparison covers what it should: IPv6 rows, gaps, rejected lines, the corrupt file.
    expect(all).toContain('2001:db8::ffff');
    expect(all).toContain('"nodata"');
    expect(all).toContain('bad-ip');
    expect(all).toContain('unreadable:gzip');
  });

  it('passes the VPC format option through', async () => {
    const file = write(
      'headerless.log',
      '2 123456789012 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 1 100 160 ACCEPT OK\n',
    );
    const format =
      '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';
    const expected = await collect(openFlowInputs([file], { format, source: 'vpc:test' }));
    expect(JSON.stringify(expected)).toContain('vpc:test');
    expect(await collect(openFlowInputsInWorker([file], { format, source: 'vpc:test' }))).toEqual(expected);
  });

  it('throws the same UserError (message, hint, exit code) for a missing path', async () => {
    const missing = join(dir, 'does-not-exist');
    const expected = await failure(openFlowInputs([missing]));
    const got = await failure(openFlowInputsInWorker([missing]));
    expect(expected).toBeInstanceOf(UserError);
    expect(got).toBeInstanceOf(UserError);
    const { message, hint, exitCode } = expected as UserError;
    expect(got).toMatchObject({ message, hint, exitCode });
  });

  it('throws the same UserError for a bad format', async () => {
    const file = write('fmt.log', 'x\n');
    const expected = await failure(openFlowInputs([file], { format: '${srcaddr} ${srcaddr}' }));
    const got = await failure(openFlowInputsInWorker([file], { format: '${srcaddr} ${srcaddr}' }));
    expect(expected).toBeInstanceOf(UserError);
    expect(got).toBeInstanceOf(UserError);
    const { message, hint, exitCode } = expected as UserError;
    expect(got).toMatchObject({ message, hint, exitCode });
  });

  it('keeps the worker at most maxInFlight events ahead of a slow consumer', async () => {
    const root = multiFileDir('pressure', 40, 50);
    const bound = 4;
    let maxLead = 0;
    let events = 0;
    const inputs = openFlowInputsInWorker(
      [root],
      {},
      {
        maxInFlight: bound,
        onReceive: (seq, taken) => {
          maxLead = Math.max(maxLead, seq - taken);
        },
      },
    );
    for await (const _ of inputs) {
      events++;
      await sleep(2); // a slow store
    }
    expect(events).toBeGreaterThan(100); // 41 files x (start, output(s), end)
    expect(maxLead).toBeLessThanOrEqual(bound);
    expect(maxLead).toBeGreaterThan(1); // it does run ahead, in parallel
  });

  it('stops the worker when the consumer stops early', async () => {
    const root = multiFileDir('early', 5, 100);
    const seen: string[] = [];
    for await (const ev of openFlowInputsInWorker([root])) {
      seen.push(ev.kind);
      if (ev.kind === 'output') break;
    }
    expect(seen).toEqual(['file-start', 'output']);
  });
});
