import { describe, expect, it } from 'vitest';
import { EXIT_INPUT, UserError } from '../core/errors.ts';
import { createFlowBatch, flowAt, type FlowBatch } from '../core/flow.ts';
import { parseIpv4 } from '../core/ip.ts';
import { VpcParser } from '../parsers/vpc/parser.ts';
import {
  decodeBatch,
  decodeError,
  decodeEvent,
  encodeBatch,
  encodeError,
  encodeEvent,
} from './batch-wire.ts';

const rows = (b: FlowBatch): unknown[] => Array.from({ length: b.length }, (_, i) => flowAt(b, i));

/** A structured clone with transfer, as postMessage does it. */
function send<T>(value: T, transfer: Set<ArrayBuffer>): T {
  return structuredClone(value, { transfer: [...transfer] });
}

function handMade(): FlowBatch {
  const b = createFlowBatch(16);
  b.length = 3;
  b.start.set([100, 200, 300]);
  b.end.set([160, NaN, 360]);
  b.srcIp4[0] = parseIpv4('10.0.0.1')!;
  b.dstIp4[0] = parseIpv4('192.0.2.9')!;
  b.srcIp6[1] = '2001:db8::1';
  b.dstIp6[1] = '2001:db8::2';
  b.srcIp4[2] = parseIpv4('10.0.0.1')!;
  b.dstIp4[2] = parseIpv4('10.0.0.3')!;
  b.srcPort.set([40000, -1, 22]);
  b.dstPort.set([443, -1, 51000]);
  b.proto.set([6, 58, 6]);
  b.packets.set([3, NaN, 7]);
  b.bytes.set([300, NaN, 700]);
  b.action.set([1, 2, 1]);
  b.tcpFlags.set([2, -1, 18]);
  b.direction.set([1, 0, 2]);
  b.resource[0] = 'eni-a';
  b.resource[2] = 'eni-a';
  b.source.fill('vpc:x', 0, 3);
  b.text.account_id[1] = '123456789012';
  b.text.extra[2] = '{"k":"v"}';
  b.ints.version.set([2, 5, 2]);
  return b;
}

describe('batch wire format', () => {
  it('round-trips every column of a batch through a transferring clone', () => {
    const expected = rows(handMade());
    const transfer = new Set<ArrayBuffer>();
    const wire = encodeBatch(handMade(), transfer);
    expect(transfer.size).toBeGreaterThan(15);
    const back = decodeBatch(send(wire, transfer));
    expect(back.length).toBe(3);
    expect(back.capacity).toBe(16);
    expect(rows(back)).toEqual(expected);
    // Every column is capacity long, like a parser batch, with nulls past the end.
    expect(back.srcIp6).toHaveLength(16);
    expect(back.text.extra[5]).toBeNull();
  });

  it('sends all-null columns as null and dictionaries for the rest', () => {
    const wire = encodeBatch(handMade(), new Set());
    expect(wire.text.vpc_id).toBeNull();
    expect(wire.resource?.dict).toEqual(['eni-a']);
    expect([...(wire.resource?.index ?? [])]).toEqual([0, -1, 0]);
    expect(wire.source?.dict).toEqual(['vpc:x']);
  });

  it('moves the buffers: the sender batch is detached after the transfer', () => {
    const b = handMade();
    const transfer = new Set<ArrayBuffer>();
    send(encodeBatch(b, transfer), transfer);
    expect(b.start.length).toBe(0);
  });

  it('round-trips parser batches, whose unused text columns share one frozen array', () => {
    const text =
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' +
      '2 123456789012 eni-a 10.0.0.1 10.0.0.2 40000 443 6 3 300 100 160 ACCEPT OK\n' +
      '2 123456789012 eni-b 2001:db8::1 10.0.0.2 40000 443 6 3 300 100 160 REJECT OK\n';
    const parse = (): FlowBatch[] => {
      const p = new VpcParser({ file: 'x', source: 'vpc:x', batchCapacity: 4 });
      const out = p.push(Buffer.from(text));
      return [...out.batches, ...p.end().batches];
    };
    const expected = parse().flatMap(rows);
    const transfer = new Set<ArrayBuffer>();
    const ev = encodeEvent(
      {
        kind: 'output',
        file: 'x',
        output: { batches: parse(), gaps: [], rejections: [] },
        bytesRead: 10,
      },
      transfer,
    );
    const back = decodeEvent(send(ev, transfer));
    if (back.kind !== 'output') throw new Error('expected an output event');
    expect(back.output.batches.flatMap(rows)).toEqual(expected);
    expect(back.bytesRead).toBe(10);
  });

  it('rebuilds a UserError with its message, hint, exit code and cause', () => {
    const cause = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const e = new UserError('Input path not found: /x', {
      hint: 'Check the path.',
      exitCode: EXIT_INPUT,
      cause,
    });
    const back = decodeError(structuredClone(encodeError(e)));
    expect(back).toBeInstanceOf(UserError);
    expect(back.message).toBe(e.message);
    expect((back as UserError).hint).toBe('Check the path.');
    expect((back as UserError).exitCode).toBe(EXIT_INPUT);
    expect((back.cause as Error).message).toBe('ENOENT: no such file');
    expect((back.cause as { code?: string }).code).toBe('ENOENT');
    expect(back.stack).toBe(e.stack);
  });

  it('keeps other errors as plain errors (a bug stays a bug)', () => {
    const back = decodeError(encodeError(new TypeError('x is undefined')));
    expect(back).not.toBeInstanceOf(UserError);
    expect(back.name).toBe('TypeError');
    expect(back.message).toBe('x is undefined');
  });
});
