// Property-based fuzzing of the posture audit's inputs (fast-check): real samples of every input
// kind (compose, Kubernetes, Terraform/HCL, iptables-save, nft) with slices deleted, duplicated
// or replaced by arbitrary text. The audit must finish, never throw, and report what it could
// not read as a problem with a file, so the rest is still audited.

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { auditPaths } from './audit.ts';

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));

function samples(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const dir of ['compose', 'k8s', 'tf', 'hostfw']) {
    for (const f of readdirSync(path.join(testdata, dir), { recursive: true, encoding: 'utf8' }).sort()) {
      if (!/\.(ya?ml|tf|rules|nft)$/.test(f)) continue;
      out.push({ name: path.basename(f), text: readFileSync(path.join(testdata, dir, f), 'utf8') });
    }
  }
  return out;
}

const SAMPLES = samples();
const work = mkdtempSync(path.join(tmpdir(), 'sg-audit-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 200 }),
  kind: fc.constantFrom('delete', 'duplicate', 'replace', 'insert'),
  text: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      '${',
      '- ',
      ':',
      '\n  ',
      '<<EOF\n',
      '-A INPUT -p tcp --dport',
      '0.0.0.0/0',
      '\t',
    ),
  ),
});

function apply(
  text: string,
  edits: readonly { at: number; length: number; kind: string; text: string }[],
): string {
  let t = text;
  for (const e of edits) {
    const i = Math.floor(e.at * t.length);
    const slice = t.slice(i, i + e.length);
    if (e.kind === 'delete') t = t.slice(0, i) + t.slice(i + e.length);
    else if (e.kind === 'duplicate') t = t.slice(0, i) + slice + slice + t.slice(i + e.length);
    else if (e.kind === 'replace') t = t.slice(0, i) + e.text + t.slice(i + e.length);
    else t = t.slice(0, i) + e.text + t.slice(i);
  }
  return t;
}

describe('posture audit inputs, fuzzed', () => {
  it('damaged inputs of every kind: the audit finishes, never throws, names what it could not read', async () => {
    expect(SAMPLES.filter((x) => x.name.endsWith('.tf')).length).toBeGreaterThan(5);
    let run = 0;
    let problems = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: SAMPLES.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        async (which, edits) => {
          const sample = SAMPLES[which]!;
          const dir = path.join(work, String(run++));
          const file = path.join(dir, sample.name);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          writeFileSync(file, apply(sample.text, edits));
          const report = await auditPaths([dir], { baseDir: dir });
          for (const p of report.problems) expect(p.file).toBe(sample.name);
          problems += report.problems.length;
          for (const f of report.findings) expect(f.file).toBe(sample.name);
        },
      ),
      { numRuns: 150, seed: 99 },
    );
    expect(problems).toBeGreaterThan(0); // the edits do reach the error paths
  });
});
