// The posture audit report as data arriving from outside (`audit --record` posting its result to
// a running server): a zod schema of AuditReport, so a malformed or hostile body is refused with
// the path of what is wrong before anything reads it. Lengths are bounded.

import { z } from 'zod';
import type { AuditReport } from './audit.ts';
import { SEVERITIES } from './types.ts';

const text = (max = 4096) => z.string().max(max);
const line = z.number().int().min(0);
const INPUT_KINDS = ['compose', 'terraform', 'iptables', 'nft', 'kubernetes'] as const;

const exposure = z.object({
  direction: z.enum(['ingress', 'egress']),
  protocol: z.union([z.number().int().min(0).max(255), z.literal('all')]),
  ports: z
    .object({ from: z.number().int().min(0).max(65535), to: z.number().int().min(0).max(65535) })
    .nullable(),
  cidrs: z.array(text(64)).max(10_000),
});

const observed = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('reached'),
    acceptedFromPublic: z.number(),
    distinctSources: z.number(),
    resources: z.array(text(64)).max(100),
    topSource: text(64),
    window: text(256),
  }),
  z.object({ kind: z.literal('probed-closed'), rejected: z.number(), window: text(256) }),
  z.object({ kind: z.literal('unused'), window: text(256), confidence: text(256) }),
  z.object({ kind: z.literal('no-data'), window: text(256) }),
]);

const finding = z.object({
  checkId: text(128),
  severity: z.enum(SEVERITIES),
  message: text(),
  file: text(),
  line,
  endLine: line,
  resource: text(1024),
  scope: z.object({ startLine: line, endLine: line }),
  snippet: text(65_536).optional(),
  exposure: exposure.optional(),
  suppression: z.object({ kind: z.literal('inSource'), justification: text(), line }).optional(),
  observed: observed.optional(),
  fix: z.object({ description: text(), diff: text(1 << 20) }).optional(),
});

export const auditReportSchema = z.object({
  version: z.literal(1),
  files: z.array(z.object({ file: text(), kind: z.enum(INPUT_KINDS) })).max(100_000),
  findings: z.array(finding).max(100_000),
  rules: z
    .array(
      z.object({ file: text(), line, endLine: line, resource: text(1024), exposure, text: text(1 << 20) }),
    )
    .max(100_000),
  problems: z.array(z.object({ file: text(), line, reason: text(), text: text() })).max(100_000),
  checks: z
    .array(
      z.object({
        id: text(128),
        title: text(),
        severity: z.enum(SEVERITIES),
        inputs: z.array(z.enum(INPUT_KINDS)),
        description: text(),
        remediation: text(),
        related: z.array(text(256)).optional(),
      }),
    )
    .max(1000),
  traffic: z
    .object({
      source: text(),
      window: z.object({ start: z.number(), end: z.number(), days: z.number() }),
      flows: z.number(),
      confidence: text(256),
    })
    .optional(),
});

/** A parsed body is a report the audit code can use (checked at compile time). */
export function parseAuditReport(value: unknown): AuditReport | z.ZodError {
  const r = auditReportSchema.safeParse(value);
  if (!r.success) return r.error;
  const report: AuditReport = r.data;
  return report;
}
