// The NetFlow v5 / v9 / IPFIX decoder: one UDP payload in, flows + sequence gaps + rejections
// out. It never throws on input and keeps all state bounded (templates, held data sets,
// sequence streams, domains). See docs/netflow.md.

import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import type { CoverageGap, FlowBatch } from '../../core/flow.ts';
import type { ParseOutput, Rejection } from '../../core/records.ts';
import { MAX_REJECTED_TEXT } from '../../core/records.ts';
import { allZero, decodeMessage, type MessageCounters } from './message.ts';
import { createPendingBuffer } from './pending.ts';
import type { DomainState } from './record.ts';
import { createRowWriter, takeBatches, takeFullBatches } from './rows.ts';
import { createSequenceTracker, type SequenceUnit } from './sequence.ts';
import { createTemplateCache, type ExporterAddress } from './templates.ts';
import { decodeV5 } from './v5.ts';

export const netflowDecoderConfigSchema = z.object({
  /** Templates not refreshed for this long are dropped (exporters re-send them over UDP). */
  templateTtlSeconds: z.number().positive().default(1800),
  maxTemplates: z.number().int().positive().default(10_000),
  /** Data sets held while waiting for their template: at most this many, this many bytes, this old. */
  maxPendingSets: z.number().int().nonnegative().default(512),
  maxPendingBytes: z
    .number()
    .int()
    .nonnegative()
    .default(4 * 1024 * 1024),
  pendingTtlSeconds: z.number().positive().default(900),
  /** Exporter/domain streams tracked for sequence numbers, sampling and system-init time. */
  maxStreams: z.number().int().positive().default(10_000),
  /** Rows per scratch batch (a larger packet yields several batches). */
  batchCapacity: z.number().int().positive().default(4096),
});
export type NetflowDecoderConfig = z.infer<typeof netflowDecoderConfigSchema>;
export type NetflowDecoderOptions = z.input<typeof netflowDecoderConfigSchema>;

export interface NetflowDecoderStats {
  packets: number;
  packetsByVersion: { v5: number; v9: number; ipfix: number };
  flows: number;
  /** Packets with at least one problem, and the problems by reason. */
  rejectedPackets: number;
  rejections: number;
  rejectReasons: Record<string, number>;
  templates: number;
  templatesDefined: number;
  templatesExpired: number;
  templatesEvicted: number;
  templateWithdrawalsIgnored: number;
  optionsRecords: number;
  reservedSetsSkipped: number;
  zeroPaddedPackets: number;
  pendingSets: number;
  pendingBytes: number;
  pendingDecoded: number;
  pendingDropped: number;
  recordsWithoutAddress: number;
  sampledFlows: number;
  sequenceGaps: number;
  sequenceResets: number;
  missed: { flows: number; packets: number; records: number };
}

export interface DecodeOptions {
  /**
   * Keep this packet's rows in the decoder's batch instead of returning them, so that many small
   * packets fill one large batch; only batches that filled up are returned. Call `flush()` after.
   */
  hold?: boolean;
}

export interface NetflowDecoder {
  decode(
    packet: Buffer,
    exporter: ExporterAddress,
    receivedAtMs: number,
    options?: DecodeOptions,
  ): ParseOutput;
  /** Returns the rows held by `decode(..., { hold: true })`. */
  flush(): FlowBatch[];
  stats(): NetflowDecoderStats;
}

