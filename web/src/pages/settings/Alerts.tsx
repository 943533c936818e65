// Alerting in settings: the channels (secrets redacted) with "send test" for admins, the routing
// rules, the delivery log, and the dead letters of the outbox (messages that ran out of delivery
// attempts) with "retry" for admins. Admins add, replace and remove the channels and routes
// defined through the API (AlertEditors.tsx); those of sakura-guard.yaml are read-only.

import { useState, type ReactNode } from 'react';
import { api, ApiFailure, get, type Me } from '../../api.ts';
import { ActionTable, Card, DataTable, ErrorBox, Notice } from '../../components/common.tsx';
import { fmtNum, fmtTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { ChannelEditor, removeAlertSetting, RouteEditor } from './AlertEditors.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';

export function Alerts(props: { me: Me }): ReactNode {
  const { t } = useI18n();
  const channels = useAsync(() => get<{ items: Record<string, unknown>[] }>('/api/v1/alerts/channels'), []);
  const [result, setResult] = useState<Record<string, string>>({});
  const [removeError, setRemoveError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const admin = props.me.role === 'admin';
  const changed = (): void => {
    channels.reload();
    setVersion((n) => n + 1);
  };
  const remove = async (name: string): Promise<void> => {
    setRemoveError(null);
    try {
      await removeAlertSetting('channels', name);
      changed();
    } catch (e) {
      setRemoveError(e);
    }
  };
  const missing = channels.error instanceof ApiFailure && channels.error.status === 404;
  const test = async (name: string): Promise<void> => {
    try {
      const r = await api<{ ok: boolean; error: string | null }>(
        'POST',
        `/api/v1/alerts/channels/${encodeURIComponent(name)}/test`,
        {},
      );
      setResult((o) => ({
        ...o,
        [name]: r.ok ? t('settings.testOk') : `${t('settings.testFailed')} ${r.error ?? ''}`,
      }));
    } catch (e) {
      setResult((o) => ({
        ...o,
        [name]: `${t('settings.testFailed')} ${e instanceof Error ? e.message : ''}`,
      }));
    }
  };
  return (
    <>
      <Card title={t('settings.alerts')} wide>
        {missing ? (
          <p className="muted">{t('settings.alertsUnavailable')}</p>
        ) : (
          <ErrorBox error={channels.error} />
        )}
        <ErrorBox error={removeError} />
        {channels.data?.items.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
        <ul className="plain" data-testid="alert-channels">
          {channels.data?.items.map((c) => {
            const name = String(c['name'] ?? '');
            return (
              <li key={name} className="saved">
                <span translate="no">
                  {name} ({String(c['type'] ?? c['kind'] ?? '')})
                </span>
                <span className="muted small">
                  {t(c['readOnly'] === false ? 'alertEdit.fromApi' : 'alertEdit.fromFile')}
                </span>
                {admin && c['readOnly'] === false ? (
                  <ConfirmButton
                    label={t('intel.remove')}
                    confirm={t('intel.confirmRemove', { name })}
                    onConfirm={() => remove(name)}
                  />
                ) : null}
                {admin ? (
                  <button type="button" className="small" onClick={() => void test(name)}>
                    {t('settings.sendTest')}
                  </button>
                ) : null}
                {result[name] ? <span className="muted small">{result[name]}</span> : null}
              </li>
            );
          })}
        </ul>
        <p className="muted small">{t(admin ? 'alertEdit.note' : 'settings.alertsConfig')}</p>
        {admin && !missing ? <ChannelEditor onSaved={changed} /> : null}
        {missing ? null : (
          <AlertRoutes
            version={version}
            admin={admin}
            channels={(channels.data?.items ?? []).map((c) => String(c['name'] ?? ''))}
            onChanged={changed}
          />
        )}
      </Card>
      {missing ? null : <DeadLetters me={props.me} />}
    </>
  );
}

interface Delivery {
  at: string;
  channel: string;
  attempt: number;
  ok: boolean;
  error: string | null;
  outcome: string;
}

/** Routing rules (the API's editable by admins, the file's read-only) and the delivery log. */
function AlertRoutes(props: {
  version: number;
  admin: boolean;
  channels: readonly string[];
  onChanged(): void;
}): ReactNode {
  const { t, locale } = useI18n();
  const routes = useAsync(
    () => get<{ items: Record<string, unknown>[] }>('/api/v1/alerts/routes'),
    [props.version],
  );
  const [error, setError] = useState<unknown>(null);
  const remove = async (name: string): Promise<void> => {
    setError(null);
    try {
      await removeAlertSetting('routes', name);
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const log = useAsync(() => get<{ items: Delivery[] }>('/api/v1/alerts/deliveries', { limit: 100 }), []);
  return (
    <>
      <h3>{t('settings.routes')}</h3>
      <ErrorBox error={routes.error ?? error} />
      <ActionTable
        headers={[t('settings.col.name'), t('settings.col.channels'), t('settings.col.match')]}
        none={routes.data?.items.length === 0}
        noneText={t('common.none')}
        show={routes.data && routes.data.items.length > 0}
        testId="alert-routes"
      >
        {(routes.data?.items ?? []).map((r) => {
          const { name, channels, source: _source, readOnly, ...rest } = r;
          const n = String(name ?? '');
          return (
            <tr key={n}>
              <td translate="no">{n}</td>
              <td translate="no">{Array.isArray(channels) ? channels.join(', ') : String(channels)}</td>
              <td translate="no">{JSON.stringify(rest)}</td>
              <td>
                {props.admin && readOnly === false ? (
                  <ConfirmButton
                    label={t('intel.remove')}
                    confirm={t('intel.confirmRemove', { name: n })}
                    onConfirm={() => remove(n)}
                  />
                ) : (
                  <span className="muted small">
                    {t(readOnly === false ? 'alertEdit.fromApi' : 'alertEdit.fromFile')}
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </ActionTable>
      {props.admin ? <RouteEditor channels={props.channels} onSaved={props.onChanged} /> : null}
      <h3>{t('settings.deliveries')}</h3>
      <ErrorBox error={log.error} />
      {log.data?.items.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
      <DataTable
        columns={[
          t('settings.col.time'),
          t('settings.col.channel'),
          t('settings.col.attempt'),
          t('settings.col.outcome'),
          t('settings.col.error'),
        ]}
        translatedHeaders
        rows={(log.data?.items ?? []).map((d) => [
          fmtTime(d.at, locale),
          d.channel,
          d.attempt,
          d.outcome,
          d.error ?? '',
        ])}
      />
    </>
  );
}

interface DeadLetter {
  id: string;
  channel: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

/** Messages that ran out of attempts; admins queue them again (one, or all) once the channel works. */
function DeadLetters(props: { me: Me }): ReactNode {
  const { t, locale } = useI18n();
  const dead = useAsync(
    () => get<{ items: DeadLetter[] }>('/api/v1/alerts/dead-letters', { limit: 200 }),
    [],
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const canRetry = props.me.role === 'admin';
  const retry = async (ids?: string[]): Promise<void> => {
    setError(null);
    try {
      const r = await api<{ requeued: number }>(
        'POST',
        '/api/v1/alerts/dead-letters/requeue',
        ids === undefined ? {} : { ids },
      );
      setNotice(t('dead.requeued', { n: fmtNum(r.requeued, locale) }));
      dead.reload();
    } catch (e) {
      setError(e);
    }
  };
  const items = dead.data?.items ?? [];
  return (
    <Card
      title={t('dead.title')}
      wide
      actions={
        canRetry && items.length > 0 ? (
          <button type="button" className="small" onClick={() => void retry()}>
            {t('dead.retryAll')}
          </button>
        ) : null
      }
    >
      <div data-testid="dead-letters">
        <ErrorBox error={dead.error ?? error} />
        <Notice text={notice} />
        <ActionTable
          headers={[
            t('settings.col.time'),
            t('settings.col.channel'),
            t('dead.attempts'),
            t('settings.col.error'),
          ]}
          none={dead.data && items.length === 0}
          noneText={t('dead.none')}
          show={items.length > 0}
        >
          {items.map((d) => (
            <tr key={d.id}>
              <td>{fmtTime(d.updatedAt, locale)}</td>
              <td translate="no">{d.channel}</td>
              <td className="num">{fmtNum(d.attempts, locale)}</td>
              <td translate="no">{d.lastError ?? ''}</td>
              <td>
                {canRetry ? (
                  <button type="button" className="small" onClick={() => void retry([d.id])}>
                    {t('dead.retry')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </ActionTable>
        <p className="muted small">{t('dead.note')}</p>
      </div>
    </Card>
  );
}
