// One finding, for triage: what happened in plain words, the observed value against the
// threshold, the contributing traffic over time, the contributing records (paged, CSV), related
// findings for the same actor or resource, and what can be done about it.

import { useState, type ReactNode } from 'react';
import { api, get, runQuery, type Finding, type FindingPage, type Me } from '../api.ts';
import { Meter } from '../charts/Meter.tsx';
import { TimeBars } from '../charts/TimeBars.tsx';
import { Card, DataTable, ErrorBox, Loading, Severity } from '../components/common.tsx';
import { ResponseActions } from '../components/ResponseActions.tsx';
import { SuppressDialog } from '../components/SuppressDialog.tsx';
import { downloadText, fmtBytes, fmtNum, fmtShortTime, fmtTime, toCsv } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link, navigate } from '../router.tsx';
import { bucketFor } from '../range.ts';

const PAGE = 50;
const CSV_MAX = 10_000;
const RECORD_COLUMNS =
  'time, src_ip, src_port, dst_ip, dst_port, proto, packets, bytes, action, tcp_flags, resource';

/** The finding's evidence query as a subquery (it is our own SQL over `flows`). */
const records = (f: Finding): string => `(${f.evidence.query.replace(/;\s*$/, '')}) AS contributing`;

async function timeline(f: Finding): Promise<{ t: number; values: number[] }[] & { bucket?: number }> {
  const span = await runQuery(`SELECT epoch_ms(min(time)), epoch_ms(max(time)) FROM ${records(f)}`);
  const a = Number(span.rows[0]?.[0] ?? 0);
  const b = Number(span.rows[0]?.[1] ?? 0) + 60_000;
  const bucket = bucketFor({ from: a, to: b }, 60);
  const r = await runQuery(
    `SELECT CAST(floor(epoch_ms(time) / ${bucket}) * ${bucket} AS BIGINT) AS t, count(*) AS flows FROM ${records(f)} GROUP BY 1 ORDER BY 1`,
  );
  const out = r.rows.map(([t, n]) => ({ t: Number(t), values: [Number(n)] }));
  return Object.assign(out, { bucket });
}

