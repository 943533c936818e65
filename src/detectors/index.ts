// The literal registry of detectors: one file per detector, one line here. The engine never
// changes when a detector is added.

import type { Detector } from '../engine/detector.ts';
import { beacon } from './beacon.ts';
import { bruteforce } from './bruteforce.ts';
import { dosOutbound } from './dos-outbound.ts';
import { firewallDrops } from './firewall-drops.ts';
import { httpFlood } from './http-flood.ts';
import { inboundFlood } from './inbound-flood.ts';
import { largeUpload } from './large-upload.ts';
import { longConnection } from './long-connection.ts';
import { miningPool } from './mining-pool.ts';
import { portProbe } from './port-probe.ts';
import { portUnusual } from './port-unusual.ts';
import { portSweep } from './port-sweep.ts';
import { portscan } from './portscan.ts';
import { rules } from './rules.ts';
import { sshAuth } from './ssh-auth.ts';
import { webAttack } from './web-attack.ts';
import { threatIntel } from './threat-intel.ts';
import { volumeUnusual } from './volume-unusual.ts';

export const detectors: readonly Detector[] = [
  portscan,
  portProbe,
  portSweep,
  // Before bruteforce: on equal evidence the merged SSH finding keeps the text that names both sources.
  sshAuth,
  bruteforce,
  webAttack,
  httpFlood,
  firewallDrops,
  dosOutbound,
  inboundFlood,
  longConnection,
  miningPool,
  threatIntel,
  largeUpload,
  beacon,
  portUnusual,
  volumeUnusual,
  rules,
];
