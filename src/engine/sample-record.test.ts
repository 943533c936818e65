import { describe, expect, it } from 'vitest';
import { sampleText } from './evidence.ts';
import { captureSample, sampleRecordText } from './sample-record.ts';
import { batchOf } from './test-flows.ts';

describe('sample records', () => {
  it('give the text sampleText gives for the same record', () => {
    const b = batchOf([
      {
        t: 1_795_400_000,
        src: '10.0.1.11',
        dst: '198.51.100.9',
        sport: 40000,
        dport: 443,
        bytes: 420,
        flags: 27,
      },
      {
        t: 1_795_400_060,
        src: '10.0.1.12',
        dst: '203.0.113.7',
        sport: 5353,
        dport: 53,
        proto: 17,
        action: 'reject',
      },
    ]);
    for (let i = 0; i < b.length; i++) expect(sampleRecordText(captureSample(b, i))).toBe(sampleText(b, i));
    expect(sampleRecordText(captureSample(b, 1))).toContain('udp reject');
  });
});