function Related(props: { finding: Finding }): ReactNode {
  const { t, locale } = useI18n();
  const f = props.finding;
  const related = useAsync(async () => {
    const ips = [...new Set([f.actor.ip, f.resource.ip])];
    const pages = await Promise.all(
      ips.map((ip) =>
        get<FindingPage>('/api/v1/findings', { ip, status: 'all', sort: 'lastSeen', limit: 20 }),
      ),
    );
    const seen = new Set([f.id]);
    return pages.flatMap((p) => p.items).filter((x) => !seen.has(x.id) && seen.add(x.id));
  }, [f.id]);
  return (
    <Card title={t('detail.related')}>
      <ErrorBox error={related.error} />
      <Loading when={related.loading} />
      {related.data && related.data.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
      <ul className="finding-list compact">
        {related.data?.map((r) => (
          <li key={r.id}>
            <Severity value={r.severity} label={r.severityLabel} />
            <Link to={`/findings/${r.id}`}>
              <span translate="no">{r.title}</span>
            </Link>
            <span className="muted small">{fmtTime(r.lastSeen, locale)}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Records(props: { finding: Finding }): ReactNode {
  const { t, locale } = useI18n();
  const f = props.finding;
  const [offset, setOffset] = useState(0);
  const page = useAsync(
    () => runQuery(`SELECT ${RECORD_COLUMNS} FROM ${records(f)} LIMIT ${PAGE + 1} OFFSET ${offset}`),
    [f.id, offset],
  );
  const count = useAsync(() => runQuery(`SELECT count(*) FROM ${records(f)}`), [f.id]);
  const total = Number(count.data?.rows[0]?.[0] ?? 0);
  const exportCsv = async (): Promise<void> => {
    const r = await runQuery(`SELECT * FROM ${records(f)} LIMIT ${CSV_MAX}`, CSV_MAX);
    downloadText(
      `finding-${f.id}-records.csv`,
      toCsv(
        r.columns.map((c) => c.name),
        r.rows,
      ),
    );
  };
  const rows = page.data?.rows.slice(0, PAGE) ?? [];
  const hasMore = (page.data?.rows.length ?? 0) > PAGE;
  return (
    <Card
      title={t('detail.records')}
      wide
      actions={
        <button type="button" onClick={() => void exportCsv()}>
          {t('common.exportCsv')}
        </button>
      }
    >
      <ErrorBox error={page.error} />
      <p className="muted small" data-testid="records-count">
        {t('detail.recordsRange', {
          from: fmtNum(rows.length === 0 ? 0 : offset + 1, locale),
          to: fmtNum(offset + rows.length, locale),
          total: fmtNum(total, locale),
        })}
      </p>
      {page.data ? (
        <DataTable
          columns={page.data.columns.map((c) => c.name)}
          rows={rows.map((r) => r.map((v, i) => (i === 0 ? fmtTime(String(v), locale) : v)))}
        />
      ) : null}
      <div className="buttons">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          {t('common.previous')}
        </button>
        <button type="button" disabled={!hasMore} onClick={() => setOffset(offset + PAGE)}>
          {t('common.next')}
        </button>
      </div>
    </Card>
  );
}

export function FindingDetailPage(props: { id: string; me: Me }): ReactNode {
  const { t, locale } = useI18n();
  const finding = useAsync(
    () => api<Finding>('GET', `/api/v1/findings/${encodeURIComponent(props.id)}`),
    [props.id],
  );
  const [tick, setTick] = useState(0);
  const chart = useAsync(
    () => (finding.data ? timeline(finding.data) : Promise.resolve(null)),
    [finding.data, tick],
  );
  const [suppressing, setSuppressing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const f = finding.data;
  if (!f) {
    return (
      <main className="page">
        <ErrorBox error={finding.error} />
        <Loading when={finding.loading} />
      </main>
    );
  }
  const canWrite = props.me.role !== 'viewer';
  // responses:read and responses:write are the analyst's and the admin's (src/api/permissions.ts).
  const canRespond = props.me.role === 'analyst' || props.me.role === 'admin';
  const isBytes = /bytes|upload|download|exfil/i.test(f.type) && f.evidence.observed > 10_000;
  const fmt = (v: number): string => (isBytes ? fmtBytes(v, locale) : fmtNum(v, locale));
  const archive = async (): Promise<void> => {
    await api('POST', '/api/v1/findings/archive', { ids: [f.id] });
    setNotice(t('findings.archived', { n: 1 }));
    finding.reload();
  };
  const bucket = chart.data?.bucket ?? 60_000;
  const span = (chart.data?.length ?? 0) * bucket;
  return (
    <main className="page">
      <p className="crumbs">
        <Link to="/findings">{t('nav.findings')}</Link> ›
      </p>
      <h1 className="finding-title">
        <Severity value={f.severity} label={f.severityLabel} /> <span translate="no">{f.title}</span>
      </h1>
      <div className="grid">
        <Card title={t('detail.what')} wide>
          <p className="explain" translate="no">
            {f.description}
          </p>
          <dl className="facts">
            <dt>{t('detail.type')}</dt>
            <dd translate="no">{f.type}</dd>
            <dt>{t('detail.resource')}</dt>
            <dd translate="no">
              {f.resource.ip}
              {f.resource.name ? ` (${f.resource.name})` : ''}
              {f.resource.id ? ` ${f.resource.id}` : ''}
            </dd>
            <dt>{t('detail.actor')}</dt>
            <dd translate="no">
              {f.actor.ip}
              {f.actor.port !== null ? `:${f.actor.port}` : ''}
            </dd>
            <dt>{t('detail.role')}</dt>
            <dd>{t(f.role === 'actor' ? 'detail.roleActor' : 'detail.roleTarget')}</dd>
            <dt>{t('detail.seen')}</dt>
            <dd>
              {t('detail.seenTimes', { n: fmtNum(f.count, locale) })} · {fmtTime(f.firstSeen, locale)} –{' '}
              {fmtTime(f.lastSeen, locale)}
            </dd>
            <dt>{t('detail.status')}</dt>
            <dd>
              {t(f.status === 'active' ? 'status.active' : 'status.archived')}
              {f.archivedBy ? (
                <>
                  {' '}
                  (<span translate="no">{f.archivedBy}</span>)
                </>
              ) : null}
            </dd>
            {f.intelList ? (
              <>
                <dt>{t('detail.intelList')}</dt>
                <dd translate="no">{f.intelList}</dd>
              </>
            ) : null}
            <dt>{t('detail.detector')}</dt>
            <dd translate="no">{f.detector}</dd>
          </dl>
        </Card>
        <Card title={t('detail.threshold')}>
          <Meter
            observed={f.evidence.observed}
            threshold={f.evidence.threshold}
            labels={{ observed: t('detail.observed'), threshold: t('detail.thresholdLabel') }}
            format={fmt}
          />
          <p className="muted small">
            {t('detail.window')} <span translate="no">{f.evidence.window}</span>
          </p>
        </Card>
        <Card title={t('detail.actions')}>
          {notice ? <p className="notice">{notice}</p> : null}
          <div className="buttons column">
            {canWrite && f.status === 'active' ? (
              <button type="button" onClick={() => void archive()}>
                {t('detail.archive')}
              </button>
            ) : null}
            {canWrite && f.status === 'active' ? (
              <button type="button" onClick={() => setSuppressing(true)}>
                {t('findings.suppress')}
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => navigate(`/query?q=${encodeURIComponent(f.evidence.query)}`)}
            >
              {t('detail.openQuery')}
            </button>
            <button
              type="button"
              onClick={() => navigate(`/traffic?ip=${encodeURIComponent(f.resource.ip)}`)}
            >
              {t('detail.openTraffic')}
            </button>
          </div>
          {!canWrite ? <p className="muted small">{t('detail.viewerNote')}</p> : null}
        </Card>
        <Card title={t('detail.timeline')} wide>
          <ErrorBox error={chart.error} />
          {chart.data ? (
            <TimeBars
              points={chart.data}
              series={[{ label: t('traffic.flows'), color: '#d6336c' }]}
              bucketMs={bucket}
              formatTick={(ms) => fmtShortTime(ms, locale, span)}
              formatValue={(v) => fmtNum(v, locale)}
              label={t('detail.timeline')}
              height={140}
            />
          ) : null}
          <button type="button" className="link" onClick={() => setTick((n) => n + 1)}>
            {t('common.refresh')}
          </button>
        </Card>
        {canRespond ? <ResponseActions findingId={f.id} /> : null}
        <Records finding={f} />
        <Related finding={f} />
      </div>
      {suppressing ? (
        <SuppressDialog
          finding={f}
          onClose={() => setSuppressing(false)}
          onCreated={(n) => {
            setSuppressing(false);
            setNotice(t('suppress.created', { n }));
            finding.reload();
          }}
        />
      ) : null}
    </main>
  );
}
