// The shell: who is signed in (or the sign-in page), the navigation, the language switch, live
// news of new findings, and the page for the current path.

import { useEffect, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthorizedHandler, type Me } from './api.ts';
import { useI18n } from './i18n.tsx';
import { LiveContext, useLiveFindings } from './live.ts';
import type { MessageKey } from './messages.ts';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { AssetsPage } from './pages/Assets.tsx';
import { FindingDetailPage } from './pages/FindingDetail.tsx';
import { FindingsPage } from './pages/Findings.tsx';
import { LoginPage, TotpEnrolPage } from './pages/Login.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { PosturePage } from './pages/Posture.tsx';
import { QueryPage } from './pages/Query.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { TrafficPage } from './pages/Traffic.tsx';

const NAV: readonly [string, MessageKey][] = [
  ['/', 'nav.overview'],
  ['/findings', 'nav.findings'],
  ['/traffic', 'nav.traffic'],
  ['/query', 'nav.query'],
  ['/assets', 'nav.assets'],
  ['/posture', 'nav.posture'],
  ['/settings', 'nav.settings'],
];

function Page(props: { path: string; me: Me }): ReactNode {
  const p = props.path;
  if (p === '/' || p === '/overview') return <OverviewPage />;
  if (p === '/findings') return <FindingsPage me={props.me} />;
  if (p.startsWith('/findings/'))
    return <FindingDetailPage id={decodeURIComponent(p.slice(10))} me={props.me} />;
  if (p === '/traffic') return <TrafficPage />;
  if (p === '/query') return <QueryPage />;
  if (p === '/assets') return <AssetsPage />;
  if (p === '/posture') return <PosturePage />;
  if (p === '/settings') return <SettingsPage me={props.me} />;
  return <NotFound />;
}

function NotFound(): ReactNode {
  const { t } = useI18n();
  return (
    <main className="page">
      <h1>{t('error.notFound')}</h1>
      <Link to="/">{t('nav.overview')}</Link>
    </main>
  );
}

export function App(): ReactNode {
  const { t } = useI18n();
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const live = useLiveFindings(me !== null && me !== undefined && !me.mustEnrollTotp);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    api<Me>('GET', '/api/v1/auth/me').then(setMe, () => setMe(null));
  }, []);

  if (me === undefined) return <p className="muted loading">{t('common.loading')}</p>;
  if (me === null) return <LoginPage onSignedIn={setMe} />;
  if (me.mustEnrollTotp)
    return <TotpEnrolPage me={me} onDone={() => setMe({ ...me, mustEnrollTotp: false })} />;

  const logout = async (): Promise<void> => {
    await api('POST', '/api/v1/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setMe(null);
    navigate('/');
  };
  const current = (to: string): boolean =>
    to === '/' ? path === '/' || path === '/overview' : path.startsWith(to);
  return (
    <LiveContext.Provider value={live}>
      <a href="#main" className="skip">
        {t('nav.skip')}
      </a>
      <header className="top">
        <span className="brand">
          <span className="logo" aria-hidden="true" />
          {t('app.title')}
        </span>
        <nav aria-label={t('nav.main')}>
          {NAV.map(([to, key]) => (
            <Link key={to} to={to} className={current(to) ? 'active' : undefined}>
              {t(key)}
              {to === '/findings' && live.fresh > 0 ? (
                <span className="badge" title={t('live.new', { n: live.fresh })}>
                  {live.fresh}
                </span>
              ) : null}
            </Link>
          ))}
        </nav>
        <span className="spacer" />
        <LanguageSwitch />
        <span className="who" title={t(`role.${me.role}`)}>
          <span translate="no">{me.user}</span> · {t(`role.${me.role}`)}
        </span>
        <button type="button" onClick={() => void logout()}>
          {t('nav.logout')}
        </button>
      </header>
      <div id="main">
        <Page path={path} me={me} />
      </div>
    </LiveContext.Provider>
  );
}
