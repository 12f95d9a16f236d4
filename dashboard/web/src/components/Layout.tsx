import { useContext, type ReactNode } from 'react';
import type { SessionInfo } from '../../../server/routes/access.ts';
import { ThemeContext } from '../theme.ts';
import { Link } from './Link.tsx';

/** The pages a role may open, in menu order. */
export const pages = [
  { path: '/', label: 'Overview', role: 'viewer' },
  { path: '/findings', label: 'Findings', role: 'analyst' },
  { path: '/tuning', label: 'Tuning', role: 'analyst' },
  { path: '/health', label: 'Health', role: 'analyst' },
  { path: '/tokens', label: 'API tokens', role: 'admin' },
] as const;

const rank = { viewer: 0, analyst: 1, admin: 2 } as const;
export const canSee = (role: SessionInfo['role'], needed: SessionInfo['role']): boolean => rank[role] >= rank[needed];

/** Header with the menu, the signed-in person and the theme toggle, then the page. */
export function Layout({ session, path, onSignOut, children }: { session: SessionInfo; path: string; onSignOut: () => void; children: ReactNode }) {
  const { theme, toggle } = useContext(ThemeContext);
  const active = (p: string): boolean => (p === '/' ? path === '/' || path === '/report' : path.startsWith(p));
  return (
    <div className="app">
      <header className="top">
        <span className="brand">sspr-watch</span>
        <nav aria-label="Main">
          {pages
            .filter((p) => canSee(session.role, p.role))
            .map((p) => (
              <Link key={p.path} to={p.path} className={active(p.path) ? 'active' : ''}>
                {p.label}
              </Link>
            ))}
        </nav>
        <span className="who">
          {session.name} <span className="badge">{session.role}</span>
        </span>
        <button type="button" className="ghost" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} mode`}>
          {theme === 'dark' ? 'Light mode' : 'Dark mode'}
        </button>
        <button type="button" className="ghost" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
    </div>
  );
}

/** What a role that may not see a page gets instead. */
export function NotAllowed({ role, what }: { role: string; what: string }) {
  return (
    <div className="state">
      Your role ({role}) cannot see {what}. Ask an sspr-watch admin for the analyst role.
    </div>
  );
}
