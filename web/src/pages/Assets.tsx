// Assets: the inventory's hosts (names, tags, owners) beside the internal hosts seen in traffic;
// for a chosen host, its learned baseline (components/Baseline.tsx), and its hourly volume, ports
// and peers as observed in the stored flows.

import { useState, type ReactNode } from 'react';
import { get, runQuery, sqlText } from '../api.ts';
import { HBars } from '../charts/HBars.tsx';
import { TimeBars } from '../charts/TimeBars.tsx';
import { Card, ErrorBox, Loading } from '../components/common.tsx';
import { fmtBytes, fmtNum, fmtShortTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { dataRange, type TimeRange } from '../range.ts';
import { Baseline } from '../components/Baseline.tsx';

const MONTH_MS = 30 * 86_400_000;

/** The stats routes' range: the data's last 30 days (they take at most 31). */
function statsRange(r: TimeRange): { from: string; to: string } {
  return {
    from: new Date(Math.max(r.from, r.to - MONTH_MS)).toISOString(),
    to: new Date(r.to).toISOString(),
  };
}

interface InventoryAsset {
  name: string;
  tags: string[];
  owner: string | null;
  addresses: string[];
  interfaces: string[];
  description: string | null;
}

const PRIVATE = `regexp_matches(src_ip, '^(10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.)')`;

interface HostRow {
  ip: string;
  flows: number;
  bytes: number;
  peers: number;
  asset: InventoryAsset | null;
}

async function hosts(): Promise<HostRow[]> {
  const [inv, seen] = await Promise.all([
    get<{ items: InventoryAsset[] }>('/api/v1/assets'),
    runQuery(
      `SELECT src_ip, count(*) AS flows, sum(bytes) AS bytes, count(DISTINCT dst_ip) AS peers FROM flows
       WHERE ${PRIVATE} GROUP BY 1 ORDER BY 3 DESC NULLS LAST LIMIT 200`,
    ),
  ]);
  const byIp = new Map<string, InventoryAsset>();
  for (const a of inv.items) for (const ip of a.addresses) byIp.set(ip, a);
  const rows: HostRow[] = seen.rows.map(([ip, f, b, p]) => ({
    ip: String(ip),
    flows: Number(f),
    bytes: Number(b ?? 0),
    peers: Number(p),
    asset: byIp.get(String(ip)) ?? null,
  }));
  const listed = new Set(rows.map((r) => r.ip));
  for (const [ip, a] of byIp) if (!listed.has(ip)) rows.push({ ip, flows: 0, bytes: 0, peers: 0, asset: a });
  return rows;
}

function HostProfile(props: { ip: string }): ReactNode {
  const { t, locale } = useI18n();
  const ip = sqlText(props.ip);
  const hourly = useAsync(async () => {
    const r = await dataRange();
    if (!r) return [];
    const a = await get<{ points: { bucket: string; bytes: number }[] }>('/api/v1/stats/timeseries', {
      ...statsRange(r),
      ip: props.ip,
      bucketSeconds: 3600,
    });
    return a.points.map((p) => ({ t: Date.parse(p.bucket), values: [Number(p.bytes)] }));
  }, [props.ip]);
  const ports = useAsync(
    () =>
      runQuery(
        `SELECT dst_port, count(*) AS flows FROM flows WHERE dst_ip = ${ip} AND action <> 'REJECT' AND dst_port IS NOT NULL
         GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
      ),
    [props.ip],
  );
  const peers = useAsync(async () => {
    const r = await dataRange();
    if (!r) return [];
    const g = await get<{ ip: string; edges: { source: string; target: string; bytes: number }[] }>(
      '/api/v1/stats/peers',
      { ...statsRange(r), ip: props.ip, limit: 50 },
    );
    const byPeer = new Map<string, number>();
    for (const e of g.edges) {
      const peer = e.source === g.ip ? e.target : e.source;
      byPeer.set(peer, (byPeer.get(peer) ?? 0) + e.bytes);
    }
    return [...byPeer].sort((a, b) => b[1] - a[1]).slice(0, 10);
  }, [props.ip]);
  const pts = hourly.data ?? [];
  const span = pts.length * 3_600_000;
  return (
    <>
      <Card title={t('assets.hourly', { ip: props.ip })} wide>
        <ErrorBox error={hourly.error} />
        <TimeBars
          points={pts}
          series={[{ label: t('traffic.bytes'), color: '#1976d2' }]}
          bucketMs={3_600_000}
          formatTick={(ms) => fmtShortTime(ms, locale, span)}
          formatValue={(v) => fmtBytes(v, locale)}
          label={t('assets.hourly', { ip: props.ip })}
          height={150}
        />
        <p className="muted small">
          {t('assets.baselineNote')}{' '}
          <Link to={`/traffic?ip=${encodeURIComponent(props.ip)}`}>{t('detail.openTraffic')}</Link>
        </p>
      </Card>
      <Card title={t('assets.ports')}>
        <Loading when={ports.loading} />
        <HBars
          items={(ports.data?.rows ?? []).map(([p, f]) => ({
            key: String(p),
            label: String(p),
            value: Number(f),
          }))}
          formatValue={(n) => t('traffic.nFlows', { n: fmtNum(n, locale) })}
          empty={ports.loading ? '' : t('common.none')}
        />
      </Card>
      <Card title={t('assets.peers')}>
        <Loading when={peers.loading} />
        <HBars
          items={(peers.data ?? []).map(([p, b]) => ({ key: p, label: p, value: b }))}
          formatValue={(n) => fmtBytes(n, locale)}
          empty={peers.loading ? '' : t('common.none')}
        />
      </Card>
    </>
  );
}

export function AssetsPage(): ReactNode {
  const { t, locale } = useI18n();
  const list = useAsync(hosts, []);
  const [chosen, setChosen] = useState<string | null>(null);
  const current = chosen ?? list.data?.[0]?.ip ?? null;
  return (
    <main className="page">
      <h1>{t('assets.title')}</h1>
      <ErrorBox error={list.error} />
      <Loading when={list.loading} />
      <div className="grid">
        <Card title={t('assets.hosts')} wide>
          <div className="table-wrap short">
            <table className="data">
              <thead>
                <tr>
                  <th>{t('assets.col.ip')}</th>
                  <th>{t('assets.col.name')}</th>
                  <th>{t('assets.col.tags')}</th>
                  <th>{t('assets.col.owner')}</th>
                  <th>{t('traffic.flows')}</th>
                  <th>{t('traffic.bytes')}</th>
                  <th>{t('assets.col.peers')}</th>
                </tr>
              </thead>
              <tbody>
                {(list.data ?? []).map((h) => (
                  <tr key={h.ip} className={h.ip === current ? 'selected' : undefined}>
                    <td>
                      <button type="button" className="link" onClick={() => setChosen(h.ip)} translate="no">
                        {h.ip}
                      </button>
                    </td>
                    <td translate="no">{h.asset?.name ?? ''}</td>
                    <td translate="no">{h.asset?.tags.join(', ') ?? ''}</td>
                    <td translate="no">{h.asset?.owner ?? ''}</td>
                    <td className="num">{fmtNum(h.flows, locale)}</td>
                    <td className="num">{fmtBytes(h.bytes, locale)}</td>
                    <td className="num">{fmtNum(h.peers, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.data && list.data.every((h) => h.asset === null) ? (
            <p className="muted small">{t('assets.noInventory')}</p>
          ) : null}
        </Card>
        {current ? <Baseline ip={current} /> : null}
        {current ? <HostProfile ip={current} /> : null}
      </div>
    </main>
  );
}
