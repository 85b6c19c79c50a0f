import type { ReactNode } from 'react';
import { href, type Route } from './route.ts';

const TABS = [
  { screens: ['endpoints', 'new-endpoint', 'endpoint', 'edit-endpoint'], label: 'Endpoints', to: href.endpoints() },
  { screens: ['deliveries', 'delivery'], label: 'Delivery log', to: href.deliveries() },
  { screens: ['catalog'], label: 'Event catalog', to: href.catalog() },
];

export function Layout({ route, organization, readOnly, children }: { route: Route; organization: string; readOnly: boolean; children: ReactNode }) {
  return (
    <div className="portal">
      <header className="top">
        <p className="org">
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
