import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flowAt, type FlowRecord } from '../../core/flow.ts';
import { NfdumpCsvParser, type NfdumpCsvParserOptions } from './parser.ts';

const DATA = SHARED_DATASETS;
const HEADER = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,ra';

function parseAll(input: string | Buffer, options: NfdumpCsvParserOptions = {}) {
  const p = new NfdumpCsvParser(options);
  const a = p.push(Buffer.isBuffer(input) ? input : Buffer.from(input));
  const b = p.end();
  const rows: FlowRecord[] = [];
  for (const batch of [...a.batches, ...b.batches])
    for (let i = 0; i < batch.length; i++) rows.push(flowAt(batch, i));
  return { rows, rejections: [...a.rejections, ...b.rejections] };
}

describe('NfdumpCsvParser', () => {
  it('reads rows by header name, with flags, ICMP type.code and the Summary block', () => {
    const { rows, rejections } = parseAll(
      [
        HEADER,
        '2026-11-23 08:12:26.500,2026-11-23 08:12:27,0.5,10.200.0.1,10.200.0.2,46476,22,TCP,.....RS.,0,0,2,84,0,0,127.0.0.1',
        '2026-11-23 08:12:26,2026-11-23 08:12:26,0.000,2001:db8::1,2001:db8::2,0,3.3,ICMP6,........,0,0,1,64,0,0,127.0.0.1',
        'Summary',
        'flows,bytes,packets',
        '1,2,3',
      ].join('\n'),
      { utcOffsetMinutes: 540 },
    );
    expect(rejections).toEqual([]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      time: Date.UTC(2026, 10, 22, 23, 12, 26) / 1000 + 0.5,
      src_ip: '10.200.0.1',
      dst_port: 22,
      proto: 6,
      packets: 2,
      bytes: 84,
      tcp_flags: 6,
      resource: '127.0.0.1',
      source: 'nfdump',
    });
    expect(rows[1]).toMatchObject({ proto: 58, dst_port: null, tcp_flags: null });
  });

  it('rejects rows before a header, short rows and bad values', () => {
    const { rows, rejections } = parseAll(
      [
        '1,2,3',
        HEADER,
        'a,b',
        'x,2026-11-23 08:12:26,0,1.1.1.1,2.2.2.2,1,2,TCP,........,0,0,1,1,0,0,',
        '2026-11-23 08:12:26,2026-11-23 08:12:26,0,1.1.1.1,nope,1,2,TCP,........,0,0,1,1,0,0,',
      ].join('\n'),
    );
    expect(rows).toEqual([]);
    expect(rejections.map((r) => r.reason)).toEqual(['no-header', 'field-count', 'bad-time:ts', 'bad-ip:da']);
  });

  it.skipIf(!existsSync(DATA))(
    'lab nfdump CSV: 13 207 flows, no rejects, the vertical scan from 10.200.0.1',
    () => {
      const { rows, rejections } = parseAll(
        gunzipSync(readFileSync(`${DATA}/generated/ndr-lab.nfdump-v5.csv.gz`)),
      );
      expect(rejections).toEqual([]);
      expect(rows).toHaveLength(13207);
      const scan = rows.filter((r) => r.src_ip === '10.200.0.1' && r.dst_ip === '10.200.0.2');
      expect(new Set(scan.map((r) => r.dst_port)).size).toBeGreaterThan(1000);
      // The 8 MB exfiltration: victim -> 10.200.0.6:8443.
      const exfil = rows.filter(
        (r) => r.src_ip === '10.200.0.2' && r.dst_ip === '10.200.0.6' && r.dst_port === 8443,
      );
      expect(exfil.reduce((n, r) => n + (r.bytes ?? 0), 0)).toBeGreaterThan(8_000_000);
    },
  );
});
