// Assets: the inventory's hosts (names, tags, owners) beside the internal hosts seen in traffic;
// for a chosen host, its hourly volume, its ports and its peers as observed in the stored flows.

import { useState, type ReactNode } from 'react';
import { get, runQuery, sqlText } from '../api.ts';
import { HBars } from '../charts/HBars.tsx';
import { TimeBars } from '../charts/TimeBars.tsx';
import { Card, ErrorBox, Loading } from '../components/common.tsx';
import { fmtBytes, fmtNum, fmtShortTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';

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
  const hourly = useAsync(
    () =>
      runQuery(
        `SELECT CAST(floor(epoch_ms(time) / 3600000) * 3600000 AS BIGINT) AS t, sum(bytes) AS bytes FROM flows
         WHERE src_ip = ${ip} OR dst_ip = ${ip} GROUP BY 1 ORDER BY 1`,
        5000,
      ),
    [props.ip],
  );
  const ports = useAsync(
    () =>
      runQuery(
        `SELECT dst_port, count(*) AS flows FROM flows WHERE dst_ip = ${ip} AND action <> 'REJECT' AND dst_port IS NOT NULL
         GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
      ),
    [props.ip],
  );
  const peers = useAsync(
    () =>
      runQuery(
        `SELECT CASE WHEN src_ip = ${ip} THEN dst_ip ELSE src_ip END AS peer, sum(bytes) AS bytes FROM flows
         WHERE src_ip = ${ip} OR dst_ip = ${ip} GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT 10`,
      ),
    [props.ip],
  );
  const pts = (hourly.data?.rows ?? []).map(([tt, b]) => ({ t: Number(tt), values: [Number(b ?? 0)] }));
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
          items={(peers.data?.rows ?? []).map(([p, b]) => ({
            key: String(p),
            label: String(p),
            value: Number(b ?? 0),
          }))}
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
        {current ? <HostProfile ip={current} /> : null}
      </div>
    </main>
  );
}
