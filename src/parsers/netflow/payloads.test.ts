// Replays the real exporter payloads of logstash-codec-netflow (testdata/payloads, Apache-2.0):
// templates before data, field-exact checks on several exporters, invalid files rejected.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flowAt, type FlowRecord } from '../../core/flow.ts';
import type { ParseOutput } from '../../core/records.ts';
import { createNetflowDecoder, type NetflowDecoder } from './decoder.ts';

const dir = fileURLToPath(new URL('./testdata/payloads/', import.meta.url));
const EXPORTER = { address: '192.0.2.10', port: 2055 };
const RECEIVED_MS = Date.UTC(2026, 0, 1);

function payload(name: string): Buffer {
  return readFileSync(`${dir}${name}`);
}

function replay(files: string[], decoder: NetflowDecoder = createNetflowDecoder()) {
  const outputs: ParseOutput[] = files.map((f) => decoder.decode(payload(f), EXPORTER, RECEIVED_MS));
  const flows: FlowRecord[] = [];
  for (const o of outputs)
    for (const b of o.batches) for (let i = 0; i < b.length; i++) flows.push(flowAt(b, i));
  const rejections = outputs.flatMap((o) => o.rejections);
  return { flows, rejections, stats: decoder.stats() };
}

/** The row without the empty extras, for whole-record comparisons. */
function core(f: FlowRecord): Omit<FlowRecord, 'text' | 'ints'> {
  const { text: _t, ints: _i, ...rest } = f;
  return rest;
}

const base = { action: 'unknown', direction: 'unknown', resource: '192.0.2.10', source: 'netflow' } as const;

describe('NetFlow v5 payloads', () => {
  it('decodes softflowd v5 field-exactly, with sysUptime-relative times and the uptime wrap', () => {
    const { flows, rejections } = replay(['netflow5.dat']);
    expect(rejections).toEqual([]);
    expect(flows.map(core)).toEqual([
      {
        ...base,
        // export 1430591888.280, uptime 3381 ms; First = 0xffffffff is 1 ms before boot (wrapped).
        time: 1430591884.898,
        end: 1430591887.476,
        src_ip: '10.0.2.2',
        src_port: 54435,
        dst_ip: '10.0.2.15',
        dst_port: 22,
        proto: 6,
        packets: 5,
        bytes: 230,
        tcp_flags: 16,
      },
      {
        ...base,
        time: 1430591884.898,
        end: 1430591887.476,
        src_ip: '10.0.2.15',
        src_port: 22,
        dst_ip: '10.0.2.2',
        dst_port: 54435,
        proto: 6,
        packets: 4,
        bytes: 304,
        tcp_flags: 24,
      },
    ]);
  });

  it('decodes a MikroTik v5 packet of 30 records', () => {
    const { flows } = replay(['netflow5_test_microtik.dat']);
    expect(flows).toHaveLength(30);
    expect(core(flows[29]!)).toMatchObject({
      src_ip: '10.0.8.1',
      dst_ip: '192.168.0.1',
      src_port: 80,
      dst_port: 51826,
      proto: 6,
      packets: 13,
      bytes: 11442,
      tcp_flags: 82,
      // Header: export 1469109117.514 (unix_secs + nsecs), sysUptime 27361640 ms; First = Last =
      // 27346380 ms, i.e. 15.26 s before the export. (logstash shows whole-second arithmetic.)
      time: 1469109102.254,
      end: 1469109102.254,
    });
  });

  it('scales Juniper MX80 counts by the header sampling interval (1 in 1000)', () => {
    const { flows, stats } = replay(['netflow5_test_juniper_mx80.dat']);
    expect(flows).toHaveLength(29);
    expect(core(flows[28]!)).toMatchObject({
      src_ip: '66.249.92.75',
      dst_ip: '192.168.0.1',
      src_port: 37387,
      dst_port: 80,
      packets: 2 * 1000,
      bytes: 104 * 1000,
    });
    expect(stats.sampledFlows).toBe(29);
  });

  it.each(['netflow5_test_invalid01.dat', 'netflow5_test_invalid02.dat'])(
    'rejects %s (absurd count)',
    (f) => {
      const { flows, rejections, stats } = replay([f]);
      expect(flows).toEqual([]);
      expect(rejections.map((r) => r.reason)).toEqual(['v5-count']);
      expect(rejections[0]).toMatchObject({ file: 'netflow:192.0.2.10:2055', line: 1 });
      expect(stats.rejectedPackets).toBe(1);
    },
  );
});

