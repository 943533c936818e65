// Ingest health for the overview (GET /api/v1/stats/ingest): per source the flows stored, the
// rate of its newest hour, how far its newest record is behind now, its coverage gaps; and the
// lines the quarantine holds, by input, with their reasons.

import type { ReactNode } from 'react';
import { get } from '../api.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Card, ErrorBox, Loading } from './common.tsx';

interface IngestHealthAnswer {
  sources: {
    source: string;
    flows: number;
    last: string | null;
    lastHourFlows: number;
    lagSeconds: number | null;
    gaps: number;
  }[];
  quarantine: {
    total: number;
    truncated: boolean;
    inputs: { input: string; lines: number; byReason: Record<string, number>; last: string | null }[];
  };
}

/** Inputs listed in the quarantine table (the answer has them all, most lines first). */
const SHOWN_INPUTS = 10;

export function IngestHealth(): ReactNode {
  const { t, locale } = useI18n();
  const health = useAsync(() => get<IngestHealthAnswer>('/api/v1/stats/ingest'), []);
  const lag = (s: number | null): string => {
    if (s === null) return '';
    if (s < 3600) return t('overview.minutes', { n: fmtNum(Math.round(s / 60), locale) });
    return t('overview.hours', { n: fmtNum(Math.round(s / 360) / 10, locale) });
  };
  const q = health.data?.quarantine;
  return (
    <Card title={t('overview.ingest')} wide>
      <ErrorBox error={health.error} />
      <Loading when={health.loading && !health.data} />
      <table className="data" data-testid="ingest-sources">
        <thead>
          <tr>
            <th>{t('overview.source')}</th>
            <th>{t('overview.flows')}</th>
            <th>{t('overview.rate')}</th>
            <th>{t('overview.lastRecord')}</th>
            <th>{t('overview.lag')}</th>
            <th>{t('overview.gaps')}</th>
          </tr>
        </thead>
        <tbody>
          {(health.data?.sources ?? []).map((s) => (
            <tr key={s.source}>
              <td translate="no">{s.source}</td>
              <td className="num">{fmtNum(s.flows, locale)}</td>
              <td className="num">{t('overview.perHour', { n: fmtNum(s.lastHourFlows, locale) })}</td>
              <td>{s.last === null ? '' : fmtTime(s.last, locale)}</td>
              <td className="num">{lag(s.lagSeconds)}</td>
              <td className={s.gaps > 0 ? 'num warn' : 'num'}>{fmtNum(s.gaps, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('overview.quarantine')}</h3>
      {q && q.total === 0 ? <p className="muted">{t('overview.noQuarantine')}</p> : null}
      {q && q.total > 0 ? (
        <table className="data" data-testid="ingest-quarantine">
          <thead>
            <tr>
              <th>{t('overview.input')}</th>
              <th>{t('overview.quarantined')}</th>
              <th>{t('overview.reasons')}</th>
              <th>{t('overview.lastRejected')}</th>
            </tr>
          </thead>
          <tbody>
            {q.inputs.slice(0, SHOWN_INPUTS).map((i) => (
              <tr key={i.input}>
                <td translate="no">{i.input}</td>
                <td className="num warn">{fmtNum(i.lines, locale)}</td>
                <td translate="no">
                  {Object.entries(i.byReason)
                    .sort((a, b) => b[1] - a[1])
                    .map(([r, n]) => `${r} ${fmtNum(n, locale)}`)
                    .join(', ')}
                </td>
                <td>{i.last === null ? '' : fmtTime(i.last, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {q && q.total > 0 ? (
        <p className="muted small">
          {t('overview.quarantineTotal', { n: fmtNum(q.total, locale) })}
          {q.truncated ? ` ${t('overview.quarantineTruncated')}` : ''}
        </p>
      ) : null}
      <p className="muted small">{t('overview.ingestNote')}</p>
    </Card>
  );
}
