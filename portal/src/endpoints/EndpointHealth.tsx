// The callout over an endpoint that is off or failing: why, since when, what that means for new
// events, and the action that fixes it. Buttons this link cannot use are not shown; the callout
// says who can instead.
import { useEffect, useId, useRef, useState } from 'react';
import type { Endpoint } from '@herald/sdk';
import { ReplayDialog } from '../deliveries/ReplayDialog.tsx';
import { formatTime } from '../layout/format.ts';
import { describeMutationError, Refusal } from '../session/errors.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';
import { failureInWords, healthOf } from './endpoint-health.ts';

const DAY = 86_400_000;

export function EndpointHealth({ endpoint, onChange }: { endpoint: Endpoint; onChange: (endpoint: Endpoint) => void }) {
  const { herald, can, report } = useSession();
  const health = healthOf(endpoint);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [replaySince, setReplaySince] = useState<Date | null>(null);
  const resumeButton = useRef<HTMLButtonElement>(null);
  const previousKind = useRef(health.kind);
  // Pausing removes the button that had focus; the focus moves to the one that undoes it.
  useEffect(() => {
    const stopped = (kind: string) => kind === 'off' || kind === 'paused';
    const turnedOff = stopped(health.kind) && !stopped(previousKind.current);
    previousKind.current = health.kind;
    if (turnedOff && (document.activeElement === null || document.activeElement === document.body)) resumeButton.current?.focus();
  }, [health.kind]);
  const unhealthy = health.kind === 'failing' || (health.kind === 'off' && !health.byYou);
  const lastFailure = useLoad(async (signal) => {
    if (!unhealthy) return null;
    // A link that cannot read deliveries gets the callout without the last error.
    const recent = await herald.deliveries({ first: 10, filter: { endpointId: endpoint.id } }, { signal }).catch(() => null);
    if (!recent) return null;
    const failed = recent.edges.find((edge) => edge.node.status === 'FAILED' || edge.node.status === 'RETRYING');
    return failed ? failureInWords(failed.node) : null;
  }, [endpoint.id, unhealthy, endpoint.consecutiveFailures]);

  // The dialog outlives the callout: resuming from it makes the endpoint healthy mid-replay.
  const dialog = replaySince && <ReplayDialog endpoint={endpoint} since={replaySince} onClose={() => setReplaySince(null)} onEndpointChange={onChange} />;
  if (health.kind === 'ok') {
    return (
      <>
        {null}
        {dialog}
      </>
    );
  }
  const mayResume = can('endpoints:write');
  const mayReplay = can('deliveries:write') && (endpoint.active || mayResume);
  // A spell's first failed delivery was made before it was announced failing: a day of margin.
  const spellStart = endpoint.failingSince ?? endpoint.disabledAt;
  const openReplay = () => setReplaySince(spellStart ? new Date(Date.parse(spellStart) - DAY) : new Date(Date.now() - DAY));

  const resume = async () => {
    if (busy) return;
    setBusy(true);
    try {
      // A pause ends with resumeEndpoint (its waiting deliveries go out); an endpoint that is off is turned on.
      const result = health.kind === 'paused' ? await herald.resumeEndpoint({ id: endpoint.id }) : await herald.toggleEndpoint({ id: endpoint.id, active: true });
      if (result.__typename !== 'ResumeEndpointPayload' && result.__typename !== 'ToggleEndpointPayload') throw new Refusal(describeMutationError(result));
      onChange(result.endpoint);
      setMessage({ text: health.kind === 'paused' ? 'Resumed: the events that waited are being sent, oldest first.' : 'Resumed: new events are sent to it again.', error: false });
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <section
        className={`callout ${health.kind === 'paused' ? 'callout-paused' : health.kind === 'off' ? (health.byYou ? 'callout-paused' : 'callout-off') : 'callout-failing'}`}
        aria-labelledby={titleId}
        data-health={health.kind}
      >
        {health.kind === 'paused' ? (
          <>
            <h2 id={titleId}>This endpoint is paused</h2>
            <p className="callout-reason">
              Paused by you on <time dateTime={health.since}>{formatTime(health.since)}</time>.
            </p>
            <p>New events wait and are not sent yet; when you resume it they are sent, oldest first.</p>
          </>
        ) : health.kind === 'off' ? (
          <>
            <h2 id={titleId}>{health.byYou ? 'This endpoint is paused' : 'This endpoint is turned off'}</h2>
            <p className="callout-reason">
              {health.reason}
              {health.since && (
                <>
                  {' '}
                  on <time dateTime={health.since}>{formatTime(health.since)}</time>
                </>
              )}
              .
            </p>
            <p>New events are not being sent to it, and events published while it is off will not be sent when it is resumed.</p>
          </>
        ) : (
          <>
            <h2 id={titleId}>Deliveries to this endpoint are failing</h2>
            <p className="callout-reason">
              Failing since <time dateTime={health.since}>{formatTime(health.since)}</time>
              {health.failuresInARow > 0 && `; ${health.failuresInARow} ${health.failuresInARow === 1 ? 'delivery has' : 'deliveries have'} failed in a row`}.
            </p>
            <p>Failed deliveries are retried on a schedule. If they keep failing, the endpoint is turned off and new events stop being sent to it.</p>
          </>
        )}
        {lastFailure.data && (
          <p className="callout-error">
            Last error: <span>{lastFailure.data}</span>
          </p>
        )}
        <div className="actions">
          {(health.kind === 'off' || health.kind === 'paused') && mayResume && (
            <button type="button" className="primary" onClick={resume} aria-disabled={busy} ref={resumeButton}>
              Resume endpoint
            </button>
          )}
          {unhealthy && mayReplay && (
            <button type="button" onClick={openReplay}>
              {endpoint.active ? 'Retry what failed…' : 'Resume and retry what failed…'}
            </button>
          )}
        </div>
        {(health.kind === 'off' || health.kind === 'paused') && !mayResume && <p className="muted">This portal link cannot resume the endpoint: ask whoever gave you the link.</p>}
        <p role="status" className={message?.error ? 'field-error' : 'muted'}>
          {message?.text ?? ''}
        </p>
      </section>
      {dialog}
    </>
  );
}
