import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flowAt, type FlowRecord } from '../../core/flow.ts';
import { ZeekConnParser, type ZeekParserOptions } from './parser.ts';

const DATA = SHARED_DATASETS;

function parseAll(input: string | Buffer, options: ZeekParserOptions = {}) {
  const p = new ZeekConnParser(options);
  const a = p.push(Buffer.isBuffer(input) ? input : Buffer.from(input));
  const b = p.end();
  const rows: FlowRecord[] = [];
  for (const batch of [...a.batches, ...b.batches])
    for (let i = 0; i < batch.length; i++) rows.push(flowAt(batch, i));
  return { rows, rejections: [...a.rejections, ...b.rejections] };
}

const HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]',
].join('\n');

describe('ZeekConnParser', () => {
  it('reads TSV rows: unset vs (empty), duration -> end, history -> flags, responder counts in extra', () => {
    const { rows, rejections } = parseAll(
      `${HEADER}\n1700000000.5\tC1\t10.0.0.1\t5000\t192.0.2.1\t80\ttcp\t(empty)\t2.5\t100\t2000\tSF\tT\tF\t0\tShADadFf\t5\t360\t4\t2200\t(empty)\n` +
        '1700000001\tC2\t10.0.0.1\t5001\t192.0.2.2\t81\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t60\t0\t0\t-\n' +
        '1700000002\tC3\tfe80::1\t3\t2001:db8::2\t1\ticmp6\t-\t-\t-\t-\tOTH\tF\tT\t0\t-\t1\t80\t0\t0\t-\n#close\t2024-01-01',
    );
    expect(rejections).toEqual([]);
    expect(rows[0]).toMatchObject({
      time: 1700000000.5,
      end: 1700000003,
      src_ip: '10.0.0.1',
      dst_port: 80,
      proto: 6,
      packets: 5,
      bytes: 360,
      tcp_flags: 27,
      direction: 'egress',
      source: 'zeek',
    });
    expect(JSON.parse(rows[0]!.text.extra!)).toEqual({
      uid: 'C1',
      conn_state: 'SF',
      history: 'ShADadFf',
      service: '',
      orig_bytes: 100,
      resp_bytes: 2000,
      resp_pkts: 4,
      resp_ip_bytes: 2200,
    });
    expect(rows[1]).toMatchObject({ end: null, tcp_flags: 2, direction: 'unknown' });
    expect(JSON.parse(rows[1]!.text.extra!)).not.toHaveProperty('service');
    expect(rows[2]).toMatchObject({ src_ip: 'fe80::1', proto: 58, src_port: null, direction: 'ingress' });
    expect(JSON.parse(rows[2]!.text.extra!)).toMatchObject({ icmp_type: 3, icmp_code: 1 });
  });

  it('reads JSON lines with omitted unset keys and ISO timestamps, and a bare tsv=T column row', () => {
    const json = parseAll(
      '{"ts":"2024-01-01T00:00:00.250Z","uid":"X","id.orig_h":"10.0.0.5","id.orig_p":1,"id.resp_h":"10.0.0.6","id.resp_p":53,"proto":"udp","orig_pkts":2}\n',
    );
    expect(json.rows[0]).toMatchObject({
      time: 1704067200.25,
      proto: 17,
      packets: 2,
      bytes: null,
      end: null,
    });
    const bare = parseAll('ts\tid.orig_h\tid.resp_h\tproto\n5\t1.1.1.1\t2.2.2.2\ttcp\n', { tsOffset: 1000 });
    expect(bare.rows[0]).toMatchObject({ time: 1005, src_ip: '1.1.1.1', dst_ip: '2.2.2.2', src_port: null });
  });

  it('rejects bad rows and keeps going', () => {
    const { rows, rejections } = parseAll(
      `${HEADER}\nshort\trow\n{"ts":1,"id.orig_h":"x"}\n{not json\n[1,2]\n` +
        '1700000001\tC2\t10.0.0.1\t5001\t192.0.2.2\t81\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t60\t0\t0\t-\n',
    );
    expect(rows).toHaveLength(1);
    expect(rejections.map((r) => r.reason)).toEqual([
      'field-count',
      'bad-ip:id.orig_h',
      'bad-json',
      'field-count',
    ]);
  });

  describe.skipIf(!existsSync(DATA))('real logs', () => {
    it('slips vertical scan (JSON): 50 rows, 192.168.1.9 -> 45.33.32.156 on 44 ports, 43 REJ', () => {
      const { rows, rejections } = parseAll(readFileSync(`${DATA}/slips/port-scans/vertical/conn.log`));
      expect(rejections).toEqual([]);
      expect(rows).toHaveLength(50);
      const scan = rows.filter((r) => r.src_ip === '192.168.1.9' && r.dst_ip === '45.33.32.156');
      expect(new Set(scan.map((r) => r.dst_port)).size).toBe(44);
      expect(scan.filter((r) => JSON.parse(r.text.extra!).conn_state === 'REJ')).toHaveLength(43);
    });

    it('slips horizontal scan (TSV, relative ts): 10.0.2.112 -> 10 hosts on tcp/80 in S0', () => {
      const { rows, rejections } = parseAll(readFileSync(`${DATA}/slips/port-scans/horizontal/conn.log`));
      expect(rejections).toEqual([]);
      expect(rows).toHaveLength(41);
      const s0 = rows.filter((r) => r.dst_port === 80 && JSON.parse(r.text.extra!).conn_state === 'S0');
      expect(new Set(s0.map((r) => r.dst_ip)).size).toBe(10);
      expect(rows[0]!.time).toBeCloseTo(928.943457, 6);
    });

    it('rita: 24 hourly files (31 367 rows, extra _node_name column) with no rejects', () => {
      const dir = `${DATA}/rita/missing_host/2024-04-19`;
      let n = 0;
      const rej: unknown[] = [];
      const sshBf = new Set<number>();
      for (const f of readdirSync(dir)) {
        const { rows, rejections } = parseAll(gunzipSync(readFileSync(`${dir}/${f}`)));
        n += rows.length;
        rej.push(...rejections);
        for (const r of rows) if (r.src_ip === '170.64.237.193' && r.dst_port === 22) sshBf.add(r.time);
        if (rows[0]) expect(rows[0].resource).toBe('worker-eth0-1');
      }
      expect(rej).toEqual([]);
      expect(n).toBe(31367);
      expect(sshBf.size).toBeGreaterThanOrEqual(466);
    });
  });
});
