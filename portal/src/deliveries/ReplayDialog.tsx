// "Replay failed deliveries since …": the count is shown before anything is sent again. Herald
// replays only to an active endpoint, so for one that is off the dialog says so and resumes it first.
import { useId, useState } from 'react';
import type { Endpoint } from '@herald/sdk';
import { Dialog } from '../layout/Dialog.tsx';
import { formatTime, toLocalInput } from '../layout/format.ts';
import { describeMutationError } from '../session/errors.ts';
import { useSession } from '../session/session.tsx';
import { countDeliveries } from './delivery-page.ts';

export function ReplayDialog({
  endpoint,
  onClose,
  onEndpointChange,
  since: initialSince,
}: {
  endpoint: Endpoint;
  onClose: () => void;
  onEndpointChange?: ((endpoint: Endpoint) => void) | undefined;
  /** Where the period starts; the last 24 hours unless given. */
  since?: Date | undefined;
}) {
  const { herald, report, can } = useSession();
  const [since, setSince] = useState(() => toLocalInput(initialSince ?? new Date(Date.now() - 86_400_000)));
  const resumeFirst = !endpoint.active;
  const [counted, setCounted] = useState<{ since: string; count: number } | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const sinceId = useId();
  const sinceIso = since ? new Date(since).toISOString() : null;

  const count = async () => {
    if (!sinceIso) return;
    setBusy(true);
    setMessage(null);
    try {
      const n = await countDeliveries(herald, { endpointId: endpoint.id, status: 'FAILED', since: sinceIso }, new AbortController().signal);
      setCounted({ since: sinceIso, count: n });
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const replay = async () => {
    if (!counted) return;
    setBusy(true);
    try {
      if (resumeFirst) {
        const resumed = await herald.toggleEndpoint({ id: endpoint.id, active: true });
        if (resumed.__typename !== 'ToggleEndpointPayload') {
          setMessage({ text: describeMutationError(resumed), error: true });
          return;
        }
        onEndpointChange?.(resumed.endpoint);
      }
      const result = await herald.replayDeliveries({ endpointId: endpoint.id, since: counted.since, statuses: ['FAILED'] });
      if (result.__typename === 'ReplayDeliveriesPayload') {
        setMessage({ text: `${result.count} ${result.count === 1 ? 'delivery was' : 'deliveries were'} queued again.`, error: false });
        setCounted(null);
      } else setMessage({ text: describeMutationError(result), error: true });
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Replay failed deliveries" onClose={onClose}>
      <p>Failed deliveries to this endpoint are sent again, each as a new attempt with the original payload.</p>
      {resumeFirst && (
        <p className="callout-note">
          {can('endpoints:write')
            ? 'The endpoint is turned off: replaying resumes it first, so new events are sent to it again too.'
            : 'The endpoint is turned off, and this link cannot resume it: failed deliveries can be replayed only once it is resumed.'}
        </p>
      )}
      <label htmlFor={sinceId}>Failed since</label>
      <input
        id={sinceId}
        type="datetime-local"
        value={since}
        onChange={(e) => {
          setSince(e.currentTarget.value);
          setCounted(null);
        }}
      />
      <div className="actions">
        <button type="button" onClick={count} disabled={busy || !sinceIso}>
          Count failed deliveries
        </button>
      </div>
      <div role="status">
        {counted && (
          <p>
            <strong>{counted.count}</strong> failed {counted.count === 1 ? 'delivery' : 'deliveries'} since {formatTime(counted.since)}.
          </p>
        )}
        {message && <p className={message.error ? 'field-error' : undefined}>{message.text}</p>}
      </div>
      <div className="actions">
        {counted && counted.count > 0 && (!resumeFirst || can('endpoints:write')) && (
          <button type="button" className="primary" onClick={replay} disabled={busy}>
            {resumeFirst ? 'Resume and replay' : 'Replay'} {counted.count} {counted.count === 1 ? 'delivery' : 'deliveries'}
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
