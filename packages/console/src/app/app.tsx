import { useEffect, useState } from 'react';
import { onUnauthenticated } from '../api/client.ts';
import { isSignedIn } from '../auth/session.ts';
import { CallbackPage } from '../pages/callback-page.tsx';
import { SignInPage } from '../pages/sign-in-page.tsx';
import { Layout } from './layout.tsx';
import { useLocation } from './router.tsx';
import { routeFor } from './routes.tsx';

/** The console: sign-in, the OAuth callback, then the pages behind the session. */
export function App() {
  const { path } = useLocation();
  const [signedIn, setSignedIn] = useState(() => isSignedIn());
  useEffect(() => onUnauthenticated(() => setSignedIn(false)), []);

  if (path === '/console/callback') return <CallbackPage onSignedIn={() => setSignedIn(true)} />;
  if (!signedIn || !isSignedIn()) return <SignInPage />;
  const route = routeFor(path);
  return (
    <Layout active={route.section} onSignOut={() => setSignedIn(false)}>
      {route.element}
    </Layout>
  );
}
