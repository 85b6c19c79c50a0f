// The delivery log, for one endpoint or for all: filters, pages, and rows that move on their own.
import { useId, useState } from 'react';
import type { DeliveryStatus, DeliveryWithAttempts, Endpoint } from '@herald/sdk';
import { formatTime } from '../layout/format.ts';
import { href } from '../layout/route.ts';
import { DeliveryStatusBadge } from '../layout/Status.tsx';
import { loadCatalog } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';
import type { LogFilter } from './delivery-page.ts';
import { ReplayDialog } from './ReplayDialog.tsx';
import { useLiveLog } from './use-live-log.ts';

const STATUSES: DeliveryStatus[] = ['SCHEDULED', 'PENDING', 'SENDING', 'SUCCEEDED', 'RETRYING', 'FAILED', 'CANCELLED'];

export function DeliveryLog({ endpoint }: { endpoint?: Endpoint }) {
  const { herald, can } = useSession();
  const catalog = useLoad((signal) => loadCatalog(herald, signal).catch(() => []), []);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [eventType, setEventType] = useState('');
  const [since, setSince] = useState('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [replaying, setReplaying] = useState(false);
  const ids = { status: useId(), type: useId(), since: useId(), title: useId() };
  const filter: LogFilter = {
    endpointId: endpoint?.id ?? null,
    status: status || null,
    eventType: eventType || null,
    since: since ? new Date(since).toISOString() : null,
  };
  const after = cursors[cursors.length - 1] ?? null;
  const log = useLiveLog(filter, after);
  const resetPages = () => setCursors([null]);
  const Heading = endpoint ? 'h2' : 'h1';

  return (
    <section aria-labelledby={ids.title} className="delivery-log">
      <div className="heading-row">
        <Heading id={ids.title}>{endpoint ? 'Deliveries' : 'Delivery log'}</Heading>
        <p role="status" className="muted live" data-live={log.live}>
          {log.live === 'live' ? '● Live: new deliveries and status changes appear as they happen' : log.live === 'connecting' ? 'Connecting…' : 'Not live: reload to see changes'}
        </p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter deliveries">
        <div className="field inline">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => (setStatus(e.currentTarget.value as DeliveryStatus | ''), resetPages())}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={ids.type}>Event type</label>
          <select id={ids.type} value={eventType} onChange={(e) => (setEventType(e.currentTarget.value), resetPages())}>
            <option value="">Any</option>
            <option value="webhook.test">webhook.test</option>
            {(catalog.data ?? [])
              .filter((entry) => entry.name !== 'webhook.test')
              .map((entry) => (
                <option key={entry.name} value={entry.name}>
                  {entry.name}
                </option>
              ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={ids.since}>Since</label>
          <input id={ids.since} type="datetime-local" value={since} onChange={(e) => (setSince(e.currentTarget.value), resetPages())} />
        </div>
        {endpoint && can('deliveries:write') && (
          <button type="button" onClick={() => setReplaying(true)}>
            Replay failed deliveries…
          </button>
        )}
      </form>
      {log.error && <p role="alert">{log.error}</p>}
      {!log.rows && !log.error && <p className="muted">Loading deliveries…</p>}
      {log.rows && log.rows.length === 0 && <p>No deliveries{status || eventType || since ? ' match these filters' : ' yet'}.</p>}
      {log.rows && log.rows.length > 0 && <DeliveryTable rows={log.rows} showEndpoint={!endpoint} />}
      <div className="pager">
        {cursors.length > 1 && (
          <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </button>
        )}
        {log.next && (
          <button type="button" onClick={() => setCursors((c) => [...c, log.next])}>
            Older
          </button>
        )}
      </div>
      {replaying && endpoint && <ReplayDialog endpoint={endpoint} onClose={() => setReplaying(false)} />}
    </section>
  );
}

function DeliveryTable({ rows, showEndpoint }: { rows: DeliveryWithAttempts[]; showEndpoint: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Event type</th>
            <th scope="col">Created</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last status code</th>
            <th scope="col">Duration</th>
            {showEndpoint && <th scope="col">Endpoint</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((delivery) => {
            const last = delivery.attempts[delivery.attempts.length - 1];
            return (
              <tr key={delivery.id} data-delivery-id={delivery.id} data-status={delivery.status}>
                <td>
                  <a href={href.delivery(delivery.id)} aria-label={`${delivery.status}: open delivery of ${delivery.event.type}`}>
                    <DeliveryStatusBadge status={delivery.status} />
                  </a>
                  {delivery.status === 'RETRYING' && delivery.nextAttemptAt && <span className="next"> next attempt {formatTime(delivery.nextAttemptAt)}</span>}
                  {delivery.status === 'SCHEDULED' && delivery.nextAttemptAt && <span className="next"> due {formatTime(delivery.nextAttemptAt)}</span>}
                  {delivery.isTest && <span className="muted"> (test)</span>}
                </td>
                <td className="mono">{delivery.event.type}</td>
                <td>{formatTime(delivery.createdAt)}</td>
                <td>{delivery.attemptCount}</td>
                <td>{delivery.lastStatusCode ?? '—'}</td>
                <td>{last ? `${last.durationMs} ms` : '—'}</td>
                {showEndpoint && (
                  <td>
                    <a href={href.endpoint(delivery.endpoint.id)}>Endpoint</a>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
