import { describe, expect, it } from 'vitest';
import { FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS } from '../../core/flow.ts';
import { UserError } from '../../core/errors.ts';
import { DEFAULT_VPC_FORMAT, headerLayout, knownField, parseVpcFormat, VPC_FIELDS } from './fields.ts';

describe('VPC field table', () => {
  it('has unique names and only targets columns that FlowBatch has', () => {
    expect(new Set(VPC_FIELDS.map((f) => f.name)).size).toBe(VPC_FIELDS.length);
    for (const f of VPC_FIELDS) {
      if (f.target.kind === 'text') expect(FLOW_TEXT_EXTRAS).toContain(f.target.column);
      if (f.target.kind === 'int') expect(FLOW_INT_EXTRAS).toContain(f.target.column);
    }
  });

  it('gives every text and integer extra of the data model (but `extra`) a field', () => {
    const filled = new Set(
      VPC_FIELDS.flatMap((f) =>
        f.target.kind === 'text' || f.target.kind === 'int' ? [f.target.column] : [],
      ),
    );
    for (const c of [...FLOW_TEXT_EXTRAS, ...FLOW_INT_EXTRAS]) if (c !== 'extra') expect(filled).toContain(c);
  });

  it('defaults to the 14 v2 fields in AWS order', () => {
    expect(DEFAULT_VPC_FORMAT.join(' ')).toBe(
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
    );
  });

  it('knows fields by hyphen or underscore spelling', () => {
    expect(knownField('log_status')?.name).toBe('log-status');
    expect(knownField('PKT-SRC-AWS-SERVICE')?.version).toBe(5);
    expect(knownField('ecs-task-id')?.version).toBe(7);
    expect(knownField('reject-reason')?.target).toEqual({ kind: 'text', column: 'reject_reason' });
    expect(knownField('encryption-status')?.target).toEqual({ kind: 'int', column: 'encryption_status' });
    expect(knownField('no-such-field')).toBeUndefined();
  });
});

describe('parseVpcFormat', () => {
  it("reads AWS's ${field} form", () => {
    const layout = parseVpcFormat('${version} ${vpc-id} ${subnet-id} ${tcp-flags}');
    expect(layout.map((c) => c.name)).toEqual(['version', 'vpc-id', 'subnet-id', 'tcp-flags']);
    expect(layout.every((c) => c.field !== null)).toBe(true);
  });

  it('reads plain names with underscores and passes unknown names through', () => {
    const layout = parseVpcFormat('  srcaddr   dst_addr pkt_srcaddr next-hop-id ');
    expect(layout.map((c) => [c.name, c.field?.name ?? null])).toEqual([
      ['srcaddr', 'srcaddr'],
      ['dst-addr', null],
      ['pkt-srcaddr', 'pkt-srcaddr'],
      ['next-hop-id', null],
    ]);
  });

  it('rejects an empty list, duplicates and malformed names with a UserError and a hint', () => {
    for (const bad of [
      '',
      '   ',
      '${srcaddr} ${srcaddr}',
      'srcaddr src_addr SRCADDR',
      '${} x',
      'srcaddr $x',
    ]) {
      let error: unknown;
      try {
        parseVpcFormat(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(UserError);
      expect((error as UserError).hint, bad).toBeTruthy();
    }
    expect(() => parseVpcFormat('${srcaddr} ${srcaddr}')).toThrow(/twice/);
  });
});

describe('headerLayout', () => {
  it('accepts header lines, including the NAT gateway one without version', () => {
    expect(headerLayout('version account-id interface-id srcaddr')?.length).toBe(4);
    expect(headerLayout('instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr')?.length).toBe(6);
    // a newer field that this table does not know yet does not hide the header
    expect(headerLayout('version srcaddr dstaddr next-hop-type')?.[3]?.field).toBeNull();
  });

  it('does not take data lines for headers', () => {
    expect(headerLayout('2 123456789010 eni-1235b8ca123456789 1.2.3.4')).toBeNull();
    expect(headerLayout('- eni-1235b8ca123456789 10.0.1.5 10.0.0.220')).toBeNull();
    expect(headerLayout('eni-1235b8ca123456789 i-01234567890123456 vpc-abc')).toBeNull();
    expect(headerLayout('srcaddr srcaddr')).toBeNull();
  });
});
