// Users in settings (admins only): each user's role (changed in place), authenticator (reset),
// lock state, and removal (which ends their sessions and revokes their tokens); adding a user;
// and everyone's API tokens with their owner, each revocable.

import { useState, type FormEvent, type ReactNode } from 'react';
import { api, get, type Me } from '../../api.ts';
import { ActionTable, Card, ErrorBox, Notice } from '../../components/common.tsx';
import { fmtTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';

type Role = Me['role'];
const ROLES: readonly Role[] = ['viewer', 'analyst', 'admin'];
const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);

interface User {
  name: string;
  role: Role;
  totpEnrolled: boolean;
  locked: boolean;
  createdAt: string;
}

interface Token {
  id: string;
  name: string;
  owner: string;
  role: Role;
  expiresAt: string;
  revokedAt: string | null;
}

export function Users(props: { me: Me }): ReactNode {
  const { t, locale } = useI18n();
  const users = useAsync(() => get<{ items: User[] }>('/api/v1/users'), []);
  const tokens = useAsync(() => get<{ items: Token[] }>('/api/v1/tokens', { all: 'true' }), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const write = async (fn: () => Promise<unknown>, done: string): Promise<void> => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
      users.reload();
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  const add = (e: FormEvent): void => {
    e.preventDefault();
    void write(
      async () => {
        await api('POST', '/api/v1/users', { name, role, password });
        setName('');
        setPassword('');
      },
      t('users.added', { name }),
    );
  };
  const patch = (user: string, body: Record<string, unknown>, done: string): Promise<void> =>
    write(() => api('PATCH', `/api/v1/users/${encodeURIComponent(user)}`, body), done);
  return (
    <>
      <Card title={t('settings.users')} wide>
        <ErrorBox error={users.error ?? error} />
        <Notice text={notice} />
        <table className="data" data-testid="users">
          <thead>
            <tr>
              <th>{t('settings.col.name')}</th>
              <th id="users-col-role">{t('settings.col.role')}</th>
              <th>{t('settings.col.totp')}</th>
              <th>{t('users.col.state')}</th>
              <th>{t('settings.col.created')}</th>
              <th>
                <span className="sr-only">{t('response.col.do')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => {
              const self = u.name === props.me.user;
              return (
                <tr key={u.name}>
                  <td translate="no" id={`user-${u.name}`}>
                    {u.name}
                  </td>
                  <td>
                    <select
                      value={u.role}
                      disabled={self}
                      aria-labelledby={`users-col-role user-${u.name}`}
                      onChange={(e) => {
                        const next = e.target.value;
                        if (isRole(next))
                          void patch(u.name, { role: next }, t('users.roleChanged', { name: u.name }));
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`role.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {u.totpEnrolled ? t('common.yes') : t('common.no')}{' '}
                    {u.totpEnrolled ? (
                      <ConfirmButton
                        label={t('users.resetTotp')}
                        confirm={t('users.confirm')}
                        onConfirm={() =>
                          patch(u.name, { resetTotp: true }, t('users.totpReset', { name: u.name }))
                        }
                      />
                    ) : null}
                  </td>
                  <td className={u.locked ? 'warn' : undefined}>
                    {u.locked ? t('users.locked') : t('status.active')}
                  </td>
                  <td>{fmtTime(u.createdAt, locale)}</td>
                  <td>
                    {self ? null : (
                      <ConfirmButton
                        label={t('users.remove')}
                        confirm={t('users.confirmRemove', { name: u.name })}
                        onConfirm={() =>
                          write(
                            () => api('DELETE', `/api/v1/users/${encodeURIComponent(u.name)}`),
                            t('users.removed', { name: u.name }),
                          )
                        }
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="muted small">{t('users.removeNote')}</p>
        <form className="inline" onSubmit={add}>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('settings.col.name')}
            aria-label={t('settings.col.name')}
            required
          />
          <select
            value={role}
            onChange={(e) => isRole(e.target.value) && setRole(e.target.value)}
            aria-label={t('settings.col.role')}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
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
      <Card title={t('users.allTokens')} wide>
        <ErrorBox error={tokens.error} />
        <ActionTable
          headers={[
            t('settings.col.name'),
            t('users.col.owner'),
            t('settings.col.role'),
            t('users.col.expires'),
          ]}
          none={tokens.data?.items.length === 0}
          noneText={t('common.none')}
          show={tokens.data && tokens.data.items.length > 0}
          testId="all-tokens"
        >
          {(tokens.data?.items ?? []).map((tk) => (
            <tr key={tk.id}>
              <td translate="no">{tk.name}</td>
              <td translate="no">{tk.owner}</td>
              <td>{t(`role.${tk.role}`)}</td>
              <td>{fmtTime(tk.expiresAt, locale)}</td>
              <td>
                {tk.revokedAt ? (
                  t('settings.revoked')
                ) : (
                  <ConfirmButton
                    label={t('settings.revoke')}
                    confirm={t('users.confirm')}
                    onConfirm={() =>
                      write(
                        () => api('DELETE', `/api/v1/tokens/${encodeURIComponent(tk.id)}`),
                        t('users.tokenRevoked', { name: tk.name }),
                      )
                    }
                  />
                )}
              </td>
            </tr>
          ))}
        </ActionTable>
      </Card>
    </>
  );
}
