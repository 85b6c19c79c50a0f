// One delivery: its payload and every attempt (response status, body, duration, error), the next
// attempt, and "retry now" (or "cancel delivery" while it is SCHEDULED). Its status follows
// deliveryUpdated. The back link names the endpoint; a retry that its endpoint's state would
// refuse is shown disabled with the reason, before any click.
import { useEffect, useState } from 'react';
import type { AttemptForensics, DeliveryWithAttempts } from '@herald/sdk';
import { formatTime } from '../layout/format.ts';
import { LongText, prettyJson } from '../layout/LongText.tsx';
import { href } from '../layout/route.ts';
import { AttemptErrorText, DeliveryStatusBadge } from '../layout/Status.tsx';
import { describeMutationError } from '../session/errors.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';

export function DeliveryDetail({ id }: { id: string }) {
  const { herald, report, can } = useSession();
  const loaded = useLoad((signal) => herald.delivery(id, { signal }), [id]);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const delivery = loaded.data;
  const eventId = delivery?.event.id ?? null;
  const endpointId = delivery?.endpoint.id ?? null;
  // Without endpoints:read the link stays unnamed and retry is left to Herald to judge.
  const endpoint = useLoad(async (signal) => (endpointId ? await herald.endpoint(endpointId, { signal }).catch(() => null) : null), [endpointId]);
  // What each attempt kept of the exchange, read again when another attempt is recorded; absent
  // for a link without deliveries:read, and the timeline shows what it has.
  const attemptCount = delivery?.attempts.length ?? 0;
  const forensics = useLoad(async (signal) => {
    if (attemptCount === 0) return null;
    const read = await herald.deliveryAttempts(id, { signal }).catch(() => null);
    return new Map((read?.attempts ?? []).map((attempt) => [attempt.number, attempt]));
  }, [id, attemptCount]);
  const payload = useLoad(
    async (signal) => (eventId ? ((await herald.event(eventId, { signal }))?.payload ?? null) : null),
    [eventId],
  );

  useEffect(() => {
    const controller = new AbortController();
    const sub = herald.deliveryUpdated({ filter: { deliveryId: id } }, { signal: controller.signal });
    void (async () => {
      try {
        for await (const update of sub) if (update) loaded.set(() => update);
      } catch (error) {
        if (!controller.signal.aborted) report(error);
      }
    })();
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [herald, id]);

  if (loaded.error) return <p role="alert">{loaded.error}</p>;
  if (loaded.loading && !delivery) return <p className="muted">Loading delivery…</p>;
  if (!delivery) {
    return (
      <section>
        <h1>Delivery not found</h1>
        <p>
          It may have been deleted with its endpoint. <a href={href.deliveries()}>Back to the delivery log</a>
        </p>
      </section>
    );
  }

  // Herald retries only to an active endpoint (test sends excepted).
  const retryBlocked = endpoint.data?.active === false && !delivery.isTest;

  const retry = async () => {
    setBusy(true);
    try {
      const result = await herald.retryDelivery({ id: delivery.id });
      if (result.__typename === 'RetryDeliveryPayload') setMessage({ text: 'Retry queued: the new attempt appears below.', error: false });
      else setMessage({ text: describeMutationError(result), error: true });
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    setBusy(true);
    try {
      const result = await herald.cancelDelivery({ id: delivery.id });
      if (result.__typename === 'CancelDeliveryPayload') setMessage({ text: 'Cancelled: it will not be sent.', error: false });
      else setMessage({ text: describeMutationError(result), error: true });
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p>
        <a href={href.endpoint(delivery.endpoint.id)} className="back-to-endpoint">
          ← {endpoint.data?.name ?? 'Endpoint'}
        </a>{' '}
        · <a href={href.deliveries()}>Delivery log</a>
      </p>
      <section aria-labelledby="delivery-title">
        <div className="heading-row">
          <h1 id="delivery-title">
            Delivery of <span className="mono">{delivery.event.type}</span>
          </h1>
          <span data-status={delivery.status} className="delivery-status">
            <DeliveryStatusBadge status={delivery.status} />
          </span>
        </div>
        <dl className="facts">
          <dt>Created</dt>
          <dd>{formatTime(delivery.createdAt)}</dd>
          <dt>Attempts</dt>
          <dd>{delivery.attemptCount}</dd>
          {delivery.nextAttemptAt && (
            <>
              <dt>{delivery.status === 'SCHEDULED' ? 'Scheduled for' : 'Next attempt'}</dt>
              <dd>{formatTime(delivery.nextAttemptAt)}</dd>
            </>
          )}
          {delivery.completedAt && (
            <>
              <dt>Finished</dt>
              <dd>{formatTime(delivery.completedAt)}</dd>
            </>
          )}
          {delivery.lastError && (
            <>
              <dt>Last error</dt>
              <dd>
                <LongText text={delivery.lastError} label="Last error" />
              </dd>
            </>
          )}
        </dl>
        {can('deliveries:write') && (
          <div className="actions">
            {delivery.status === 'SCHEDULED' ? (
              <button type="button" onClick={cancel} disabled={busy}>
                Cancel delivery
              </button>
            ) : retryBlocked ? (
              <>
                <button type="button" disabled aria-describedby="retry-why">
                  Retry now
                </button>
                <p id="retry-why" className="muted">
                  Its endpoint is turned off, so it cannot be retried now: <a href={href.endpoint(delivery.endpoint.id)}>resume the endpoint</a> first.
                </p>
              </>
            ) : (
              <button type="button" onClick={retry} disabled={busy}>
                Retry now
              </button>
            )}
          </div>
        )}
        <p role="status" className={message?.error ? 'field-error' : 'muted'}>
          {message?.text ?? ''}
        </p>
      </section>
      <section aria-labelledby="payload-title">
        <h2 id="payload-title">Payload</h2>
        {payload.error ? (
          <p>The payload is not available to this portal link.</p>
        ) : payload.loading ? (
          <p className="muted">Loading payload…</p>
        ) : (
          <LongText text={prettyJson(payload.data)} label="Payload" />
        )}
      </section>
      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">Attempts</h2>
        <AttemptTimeline delivery={delivery} forensics={forensics.data ?? null} />
      </section>
    </>
  );
}

function AttemptTimeline({ delivery, forensics }: { delivery: DeliveryWithAttempts; forensics: Map<number, AttemptForensics> | null }) {
  if (delivery.attempts.length === 0) return <p>No attempt yet.</p>;
  return (
    <ol className="timeline">
      {[...delivery.attempts].reverse().map((attempt) => (
        <li key={attempt.number}>
          <h3>
            Attempt {attempt.number} · {formatTime(attempt.startedAt)}
          </h3>
          <dl className="facts">
            <dt>Response status</dt>
            <dd>{attempt.responseStatus ?? 'No response'}</dd>
            <dt>Duration</dt>
            <dd>{attempt.durationMs} ms</dd>
            {attempt.error && (
              <>
                <dt>Error</dt>
                <dd>
                  <AttemptErrorText error={attempt.error} />
                </dd>
              </>
            )}
          </dl>
          {attempt.responseBody !== null && attempt.responseBody !== '' && <LongText text={attempt.responseBody} label={`Response body of attempt ${attempt.number}`} />}
          {forensics?.get(attempt.number) && <AttemptExchange attempt={forensics.get(attempt.number)!} />}
        </li>
      ))}
    </ol>
  );
}

/** Where the time went, the address, and the headers each way (secret values were never kept). */
function AttemptExchange({ attempt }: { attempt: AttemptForensics }) {
  const { timings } = attempt;
  const phases = timings
    ? ([
        ['DNS', timings.dnsMs],
        ['Connect', timings.connectMs],
        ['TLS', timings.tlsMs],
        ['First byte', timings.firstByteMs],
        ['Total', timings.totalMs],
      ] as const).filter(([, ms]) => ms !== null)
    : [];
  const headers = (list: ReadonlyArray<{ name: string; value: string }> | null) =>
    list && list.length > 0 ? (
      <ul className="plain mono headers">
        {list.map((header, index) => (
          <li key={index}>
            {header.name}: {header.value}
          </li>
        ))}
      </ul>
    ) : (
      <p className="muted">None</p>
    );
  return (
    <details className="exchange">
      <summary>Request and response details</summary>
      <dl className="facts">
        {phases.length > 0 && (
          <>
            <dt>Timing</dt>
            <dd>{phases.map(([name, ms]) => `${name} ${ms} ms`).join(' · ')}</dd>
          </>
        )}
        {attempt.remoteAddress && (
          <>
            <dt>Connected to</dt>
            <dd className="mono">{attempt.remoteAddress}</dd>
          </>
        )}
      </dl>
      <h4>Request headers</h4>
      {headers(attempt.requestHeaders)}
      <h4>Response headers</h4>
      {headers(attempt.responseHeaders)}
    </details>
  );
}
