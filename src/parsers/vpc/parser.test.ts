import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flowAt, type FlowRecord } from '../../core/flow.ts';
import type { ParseOutput } from '../../core/records.ts';
import { parseVpcBuffer, VpcParser, type VpcParserOptions } from './parser.ts';

const here = join(import.meta.dirname, 'testdata', 'otel-contrib');
const shared = SHARED_DATASETS;
const elasticBeats = join(shared, 'vpcflow-fixtures', 'elastic-beats');
const elasticIntegrations = join(shared, 'vpcflow-fixtures', 'elastic-integrations');
const generated = join(shared, 'generated');

function rows(out: ParseOutput): FlowRecord[] {
  return out.batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => flowAt(b, i)));
}

function parse(text: string, options: VpcParserOptions = {}): ParseOutput & { lines: number } {
  return parseVpcBuffer(Buffer.from(text), { file: 't.log', ...options });
}

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

describe('VPC parser on the otel-contrib fixtures (Apache-2.0, copied)', () => {
  it('reads a v2 file with a header, field by field', () => {
    const out = parseVpcBuffer(readFileSync(join(here, 'valid_vpc_flow_log_multi.log')), {
      file: 'multi.log',
    });
    expect(out.rejections).toEqual([]);
    expect(out.gaps).toEqual([]);
    expect(out.lines).toBe(3);
    expect(rows(out)).toEqual([
      {
        time: 1418530010,
        end: 1418530070,
        src_ip: '172.31.16.139',
        src_port: 20641,
        dst_ip: '172.31.16.21',
        dst_port: 22,
        proto: 6,
        packets: 20,
        bytes: 4249,
        action: 'accept',
        tcp_flags: null,
        direction: 'unknown',
        resource: 'eni-1235b8ca123456789',
        source: 'vpc',
        text: { account_id: '123456789010', interface_id: 'eni-1235b8ca123456789' },
        ints: { version: 2 },
      },
      {
        time: 1418530010,
        end: 1418530070,
        src_ip: '172.31.9.69',
        src_port: 49761,
        dst_ip: '172.31.9.12',
        dst_port: 3389,
        proto: 6,
        packets: 20,
        bytes: 4249,
        action: 'reject',
        tcp_flags: null,
        direction: 'unknown',
        resource: 'eni-1235b8ca123456789',
        source: 'vpc',
        text: { account_id: '123456789010', interface_id: 'eni-1235b8ca123456789' },
        ints: { version: 2 },
      },
    ]);
  });

  it('turns a NODATA row into a coverage gap, never a flow', () => {
    const out = parseVpcBuffer(readFileSync(join(here, 'valid_vpc_flow_log.log')), { file: 'nodata.log' });
    expect(rows(out)).toEqual([]);
    expect(out.rejections).toEqual([]);
    expect(out.gaps).toEqual([
      {
        kind: 'nodata',
        start: 1742570089,
        end: 1742570142,
        resource: 'eni-0eb1e4178af74336c',
        source: 'vpc',
        detail: { account_id: '12345678910', interface_id: 'eni-0eb1e4178af74336c', version: 2 },
      },
    ]);
  });

  it('reads the v7 ECS fields by header', () => {
    const out = parseVpcBuffer(readFileSync(join(here, 'valid_vpc_flow_log_ecs.log')));
    expect(out.rejections).toEqual([]);
    const [r] = rows(out);
    expect(r?.src_ip).toBe('10.0.1.100');
    expect(r?.dst_port).toBe(22);
    expect(r?.ints).toEqual({ version: 5 });
    expect(r?.text).toEqual({
      account_id: '123456789012',
      interface_id: 'eni-0abc1234def567890',
      ecs_cluster_arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/my-cluster',
      ecs_cluster_name: 'my-cluster',
      ecs_container_instance_arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/my-cluster/abcdef',
      ecs_container_instance_id: 'abcdef1234567890',
      ecs_container_id: 'container-1',
      ecs_second_container_id: 'container-2',
      ecs_service_name: 'my-service',
      ecs_task_definition_arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/my-task:1',
      ecs_task_arn: 'arn:aws:ecs:us-east-1:123456789012:task/my-cluster/abcdef',
      ecs_task_id: 'abcdef1234567890',
    });
  });

  it('reads a v6 transit gateway row: tgw fields into extra, the attachment as resource', () => {
    const out = parseVpcBuffer(readFileSync(join(here, 'valid_tgw_flow_log.log')));
    expect(out.rejections).toEqual([]);
    const [r] = rows(out);
    expect(r).toMatchObject({
      time: 1700000000,
      end: 1700000060,
      src_ip: '10.0.0.1',
      dst_ip: '10.0.1.1',
      src_port: 12345,
      dst_port: 443,
      proto: 6,
      packets: 10,
      bytes: 1000,
      action: 'unknown',
      tcp_flags: 2,
      direction: 'ingress',
      resource: 'tgw-attach-0abc12345def67890',
    });
    expect(r?.text.region).toBe('us-east-1');
    expect(r?.text.ip_type).toBe('IPv4');
    expect(JSON.parse(r?.text.extra ?? '{}')).toEqual({
      'tgw-id': 'tgw-0abc12345def67890',
      'tgw-attachment-id': 'tgw-attach-0abc12345def67890',
      'tgw-src-vpc-id': 'vpc-0abc12345def67890',
      'tgw-dst-vpc-id': 'vpc-0def12345abc67890',
      'tgw-src-subnet-id': 'subnet-0abc12345def67890',
      'tgw-dst-subnet-id': 'subnet-0def12345abc67890',
      'tgw-src-eni': 'eni-0abc12345def67890',
      'tgw-dst-eni': 'eni-0def12345abc67890',
      'tgw-src-az-id': 'use1-az1',
      'tgw-dst-az-id': 'use1-az2',
      'tgw-pair-attachment-id': 'tgw-attach-0def12345abc67890',
      'packets-lost-no-route': '1',
      'packets-lost-blackhole': '2',
      'packets-lost-mtu-exceeded': '3',
      'packets-lost-ttl-expired': '4',
    });
  });
});

