// How findings look on the command line and in `findings --json` (PRODUCT.md's contract).

import type { Finding } from './finding.ts';
import { describeFilter, type SuppressionRule } from './suppression.ts';

/** The public JSON object: the contract's fields plus archivedBy, intelList, detector, detail. */
/** A finding as the API and `--json` show it (the contract); the CLI prints these too. */
export type FindingView = Omit<Finding, 'windows' | 'createdAt' | 'updatedAt'>;

export function findingJson(f: FindingView): Record<string, unknown> {
  return {
    id: f.id,
    type: f.type,
    severity: f.severity,
    severityLabel: f.severityLabel,
    title: f.title,
    description: f.description,
    resource: f.resource,
    actor: f.actor,
    role: f.role,
    count: f.count,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    evidence: f.evidence,
    status: f.status,
    archivedBy: f.archivedBy,
    intelList: f.intelList,
    detector: f.detector,
    detail: f.detail,
  };
}

export function findingLine(f: FindingView): string {
  const res = f.resource.name ? `${f.resource.ip} (${f.resource.name})` : f.resource.ip;
  return `${f.id}  ${f.severity.toFixed(1).padStart(4)} ${f.severityLabel.padEnd(8)} ${f.type}  ${res}  x${f.count}  ${f.lastSeen}${f.status === 'archived' ? '  [archived]' : ''}\n    ${f.title}`;
}

/** "tags" and "owner" lines under a host that the asset inventory lists (zone is one of the tags). */
function assetLines(h: { tags?: string[]; owner?: string | null }): string[] {
  const lines: string[] = [];
  if (h.tags !== undefined && h.tags.length > 0) lines.push(`              tags: ${h.tags.join(', ')}`);
  if (h.owner) lines.push(`              owner: ${h.owner}`);
  return lines;
}

export function findingDetail(f: FindingView): string {
  const lines = [
    `${f.title}`,
    `  id          ${f.id}`,
    `  type        ${f.type}`,
    `  severity    ${f.severity.toFixed(1)} (${f.severityLabel})`,
    `  resource    ${f.resource.ip}${f.resource.name ? ` (${f.resource.name})` : ''}${f.resource.id ? ` ${f.resource.id}` : ''}`,
    ...assetLines(f.resource),
    `  actor       ${f.actor.ip}${f.actor.port !== null ? `:${f.actor.port}` : ''}${f.actor.name ? ` (${f.actor.name})` : ''} (our host is the ${f.role})`,
    ...assetLines(f.actor),
    `  seen        ${f.count} time(s), ${f.firstSeen} .. ${f.lastSeen}`,
    `  status      ${f.status}${f.archivedBy ? ` (${f.archivedBy})` : ''}`,
    ...(f.intelList ? [`  intel list  ${f.intelList}`] : []),
    '',
    `  ${f.description}`,
    '',
    `  evidence: observed ${f.evidence.observed} against threshold ${f.evidence.threshold} in ${f.evidence.window}`,
    ...f.evidence.sample.map((s) => `    ${s}`),
    `  all records: ${f.evidence.query}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function ruleLine(r: SuppressionRule): string {
  const exp = r.expiresAt === null ? 'never expires' : `expires ${new Date(r.expiresAt).toISOString()}`;
  return `${r.id}  ${describeFilter(r.filter)}  (${exp})${r.reason ? `  ${r.reason}` : ''}`;
}
