// A realistic account for the double: two zones, dozens of servers on the shared segment and on
// switches, two VPC routers with firewall rules and recent log lines, open and strict packet
// filters. Addresses use 203.0.113.0/24-style documentation ranges where an exact value matters.

import type { PacketFilterExpression, ServerJson } from '../types.ts';
import { type ZoneState, emptyZone } from './double.ts';

export const OPEN_FILTER_ID = '113000000001';
export const STRICT_FILTER_ID = '113000000002';
export const FULL_FILTER_ID = '113000000003';
export const TK_FILTER_ID = '113000000004';
export const ROUTER_IDS = ['113100000001', '113100000002'] as const;

const shared = { ID: '113900000001', Name: 'shared', Scope: 'shared', Subnet: { NetworkAddress: '198.51.100.0', NetworkMaskLen: 24, DefaultRoute: '198.51.100.1' } };
const appSwitch = { ID: '113800000001', Name: 'sw-app', Scope: 'user', Subnet: null };

export const OPEN_RULES: PacketFilterExpression[] = [
  { Protocol: 'tcp', SourceNetwork: '', SourcePort: '', DestinationPort: '22', Action: 'allow', Description: 'ssh' },
  { Protocol: 'tcp', SourceNetwork: '', SourcePort: '', DestinationPort: '443', Action: 'allow', Description: 'https' },
  { Protocol: 'tcp', SourceNetwork: '', SourcePort: '', DestinationPort: '3306', Action: 'allow', Description: 'mysql' },
];

export const STRICT_RULES: PacketFilterExpression[] = [
  { Protocol: 'tcp', SourceNetwork: '', SourcePort: '', DestinationPort: '443', Action: 'allow', Description: '' },
  { Protocol: 'tcp', SourceNetwork: '', SourcePort: '', DestinationPort: '32768-61000', Action: 'allow', Description: 'replies' },
  { Protocol: 'ip', SourceNetwork: '', SourcePort: '', DestinationPort: '', Action: 'deny', Description: 'Deny ALL' },
];

export const webIp = (n: number): string => `198.51.100.${10 + n}`;
export const appIp = (n: number): string => `192.168.10.${10 + n}`;

function server(zone: string, n: number, role: 'web' | 'app' | 'bare'): ServerJson {
  const id = `${zone === 'is1a' ? 1131 : 1132}000${String(n).padStart(5, '0')}`;
  const nics: ServerJson['Interfaces'] = [];
  if (role !== 'app')
    nics.push({
      ID: `${id}1`,
      MACAddress: `9c:a3:ba:00:${zone === 'is1a' ? '01' : '02'}:${n.toString(16).padStart(2, '0')}`,
      IPAddress: zone === 'is1a' ? webIp(n) : `198.51.100.${150 + n}`,
      PacketFilter:
        role !== 'web'
          ? null
          : zone === 'tk1a'
            ? { ID: TK_FILTER_ID, Name: 'pf-tk' }
            : { ID: n % 2 === 0 ? OPEN_FILTER_ID : STRICT_FILTER_ID, Name: n % 2 === 0 ? 'pf-open' : 'pf-strict' },
      Switch: shared,
    });
  if (role !== 'bare' && zone === 'is1a')
    nics.push({ ID: `${id}2`, MACAddress: `9c:a3:ba:10:01:${n.toString(16).padStart(2, '0')}`, IPAddress: null, UserIPAddress: appIp(n), Switch: appSwitch });
  return {
    ID: id,
    Name: `${zone}-${role}-${String(n).padStart(2, '0')}`,
    Tags: [`role:${role}`, n % 3 === 0 ? 'env:prod' : 'env:stg'],
    Zone: { Name: zone },
    Interfaces: nics,
  };
}

export function fixtureZones(): Record<string, ZoneState> {
  const a = emptyZone();
  for (let n = 0; n < 20; n++) a.servers.push(server('is1a', n, 'web'));
  for (let n = 20; n < 32; n++) a.servers.push(server('is1a', n, 'app'));
  for (let n = 32; n < 35; n++) a.servers.push(server('is1a', n, 'bare'));
  a.switches.push({ ID: appSwitch.ID, Name: appSwitch.Name, Tags: ['tier:app'], Subnets: [], ServerCount: 32 });
  a.packetFilters.push(
    { ID: OPEN_FILTER_ID, Name: 'pf-open', Expression: OPEN_RULES.map((r) => ({ ...r })) },
    { ID: STRICT_FILTER_ID, Name: 'pf-strict', Expression: STRICT_RULES.map((r) => ({ ...r })) },
    {
      ID: FULL_FILTER_ID,
      Name: 'pf-full',
      Expression: Array.from({ length: 30 }, (_, i) => ({ Protocol: 'tcp', SourceNetwork: `203.0.113.${i}`, DestinationPort: '22', Action: 'allow', Description: '' })),
    },
  );
  a.appliances.push({
    ID: ROUTER_IDS[0],
    Name: 'vpc-is1a',
    Class: 'vpcrouter',
    Tags: ['role:edge'],
    Zone: { Name: 'is1a' },
    Interfaces: [{ ID: '1131999990', IPAddress: '198.51.100.200', Switch: shared }],
    Settings: {
      Router: {
        Interfaces: [null, { IPAddress: ['192.168.20.1'], VirtualIPAddress: '', NetworkMaskLen: 24 }],
        SyslogHost: '',
        Firewall: {
          Enabled: 'True',
          Config: [
            {
              Receive: [
                { Protocol: 'tcp', SourceNetwork: '', DestinationPort: '22', Action: 'allow', Logging: 'False', Description: 'ssh' },
                { Protocol: 'ip', SourceNetwork: '', Action: 'deny', Logging: 'True', Description: 'deny all' },
              ],
              Send: [],
            },
          ],
        },
      },
    },
  });
  a.status.set(ROUTER_IDS[0], { FirewallReceiveLogs: [], FirewallSendLogs: [], SessionCount: 0 });

  const b = emptyZone();
  for (let n = 0; n < 12; n++) b.servers.push(server('tk1a', n, n < 10 ? 'web' : 'bare'));
  b.appliances.push({
    ID: ROUTER_IDS[1],
    Name: 'vpc-tk1a',
    Class: 'vpcrouter',
    Zone: { Name: 'tk1a' },
    Interfaces: [{ ID: '1132999990', IPAddress: '198.51.100.201', Switch: shared }],
    Settings: { Router: { SyslogHost: '198.51.100.10', Firewall: { Enabled: 'True', Config: [{ Receive: [], Send: [] }] } } },
  });
  b.status.set(ROUTER_IDS[1], { FirewallReceiveLogs: [], SessionCount: 0 });
  b.packetFilters.push({ ID: TK_FILTER_ID, Name: 'pf-tk', Expression: STRICT_RULES.map((r) => ({ ...r })) });
  return { is1a: a, tk1a: b };
}
