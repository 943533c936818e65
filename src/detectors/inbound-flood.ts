// Impact:Host/InboundFlood: one source floods one of our hosts with small packets (the rate-limit
// concern none of the anchors covers). Medium severity.

import { z } from 'zod';
import type { Detector } from '../engine/detector.ts';
import { createFloodDetector, floodConfigShape, floodKind, floodQuery } from './flood.ts';

export const inboundFloodConfigSchema = z.object({
  ...floodConfigShape,
  severity: z.number().min(1).max(10).default(5),
});

export const inboundFlood: Detector<typeof inboundFloodConfigSchema> = {
  id: 'inbound-flood',
  types: ['Impact:Host/InboundFlood'],
  description: 'A source sending a flood of small packets to one of our hosts',
  configSchema: inboundFloodConfigSchema,
  create(config) {
    return createFloodDetector(
      config,
      (view, i) => view.dstInternal[i] === 1,
      (ctx, s, start, end) => {
        const src = ctx.keyText(s.src);
        const dst = ctx.keyText(s.dst);
        const kind = floodKind(s);
        ctx.emit({
          type: 'Impact:Host/InboundFlood',
          severity: config.severity,
          resource: { ip: dst, id: s.resource },
          actor: { ip: src, port: null },
          role: 'target',
          discriminator: kind,
          title: `${dst} is flooded by ${src} (${kind})`,
          description: `${src} sent ${s.packets} packets (${Math.round(s.bytes / s.packets)} B on average) in ${s.records} flows to ${dst} within ${config.windowSeconds} s (threshold ${config.minPackets} packets).`,
          threshold: config.minPackets,
          observed: s.packets,
          windowStart: start,
          windowEnd: end,
          sample: s.samples,
          query: floodQuery(src, dst, start, end),
          firstSeen: s.first,
          lastSeen: s.last,
          detail: { kind, bytes: s.bytes, flows: s.records },
          detector: 'inbound-flood',
        });
      },
    );
  },
};
