import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { interfaceFromStream } from './cloudwatch.ts';
import { s3WindowTime } from './paths.ts';
import { sniffContent } from './sniff.ts';

describe('sniffContent', () => {
  it.each([
    [gzipSync('x'), 'gzip'],
    [Buffer.from('PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x12'), 'parquet'],
    [Buffer.from(gzipSync('{}').toString('base64')), 'cloudwatch-base64'],
    [Buffer.from('  \n{"messageType":"DATA_MESSAGE"}'), 'json'],
    [Buffer.from('[{"timestamp":1,"message":"x"}]'), 'json'],
    [Buffer.from('\ufeff{"timestamp":1,"message":"2 1 eni"}'), 'json'],
    [Buffer.from('version account-id interface-id'), 'text'],
    [Buffer.from('2 123456789012 eni-0a1b2c'), 'text'],
    [Buffer.from(''), 'empty'],
    [Buffer.from('\n\n'), 'empty'],
  ])('%#: %s', (head, kind) => {
    expect(sniffContent(head)).toBe(kind);
  });
});

describe('s3WindowTime', () => {
  it('reads the window from an S3 object name, else undefined', () => {
    expect(s3WindowTime('/x/123456789012_vpcflowlogs_us-east-1_fl-1a2b_20261120T0135Z_9f8e.log.gz')).toBe(
      Date.UTC(2026, 10, 20, 1, 35) / 1000,
    );
    expect(s3WindowTime('/x/20261120T0135Z_dir/flows.log')).toBeUndefined();
    expect(s3WindowTime('flows.log')).toBeUndefined();
  });
});

describe('interfaceFromStream', () => {
  it('takes the ENI out of a CloudWatch log stream name', () => {
    expect(interfaceFromStream('eni-0abc123def4567890-all')).toBe('eni-0abc123def4567890');
    expect(interfaceFromStream('eni-0abc123def4567890')).toBe('eni-0abc123def4567890');
    expect(interfaceFromStream('my-stream')).toBeUndefined();
    expect(interfaceFromStream(undefined)).toBeUndefined();
  });
});
