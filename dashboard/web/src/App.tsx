import { useEffect, useState, type ReactElement } from 'react';
import { Layout, NotAllowed, canSee } from './components/Layout.tsx';
import { ErrorState, Loading } from './components/States.tsx';
import { useSession } from './hooks/useSession.ts';
import { FindingDetailPage } from './pages/FindingDetailPage.tsx';
import { FindingsPage } from './pages/FindingsPage.tsx';
import { HealthPage } from './pages/HealthPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { ReportPage } from './pages/ReportPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { TuningPage } from './pages/TuningPage.tsx';
import { UserPage } from './pages/UserPage.tsx';
import { navigate, useLocation } from './router.ts';
import { initialTheme, ThemeContext, type Theme } from './theme.ts';

export function App() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = (): void => {
    const next = theme === 'dark' ? 'light' : 'dark';
    window.localStorage.setItem('sspr-theme', next);
    setTheme(next);
  };
  return (
    <ThemeContext.Provider value={{ theme, toggle }}>
      <Routes />
    </ThemeContext.Provider>
  );
}

function Routes() {
  const session = useSession();
  const location = useLocation();
  const { path } = location;
  useEffect(() => {
    if (session.status === 'signed-in' && path === '/signin') navigate('/', true);
  }, [session.status, path]);
  if (session.status === 'loading') return <Loading what="your session" />;
  if (session.status === 'error') return <ErrorState error={session.error} what="your session" />;
  if (session.status === 'signed-out') return <SignInPage options={session.options} error={location.search.get('error')} />;
  const { role } = session.session;
  const gate = (needed: 'viewer' | 'analyst' | 'admin', what: string, page: ReactElement): ReactElement => (canSee(role, needed) ? page : <NotAllowed role={role} what={what} />);
  let page: ReactElement;
  const findingId = /^\/findings\/([^/]+)$/.exec(path)?.[1];
  const upn = /^\/users\/([^/]+)$/.exec(path)?.[1];
  if (path === '/' || path === '/signin') page = <OverviewPage />;
  else if (path === '/report') page = <ReportPage />;
  else if (path === '/findings') page = gate('analyst', 'findings', <FindingsPage />);
  else if (findingId !== undefined) page = gate('analyst', 'findings', <FindingDetailPage id={decodeURIComponent(findingId)} />);
  else if (upn !== undefined) page = gate('analyst', "users' timelines", <UserPage upn={decodeURIComponent(upn)} />);
  else if (path === '/tuning') page = gate('analyst', 'tuning', <TuningPage role={role} />);
  else if (path === '/health') page = gate('analyst', 'health', <HealthPage />);
  else if (path === '/tokens') page = gate('admin', 'API tokens', <TokensPage />);
  else page = <div className="state">Nothing at {path}.</div>;
  if (path === '/report') return page; // printable: no menu
  return (
    <Layout session={session.session} path={path} onSignOut={() => void session.signOut()}>
      {page}
    </Layout>
  );
}
