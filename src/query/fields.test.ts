import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_ALIASES, lookupField, nearFieldNames, allFieldNames } from './fields.ts';
import { FIXTURE_BACKENDS, type FixtureStore } from './test-fixture.ts';

for (const backend of FIXTURE_BACKENDS) {
  describe(backend.name, () => {
    let store: FixtureStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(() => store.close());

    describe('alias table', () => {
      it('has the three spellings of FORMATS.md §2.5 for the VPC fields', () => {
        const spellings: [string, string][] = [
          ['srcAddr', 'src_ip'],
          ['dstAddr', 'dst_ip'],
          ['srcPort', 'src_port'],
          ['dstport', 'dst_port'],
          ['protocol', 'proto'],
          ['account-id', 'account_id'],
          ['accountId', 'account_id'],
          ['interface-id', 'interface_id'],
          ['log-status', 'log_status'],
          ['logStatus', 'log_status'],
          ['tcpFlags', 'tcp_flags'],
          ['type', 'ip_type'],
          ['pktSrcAddr', 'pkt_src_ip'],
          ['pkt-dstaddr', 'pkt_dst_ip'],
          ['pkt_dstaddr', 'pkt_dst_ip'],
          ['azId', 'az_id'],
          ['flowDirection', 'direction'],
          ['flow_direction', 'direction'],
          ['trafficPath', 'traffic_path'],
          ['ecsClusterArn', 'ecs_cluster_arn'],
          ['ecs-task-id', 'ecs_task_id'],
          ['rejectReason', 'reject_reason'],
          ['@logStream', 'coalesce(interface_id, resource)'],
          ['@timestamp', 'time'],
        ];
        for (const [name, sql] of spellings)
          expect({ name, sql: lookupField(name)?.sql }).toEqual({ name, sql });
        expect(lookupField('startTime')?.type).toBe('number');
        expect(lookupField('@timestamp')?.type).toBe('timestamp');
        expect(lookupField('nope')).toBeUndefined();
      });

      it('every alias is valid SQL over flow_records', async () => {
        for (const alias of FIELD_ALIASES) {
          const rows = await store.rows(`SELECT ${alias.sql} AS v FROM flow_records LIMIT 1`);
          expect({ names: alias.names, rows: rows.length }).toEqual({ names: alias.names, rows: 1 });
        }
      });

      it('suggests near names', () => {
        expect(nearFieldNames('srcadr', allFieldNames())).toContain('srcAddr');
        expect(nearFieldNames('logstatus', allFieldNames())[0]).toBe('logStatus');
        expect(nearFieldNames('zzzzzzzzzz', allFieldNames())).toEqual([]);
      });
    });
  });
}
