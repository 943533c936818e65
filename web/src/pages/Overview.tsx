// Overview: findings by severity over time, the newest high-severity findings, the hosts most
// findings are about, the remote actors behind them, and the health of each ingest source
// (components/IngestHealth.tsx).

import type { ReactNode } from 'react';
import { get, runQuery, type FindingPage } from '../api.ts';
import { HBars } from '../charts/HBars.tsx';
import { Legend, TimeBars, type TimePoint } from '../charts/TimeBars.tsx';
import { Card, ErrorBox, Loading, Severity } from '../components/common.tsx';
import { IngestHealth } from '../components/IngestHealth.tsx';
import { fmtNum, fmtShortTime, fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useLive } from '../live.ts';
import { Link, navigate } from '../router.tsx';
import { bucketFor, SEVERITY_COLORS, SEVERITY_SERIES_SQL } from '../range.ts';

const BANDS = ['critical', 'high', 'medium', 'low'] as const;

async function severityOverTime(): Promise<{ points: TimePoint[]; bucket: number }> {
  const span = await runQuery(
    `SELECT epoch_ms(min(CAST(first_seen AS TIMESTAMPTZ))) AS a, epoch_ms(max(CAST(first_seen AS TIMESTAMPTZ))) AS b FROM findings`,
  );
  const a = Number(span.rows[0]?.[0] ?? 0);
  const b = Number(span.rows[0]?.[1] ?? 0);
  const bucket = bucketFor({ from: a, to: b + 1 }, 48);
  const r = await runQuery(
    `SELECT CAST(floor(epoch_ms(CAST(first_seen AS TIMESTAMPTZ)) / ${bucket}) * ${bucket} AS BIGINT) AS t,
            ${SEVERITY_SERIES_SQL} AS band, count(*) AS n FROM findings GROUP BY 1, 2 ORDER BY 1`,
  );
  const byT = new Map<number, number[]>();
  for (const [t, band, n] of r.rows) {
    const key = Number(t);
    let v = byT.get(key);
    if (!v) byT.set(key, (v = [0, 0, 0, 0]));
    const i = BANDS.indexOf(band as (typeof BANDS)[number]);
    if (i >= 0) v[i] = (v[i] ?? 0) + Number(n);
  }
  return { points: [...byT].map(([t, values]) => ({ t, values })), bucket };
}

async function topBy(column: 'resource_ip' | 'actor_ip'): Promise<{ ip: string; n: number; max: number }[]> {
  const extra = column === 'actor_ip' ? 'AND actor_ip <> resource_ip' : '';
  const r = await runQuery(
    `SELECT ${column} AS ip, count(*) AS n, max(severity) AS s FROM findings WHERE status = 'active' ${extra}
     GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 8`,
  );
  return r.rows.map(([ip, n, s]) => ({ ip: String(ip), n: Number(n), max: Number(s) }));
}

export function OverviewPage(): ReactNode {
  const { t, locale } = useI18n();
  const { version } = useLive();
  const series = useAsync(severityOverTime, [version]);
  const newest = useAsync(
    () => get<FindingPage>('/api/v1/findings', { minSeverity: 7, sort: 'lastSeen', order: 'desc', limit: 8 }),
    [version],
  );
  const hosts = useAsync(() => topBy('resource_ip'), [version]);
  const actors = useAsync(() => topBy('actor_ip'), [version]);
  const legend = BANDS.map((b) => ({ label: t(`sev.${b}`), color: SEVERITY_COLORS[b] }));
  const span = series.data ? series.data.points.length * series.data.bucket : 0;

  return (
    <main className="page">
      <h1>{t('overview.title')}</h1>
      <div className="grid">
        <Card title={t('overview.bySeverity')} wide>
          <ErrorBox error={series.error} />
          <Loading when={series.loading && !series.data} />
          {series.data ? (
            <>
              <TimeBars
                points={series.data.points}
                series={legend}
                bucketMs={series.data.bucket}
                formatTick={(ms) => fmtShortTime(ms, locale, span)}
                formatValue={(v) => fmtNum(v, locale)}
                label={t('overview.bySeverity')}
              />
              <Legend series={legend} />
            </>
          ) : null}
        </Card>
        <Card
          title={t('overview.newestHigh')}
          wide
          actions={<Link to="/findings?minSeverity=7">{t('common.all')}</Link>}
        >
          <ErrorBox error={newest.error} />
          <Loading when={newest.loading && !newest.data} />
          {newest.data && newest.data.items.length === 0 ? (
            <p className="muted">{t('overview.noHigh')}</p>
          ) : null}
          <ul className="finding-list">
            {newest.data?.items.map((f) => (
              <li key={f.id}>
                <Severity value={f.severity} label={f.severityLabel} />
                <Link to={`/findings/${f.id}`}>
                  <span translate="no">{f.title}</span>
                </Link>
                <span className="muted small">{fmtTime(f.lastSeen, locale)}</span>
              </li>
            ))}
          </ul>
        </Card>
        <Card title={t('overview.topHosts')}>
          <ErrorBox error={hosts.error} />
          <HBars
            items={(hosts.data ?? []).map((h) => ({ key: h.ip, label: h.ip, value: h.n }))}
            formatValue={(v) => t('overview.nFindings', { n: fmtNum(v, locale) })}
            onPick={(i) => navigate(`/findings?ip=${encodeURIComponent(i.key)}`)}
            empty={t('common.none')}
          />
        </Card>
        <Card title={t('overview.topActors')}>
          <ErrorBox error={actors.error} />
          <HBars
            items={(actors.data ?? []).map((h) => ({ key: h.ip, label: h.ip, value: h.n }))}
            formatValue={(v) => t('overview.nFindings', { n: fmtNum(v, locale) })}
            onPick={(i) => navigate(`/findings?ip=${encodeURIComponent(i.key)}`)}
            empty={t('common.none')}
          />
        </Card>
        <IngestHealth />
      </div>
    </main>
  );
}
