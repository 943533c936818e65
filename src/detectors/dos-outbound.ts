// Backdoor:Host/DenialOfService.{Tcp,Udp,Dns,UdpOnTcpPorts,UnusualProtocol}: our host floods a
// public address (GuardDuty: outbound to public IPs only). High severity.

import { z } from 'zod';
import type { Detector } from '../engine/detector.ts';
import { createFloodDetector, floodConfigShape, floodKind, floodQuery } from './flood.ts';

export const dosOutboundConfigSchema = z.object({
  ...floodConfigShape,
  severity: z.number().min(1).max(10).default(8),
});

export const dosOutbound: Detector<typeof dosOutboundConfigSchema> = {
  id: 'dos-outbound',
  types: ['Tcp', 'Udp', 'Dns', 'UdpOnTcpPorts', 'UnusualProtocol'].map(
    (k) => `Backdoor:Host/DenialOfService.${k}`,
  ),
  description: 'Our host sending a flood of small packets to a public address',
  configSchema: dosOutboundConfigSchema,
  create(config) {
    return createFloodDetector(
      config,
      (view, i) => view.srcInternal[i] === 1 && view.dstInternal[i] === 0,
      (ctx, s, start, end) => {
        const src = ctx.keyText(s.src);
        const dst = ctx.keyText(s.dst);
        const kind = floodKind(s);
        ctx.emit({
          type: `Backdoor:Host/DenialOfService.${kind}`,
          severity: config.severity,
          resource: { ip: src, id: s.resource },
          actor: { ip: dst, port: null },
          role: 'actor',
          discriminator: '',
          title: `${src} is flooding ${dst} (${kind})`,
          description: `${src} sent ${s.packets} packets (${Math.round(s.bytes / s.packets)} B on average) in ${s.records} flows to ${dst} within ${config.windowSeconds} s (threshold ${config.minPackets} packets).`,
          threshold: config.minPackets,
          observed: s.packets,
          windowStart: start,
          windowEnd: end,
          sample: s.samples,
          query: floodQuery(src, dst, start, end),
          firstSeen: s.first,
          lastSeen: s.last,
          detail: { target: dst, bytes: s.bytes, flows: s.records },
          detector: 'dos-outbound',
        });
      },
    );
  },
};
