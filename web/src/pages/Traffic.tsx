// Traffic explorer: bytes or flows over time (accepted and rejected), top talkers, top ports,
// rejected traffic, and a host's peers as a graph. Every chart narrows the view when clicked:
// a bar to its time bucket, a talker or peer to that host, a port to that port.

import { useEffect, useState, type ReactNode } from 'react';
import { runQuery, sqlText } from '../api.ts';
import { HBars } from '../charts/HBars.tsx';
import { PeerGraph, type Peer } from '../charts/PeerGraph.tsx';
import { Legend, TimeBars } from '../charts/TimeBars.tsx';
import { Card, DataTable, ErrorBox, Loading } from '../components/common.tsx';
import { fmtBytes, fmtNum, fmtShortTime, fmtTime, timeZone } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useLocation } from '../router.tsx';
import { bucketFor, dataRange, lastHours, type TimeRange } from '../range.ts';

interface View {
  range: TimeRange | null;
  ip: string;
  port: string;
  rejectedOnly: boolean;
  metric: 'bytes' | 'flows';
}

const IP = /^[0-9a-fA-F:.]{2,45}$/;
const PROTO: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

function where(v: View, r: TimeRange): string {
  const parts = [`time >= epoch_ms(${Math.floor(r.from)})`, `time < epoch_ms(${Math.ceil(r.to)})`];
  if (v.ip !== '' && IP.test(v.ip)) parts.push(`(src_ip = ${sqlText(v.ip)} OR dst_ip = ${sqlText(v.ip)})`);
  if (/^\d{1,5}$/.test(v.port)) parts.push(`dst_port = ${Number(v.port)}`);
  if (v.rejectedOnly) parts.push(`action = 'REJECT'`);
  return parts.join(' AND ');
}

