// A host's learned baseline (GET /api/v1/assets/:ip/baseline): what the behaviour detectors
// judge it against. The ports it serves and uses, how many peers it has, and its typical bytes
// by hour of day, shown in the browser's time zone when that is a whole number of hours from UTC.

import type { ReactNode } from 'react';
import { get } from '../api.ts';
import { TimeBars } from '../charts/TimeBars.tsx';
import { fmtBytes, fmtNum, fmtTime, timeZone } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Card, ErrorBox, Loading } from './common.tsx';

type BaselineAnswer =
  | { ip: string; learned: false }
  | {
      ip: string;
      learned: true;
      since: string;
      lastSeen: string;
      flows: number;
      servedPorts: string[];
      servedFull: boolean;
      usedPorts: string[];
      usedFull: boolean;
      peers: number;
      peersFull: boolean;
      hourlyBytes: number[];
      hourlyBuckets: number[];
    };

const HOUR_MS = 3_600_000;
/** Ports listed before "and N more". */
const SHOWN_PORTS = 24;

/** The browser's offset from UTC in whole hours, or null when it is not whole (the chart stays in UTC). */
function wholeHourOffset(): number | null {
  const minutes = -new Date().getTimezoneOffset();
  return minutes % 60 === 0 ? minutes / 60 : null;
}

function PortList(props: { ports: readonly string[]; full: boolean }): ReactNode {
  const { t, locale } = useI18n();
  if (props.ports.length === 0) return <dd>{t('common.none')}</dd>;
  const more = props.ports.length - SHOWN_PORTS;
  return (
    <dd>
      <span translate="no">{props.ports.slice(0, SHOWN_PORTS).join(', ')}</span>
      {more > 0 ? ` ${t('assets.morePorts', { n: fmtNum(more, locale) })}` : ''}
      {props.full ? ` ${t('assets.limitReached')}` : ''}
    </dd>
  );
}

export function Baseline(props: { ip: string }): ReactNode {
  const { t, locale } = useI18n();
  const b = useAsync(
    () => get<BaselineAnswer>(`/api/v1/assets/${encodeURIComponent(props.ip)}/baseline`),
    [props.ip],
  );
  const offset = wholeHourOffset();
  const zone = offset === null ? 'UTC' : timeZone();
  const data = b.data;
  const points =
    data?.learned === true
      ? data.hourlyBytes.map((v, h) => ({ t: ((h + (offset ?? 0) + 24) % 24) * HOUR_MS, values: [v] }))
      : [];
  points.sort((x, y) => x.t - y.t);
  const title = t('assets.baseline', { ip: props.ip });
  return (
    <Card title={title} wide>
      <div data-testid="baseline">
        <ErrorBox error={b.error} />
        <Loading when={b.loading && !data} />
        {data?.learned === false ? <p className="muted">{t('assets.notLearned')}</p> : null}
        {data?.learned === true ? (
          <>
            <p className="muted small">
              {t('assets.learnedFrom', {
                n: fmtNum(data.flows, locale),
                from: fmtTime(data.since, locale),
                to: fmtTime(data.lastSeen, locale),
              })}
            </p>
            <dl className="facts">
              <dt>{t('assets.servedPorts')}</dt>
              <PortList ports={data.servedPorts} full={data.servedFull} />
              <dt>{t('assets.usedPorts')}</dt>
              <PortList ports={data.usedPorts} full={data.usedFull} />
              <dt>{t('assets.peersLearned')}</dt>
              <dd>
                {fmtNum(data.peers, locale)}
                {data.peersFull ? ` ${t('assets.limitReached')}` : ''}
              </dd>
            </dl>
            <h3>
              {t('assets.hourOfDay')} <span translate="no">({zone})</span>
            </h3>
            <TimeBars
              points={points}
              series={[{ label: t('assets.typicalBytes'), color: '#2e7d32' }]}
              bucketMs={HOUR_MS}
              formatTick={(ms) => `${Math.round(ms / HOUR_MS) % 24}:00`}
              formatValue={(v) => fmtBytes(v, locale)}
              label={t('assets.hourOfDay')}
              height={140}
            />
          </>
        ) : null}
      </div>
    </Card>
  );
}
