// Traffic explorer: bytes or flows over time (accepted and rejected), top talkers, top ports,
// rejected traffic, and a host's peers as a graph. Every chart narrows the view when clicked:
// a bar to its time bucket, a talker or peer to that host, a port to that port. The figures come
// from the stats routes (traffic-stats.ts).

import { useEffect, useState, type ReactNode } from 'react';
import { HBars } from '../charts/HBars.tsx';
import { PeerGraph } from '../charts/PeerGraph.tsx';
import { Legend, TimeBars } from '../charts/TimeBars.tsx';
import { Card, DataTable, ErrorBox, Loading } from '../components/common.tsx';
import { fmtBytes, fmtNum, fmtShortTime, fmtTime, timeZone } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useLocation } from '../router.tsx';
import { bucketFor, dataRange, lastHours, type TimeRange } from '../range.ts';
import {
  hostPeers,
  rejectedTraffic,
  statsRange,
  topPorts,
  topTalkers,
  trafficSeries,
} from '../traffic-stats.ts';

interface View {
  range: TimeRange | null;
  ip: string;
  port: string;
  rejectedOnly: boolean;
  metric: 'bytes' | 'flows';
}

const PROTO: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

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
  const series = useAsync(
    () => (r ? trafficSeries(v, r, bucket, v.metric) : Promise.resolve(null)),
    [key, v.metric],
  );
  const talkers = useAsync(() => (r ? topTalkers(v, r) : Promise.resolve(null)), [key]);
  const ports = useAsync(() => (r ? topPorts(v, r) : Promise.resolve(null)), [key]);
  const rejected = useAsync(() => (r ? rejectedTraffic(v, r) : Promise.resolve(null)), [key]);
  const peers = useAsync(() => (r ? hostPeers(v, r) : Promise.resolve(null)), [key]);
  const clamped = r !== null && statsRange(r).from > r.from;

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
            {clamped ? ` ${t('traffic.clamped', { from: fmtTime(statsRange(r).from, locale) })}` : ''}
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
            items={(talkers.data ?? []).map((x) => ({
              key: x.ip,
              label: x.ip,
              value: x.bytes,
              note: t('traffic.nFlows', { n: fmtNum(x.flows, locale) }),
            }))}
            formatValue={(n) => fmtBytes(n, locale)}
            onPick={(i) => set({ ip: i.key })}
            empty={t('common.none')}
          />
        </Card>
        <Card title={t('traffic.topPorts')}>
          <ErrorBox error={ports.error} />
          <HBars
            items={(ports.data ?? []).map((x) => ({
              key: String(x.port),
              label: `${x.port}/${PROTO[x.proto] ?? String(x.proto)}`,
              value: x.flows,
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
          {rejected.data?.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
          {rejected.data && rejected.data.length > 0 ? (
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
              rows={rejected.data.map((x) => [
                x.src,
                x.dst,
                x.port,
                x.proto === null ? '' : (PROTO[x.proto] ?? x.proto),
                fmtNum(x.flows, locale),
                fmtTime(x.lastSeen, locale),
              ])}
            />
          ) : null}
        </Card>
      </div>
    </main>
  );
}
