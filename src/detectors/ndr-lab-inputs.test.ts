// Issue 4's target: every labelled scenario of the ndr-lab capture (generated/ndr-lab.labels.csv)
// that an input can show is found from that input alone: NetFlow v5, v9 and IPFIX (the lab's
// softflowd exports), nfdump CSV, the iptables log, the auth log and the nginx log.
//
// What an input cannot show, and why it is not asserted: the beacon (30 requests over 90 s, under
// beacon's minSpanSeconds 1200), the exfiltration (8 MB,
// under large-upload's 500 MiB default; scripts/eval.ts scores it with a lowered threshold),
// the web scan from flows (content discovery is seen in the nginx log), and in the iptables log
// everything its DROP rule did not log (only vscan, hscan, the UDP flood and masscan were dropped).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../../test/shared-datasets.ts';
import { manualClock } from '../core/clock.ts';
import { createDetectionPipeline } from '../engine/pipeline.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import type { Finding } from '../findings/finding.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { createNetflowDecoder } from '../parsers/netflow/decoder.ts';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from '../parsers/netflow/testdata/read-pcap.ts';
import { detectFiles } from './event-harness.ts';

const LAB = path.join(SHARED_DATASETS, 'generated');

/** `type actor` of each finding, once. */
const found = (findings: readonly Finding[]): string[] =>
  [...new Set(findings.map((f) => `${f.type} ${f.actor.ip}`))].sort();

// Labelled actors: vscan 10.200.0.1, hscan 10.200.0.3, sshbf 10.200.0.4, syn and UDP floods
// 10.200.0.7, webscan 10.200.0.9, masscan 10.200.0.50.
const FROM_FLOWS = [
  'Impact:Host/InboundFlood 10.200.0.7',
  'Recon:Host/Portscan 10.200.0.1',
  'Recon:Host/Portscan 10.200.0.3',
  'Recon:Host/Portscan 10.200.0.50',
  'UnauthorizedAccess:Host/SSHBruteForce 10.200.0.4',
];

describe('ndr-lab scenarios from each input (the softflowd exports)', () => {
  const datagrams = readUdpFromPcap(SOFTFLOWD_CAPTURE);
  it.each([
    ['NetFlow v5', 9996],
    ['NetFlow v9', 9995],
    ['IPFIX', 9997],
  ])('%s', async (_name, port) => {
    const store = createMemoryFindingStore();
    const pipeline = createDetectionPipeline({
      config: {},
      intel: noIntel,
      assets: noAssets,
      findingStore: store,
      clock: manualClock(0),
    });
    const decoder = createNetflowDecoder();
    let flows = 0;
    for (const d of datagrams) {
      if (d.dstPort !== port) continue;
      for (const b of decoder.decode(d.payload, { address: '127.0.0.1', port: 34567 }, d.timeMs).batches) {
        flows += b.length;
        await pipeline.onFlows(b);
      }
    }
    await pipeline.finish();
    expect(flows).toBe(13_207);
    expect(found(await store.list())).toEqual(FROM_FLOWS);
  });
});

describe.skipIf(!existsSync(path.join(LAB, 'ndr-lab.labels.csv')))(
  'ndr-lab scenarios from each input (shared datasets)',
  () => {
    it('nfdump CSV (NetFlow v5 through nfcapd)', async () => {
      const { findings } = await detectFiles([path.join(LAB, 'ndr-lab.nfdump-v5.csv.gz')]);
      expect(found(findings)).toEqual(FROM_FLOWS);
    });

    it('iptables log: the dropped scans and the UDP flood', async () => {
      const { findings } = await detectFiles([path.join(LAB, 'ndr-lab.iptables-kern.log.gz')]);
      expect(found(findings)).toEqual([
        'Impact:Host/InboundFlood 10.200.0.7',
        'Recon:Host/FirewallDropBurst 10.200.0.7',
        'Recon:Host/Portscan 10.200.0.1',
        'Recon:Host/Portscan 10.200.0.3',
        'Recon:Host/Portscan 10.200.0.50',
      ]);
    });

    it('auth log: the brute force and its successful login', async () => {
      const { findings } = await detectFiles([path.join(LAB, 'ndr-lab.auth.log')]);
      expect(found(findings)).toEqual(['UnauthorizedAccess:Host/SSHBruteForce 10.200.0.4']);
      expect(findings[0]!.severityLabel).toBe('high');
    });

    it('nginx log: the web scan', async () => {
      const { findings } = await detectFiles([path.join(LAB, 'ndr-lab.nginx-access.log.gz')]);
      expect(found(findings)).toEqual([
        'Impact:Host/InboundFlood 10.200.0.9',
        'UnauthorizedAccess:Host/WebAttack 10.200.0.9',
      ]);
    });
  },
);
