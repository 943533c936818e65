// Settings, one tab per area and only the areas the user's role may see: suppression rules,
// users, API tokens, intel lists, alert channels (with "send test"), and the audit log.

import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiFailure, get, type Me } from '../api.ts';
import { Card, DataTable, ErrorBox, Loading } from '../components/common.tsx';
import { fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';

type Tab = 'suppressions' | 'users' | 'tokens' | 'intel' | 'alerts' | 'audit';

const TABS: readonly { id: Tab; key: MessageKey; roles: readonly Me['role'][] }[] = [
  { id: 'suppressions', key: 'settings.suppressions', roles: ['admin', 'analyst', 'viewer'] },
  { id: 'alerts', key: 'settings.alerts', roles: ['admin', 'analyst'] },
  { id: 'intel', key: 'settings.intel', roles: ['admin', 'analyst', 'viewer'] },
  { id: 'users', key: 'settings.users', roles: ['admin'] },
  { id: 'tokens', key: 'settings.tokens', roles: ['admin', 'analyst', 'viewer'] },
  { id: 'audit', key: 'settings.audit', roles: ['admin'] },
];

interface Rule {
  id: string;
  filter: Record<string, unknown>;
  reason: string;
  createdAt: number;
  expiresAt: number | null;
}

function Suppressions(props: { me: Me }): ReactNode {
  const { t, locale } = useI18n();
  const rules = useAsync(() => get<{ items: Rule[] }>('/api/v1/suppressions'), []);
  const [error, setError] = useState<unknown>(null);
  const remove = async (id: string): Promise<void> => {
    try {
      await api('DELETE', `/api/v1/suppressions/${encodeURIComponent(id)}`);
      rules.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card title={t('settings.suppressions')} wide>
      <ErrorBox error={rules.error ?? error} />
      <Loading when={rules.loading} />
      {rules.data?.items.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
      <table className="data">
        <tbody>
          {rules.data?.items.map((r) => (
            <tr key={r.id}>
              <td translate="no">
                {Object.entries(r.filter)
                  .map(([k, v]) => `${k}=${String(v)}`)
                  .join(' ')}
              </td>
              <td translate="no">{r.reason}</td>
              <td>{fmtTime(r.createdAt, locale)}</td>
              <td>{r.expiresAt === null ? t('settings.never') : fmtTime(r.expiresAt, locale)}</td>
              <td>
                {props.me.role !== 'viewer' ? (
                  <button type="button" className="small" onClick={() => void remove(r.id)}>
                    {t('settings.removeRule')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Users(): ReactNode {
  const { t, locale } = useI18n();
  const users = useAsync(
    () =>
      get<{
        items: { name: string; role: string; totpEnrolled: boolean; locked: boolean; createdAt: string }[];
      }>('/api/v1/users'),
    [],
  );
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', '/api/v1/users', { name, role, password });
      setName('');
      setPassword('');
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('settings.users')} wide>
      <ErrorBox error={users.error ?? error} />
      <table className="data">
        <thead>
          <tr>
            <th>{t('settings.col.name')}</th>
            <th>{t('settings.col.role')}</th>
            <th>{t('settings.col.totp')}</th>
            <th>{t('settings.col.created')}</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.items.map((u) => (
            <tr key={u.name}>
              <td translate="no">{u.name}</td>
              <td>{t(`role.${u.role as Me['role']}`)}</td>
              <td>{u.totpEnrolled ? t('common.yes') : t('common.no')}</td>
              <td>{fmtTime(u.createdAt, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline" onSubmit={(e) => void add(e)}>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('settings.col.name')}
          aria-label={t('settings.col.name')}
          required
        />
        <select value={role} onChange={(e) => setRole(e.target.value)} aria-label={t('settings.col.role')}>
          <option value="viewer">{t('role.viewer')}</option>
          <option value="analyst">{t('role.analyst')}</option>
          <option value="admin">{t('role.admin')}</option>
        </select>
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder={t('settings.passwordHint')}
          aria-label={t('login.password')}
          autoComplete="new-password"
          minLength={12}
          required
        />
        <button type="submit">{t('settings.addUser')}</button>
      </form>
    </Card>
  );
}

interface Token {
  id: string;
  name: string;
  owner: string;
  role: string;
  expiresAt: string;
  revokedAt: string | null;
}

function Tokens(): ReactNode {
  const { t, locale } = useI18n();
  const tokens = useAsync(() => get<{ items: Token[] }>('/api/v1/tokens'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const create = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      const r = await api<{ token: string }>('POST', '/api/v1/tokens', { name });
      setCreated(r.token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string): Promise<void> => {
    try {
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('settings.tokens')} wide>
      <ErrorBox error={tokens.error ?? error} />
      {created ? (
        <p className="notice">
          {t('settings.tokenOnce')} <code translate="no">{created}</code>
        </p>
      ) : null}
      <table className="data">
        <tbody>
          {tokens.data?.items.map((tk) => (
            <tr key={tk.id}>
              <td translate="no">{tk.name}</td>
              <td>{t(`role.${tk.role as Me['role']}`)}</td>
              <td>{t('settings.expires', { at: fmtTime(tk.expiresAt, locale) })}</td>
              <td>
                {tk.revokedAt ? (
                  t('settings.revoked')
                ) : (
                  <button type="button" className="small" onClick={() => void revoke(tk.id)}>
                    {t('settings.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline" onSubmit={(e) => void create(e)}>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('settings.tokenName')}
          aria-label={t('settings.tokenName')}
          required
        />
        <button type="submit">{t('settings.createToken')}</button>
      </form>
    </Card>
  );
}

function Intel(): ReactNode {
  const { t } = useI18n();
  const lists = useAsync(() => get<{ items: Record<string, unknown>[] }>('/api/v1/intel'), []);
  const rows = lists.data?.items ?? [];
  const cols = ['name', 'kind', 'entries', 'addedAt'];
  const heads = [
    t('settings.col.name'),
    t('settings.col.kind'),
    t('settings.col.entries'),
    t('settings.col.created'),
  ];
  return (
    <Card title={t('settings.intel')} wide>
      <ErrorBox error={lists.error} />
      {rows.length === 0 && !lists.loading ? <p className="muted">{t('common.none')}</p> : null}
      {rows.length > 0 ? (
        <DataTable columns={heads} translatedHeaders rows={rows.map((r) => cols.map((c) => r[c] ?? ''))} />
      ) : null}
    </Card>
  );
}

function Alerts(props: { me: Me }): ReactNode {
  const { t } = useI18n();
  const channels = useAsync(() => get<{ items: Record<string, unknown>[] }>('/api/v1/alerts/channels'), []);
  const [result, setResult] = useState<Record<string, string>>({});
  const missing = channels.error instanceof ApiFailure && channels.error.status === 404;
  const test = async (name: string): Promise<void> => {
    try {
      const r = await api<{ ok: boolean; error: string | null }>(
        'POST',
        `/api/v1/alerts/channels/${encodeURIComponent(name)}/test`,
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
    <Card title={t('settings.alerts')} wide>
      {missing ? (
        <p className="muted">{t('settings.alertsUnavailable')}</p>
      ) : (
        <ErrorBox error={channels.error} />
      )}
      {channels.data?.items.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
      <ul className="plain">
        {channels.data?.items.map((c) => {
          const name = String(c['name'] ?? '');
          return (
            <li key={name} className="saved">
              <span translate="no">
                {name} ({String(c['type'] ?? c['kind'] ?? '')})
              </span>
              {props.me.role === 'admin' ? (
                <button type="button" className="small" onClick={() => void test(name)}>
                  {t('settings.sendTest')}
                </button>
              ) : null}
              {result[name] ? <span className="muted small">{result[name]}</span> : null}
            </li>
          );
        })}
      </ul>
      <p className="muted small">{t('settings.alertsConfig')}</p>
      {missing ? null : <AlertRoutes />}
    </Card>
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

/** Routing rules (read-only: they live in sakura-guard.yaml) and the delivery log. */
function AlertRoutes(): ReactNode {
  const { t, locale } = useI18n();
  const routes = useAsync(() => get<{ items: Record<string, unknown>[] }>('/api/v1/alerts/routes'), []);
  const log = useAsync(() => get<{ items: Delivery[] }>('/api/v1/alerts/deliveries', { limit: 100 }), []);
  return (
    <>
      <h3>{t('settings.routes')}</h3>
      <ErrorBox error={routes.error} />
      {routes.data?.items.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
      <DataTable
        columns={[t('settings.col.name'), t('settings.col.channels'), t('settings.col.match')]}
        translatedHeaders
        rows={(routes.data?.items ?? []).map((r) => {
          const { name, channels, ...rest } = r;
          return [name, Array.isArray(channels) ? channels.join(', ') : channels, JSON.stringify(rest)];
        })}
      />
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

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  outcome: string;
}

function Audit(): ReactNode {
  const { t, locale } = useI18n();
  const log = useAsync(() => get<{ items: AuditRow[] }>('/api/v1/audit', { limit: 200 }), []);
  return (
    <Card title={t('settings.audit')} wide>
      <ErrorBox error={log.error} />
      <DataTable
        columns={[
          '#',
          t('settings.col.time'),
          t('settings.col.actor'),
          t('settings.col.action'),
          t('settings.col.target'),
          t('settings.col.ip'),
          t('settings.col.outcome'),
        ]}
        translatedHeaders
        rows={(log.data?.items ?? []).map((e) => [
          e.seq,
          fmtTime(e.at, locale),
          e.actor,
          e.action,
          e.target,
          e.ip,
          e.outcome,
        ])}
      />
    </Card>
  );
}

export function SettingsPage(props: { me: Me }): ReactNode {
  const { t } = useI18n();
  const tabs = TABS.filter((x) => x.roles.includes(props.me.role));
  const [tab, setTab] = useState<Tab>('suppressions');
  return (
    <main className="page">
      <h1>{t('settings.title')}</h1>
      <div role="tablist" className="tabs big">
        {tabs.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            aria-selected={tab === x.id}
            onClick={() => setTab(x.id)}
          >
            {t(x.key)}
          </button>
        ))}
      </div>
      <div className="grid">
        {tab === 'suppressions' ? <Suppressions me={props.me} /> : null}
        {tab === 'users' ? <Users /> : null}
        {tab === 'tokens' ? <Tokens /> : null}
        {tab === 'intel' ? <Intel /> : null}
        {tab === 'alerts' ? <Alerts me={props.me} /> : null}
        {tab === 'audit' ? <Audit /> : null}
      </div>
    </main>
  );
}