describe.skipIf(!existsSync(elasticBeats))(
  'VPC parser on the elastic/beats fixtures (ELv2, read in place)',
  () => {
    it('reads accept/reject traffic with a header', () => {
      const out = parseVpcBuffer(readFileSync(join(elasticBeats, 'accept-reject-traffic.log')));
      expect(out.rejections).toEqual([]);
      const r = rows(out);
      expect(r.map((x) => [x.src_ip, x.dst_ip, x.src_port, x.dst_port, x.proto, x.action])).toEqual([
        ['78.24.182.42', '158.109.0.1', 20641, 22, 6, 'accept'],
        ['78.24.182.42', '158.109.0.1', 49761, 3389, 6, 'reject'],
        ['203.0.113.12', '172.31.16.139', 0, 0, 1, 'accept'],
        ['172.31.16.139', '203.0.113.12', 0, 0, 1, 'reject'],
      ]);
      expect(r[3]).toMatchObject({ time: 1432917094, end: 1432917142, packets: 4, bytes: 336 });
    });

    it('maps the v3 tcp-flags custom format by its header (bytes before packets)', () => {
      const out = parseVpcBuffer(readFileSync(join(elasticBeats, 'tcp-flag-sequence.log')));
      expect(out.rejections).toEqual([]);
      expect(rows(out)).toEqual([
        {
          time: 1566848875,
          end: 1566848933,
          src_ip: '52.213.180.42',
          src_port: 43416,
          dst_ip: '10.0.0.62',
          dst_port: 5001,
          proto: 6,
          packets: 8,
          bytes: 568,
          action: 'accept',
          tcp_flags: 2,
          direction: 'unknown',
          resource: 'eni-1235b8ca123456789',
          source: 'vpc',
          text: {
            account_id: '123456789010',
            interface_id: 'eni-1235b8ca123456789',
            vpc_id: 'vpc-abcdefab012345678',
            subnet_id: 'subnet-aaaaaaaa012345678',
            instance_id: 'i-01234567890123456',
            ip_type: 'IPv4',
            pkt_src_ip: '52.213.180.42',
            pkt_dst_ip: '10.0.0.62',
          },
          ints: { version: 3 },
        },
      ]);
    });

    it('detects the NAT gateway header that lacks version; rows need a start time from outside', () => {
      const buf = readFileSync(join(elasticBeats, 'custom-nat-gateway.log'));
      const without = parseVpcBuffer(buf, { file: 'nat.log' });
      expect(without.rejections.map((r) => [r.line, r.reason])).toEqual([
        [2, 'missing-field:start'],
        [3, 'missing-field:start'],
      ]);
      const out = parseVpcBuffer(buf, { file: 'nat.log', fallbackStart: 1700000000 });
      expect(out.rejections).toEqual([]);
      const r = rows(out);
      expect(
        r.map((x) => [x.resource, x.text.instance_id ?? null, x.src_ip, x.dst_ip, x.text.pkt_dst_ip]),
      ).toEqual([
        ['eni-1235b8ca123456789', null, '10.0.1.5', '10.0.0.220', '203.0.113.5'],
        ['eni-1111aaaa2222bbbb3', 'i-01234567890123456', '10.0.1.5', '203.0.113.5', '203.0.113.5'],
      ]);
      expect(r[0]).toMatchObject({ time: 1700000000, end: null, proto: null, packets: null, ints: {} });
    });
  },
);

