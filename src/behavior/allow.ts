// Allow-lists for behaviour findings: "this pair is expected" and "this host may use or serve
// this port". Each is a suppression rule (src/findings/suppression.ts), so marking something as
// expected re-evaluates the stored findings at once (matching ones are archived, and restored
// when the rule is removed) and keeps new ones from being raised as active.

import type { SuppressionFilter } from '../findings/suppression.ts';

/** The finding types an expected pair silences. */
export const PAIR_TYPES: readonly string[] = [
  'Backdoor:Host/C&CActivity.Beacon',
  'Behavior:Host/NetworkPortUnusual',
  'Behavior:Host/TrafficVolumeUnusual',
  'Behavior:Host/LongConnection',
  'Exfiltration:Host/LargeUpload',
];

/** Our host and a remote address (optionally one port) talking is expected. */
export function pairFilter(host: string, remote: string, port?: number): SuppressionFilter {
  return {
    resourceIp: host,
    actorIp: remote,
    types: [...PAIR_TYPES],
    ...(port === undefined ? {} : { port }),
  };
}

/** Our host using or serving this port is expected. */
export function portFilter(host: string, port: number): SuppressionFilter {
  return { resourceIp: host, port, types: ['Behavior:Host/NetworkPortUnusual'] };
}