describe('NetFlow v9 payloads', () => {
  it('decodes softflowd v9 (template and data in one packet)', () => {
    const { flows, rejections } = replay(['netflow9_test_valid01.dat']);
    expect(rejections).toEqual([]);
    expect(flows).toHaveLength(7);
    // Header: unix 1444331070, sysUptime 45076 ms; record First 1216 ms, Last 1217 ms.
    expect(core(flows[0]!)).toEqual({
      ...base,
      time: 1444331070 - (45076 - 1216) / 1000,
      end: 1444331070 - (45076 - 1217) / 1000,
      src_ip: '172.16.32.100',
      src_port: 123,
      dst_ip: '172.16.32.248',
      dst_port: 123,
      proto: 17,
      packets: 1,
      bytes: 76,
      tcp_flags: 0,
    });
  });

  it('keeps templates of two Source IDs on one exporter apart (nprobe + softflowd)', () => {
    const { flows } = replay([
      'netflow9_test_nprobe_tpl.dat',
      'netflow9_test_softflowd_tpl_data.dat',
      'netflow9_test_nprobe_data.dat',
    ]);
    expect(flows).toHaveLength(8);
    expect(core(flows[7]!)).toEqual({
      ...base,
      time: 1444331155.01,
      end: 1444331155.015,
      src_ip: '172.16.32.201',
      src_port: 22,
      dst_ip: '172.16.32.1',
      dst_port: 65058,
      proto: 6,
      packets: 2,
      bytes: 200,
      tcp_flags: 24,
    });
  });

  it('decodes Cisco ASA NSEL: initiator bytes and flowStartMilliseconds', () => {
    const { flows, rejections } = replay([
      'netflow9_test_cisco_asa_2_tpl_26x.dat',
      'netflow9_test_cisco_asa_2_tpl_27x.dat',
      'netflow9_test_cisco_asa_2_data.dat',
    ]);
    expect(rejections).toEqual([]);
    expect(flows).toHaveLength(19);
    expect(core(flows[18]!)).toMatchObject({
      src_ip: '192.168.0.1',
      src_port: 56651,
      dst_ip: '192.168.0.18',
      dst_port: 80,
      proto: 6,
      bytes: 69,
      time: 1469109036.395,
    });
  });

  it('decodes Ubiquiti EdgeRouter flows with their DIRECTION field', () => {
    const { flows } = replay([
      'netflow9_test_ubnt_edgerouter_tpl.dat',
      'netflow9_test_ubnt_edgerouter_data1024.dat',
      'netflow9_test_ubnt_edgerouter_data1025.dat',
    ]);
    const row = flows.find((f) => f.src_ip === '192.168.1.102' && f.dst_ip === '10.2.0.95');
    expect(row).toMatchObject({
      src_port: 47690,
      dst_port: 443,
      proto: 6,
      packets: 21,
      bytes: 3668,
      tcp_flags: 27,
      direction: 'egress',
      time: 1473519773.375,
      end: 1473521024.363,
    });
  });

  it('decodes the FlowSet of a Palo Alto packet zero-filled past its FlowSets without rejecting it', () => {
    const { flows, rejections, stats } = replay([
      'netflow9_test_paloalto_81_tpl256-263.dat',
      'netflow9_test_paloalto_81_data257_1flowset_in_large_zerofilled_packet.dat',
    ]);
    expect(rejections).toEqual([]);
    expect(flows).toHaveLength(1);
    expect(stats.zeroPaddedPackets).toBe(1);
  });

  it('holds data that comes before its template and decodes it when the template arrives', () => {
    const decoder = createNetflowDecoder();
    const early = decoder.decode(payload('netflow9_test_macaddr_data.dat'), EXPORTER, RECEIVED_MS);
    expect(early.batches).toEqual([]);
    expect(decoder.stats().pendingSets).toBeGreaterThan(0);
    const late = decoder.decode(payload('netflow9_test_macaddr_tpl.dat'), EXPORTER, RECEIVED_MS + 1000);
    const n = late.batches.reduce((a, b) => a + b.length, 0);
    const inOrder = replay(['netflow9_test_macaddr_tpl.dat', 'netflow9_test_macaddr_data.dat']);
    expect(n).toBe(inOrder.flows.length);
    expect(n).toBe(29);
    expect(decoder.stats()).toMatchObject({ pendingSets: 0, pendingDecoded: 1 });
  });

  it('reads a v9 variable-length field (H3C NetStream, length 65535 in the template)', () => {
    const { flows, rejections } = replay([
      'netflow9_test_h3c_netstream_varstring_tpl3281.dat',
      'netflow9_test_h3c_netstream_varstring_data3281.dat',
    ]);
    expect(rejections).toEqual([]);
    expect(flows.map(core)).toEqual([
      {
        ...base,
        direction: 'ingress',
        time: 1531877673.274,
        end: 1531877702.969,
        src_ip: '20.20.20.20',
        src_port: 137,
        dst_ip: '20.20.255.255',
        dst_port: 137,
        proto: 17,
        packets: 9,
        bytes: 702,
        tcp_flags: 0,
      },
    ]);
  });

  it('decodes netflow9_test_invalid01 (softflowd): its anomalies are ones real exporters also show', () => {
    // The header count says 2 records where the packet holds 6, and the options template FlowSet
    // is 22 bytes (unpadded). Fortigate, Streamcore and Cisco WLC payloads above have wrong counts
    // too, and Cisco NBAR sends unpadded FlowSets, so neither is grounds to drop the flows. The
    // options record (SAMPLING_INTERVAL 100) scales the two flows.
    const { flows, rejections, stats } = replay(['netflow9_test_invalid01.dat']);
    expect(rejections).toEqual([]);
    expect(stats.optionsRecords).toBe(1);
    expect(flows.map((f) => [f.src_ip, f.dst_ip, f.packets, f.bytes])).toEqual([
      ['2001:44b8:1118:7200::10', '2001:44b8:4030:cd91:8075:bae:d39d:2621', 100, 9600],
      ['192.168.0.1', '192.168.0.105', 100, 9800],
    ]);
  });

  it('reads options data records (Cisco ASR9k sampler table) without emitting flows for them', () => {
    const { flows, stats, rejections } = replay([
      'netflow9_test_cisco_asr9k_opttpl256.dat',
      'netflow9_test_cisco_asr9k_opttpl257.dat',
      'netflow9_test_cisco_asr9k_opttpl334.dat',
      'netflow9_test_cisco_asr9k_tpl260.dat',
      'netflow9_test_cisco_asr9k_tpl266.dat',
      'netflow9_test_cisco_asr9k_data256.dat',
      'netflow9_test_cisco_asr9k_data260.dat',
    ]);
    expect(rejections).toEqual([]);
    expect(stats.optionsRecords).toBeGreaterThan(0);
    expect(flows).toHaveLength(21);
    expect(flows[0]).toMatchObject({
      src_ip: '10.0.9.146',
      dst_ip: '10.0.31.81',
      dst_port: 443,
      action: 'accept',
    });
  });
});