describe.skipIf(!existsSync(elasticIntegrations))(
  'VPC parser on elastic/integrations fixtures (ELv2, in place)',
  () => {
    it('reads headerless v2 lines with IPv6, NODATA and SKIPDATA', () => {
      const out = parseVpcBuffer(readFileSync(join(elasticIntegrations, 'test-extra-samples.log')), {
        file: 'x.log',
      });
      expect(out.rejections).toEqual([]);
      const r = rows(out);
      expect(r).toHaveLength(5);
      expect(r[0]).toMatchObject({
        src_ip: '2001:db8:1234:a100:8d6e:3477:df66:f105',
        dst_ip: '2001:db8:1234:a102:3304:8879:34cf:4071',
        src_port: 34892,
        dst_port: 22,
        packets: 54,
        bytes: 8855,
        time: 1477913708,
      });
      expect(out.gaps.map((g) => [g.kind, g.start, g.end, g.resource])).toEqual([
        ['nodata', 1431280876, 1431280934, 'eni-1235b8ca123456789'],
        ['skipdata', 1431280876, 1431280934, 'eni-11111111aaaaaaaaa'],
      ]);
    });

    it('reads the v5 all-fields line with its format given', () => {
      const format =
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action ' +
        'log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id ' +
        'sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';
      const out = parseVpcBuffer(readFileSync(join(elasticIntegrations, 'test-v5-all-fields.log')), {
        format,
      });
      expect(out.rejections).toEqual([]);
      expect(rows(out)).toEqual([
        {
          time: 164000066,
          end: 1640000297,
          src_ip: '89.160.20.156',
          src_port: 50041,
          dst_ip: '10.200.0.0',
          dst_port: 33004,
          proto: 17,
          packets: 52,
          bytes: 1,
          action: 'reject',
          tcp_flags: 1,
          direction: 'ingress',
          resource: 'eni-069xxxxxb7a490',
          source: 'vpc',
          text: {
            account_id: '64111117617',
            interface_id: 'eni-069xxxxxb7a490',
            vpc_id: 'vpc-09676f97xxxxxb8a7',
            subnet_id: 'subnet-02d645xxxxxxxdbc0',
            instance_id: 'i-0axxxxxx1ad77',
            ip_type: 'IPv4',
            pkt_src_ip: '89.160.20.156',
            pkt_dst_ip: '10.200.0.80',
            region: 'us-east-1',
            az_id: 'use1-az5',
            pkt_src_aws_service: 'AMAZON',
            pkt_dst_aws_service: 'CLOUDFRONT',
          },
          ints: { version: 5, traffic_path: 1 },
        },
      ]);
    });
  },
);

