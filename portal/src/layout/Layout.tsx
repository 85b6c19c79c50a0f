import { useEffect, type ReactNode } from 'react';
import { useSession } from '../session/session.tsx';
import { applySessionTheme } from '../theme/theme.ts';
import { href, type Route } from './route.ts';

const TABS = [
  { screens: ['endpoints', 'new-endpoint', 'endpoint', 'edit-endpoint'], label: 'Endpoints', to: href.endpoints() },
  { screens: ['deliveries', 'delivery'], label: 'Delivery log', to: href.deliveries() },
  { screens: ['catalog'], label: 'Event catalog', to: href.catalog() },
];

export function Layout({ route, organization, readOnly, children }: { route: Route; organization: string; readOnly: boolean; children: ReactNode }) {
  const { access } = useSession();
  const brand = access.brandName;
  useEffect(() => applySessionTheme(access.theme), [access.theme]);
  useEffect(() => {
    document.title = brand ? `${brand} webhooks` : 'Webhooks';
  }, [brand]);
  return (
    <div className="portal">
      <header className="top">
        <p className="org">
          {brand && (
            <>
              <span className="brand">{brand}</span>{' '}
            </>
          )}
          Webhooks for <strong>{organization}</strong>
          {readOnly && <span className="badge"> Read-only</span>}
        </p>
        <nav aria-label="Portal">
          <ul>
            {TABS.map((tab) => (
              <li key={tab.label}>
                <a href={tab.to} aria-current={tab.screens.includes(route.screen) ? 'page' : undefined}>
                  {tab.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main>{children}</main>
    </div>
  );
}