const toLocalInput = (ms: number): string => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function TrafficPage(): ReactNode {
  const { t, locale } = useI18n();
  const { search } = useLocation();
  const [all, setAll] = useState<TimeRange | null>(null);
  const [v, setV] = useState<View>({
    range: null,
    ip: search.get('ip') ?? '',
    port: search.get('port') ?? '',
    rejectedOnly: false,
    metric: 'bytes',
  });
  const [history, setHistory] = useState<View[]>([]);
  const set = (patch: Partial<View>): void => {
    setHistory((h) => [...h.slice(-20), v]);
    setV({ ...v, ...patch });
  };
  useEffect(() => {
    dataRange().then(
      (r) => {
        setAll(r);
        if (r) setV((old) => (old.range ? old : { ...old, range: lastHours(r, 24) }));
      },
      () => undefined,
    );
  }, []);
  const r = v.range;
  const key = JSON.stringify([r, v.ip, v.port, v.rejectedOnly]);
  const bucket = r ? bucketFor(r) : 60_000;
  const series = useAsync(async () => {
    if (!r) return null;
    const q = await runQuery(
      `SELECT CAST(floor(epoch_ms(time) / ${bucket}) * ${bucket} AS BIGINT) AS t,
              sum(CASE WHEN action = 'REJECT' THEN 0 ELSE ${v.metric === 'bytes' ? 'bytes' : '1'} END) AS ok,
              sum(CASE WHEN action = 'REJECT' THEN ${v.metric === 'bytes' ? 'bytes' : '1'} ELSE 0 END) AS rej
       FROM flows WHERE ${where(v, r)} GROUP BY 1 ORDER BY 1`,
      5000,
    );
    return q.rows.map(([tt, ok, rej]) => ({ t: Number(tt), values: [Number(ok ?? 0), Number(rej ?? 0)] }));
  }, [key, v.metric]);
  const talkers = useAsync(
    () =>
      r
        ? runQuery(
            `SELECT src_ip, sum(bytes) AS bytes, count(*) AS flows FROM flows WHERE ${where(v, r)} GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1 LIMIT 10`,
          )
        : Promise.resolve(null),
    [key],
  );
  const ports = useAsync(
    () =>
      r
        ? runQuery(
            `SELECT proto, dst_port, count(*) AS flows FROM flows WHERE ${where(v, r)} AND dst_port IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 10`,
          )
        : Promise.resolve(null),
    [key],
  );
  const rejected = useAsync(
    () =>
      r
        ? runQuery(
            `SELECT src_ip, dst_ip, dst_port, proto, count(*) AS flows, max(time) AS last_seen FROM flows
             WHERE ${where({ ...v, rejectedOnly: true }, r)} GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC LIMIT 15`,
          )
        : Promise.resolve(null),
    [key],
  );
  const peers = useAsync(async (): Promise<Peer[] | null> => {
    if (!r || !IP.test(v.ip)) return null;
    const ip = sqlText(v.ip);
    const q = await runQuery(
      `SELECT CASE WHEN src_ip = ${ip} THEN dst_ip ELSE src_ip END AS peer, sum(bytes) AS bytes, count(*) AS flows,
              count(*) FILTER (WHERE action = 'REJECT') AS rejected
       FROM flows WHERE ${where({ ...v, port: '', rejectedOnly: false }, r)} GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT 24`,
    );
    return q.rows.map(([p, b, f, x]) => ({
      ip: String(p),
      bytes: Number(b ?? 0),
      flows: Number(f),
      rejected: Number(x),
    }));
  }, [key]);

  const span = r ? r.to - r.from : 0;
  const fmtV = (n: number): string => (v.metric === 'bytes' ? fmtBytes(n, locale) : fmtNum(n, locale));
  const legend = [
    { label: t('traffic.accepted'), color: '#1976d2' },
    { label: t('traffic.rejected'), color: '#d32f2f' },
  ];
  const preset = (hours: number | null): void => {
    if (all) set({ range: hours === null ? all : lastHours(all, hours) });
  };

  return (
    <main className="page">
      <h1>{t('traffic.title')}</h1>
      <div className="filters">
        <span className="buttons">
          <button type="button" onClick={() => preset(1)}>
            {t('traffic.last1h')}
          </button>
          <button type="button" onClick={() => preset(6)}>
            {t('traffic.last6h')}
          </button>
          <button type="button" onClick={() => preset(24)}>
            {t('traffic.last24h')}
          </button>
          <button type="button" onClick={() => preset(null)}>
            {t('traffic.allData')}
          </button>
        </span>
        {r ? (
          <>
            <label>
              {t('traffic.from')}
              <input
                type="datetime-local"
                value={toLocalInput(r.from)}
                onChange={(e) => {
                  const ms = new Date(e.target.value).getTime();
                  if (Number.isFinite(ms) && ms < r.to) set({ range: { from: ms, to: r.to } });
                }}
              />
            </label>
            <label>
              {t('traffic.to')}
              <input
                type="datetime-local"
                value={toLocalInput(r.to)}
                onChange={(e) => {
                  const ms = new Date(e.target.value).getTime();
                  if (Number.isFinite(ms) && ms > r.from) set({ range: { from: r.from, to: ms } });
                }}
              />
            </label>
          </>
        ) : null}
        <label>
          {t('traffic.host')}
          <input
            value={v.ip}
            onChange={(e) => setV({ ...v, ip: e.target.value.trim() })}
            placeholder="10.0.0.1"
            translate="no"
          />
        </label>
        <label>
          {t('traffic.port')}
          <input
            value={v.port}
            onChange={(e) => setV({ ...v, port: e.target.value.trim() })}
            inputMode="numeric"
            size={6}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={v.rejectedOnly}
            onChange={(e) => set({ rejectedOnly: e.target.checked })}
          />
          {t('traffic.rejectedOnly')}
        </label>
        <button
          type="button"
          disabled={history.length === 0}
          onClick={() => {
            const prev = history[history.length - 1];
            if (prev) {
              setV(prev);
              setHistory(history.slice(0, -1));
            }
          }}
        >
          {t('traffic.back')}
        </button>
      </div>
      <p className="muted small">
        {r ? (
          <>
            {t('traffic.showing', { from: fmtTime(r.from, locale), to: fmtTime(r.to, locale) })}{' '}
            <span translate="no">({timeZone()})</span>
          </>
        ) : (
          t('common.loading')
        )}
      </p>
      <div className="grid">
        <Card
          title={t(v.metric === 'bytes' ? 'traffic.bytesOverTime' : 'traffic.flowsOverTime')}
          wide
          actions={
            <div role="tablist" className="tabs">
              <button
                type="button"
                role="tab"
                aria-selected={v.metric === 'bytes'}
                onClick={() => setV({ ...v, metric: 'bytes' })}
              >
                {t('traffic.bytes')}
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={v.metric === 'flows'}
                onClick={() => setV({ ...v, metric: 'flows' })}
              >
                {t('traffic.flows')}
              </button>
            </div>
          }
        >
          <ErrorBox error={series.error} />
          <Loading when={series.loading && !series.data} />
          {series.data ? (
            <>
              <TimeBars
                points={series.data}
                series={legend}
                bucketMs={bucket}
                formatTick={(ms) => fmtShortTime(ms, locale, span)}
                formatValue={fmtV}
                onPick={(from, to) => set({ range: { from, to } })}
                label={t('traffic.bytesOverTime')}
              />
              <Legend series={legend} />
              <p className="muted small">{t('traffic.clickHint')}</p>
            </>
          ) : null}
        </Card>
        <Card title={t('traffic.topTalkers')}>
          <ErrorBox error={talkers.error} />
          <HBars
            items={(talkers.data?.rows ?? []).map(([ip, b, f]) => ({
              key: String(ip),
              label: String(ip),
              value: Number(b ?? 0),
              note: t('traffic.nFlows', { n: fmtNum(Number(f), locale) }),
            }))}
            formatValue={(n) => fmtBytes(n, locale)}
            onPick={(i) => set({ ip: i.key })}
            empty={t('common.none')}
          />
        </Card>
        <Card title={t('traffic.topPorts')}>
          <ErrorBox error={ports.error} />
          <HBars
            items={(ports.data?.rows ?? []).map(([p, port, f]) => ({
              key: String(port),
              label: `${String(port)}/${PROTO[Number(p)] ?? String(p)}`,
              value: Number(f),
            }))}
            formatValue={(n) => t('traffic.nFlows', { n: fmtNum(n, locale) })}
            onPick={(i) => set({ port: i.key })}
            empty={t('common.none')}
          />
        </Card>
        {peers.data ? (
          <Card title={t('traffic.peers', { ip: v.ip })}>
            <PeerGraph
              host={v.ip}
              peers={peers.data}
              onPick={(ip) => set({ ip })}
              label={t('traffic.peers', { ip: v.ip })}
              formatValue={(p) =>
                `${fmtBytes(p.bytes, locale)}, ${t('traffic.nFlows', { n: fmtNum(p.flows, locale) })}`
              }
            />
            <p className="muted small">{t('traffic.peersHint')}</p>
          </Card>
        ) : null}
        <Card title={t('traffic.rejectedTraffic')} wide>
          <ErrorBox error={rejected.error} />
          {rejected.data?.rows.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
          {rejected.data && rejected.data.rows.length > 0 ? (
            <DataTable
              columns={[
                t('traffic.col.src'),
                t('traffic.col.dst'),
                t('traffic.col.port'),
                t('traffic.col.proto'),
                t('traffic.flows'),
                t('traffic.col.last'),
              ]}
              translatedHeaders
              rows={rejected.data.rows.map(([s, d, p, pr, f, l]) => [
                s,
                d,
                p,
                PROTO[Number(pr)] ?? pr,
                fmtNum(Number(f), locale),
                fmtTime(String(l), locale),
              ])}
            />
          ) : null}
        </Card>
      </div>
    </main>
  );
}
