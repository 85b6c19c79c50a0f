// The portal: a session from the link's token, then the screen the route names. A link that no
// longer works replaces everything with a page that says why and what to do.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { createHeraldClient, type HeraldClient } from '@herald/sdk';
import { CatalogScreen } from './catalog/CatalogScreen.tsx';
import { DeliveryDetail } from './deliveries/DeliveryDetail.tsx';
import { DeliveryLog } from './deliveries/DeliveryLog.tsx';
import { EndpointDetail } from './endpoints/EndpointDetail.tsx';
import { EndpointEditor } from './endpoints/EndpointEditor.tsx';
import { EndpointList } from './endpoints/EndpointList.tsx';
import { Layout } from './layout/Layout.tsx';
import { useRoute, type Route } from './layout/route.ts';
import type { PortalAccess } from './session/access.ts';
import { describeError, sessionEnd, type SessionEnd } from './session/errors.ts';
import { forgetPortalLink } from './session/link.ts';
import { loadAccess } from './session/portal-api.ts';
import { makeSession, SessionContext } from './session/session.tsx';
import { LinkMissing, SessionEnded } from './session/SessionPages.tsx';

export function App({ token }: { token: string | null }) {
  const herald = useMemo(
    () => (token ? createHeraldClient({ url: new URL('/graphql', window.location.origin), apiKey: token, retries: 1, reconnectAttempts: 3 }) : null),
    [token],
  );
  useEffect(() => () => void herald?.close(), [herald]);
  if (!herald) return <LinkMissing />;
  return <Portal herald={herald} />;
}

function Portal({ herald }: { herald: HeraldClient }) {
  const [ended, setEnded] = useState<SessionEnd | null>(null);
  const [access, setAccess] = useState<PortalAccess | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const route = useRoute();

  const report = useCallback((error: unknown) => {
    const end = sessionEnd(error);
    if (end) {
      forgetPortalLink();
      setEnded(end);
      void herald.close();
    }
    return describeError(error);
  }, [herald]);

  useEffect(() => {
    const controller = new AbortController();
    loadAccess(herald, controller.signal).then(setAccess, (error: unknown) => {
      if (!controller.signal.aborted) setProblem(report(error));
    });
    return () => controller.abort();
  }, [herald, report]);

  const session = useMemo(() => (access ? makeSession(herald, access, report) : null), [herald, access, report]);

  if (ended) return <SessionEnded why={ended} />;
  if (problem) {
    return (
      <main className="portal narrow">
        <h1>Webhooks</h1>
        <p role="alert">{problem}</p>
        <button type="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </main>
    );
  }
  if (!session) {
    return (
      <main className="portal narrow" aria-busy="true">
        <p className="muted">Loading…</p>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout route={route} organization={session.access.organization.name || session.access.organization.slug} readOnly={!session.can('endpoints:write')}>
        <Screen route={route} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'endpoints':
      return <EndpointList />;
    case 'new-endpoint':
      return <EndpointEditor key="new" />;
    case 'edit-endpoint':
      return <EndpointEditor key={route.id} id={route.id} />;
    case 'endpoint':
      return <EndpointDetail key={route.id} id={route.id} />;
    case 'deliveries':
      return <DeliveryLog />;
    case 'delivery':
      return <DeliveryDetail key={route.id} id={route.id} />;
    case 'catalog':
      return <CatalogScreen />;
  }
}
