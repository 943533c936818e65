// Real traffic: the lab's iptables policy joined with its derived VPC flow log (read in place).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPaths } from '../audit.ts';
import { joinFlows } from './join.ts';

// shared/ sits beside the repository (CI clones it there); /work/shared on development machines.
const FLOWS =
  [
    path.resolve(
      import.meta.dirname,
      '../../../../shared/datasets/generated/ndr-lab.vpcflow-v2-DERIVED.log.gz',
    ),
    '/work/shared/datasets/generated/ndr-lab.vpcflow-v2-DERIVED.log.gz',
  ].find((p) => existsSync(p)) ?? '';
const TESTDATA = path.join(import.meta.dirname, '..', 'testdata');

describe.skipIf(FLOWS === '')('ndr-lab capture (shared/datasets/generated)', () => {
  it('narrows SSH to the sources that used it, never counts the server replies, flags the low coverage', async () => {
    const report = await auditPaths([path.join(TESTDATA, 'ndr-lab/iptables.rules')], { baseDir: TESTDATA });
    // INPUT ACCEPT policy but a final catch-all DROP: not accept-by-default; FORWARD ACCEPT is.
    expect(report.findings.map((f) => [f.checkId, f.line])).toEqual([['HOST-DEFAULT-ACCEPT', 5]]);
    await joinFlows(report, { from: [FLOWS], windowDays: 30 });
    const narrow = report.findings.filter((f) => f.checkId === 'FLOW-RULE-NARROW');
    expect(narrow).toHaveLength(1);
    expect(narrow[0]?.exposure?.ports).toEqual({ from: 22, to: 22 });
    const proposed = narrow[0]?.message.match(/10\.200\.0\.\d+\/32/g) ?? [];
    expect(proposed.length).toBeGreaterThan(0);
    expect(proposed.length).toBeLessThanOrEqual(5);
    expect(proposed).not.toContain('10.200.0.2/32'); // the server itself only ever sent replies
    expect(narrow[0]?.fix?.diff).toMatch(
      /\+-A INPUT -s 10\.200\.0\.\d+\/32 -d 10\.200\.0\.2\/32 -p tcp -m multiport --dports 22 -j ACCEPT/,
    );
    expect(narrow[0]?.message).toContain('confidence low'); // one day of flows in a 30-day window
  });
});
