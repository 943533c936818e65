import { describe, expect, it } from 'vitest';
import { flowAt } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';
import { batchOf } from '../store/store.contract.ts';
import { decodeMessage, encodeEnd, encodeRecords } from './codec.ts';

const flows = batchOf([
  {
    time: 1_795_132_810.5,
    end: 1_795_132_870,
    src: '10.0.2.11',
    dst: '203.0.113.9',
    dstPort: 443,
    bytes: 6e9,
  },
  { time: 1_795_132_820, src: '2001:db8::1', dst: 'fe80::1:2', resource: 'eni-a', text: { vpc_id: 'vpc-1' } },
  { time: 1_795_132_830, src: '192.0.2.1', dst: '192.0.2.2', proto: 17, ints: { version: 5 } },
]);

const event: LogEvent = {
  time: 1_795_132_805.25,
  kind: 'auth',
  outcome: 'failure',
  src_ip: '2001:db8::7',
  src_port: 52144,
  dst_ip: null,
  dst_port: 22,
  user: "o'brien",
  message: 'Failed password',
  source: 'sshd',
  host: 'bastion-1',
  fields: { pid: 4242 },
};

describe('bus codec', () => {
  it('round-trips a slice of a batch with every column, gaps and events', () => {
    const gap = { kind: 'nodata' as const, start: 1, end: NaN, resource: null, source: 'vpc', detail: {} };
    const m = decodeMessage(encodeRecords(flows, 1, 2, [gap], [event]));
    expect(m.kind).toBe('records');
    if (m.kind !== 'records') return;
    expect(m.flows?.length).toBe(2);
    expect(flowAt(m.flows!, 0)).toEqual(flowAt(flows, 1));
    expect(flowAt(m.flows!, 1)).toEqual(flowAt(flows, 2));
    expect(m.gaps).toEqual([gap]);
    expect(m.events).toEqual([event]);
  });

  it('decodes from an unaligned buffer and carries the end marker', () => {
    const bytes = encodeRecords(flows, 0, 3);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const m = decodeMessage(shifted.subarray(3));
    expect(m.kind === 'records' && m.flows !== null ? flowAt(m.flows, 0) : null).toEqual(flowAt(flows, 0));
    expect(decodeMessage(encodeEnd())).toEqual({ kind: 'end' });
    expect(decodeMessage(encodeRecords(null, 0, 0, [], [event]))).toMatchObject({
      flows: null,
      events: [event],
    });
  });
});
