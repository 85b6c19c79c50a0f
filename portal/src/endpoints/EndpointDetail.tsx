// One endpoint: whether it is healthy (a callout when it is off or failing, kept live), what it
// receives, what can be done to it, how to verify its signatures, and its live delivery log.
import { useEffect } from 'react';
import type { Endpoint } from '@herald/sdk';
import { DeliveryLog } from '../deliveries/DeliveryLog.tsx';
import { CopyButton } from '../layout/CopyButton.tsx';
import { formatTime } from '../layout/format.ts';
import { LongText } from '../layout/LongText.tsx';
import { href } from '../layout/route.ts';
import { EndpointStateBadge } from '../layout/Status.tsx';
import { loadCatalog } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';
import { EndpointActions } from './EndpointActions.tsx';
import { EndpointHealth } from './EndpointHealth.tsx';
import { SCHEMES } from './schemes.ts';
import { VerifySnippet } from './VerifySnippet.tsx';

export function EndpointDetail({ id }: { id: string }) {
  const { herald, can } = useSession();
  const loaded = useLoad(async (signal) => {
    const [endpoint, catalog] = await Promise.all([herald.endpoint(id, { signal }), loadCatalog(herald, signal).catch(() => [])]);
    return { endpoint, catalog };
  }, [id]);

  // Turned off (or on) elsewhere, by its failures or another window: the page says so at once.
  useEffect(() => {
    const controller = new AbortController();
    const sub = herald.endpointUpdated({}, { signal: controller.signal });
    void (async () => {
      try {
        for await (const update of sub) {
          if (update?.id === id) loaded.set((data) => data && { ...data, endpoint: update });
        }
      } catch {
        // Not live: the page still shows the state it read.
      }
    })();
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [herald, id]);

  if (loaded.error) return <p role="alert">{loaded.error}</p>;
  if (!loaded.data) return <p className="muted">Loading endpoint…</p>;
  const { endpoint, catalog } = loaded.data;
  if (!endpoint) {
    return (
      <section>
        <h1>Endpoint not found</h1>
        <p>It may have been deleted. <a href={href.endpoints()}>Back to endpoints</a></p>
      </section>
    );
  }
  const update = (next: Endpoint) => loaded.set((data) => data && { ...data, endpoint: next });
  return (
    <>
      <p>
        <a href={href.endpoints()}>← Endpoints</a>
      </p>
      <section aria-labelledby="endpoint-title">
        <div className="heading-row">
          <h1 id="endpoint-title">{endpoint.name}</h1>
          <EndpointStateBadge endpoint={endpoint} />
        </div>
        <EndpointHealth endpoint={endpoint} onChange={update} />
        <dl className="facts">
          <dt>URL</dt>
          <dd className="url">{endpoint.url}</dd>
          {endpoint.description && (
            <>
              <dt>Description</dt>
              <dd>
                <LongText text={endpoint.description} label="Description" />
              </dd>
            </>
          )}
          <dt>Event types</dt>
          <dd className="mono">{endpoint.eventTypes.join(', ')}</dd>
          <dt>Projects</dt>
          <dd>{endpoint.projects.length ? endpoint.projects.join(', ') : 'All projects'}</dd>
          <dt>Payload filter</dt>
          <dd className={endpoint.filter == null ? undefined : 'mono'}>{endpoint.filter == null ? 'None: every event of these types' : <LongText text={JSON.stringify(endpoint.filter)} label="Payload filter" />}</dd>
          <dt>Signature scheme</dt>
          <dd>{SCHEMES.find((scheme) => scheme.value === endpoint.signatureScheme)?.label ?? endpoint.signatureScheme}</dd>
          {endpoint.signingPublicKeys.length > 0 && (
            <>
              <dt>{endpoint.signingPublicKeys.length === 1 ? 'Public key' : 'Public keys (a rotation is under way: both sign)'}</dt>
              <dd>
                <ul className="plain">
                  {endpoint.signingPublicKeys.map((key) => (
                    <li key={key}>
                      <code className="mono public-key">{key}</code> <CopyButton text={key} label="Copy public key" />
                    </li>
                  ))}
                </ul>
                {endpoint.jwksUrl && (
                  <p className="muted">
                    Not a secret: share it freely. Your receiver can also fetch the current keys from <a href={endpoint.jwksUrl}>{endpoint.jwksUrl}</a> (a JSON Web Key Set).
                  </p>
                )}
              </dd>
            </>
          )}
          {endpoint.headers.length > 0 && (
            <>
              <dt>Custom headers</dt>
              <dd>
                <ul className="plain">
                  {endpoint.headers.map((header, index) => (
                    <li key={index} className="mono">
                      {header.name}: {header.value}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          <dt>Ownership</dt>
          <dd>{endpoint.verifiedAt ? `Verified ${formatTime(endpoint.verifiedAt)}` : 'Not verified'}</dd>
          {endpoint.previousSecretExpiresAt && (
            <>
              <dt>Previous secret</dt>
              <dd>Still signs deliveries until {formatTime(endpoint.previousSecretExpiresAt)}</dd>
            </>
          )}
          {endpoint.consecutiveFailures > 0 && (
            <>
              <dt>Failures in a row</dt>
              <dd>{endpoint.consecutiveFailures}</dd>
            </>
          )}
        </dl>
      </section>
      {can('endpoints:write') && <EndpointActions endpoint={endpoint} catalog={catalog} onChange={update} />}
      <VerifySnippet scheme={endpoint.signatureScheme} />
      <DeliveryLog endpoint={endpoint} onEndpointChange={update} />
    </>
  );
}
