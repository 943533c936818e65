import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { createFlowBatch, type CoverageGap, type FlowBatch } from '../core/flow.ts';
import type { Quarantine } from '../core/quarantine.ts';
import type { LogEvent, Rejection } from '../core/records.ts';
import { type IngestInputEvent, runIngest } from './ingest.ts';

function batchOf(times: number[]): FlowBatch {
  const b = createFlowBatch(16);
  for (const t of times) b.start[b.length++] = t;
  return b;
}

async function* events(): AsyncIterable<IngestInputEvent> {
  yield { kind: 'file-start', file: 'a.log', sizeBytes: 100 };
  yield {
    kind: 'output',
    file: 'a.log',
    bytesRead: 60,
    output: {
      batches: [batchOf([30, 10, 20])],
      gaps: [{ kind: 'nodata', start: 0, end: 60, resource: 'eni-1', source: 'vpc', detail: {} }],
      rejections: [{ file: 'a.log', line: 4, reason: 'field-count', text: 'x' }],
    },
  };
  yield {
    kind: 'output',
    file: 'a.log',
    bytesRead: 100,
    output: {
      batches: [batchOf([5])],
      gaps: [],
      rejections: [],
      events: [
        {
          time: 40,
          kind: 'auth',
          outcome: 'failure',
          src_ip: '192.0.2.9',
          src_port: null,
          dst_ip: null,
          dst_port: null,
          user: 'root',
          message: 'Failed password for root',
          source: 'sshd',
          host: 'h',
          fields: {},
        },
      ],
    },
  };
  yield { kind: 'file-end', file: 'a.log', lines: 6 };
  yield { kind: 'file-start', file: 'b.log', sizeBytes: 10 };
  yield { kind: 'file-end', file: 'b.log', lines: 0 };
}

describe('runIngest', () => {
  it('sends every batch to the sink and the observers, gaps apart, rejects to quarantine', async () => {
    const stored: number[] = [];
    const gaps: CoverageGap[] = [];
    const observed: number[] = [];
    const storedEvents: LogEvent[] = [];
    const observedEvents: number[] = [];
    const rejected: Rejection[] = [];
    const quarantine: Quarantine = {
      add: (r) => void rejected.push(...r),
      summary: () => ({ total: rejected.length, byReason: new Map(), file: null }),
      close: () => undefined,
    };
    const progress: number[] = [];
    const counts = await runIngest(events(), {
      sink: {
        appendFlows: async (b) => void stored.push(b.length),
        appendGaps: async (g) => void gaps.push(...g),
        appendEvents: async (e) => void storedEvents.push(...e),
      },
      observers: [
        {
          onFlows: (b) => void observed.push(b.length),
          onGaps: () => undefined,
          onEvent: (e) => void observedEvents.push(e.time),
        },
        { onFlows: () => undefined, onGaps: () => undefined },
      ],
      quarantine,
      clock: manualClock(1000),
      onProgress: (p) => progress.push(p.bytesDone),
      totalBytes: 110,
    });
    expect(stored).toEqual([3, 1]);
    expect(observed).toEqual([3, 1]);
    expect(gaps).toHaveLength(1);
    expect(storedEvents.map((e) => e.user)).toEqual(['root']);
    expect(observedEvents).toEqual([40]);
    expect(rejected.map((r) => r.line)).toEqual([4]);
    expect(counts).toMatchObject({
      files: 2,
      lines: 6,
      flows: 4,
      events: 1,
      rejected: 1,
      bytesRead: 100,
      firstTime: 5,
      lastTime: 40,
      gaps: { nodata: 1, skipdata: 0, sequence: 0 },
    });
    expect(progress.at(-1)).toBe(100);
  });
});
