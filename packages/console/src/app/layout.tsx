import { type ReactNode, useEffect, useRef } from 'react';
import { api } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { signOut } from '../auth/session.ts';
import { Link } from './router.tsx';
import { SECTIONS, type SectionId } from './routes.tsx';
import { MeContext } from './session-context.ts';
import { useApi } from './use-api.ts';

/** The frame around every page: skip link, navigation, who is signed in, the page itself. */
export function Layout(props: { active: SectionId | undefined; onSignOut: () => void; children: ReactNode }) {
  const me = useApi<Me>('me', (signal) => api<Me>('/api/console/me', { signal }));
  const main = useRef<HTMLElement>(null);
  // Move focus to the page on navigation, so keyboard and screen-reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the section changes.
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [props.active]);
  return (
    <MeContext.Provider value={me.data}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              P
            </span>
            <span>Parley</span>
          </div>
          <nav aria-label="Console">
            <ul>
              {SECTIONS.map((section) => (
                <li key={section.id}>
                  <Link href={section.href} aria-current={props.active === section.id ? 'page' : undefined}>
                    {section.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="whoami">
            {me.data ? (
              <>
                <span className="whoami-name">{me.data.principal.id}</span>
                <span className="whoami-roles">{me.data.roles.length > 0 ? me.data.roles.join(', ') : 'user'}</span>
              </>
            ) : null}
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                void signOut().finally(props.onSignOut);
              }}
            >
              Sign out
            </button>
          </div>
        </header>
        <main id="main" ref={main} tabIndex={-1}>
          {props.children}
        </main>
      </div>
    </MeContext.Provider>
  );
}