describe('IPFIX payloads', () => {
  it('places flowStart/EndSysUpTime with systemInitTimeMilliseconds from an options record (softflowd)', () => {
    // The file is a netcat capture: three IPFIX messages back to back (484 + 64 + 240 bytes).
    const { flows, rejections, stats } = replay(['ipfix.dat']);
    expect(rejections).toEqual([]);
    expect(stats.packetsByVersion.ipfix).toBe(3);
    expect(stats.optionsRecords).toBe(1);
    expect(stats.sequenceGaps).toBe(0);
    expect(flows).toHaveLength(6 + 1 + 5);
    const init = 1431516013506;
    expect(core(flows[0]!)).toEqual({
      ...base,
      time: init / 1000,
      end: (init + 12726) / 1000,
      src_ip: '192.168.253.1',
      src_port: 60560,
      dst_ip: '192.168.253.128',
      dst_port: 22,
      proto: 6,
      packets: 5,
      bytes: 260,
      tcp_flags: 16,
    });
    expect(flows[4]).toMatchObject({
      src_ip: '54.214.9.161',
      dst_ip: '192.168.253.132',
      src_port: 443,
      dst_port: 49935,
      packets: 14,
      bytes: 5946,
      tcp_flags: 26,
      time: (init + 1142) / 1000,
      end: (init + 2392) / 1000,
    });
  });

  it('decodes OpenBSD pflow with flowStart/EndMilliseconds', () => {
    const { flows } = replay(['ipfix_test_openbsd_pflow_tpl.dat', 'ipfix_test_openbsd_pflow_data.dat']);
    expect(flows).toHaveLength(26);
    expect(core(flows[25]!)).toMatchObject({
      src_ip: '192.168.0.1',
      dst_ip: '192.168.0.17',
      src_port: 80,
      dst_port: 64026,
      proto: 6,
      packets: 8,
      bytes: 6425,
      time: Date.parse('2016-07-21T13:29:59.000Z') / 1000,
      end: Date.parse('2016-07-21T13:30:01.000Z') / 1000,
    });
  });

  it('decodes MikroTik IPv4 and IPv6 data sets (IPv6 as canonical text)', () => {
    const { flows } = replay([
      'ipfix_test_mikrotik_tpl.dat',
      'ipfix_test_mikrotik_data258.dat',
      'ipfix_test_mikrotik_data259.dat',
    ]);
    expect(flows).toHaveLength(46);
    expect(flows[28]).toMatchObject({
      src_ip: 'fe80::ff:fe00:401',
      dst_ip: 'fe80::ff:fe00:401',
      dst_port: 5678,
    });
  });

  it('skips enterprise fields and decodes VMware VDS flows with flowDirection', () => {
    const { flows, rejections } = replay([
      'ipfix_test_vmware_vds_tpl.dat',
      'ipfix_test_vmware_vds_data264.dat',
      'ipfix_test_vmware_vds_data266.dat',
    ]);
    expect(rejections).toEqual([]);
    expect(core(flows[0]!)).toMatchObject({
      src_ip: '172.18.65.21',
      src_port: 61209,
      dst_ip: '172.18.65.211',
      dst_port: 5985,
      proto: 6,
      packets: 2,
      bytes: 100,
      direction: 'egress',
    });
  });
});

describe('every stored payload', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.dat'));

  it('has all 92 files', () => {
    expect(files).toHaveLength(92);
  });

  it('decodes without throwing; only the two invalid v5 files are rejected', () => {
    // Per exporter, templates first (the naming convention of the upstream test suite).
    const isData = (f: string): number => (/_data/.test(f) ? 1 : 0);
    const decoder = createNetflowDecoder();
    const rejectedFiles = new Set<string>();
    for (const f of [...files].sort((a, b) => isData(a) - isData(b) || a.localeCompare(b))) {
      const out = decoder.decode(payload(f), EXPORTER, RECEIVED_MS);
      if (out.rejections.length > 0) rejectedFiles.add(f);
    }
    expect([...rejectedFiles].sort()).toEqual(['netflow5_test_invalid01.dat', 'netflow5_test_invalid02.dat']);
    expect(decoder.stats().packets).toBe(92);
  });
});
