// Settings, one tab per area and only the areas the user's role may see: suppression rules,
// users, API tokens, intel lists, alert channels (with "send test") and dead letters, and the
// audit log. The bigger tabs live in settings/.

import { useState, type FormEvent, type ReactNode } from 'react';
import { api, get, type Me } from '../api.ts';
import { Card, DataTable, ErrorBox, Loading } from '../components/common.tsx';
import { fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { Alerts } from './settings/Alerts.tsx';
import { Intel } from './settings/Intel.tsx';
import { Users } from './settings/Users.tsx';

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
        {tab === 'users' ? <Users me={props.me} /> : null}
        {tab === 'tokens' ? <Tokens /> : null}
        {tab === 'intel' ? <Intel me={props.me} /> : null}
        {tab === 'alerts' ? <Alerts me={props.me} /> : null}
        {tab === 'audit' ? <Audit /> : null}
      </div>
    </main>
  );
}