export function createNetflowDecoder(options: NetflowDecoderOptions = {}): NetflowDecoder {
  const parsed = netflowDecoderConfigSchema.safeParse(options);
  if (!parsed.success) {
    throw new UserError(`invalid NetFlow decoder configuration: ${z.prettifyError(parsed.error)}`, {
      hint: 'see docs/netflow.md, "Configuration", for the decoder settings and their defaults',
    });
  }
  const config = parsed.data;
  const templates = createTemplateCache({
    ttlMs: config.templateTtlSeconds * 1000,
    maxTemplates: config.maxTemplates,
  });
  const pending = createPendingBuffer({
    maxSets: config.maxPendingSets,
    maxBytes: config.maxPendingBytes,
    ttlMs: config.pendingTtlSeconds * 1000,
  });
  const sequences = createSequenceTracker(config.maxStreams);
  const domains = new Map<string, DomainState>();
  const rows = createRowWriter(config.batchCapacity);
  const counters: MessageCounters = {
    templatesDefined: 0,
    templateWithdrawalsIgnored: 0,
    optionsRecords: 0,
    reservedSetsSkipped: 0,
    pendingDecoded: 0,
    zeroPaddedPackets: 0,
  };
  const deps = { templates, pending, domains, maxDomains: config.maxStreams, rows, counters };
  const s = {
    packets: 0,
    v5: 0,
    v9: 0,
    ipfix: 0,
    flows: 0,
    rejectedPackets: 0,
    rejections: 0,
    reasons: {} as Record<string, number>,
    sequenceGaps: 0,
    sequenceResets: 0,
    missed: { flows: 0, packets: 0, records: 0 },
  };

  function handOut(batches: FlowBatch[]): FlowBatch[] {
    for (const b of batches) s.flows += b.length;
    return batches;
  }

  function decode(
    packet: Buffer,
    exporter: ExporterAddress,
    receivedAtMs: number,
    options: DecodeOptions = {},
  ): ParseOutput {
    s.packets++;
    const ordinal = s.packets;
    const gaps: CoverageGap[] = [];
    const rejections: Rejection[] = [];
    const reject = (reason: string): void => {
      s.rejections++;
      s.reasons[reason] = (s.reasons[reason] ?? 0) + 1;
      rejections.push({
        file: `netflow:${exporter.address}:${exporter.port}`,
        line: ordinal,
        reason,
        text: packet.subarray(0, MAX_REJECTED_TEXT / 2).toString('hex'),
      });
    };
    const track = (
      stream: string,
      unit: SequenceUnit,
      seq: number,
      inc: number,
      exportMs: number,
      detail: string,
    ): void => {
      const o = sequences.observe(stream, unit, seq, inc, exportMs);
      if (o.reset) s.sequenceResets++;
      if (o.missed === 0) return;
      s.sequenceGaps++;
      s.missed[unit] += o.missed;
      gaps.push({
        kind: 'sequence',
        start: o.previousMs / 1000,
        end: exportMs / 1000,
        resource: exporter.address,
        source: 'netflow',
        detail: { exporter: `${exporter.address}:${exporter.port}`, stream: detail, missed: o.missed, unit },
      });
    };

    pending.expire(receivedAtMs);
    const before = rejections.length;
    if (packet.length < 4) {
      reject('truncated-header');
    } else {
      const version = packet.readUInt16BE(0);
      switch (version) {
        case 5: {
          s.v5++;
          const r = decodeV5(packet, exporter.address, rows);
          if (!r.ok) reject(r.reason);
          else {
            const stream = `${exporter.address}|${exporter.port}|v5|${r.engine}`;
            track(
              stream,
              'flows',
              r.sequence,
              r.count,
              r.exportMs,
              `v5 engine ${r.engine >> 8}/${r.engine & 0xff}`,
            );
          }
          break;
        }
        case 9: {
          s.v9++;
          const r = decodeMessage(packet, exporter, receivedAtMs, deps);
          if (!r.ok) {
            reject(r.reason);
            break;
          }
          const m = r.result;
          for (const p of m.problems) reject(p);
          track(m.domainKey, 'packets', m.sequence, 1, m.exportMs, `v9 source id ${m.domain}`);
          break;
        }
        case 10: {
          // A datagram holds one message; an IPFIX file (RFC 5655) or a capture of a stream holds
          // several back to back, each with its own length.
          let off = 0;
          while (off < packet.length) {
            const rest = packet.subarray(off);
            if (off > 0 && (rest.length < 4 || rest.readUInt16BE(0) !== 10)) {
              if (!allZero(rest, 0, rest.length)) reject('trailing-bytes');
              break;
            }
            s.ipfix++;
            const r = decodeMessage(rest, exporter, receivedAtMs, deps);
            if (!r.ok) {
              reject(r.reason);
              break;
            }
            const m = r.result;
            for (const p of m.problems) reject(p);
            track(m.domainKey, 'records', m.sequence, m.dataRecords, m.exportMs, `ipfix domain ${m.domain}`);
            off += m.length;
          }
          break;
        }
        default:
          reject('unknown-version');
      }
    }
    if (rejections.length > before) s.rejectedPackets++;
    const batches = handOut(options.hold === true ? takeFullBatches(rows) : takeBatches(rows));
    return { batches, gaps, rejections };
  }

  function stats(): NetflowDecoderStats {
    return {
      packets: s.packets,
      packetsByVersion: { v5: s.v5, v9: s.v9, ipfix: s.ipfix },
      flows: s.flows,
      rejectedPackets: s.rejectedPackets,
      rejections: s.rejections,
      rejectReasons: { ...s.reasons },
      templates: templates.size,
      templatesDefined: counters.templatesDefined,
      templatesExpired: templates.expired,
      templatesEvicted: templates.evicted,
      templateWithdrawalsIgnored: counters.templateWithdrawalsIgnored,
      optionsRecords: counters.optionsRecords,
      reservedSetsSkipped: counters.reservedSetsSkipped,
      zeroPaddedPackets: counters.zeroPaddedPackets,
      pendingSets: pending.size,
      pendingBytes: pending.bytes,
      pendingDecoded: counters.pendingDecoded,
      pendingDropped: pending.dropped,
      recordsWithoutAddress: rows.withoutAddress,
      sampledFlows: rows.sampledRows,
      sequenceGaps: s.sequenceGaps,
      sequenceResets: s.sequenceResets,
      missed: { ...s.missed },
    };
  }

  return { decode, flush: () => handOut(takeBatches(rows)), stats };
}
