// Posture: the latest audit report `sakura-guard audit --record` stored: what failed where,
// what the observed traffic says about it, and the proposed least-privilege change.

import type { ReactNode } from 'react';
import { get } from '../api.ts';
import { Card, ErrorBox, Loading } from '../components/common.tsx';
import { fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

type Sev = 'critical' | 'high' | 'medium' | 'low' | 'info';
const SEVERITIES: ReadonlySet<string> = new Set<Sev>(['critical', 'high', 'medium', 'low', 'info']);

interface AuditFinding {
  checkId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  resource: string;
  observed?: unknown;
  fix?: { description: string; diff: string };
}

interface Recorded {
  recordedAt: string | null;
  report: { files?: unknown[]; findings?: AuditFinding[] } | null;
}

export function PosturePage(): ReactNode {
  const { t, locale } = useI18n();
  const data = useAsync(() => get<Recorded>('/api/v1/posture'), []);
  const report = data.data?.report ?? null;
  const findings = report?.findings ?? [];
  return (
    <main className="page">
      <h1>{t('posture.title')}</h1>
      <ErrorBox error={data.error} />
      <Loading when={data.loading} />
      {data.data && report === null ? (
        <Card title={t('posture.none')} wide>
          <p>{t('posture.howTo')}</p>
          <pre className="code" translate="no">
            sakura-guard --data-dir DATA_DIR audit path/to/terraform path/to/k8s --record
          </pre>
        </Card>
      ) : null}
      {report ? (
        <>
          <p className="muted">
            {t('posture.recorded', {
              at: data.data?.recordedAt ? fmtTime(data.data.recordedAt, locale) : '-',
              files: report.files?.length ?? 0,
              n: findings.length,
            })}
          </p>
          <Card title={t('posture.results')} wide>
            <table className="data posture">
              <thead>
                <tr>
                  <th>{t('findings.col.severity')}</th>
                  <th>{t('posture.col.check')}</th>
                  <th>{t('posture.col.resource')}</th>
                  <th>{t('posture.col.where')}</th>
                  <th>{t('posture.col.message')}</th>
                </tr>
              </thead>
              <tbody>
                {findings.map((f, i) => (
                  <tr key={i}>
                    <td>
                      <span className={`sev sev-${f.severity}`}>
                        {SEVERITIES.has(f.severity) ? t(`sev.${f.severity as Sev}`) : f.severity}
                      </span>
                    </td>
                    <td translate="no">{f.checkId}</td>
                    <td translate="no">{f.resource}</td>
                    <td translate="no">
                      {f.file}:{f.line}
                    </td>
                    <td className="wrap">
                      <span translate="no">{f.message}</span>
                      {f.fix ? (
                        <details>
                          <summary>{t('posture.fix')}</summary>
                          <p translate="no">{f.fix.description}</p>
                          <pre className="code" translate="no">
                            {f.fix.diff}
                          </pre>
                        </details>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </>
      ) : null}
    </main>
  );
}
