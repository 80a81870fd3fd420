// The frame of every signed-in page: a skip link, the navigation, who is signed in, and the page.
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { signOut, useSession } from '../api/session.ts';

const SECTIONS = [
  ['/', 'Dashboard'],
  ['/breaks', 'Breaks'],
  ['/accounts', 'Accounts'],
  ['/files', 'Files'],
  ['/operations', 'Operations'],
  ['/alarms', 'Alarms'],
  ['/usage', 'Usage'],
] as const;

export function Layout() {
  const session = useSession();
  const location = useLocation();
  if (session === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">perfrecon</span>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === '/'}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {session.name} <span className="role">({session.role})</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
