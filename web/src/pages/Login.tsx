// Sign-in (user, password, and the authenticator code for users who enrolled TOTP), and the
// TOTP enrolment an admin must finish before anything else answers.

import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiFailure, setCsrfToken, type Me } from '../api.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../i18n.tsx';

interface LoginAnswer {
  user: string;
  role: Me['role'];
  csrfToken: string;
  mustEnrollTotp: boolean;
}

export function LoginPage(props: { onSignedIn(me: Me): void }): ReactNode {
  const { t } = useI18n();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<LoginAnswer>('POST', '/api/v1/auth/login', {
        user,
        password,
        ...(totp === '' ? {} : { totp }),
      });
      setCsrfToken(r.csrfToken);
      props.onSignedIn({ user: r.user, role: r.role, via: 'session', mustEnrollTotp: r.mustEnrollTotp });
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 429 ? t('login.tooMany') : t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} className="card" aria-labelledby="login-title">
        <div className="login-head">
          <span className="logo" aria-hidden="true" />
          <h1 id="login-title">{t('app.title')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('login.intro')}</p>
        <label>
          {t('login.user')}
          <input
            name="user"
            autoComplete="username"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <label>
          {t('login.totp')}
          <input
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6,8}"
            value={totp}
            onChange={(e) => setTotp(e.target.value.trim())}
            placeholder={t('login.totpPlaceholder')}
          />
        </label>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}

export function TotpEnrolPage(props: { me: Me; onDone(): void }): ReactNode {
  const { t } = useI18n();
  const [secret, setSecret] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);

  const start = async (): Promise<void> => {
    setError(null);
    try {
      setSecret(await api<{ secret: string; otpauthUri: string }>('POST', '/api/v1/auth/totp/enroll'));
    } catch {
      setError(t('totp.startFailed'));
    }
  };
  const confirm = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', '/api/v1/auth/totp/confirm', { code });
      props.onDone();
    } catch {
      setError(t('totp.wrongCode'));
    }
  };
  return (
    <main className="login">
      <form onSubmit={(e) => void confirm(e)} className="card">
        <div className="login-head">
          <span className="logo" aria-hidden="true" />
          <h1>{t('totp.title')}</h1>
          <LanguageSwitch />
        </div>
        <p>{t('totp.intro', { user: props.me.user })}</p>
        {secret === null ? (
          <button type="button" className="primary" onClick={() => void start()}>
            {t('totp.start')}
          </button>
        ) : (
          <>
            <p>{t('totp.secretLabel')}</p>
            <code className="secret" data-testid="totp-secret" translate="no">
              {secret.secret}
            </code>
            <p className="muted small">
              {t('totp.uriLabel')} <code translate="no">{secret.otpauthUri}</code>
            </p>
            <label>
              {t('totp.code')}
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={(e) => setCode(e.target.value.trim())}
                required
                autoFocus
              />
            </label>
            <button type="submit" className="primary">
              {t('totp.confirm')}
            </button>
          </>
        )}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
