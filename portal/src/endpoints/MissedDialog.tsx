// "Deliver what this endpoint missed since …": events it takes now but never received (published
// while it was off, or before it subscribed to their type). The count comes first (a dry run of
// replayMissing); nothing is sent until it is confirmed, and each event is delivered once however
// often this is used.
import { useId, useState } from 'react';
import type { Endpoint } from '@herald/sdk';
import { Dialog } from '../layout/Dialog.tsx';
import { formatTime, toLocalInput } from '../layout/format.ts';
import { describeMutationError } from '../session/errors.ts';
import { useSession } from '../session/session.tsx';

const events = (n: number) => `${n} ${n === 1 ? 'event' : 'events'}`;

export function MissedDialog({ endpoint, onClose }: { endpoint: Endpoint; onClose: () => void }) {
  const { herald, report } = useSession();
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 86_400_000)));
  const [counted, setCounted] = useState<{ since: string; count: number; complete: boolean } | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const sinceId = useId();
  const sinceIso = since ? new Date(since).toISOString() : null;

  const ask = async (dryRun: boolean, from: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const result = await herald.replayMissing({ endpointId: endpoint.id, since: from, dryRun });
      if (result.__typename !== 'ReplayMissingPayload') {
        setMessage({ text: describeMutationError(result), error: true });
        return;
      }
      if (dryRun) setCounted({ since: from, count: result.count, complete: result.complete });
      else {
        setCounted(null);
        setMessage({ text: `${events(result.count)} queued for delivery${result.complete ? '' : '; more remain, deliver again to go on'}.`, error: false });
      }
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Deliver missed events" onClose={onClose}>
      <p>Events this endpoint takes now but never received, such as those published while it was turned off, are delivered once each, oldest first.</p>
      <label htmlFor={sinceId}>Missed since</label>
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
        <button type="button" onClick={() => sinceIso && ask(true, sinceIso)} disabled={busy || !sinceIso}>
          Count missed events
        </button>
      </div>
      <div role="status">
        {counted && (
          <p>
            <strong>{counted.count}</strong>
            {counted.complete ? '' : '+'} missed {counted.count === 1 ? 'event' : 'events'} since {formatTime(counted.since)}.
          </p>
        )}
        {message && <p className={message.error ? 'field-error' : undefined}>{message.text}</p>}
      </div>
      <div className="actions">
        {counted && counted.count > 0 && (
          <button type="button" className="primary" onClick={() => ask(false, counted.since)} disabled={busy}>
            Deliver {events(counted.count)}
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
