// SARIF 2.1.0 for code-scanning services: every check as a rule (stable id and index,
// `security-severity`), every finding with its file/line region, snippet, a fingerprint that
// survives line moves, and in-source suppressions with their justification.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fingerprint, type AuditReport } from '../audit.ts';
import type { Severity } from '../types.ts';

export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** Paths under the current directory stay relative to %SRCROOT%; others become file:// URIs. */
function artifact(file: string): { uri: string; uriBaseId?: string } {
  return path.isAbsolute(file)
    ? { uri: pathToFileURL(file).href }
    : { uri: encodeURI(file), uriBaseId: '%SRCROOT%' };
}

const pascal = (id: string): string =>
  id
    .toLowerCase()
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

export function toSarif(report: AuditReport, toolVersion: string): object {
  const index = new Map(report.checks.map((c, i) => [c.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sakura-guard',
            semanticVersion: toolVersion,
            version: toolVersion,
            rules: report.checks.map((c) => ({
              id: c.id,
              name: pascal(c.id),
              shortDescription: { text: c.title },
              fullDescription: { text: c.description },
              help: { text: c.remediation, markdown: `**Remediation:** ${c.remediation}` },
              defaultConfiguration: { level: sarifLevel(c.severity) },
              properties: {
                'security-severity': SECURITY_SEVERITY[c.severity],
                tags: ['security', 'network', ...c.inputs],
                precision: 'high',
              },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => ({
          ruleId: f.checkId,
          ruleIndex: index.get(f.checkId) ?? -1,
          level: sarifLevel(f.severity),
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(f.file),
                region: {
                  startLine: f.line,
                  endLine: f.endLine,
                  ...(f.snippet ? { snippet: { text: f.snippet } } : {}),
                },
              },
              logicalLocations: [{ name: f.resource, kind: 'resource' }],
            },
          ],
          partialFingerprints: { 'sakuraGuard/v1': fingerprint(f) },
          properties: {
            severity: f.severity,
            'security-severity': SECURITY_SEVERITY[f.severity],
            resource: f.resource,
            ...(f.observed ? { observed: f.observed } : {}),
            ...(f.fix ? { proposedDiff: f.fix.diff } : {}),
          },
          ...(f.suppression
            ? { suppressions: [{ kind: 'inSource', justification: f.suppression.justification }] }
            : {}),
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.problems.map((p) => ({
              level: 'warning',
              message: { text: `${p.reason}: ${p.text}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: artifact(p.file),
                    ...(p.line > 0 ? { region: { startLine: p.line } } : {}),
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
}