describe.skipIf(!existsSync(generated))('VPC parser on the lab-derived files', () => {
  for (const name of ['ndr-lab.vpcflow-v2-DERIVED.log.gz', 'ndr-lab.vpcflow-custom-v5-DERIVED.log.gz']) {
    it(`loads every row of ${name}`, () => {
      const raw = gunzipSync(readFileSync(join(generated, name)));
      // independent count: split the text, drop the header and blank lines
      const lines = raw
        .toString('utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '');
      const fields = lines.map((l) => l.split(' '));
      const out = parseVpcBuffer(raw, { file: name });
      expect(out.rejections).toEqual([]);
      expect(out.gaps).toEqual([]);
      const r = rows(out);
      expect(r).toHaveLength(lines.length);
      expect(r.filter((x) => x.action === 'reject')).toHaveLength(5073); // SOURCES.md
      expect(r.filter((x) => x.action === 'accept')).toHaveLength(8134);
      const sum = (i: number): number => fields.reduce((s, f) => s + Number(f[i]), 0);
      expect(r.reduce((s, x) => s + (x.bytes ?? 0), 0)).toBe(sum(9));
      expect(r.reduce((s, x) => s + (x.packets ?? 0), 0)).toBe(sum(8));
      expect(new Set(r.map((x) => x.src_ip))).toEqual(new Set(fields.map((f) => f[3])));
      expect(r.filter((x) => x.src_ip === '10.200.0.7' && x.dst_port === 80).length).toBe(
        fields.filter((f) => f[3] === '10.200.0.7' && f[6] === '80').length,
      );
    });
  }

  it('reads the v5 flow-direction and tcp-flags of the custom file', () => {
    const raw = gunzipSync(readFileSync(join(generated, 'ndr-lab.vpcflow-custom-v5-DERIVED.log.gz')));
    const r = rows(parseVpcBuffer(raw));
    expect(r[0]).toMatchObject({ direction: 'egress', tcp_flags: 19, resource: 'eni-0ndr1ab0000000001' });
    expect(r[0]?.text.vpc_id).toBe('vpc-0ndr1ab000000001');
    expect(r.filter((x) => x.direction === 'unknown')).toHaveLength(0);
  });
});

describe('VPC parser on hand-made input', () => {
  it('quarantines malformed lines with reason and line number (header counted) and loads the rest', () => {
    const text = [
      HEADER,
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT',
      '2 1 eni-a 10.0.0.300 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4x 100 160 ACCEPT OK',
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 70000 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 MAYBE OK',
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK extra',
      '',
      '2 1 eni-a 10.0.0.1 gg::1 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a - 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a 10.0.0.1  10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-b 10.0.0.3 10.0.0.4 - - 1 - - 200 100 REJECT OK',
    ].join('\n');
    const out = parse(text);
    expect(out.rejections.map((r) => [r.line, r.reason])).toEqual([
      [3, 'field-count'],
      [4, 'bad-ip:srcaddr'],
      [5, 'bad-number:bytes'],
      [6, 'bad-number:dstport'],
      [7, 'bad-value:action'],
      [8, 'field-count'],
      [10, 'bad-ip:dstaddr'],
      [11, 'missing-field:srcaddr'],
      [12, 'field-count'], // two spaces make an empty field
    ]);
    expect(out.rejections[1]).toEqual({
      file: 't.log',
      line: 4,
      reason: 'bad-ip:srcaddr',
      text: '2 1 eni-a 10.0.0.300 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
    });
    const r = rows(out);
    expect(r.map((x) => x.resource)).toEqual(['eni-a', 'eni-b']);
    // `-` is missing for numbers too, never 0; start > end is kept as given
    expect(r[1]).toMatchObject({
      src_port: null,
      dst_port: null,
      packets: null,
      bytes: null,
      time: 200,
      end: 100,
    });
    expect(out.lines).toBe(13);
  });

  it('handles CRLF line ends and a BOM', () => {
    const out = parse(`\ufeff${HEADER}\r\n2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK\r\n`);
    expect(out.rejections).toEqual([]);
    expect(rows(out)).toMatchObject([{ src_ip: '10.0.0.1', action: 'accept', text: { account_id: '1' } }]);
  });

  it('gives the same result fed one byte at a time as fed whole', () => {
    const text = [
      HEADER,
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a 10.0.0.1 bad 1 2 6 3 4 100 160 ACCEPT OK',
      '2 1 eni-a - - - - - - - 100 160 - NODATA',
      '2 1 eni-c 2001:DB8:0:0:0:0:0:1 10.0.0.9 1 2 6 3 4 100 160 REJECT OK',
    ].join('\r\n');
    const whole = parse(text);
    const parser = new VpcParser({ file: 't.log' });
    const buf = Buffer.from(text);
    const parts: ParseOutput[] = [];
    for (let i = 0; i < buf.length; i++) parts.push(parser.push(buf.subarray(i, i + 1)));
    parts.push(parser.end());
    const merged: ParseOutput = {
      batches: parts.flatMap((p) => p.batches),
      gaps: parts.flatMap((p) => p.gaps),
      rejections: parts.flatMap((p) => p.rejections),
    };
    expect(rows(merged)).toEqual(rows(whole));
    expect(merged.gaps).toEqual(whole.gaps);
    expect(merged.rejections).toEqual(whole.rejections);
    expect(rows(whole).map((x) => x.src_ip)).toEqual(['10.0.0.1', '2001:db8::1']);
    expect(whole.rejections.map((r) => [r.line, r.reason])).toEqual([[3, 'bad-ip:dstaddr']]);
    expect(whole.gaps).toHaveLength(1);
  });

  it('uses the given format without a header, the default v2 format without either', () => {
    const line = 'eni-a 10.0.0.1 10.0.0.2 443 100';
    const out = parse(line, { format: '${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${start}' });
    expect(rows(out)).toMatchObject([{ resource: 'eni-a', dst_port: 443, time: 100, src_port: null }]);
    expect(parse(line).rejections.map((r) => r.reason)).toEqual(['field-count']);
  });

  it('lets a header in the file win over the given format, and skips a repeated header', () => {
    const text = [
      HEADER,
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      HEADER,
      '2 1 eni-b 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
    ].join('\n');
    const out = parse(text, { format: 'srcaddr dstaddr start' });
    expect(out.rejections).toEqual([]);
    expect(rows(out).map((x) => x.resource)).toEqual(['eni-a', 'eni-b']);
  });

  it('switches layout at a second, different header in the middle of a batch', () => {
    const v3 = 'version vpc-id srcaddr dstaddr start tcp-flags';
    const text = [
      HEADER,
      '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK',
      v3,
      '3 vpc-9 10.0.0.3 10.0.0.4 200 18',
    ];
    const out = parse(text.join('\n'));
    expect(out.rejections).toEqual([]);
    expect(rows(out)).toMatchObject([
      { resource: 'eni-a', text: { account_id: '1', interface_id: 'eni-a' }, ints: { version: 2 } },
      { resource: null, tcp_flags: 18, text: { vpc_id: 'vpc-9' }, ints: { version: 3 } },
    ]);
  });

  it('passes unknown fields into extra by name and fills the newer fields', () => {
    const out = parse(
      [
        'srcaddr dstaddr start resource-id encryption-status next-hop-type reject-reason',
        '10.0.0.1 10.0.0.2 100 vpce-123 1 igw BPA',
        '10.0.0.1 10.0.0.2 100 - - - -',
      ].join('\n'),
    );
    expect(out.rejections).toEqual([]);
    const r = rows(out);
    expect(r[0]?.text).toEqual({
      resource_id: 'vpce-123',
      reject_reason: 'BPA',
      extra: '{"next-hop-type":"igw"}',
    });
    expect(r[0]?.ints).toEqual({ encryption_status: 1 });
    expect(r[1]?.text).toEqual({});
    expect(r[1]?.ints).toEqual({});
  });

  it('splits rows into batches of the given capacity', () => {
    const lines = Array.from(
      { length: 10 },
      (_, i) => `2 1 eni-a 10.0.0.${i + 1} 10.0.0.2 1 2 6 3 4 ${i} 160 ACCEPT OK`,
    );
    const out = parse(lines.join('\n'), { batchCapacity: 4 });
    expect(out.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(rows(out).map((x) => x.time)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('uses the CloudWatch log stream for the interface only when the format has none', () => {
    const parser = new VpcParser({ format: 'srcaddr dstaddr', detectHeader: false });
    parser.pushLine('10.0.0.1 10.0.0.2', { fallbackStart: 50, interfaceId: 'eni-s' });
    const withIface = new VpcParser({ format: 'interface-id srcaddr dstaddr start', detectHeader: false });
    withIface.pushLine('- 10.0.0.1 10.0.0.2 7', { fallbackStart: 50, interfaceId: 'eni-s' });
    expect(rows(parser.end())).toMatchObject([
      { time: 50, resource: 'eni-s', text: { interface_id: 'eni-s' } },
    ]);
    expect(rows(withIface.end())).toMatchObject([{ time: 7, resource: null, text: {} }]);
  });

  it('drops the partial last line on abort (a read error), keeps the rows before it', () => {
    const parser = new VpcParser();
    const first = parser.push(
      Buffer.from('2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK\n2 1 eni-a 10.0'),
    );
    const rest = parser.abort();
    expect(first.rejections).toEqual([]);
    expect(rest.rejections).toEqual([]);
    expect(rows(rest).map((x) => x.src_ip)).toEqual(['10.0.0.1']);
    expect(parser.lines).toBe(1);
  });

  it('quarantines an over-long line and goes on', () => {
    const long = 'x'.repeat(2 * 1024 * 1024);
    const out = parse(`${long}\n2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 3 4 100 160 ACCEPT OK\n`);
    expect(out.rejections.map((r) => [r.line, r.reason, r.text.length])).toEqual([
      [1, 'line-too-long', 4096],
    ]);
    expect(rows(out)).toHaveLength(1);
  });
});
