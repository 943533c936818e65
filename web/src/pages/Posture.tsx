// Posture: the latest audit report `sakura-guard audit --record` stored: what failed where,
// what the observed traffic says about it, and the proposed least-privilege change.

import type { ReactNode } from 'react';
import { get } from '../api.ts';
import { Card, ErrorBox, Loading } from '../components/common.tsx';
import { fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

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
            sakura-guard audit --record path/to/terraform path/to/k8s
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
          <div className="grid">
            {findings.map((f, i) => (
              <Card key={i} title={`${f.checkId} · ${f.resource}`} wide>
                <p>
                  <span className={`sev sev-${f.severity}`} translate="no">
                    {f.severity}
                  </span>{' '}
                  <span translate="no">{f.message}</span>
                </p>
                <p className="muted small" translate="no">
                  {f.file}:{f.line}
                </p>
                {f.fix ? (
                  <details>
                    <summary>{t('posture.fix')}</summary>
                    <p translate="no">{f.fix.description}</p>
                    <pre className="code" translate="no">
                      {f.fix.diff}
                    </pre>
                  </details>
                ) : null}
              </Card>
            ))}
          </div>
        </>
      ) : null}
    </main>
  );
}
