import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CONSOLE_PAGES, editedMap } from '../routes';
import { apiRequest, type Caller } from './api';
import { describeFailure } from './hooks';
import { AlertsPage } from './pages/AlertsPage';
import { ErrorsPage } from './pages/ErrorsPage';
import { GraphPage } from './pages/GraphPage';
import { LogsPage } from './pages/LogsPage';
import { MapEditorPage } from './pages/MapEditorPage';
import { MapsPage } from './pages/MapsPage';
import { SignIn } from './pages/SignIn';
import { Link, navigate, usePath } from './router';
import { makeSession, SessionContext, storedToken } from './session';

const NAV = [
  { href: CONSOLE_PAGES.maps, label: 'Maps' },
  { href: CONSOLE_PAGES.graph, label: 'Dependencies' },
  { href: CONSOLE_PAGES.errors, label: 'Errors' },
  { href: CONSOLE_PAGES.activity, label: 'Activity' },
  { href: CONSOLE_PAGES.alerts, label: 'Alerts' },
];

function Page({ path }: { path: string }) {
  const edited = editedMap(path);
  if (edited) return <MapEditorPage name={edited} />;
  const page = path.replace(/(.)\/$/, '$1');
  if (page === CONSOLE_PAGES.graph) return <GraphPage />;
  if (page === CONSOLE_PAGES.errors) return <ErrorsPage />;
  if (page === CONSOLE_PAGES.activity) return <LogsPage />;
  if (page === CONSOLE_PAGES.alerts) return <AlertsPage />;
  return <MapsPage />;
}

export function App() {
  const [signedIn, setSignedIn] = useState<{ token: string; caller: Caller }>();
  const [restoring, setRestoring] = useState(() => storedToken.get() !== null);
  const path = usePath();
  const main = useRef<HTMLElement>(null);

  const signIn = useCallback(async (token: string) => {
    const caller = await apiRequest<Caller>(token, 'GET', '/me');
    storedToken.set(token);
    setSignedIn({ token, caller });
  }, []);
  const signOut = useCallback(() => {
    storedToken.clear();
    setSignedIn(undefined);
  }, []);

  useEffect(() => {
    const token = storedToken.get();
    if (!token) return;
    signIn(token)
      .catch(() => storedToken.clear())
      .finally(() => setRestoring(false));
  }, [signIn]);

  // A page change moves focus to the new page's content, as a full page load would for a screen reader.
  useEffect(() => {
    main.current?.focus();
    if (path === '/') navigate('/maps');
  }, [path]);

  const session = useMemo(() => (signedIn ? makeSession(signedIn.token, signedIn.caller, signOut) : undefined), [signedIn, signOut]);

  if (restoring) return <p className="loading" role="status">Signing in…</p>;
  if (!session) return <SignIn onSignIn={(t) => signIn(t).catch((err: unknown) => Promise.reject(new Error(describeFailure(err))))} />;

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">dualwrite</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={path.startsWith(n.href) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          <span>
            {session.caller.name} <span className="role">({session.caller.role})</span>
          </span>
          <button type="button" className="link" onClick={session.signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page path={path} />
      </main>
    </SessionContext.Provider>
  );
}
