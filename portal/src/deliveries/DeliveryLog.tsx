// The delivery log, for one endpoint or for all: filters (each applied by Herald), pages, and
// rows that move on their own. Each row names its endpoint; under 600 px rows stack (portal.css).
import { useId, useState } from 'react';
import type { DeliveryStatus, DeliveryWithAttempts, Endpoint } from '@herald/sdk';
import { deliveryStatusWord, formatTime } from '../layout/format.ts';
import { href } from '../layout/route.ts';
import { DeliveryStatusBadge } from '../layout/Status.tsx';
import { loadCatalog } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';
import type { LogFilter } from './delivery-page.ts';
import { loadEndpointNames, type EndpointName } from './endpoint-names.ts';
import { ReplayDialog } from './ReplayDialog.tsx';
import { useLiveLog } from './use-live-log.ts';

const STATUSES: DeliveryStatus[] = ['SCHEDULED', 'PENDING', 'SENDING', 'SUCCEEDED', 'RETRYING', 'FAILED', 'CANCELLED', 'PAUSED'];

export function DeliveryLog({ endpoint, onEndpointChange }: { endpoint?: Endpoint; onEndpointChange?: (endpoint: Endpoint) => void }) {
  const { herald, can } = useSession();
  const catalog = useLoad((signal) => loadCatalog(herald, signal).catch(() => []), []);
  // Without endpoints:read the rows still link to their endpoints, unnamed.
  const endpoints = useLoad((signal) => (endpoint ? Promise.resolve([]) : loadEndpointNames(herald, signal).catch(() => [])), [endpoint?.id]);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [eventType, setEventType] = useState('');
  const [endpointId, setEndpointId] = useState('');
  const [since, setSince] = useState('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [replaying, setReplaying] = useState(false);
  const ids = { status: useId(), type: useId(), endpoint: useId(), since: useId(), title: useId() };
  const filter: LogFilter = {
    endpointId: endpoint?.id ?? (endpointId || null),
    status: status || null,
    eventType: eventType || null,
    since: since ? new Date(since).toISOString() : null,
  };
  const after = cursors[cursors.length - 1] ?? null;
  const log = useLiveLog(filter, after);
  const resetPages = () => setCursors([null]);
  const Heading = endpoint ? 'h2' : 'h1';
  const names = new Map((endpoints.data ?? []).map((entry) => [entry.id, entry]));

  return (
    <section aria-labelledby={ids.title} className="delivery-log">
      <div className="heading-row">
        <Heading id={ids.title}>{endpoint ? 'Deliveries' : 'Delivery log'}</Heading>
        <p role="status" className="muted live" data-live={log.live}>
          {log.live === 'live' ? '● Live: new deliveries and status changes appear as they happen' : log.live === 'connecting' ? 'Connecting…' : 'Not live: reload to see changes'}
        </p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter deliveries">
        {!endpoint && (endpoints.data?.length ?? 0) > 0 && (
          <div className="field inline">
            <label htmlFor={ids.endpoint}>Endpoint</label>
            <select id={ids.endpoint} value={endpointId} onChange={(e) => (setEndpointId(e.currentTarget.value), resetPages())}>
              <option value="">Any</option>
              {endpoints.data!.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.name === entry.host ? entry.name : `${entry.name} (${entry.host})`}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field inline">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => (setStatus(e.currentTarget.value as DeliveryStatus | ''), resetPages())}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {deliveryStatusWord(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={ids.type}>Event type</label>
          <select id={ids.type} value={eventType} onChange={(e) => (setEventType(e.currentTarget.value), resetPages())}>
            <option value="">Any</option>
            <option value="webhook.test">Test webhooks</option>
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
      {log.rows && log.rows.length === 0 && <p>No deliveries{status || eventType || since || endpointId ? ' match these filters' : ' yet'}.</p>}
      {log.rows && log.rows.length > 0 && <DeliveryTable rows={log.rows} endpoints={endpoint ? null : names} />}
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
      {replaying && endpoint && <ReplayDialog endpoint={endpoint} onClose={() => setReplaying(false)} onEndpointChange={onEndpointChange} />}
    </section>
  );
}

/** `endpoints` null: the log of one endpoint, whose rows need not name it. */
function DeliveryTable({ rows, endpoints }: { rows: DeliveryWithAttempts[]; endpoints: Map<string, EndpointName> | null }) {
  return (
    <div className="table-wrap">
      <table className="log-table">
        <caption className="visually-hidden">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Event type</th>
            {endpoints && <th scope="col">Endpoint</th>}
            <th scope="col">Created</th>
            <th scope="col" className="log-detail">Attempts</th>
            <th scope="col" className="log-detail">Last status code</th>
            <th scope="col" className="log-detail">Duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((delivery) => {
            const last = delivery.attempts[delivery.attempts.length - 1];
            return (
              <tr key={delivery.id} data-delivery-id={delivery.id} data-status={delivery.status}>
                <td data-label="Status" className="log-status">
                  <a href={href.delivery(delivery.id)} aria-label={`${deliveryStatusWord(delivery.status)}: open delivery of ${delivery.event.type}`}>
                    <DeliveryStatusBadge status={delivery.status} />
                  </a>
                  {delivery.status === 'RETRYING' && delivery.nextAttemptAt && <span className="next"> next attempt {formatTime(delivery.nextAttemptAt)}</span>}
                  {delivery.status === 'SCHEDULED' && delivery.nextAttemptAt && <span className="next"> due {formatTime(delivery.nextAttemptAt)}</span>}
                  {delivery.isTest && <span className="muted"> (test)</span>}
                </td>
                <td data-label="Event type" className="mono log-type">
                  {delivery.event.type}
                </td>
                {endpoints && (
                  <td data-label="Endpoint" className="log-endpoint">
                    <EndpointCell id={delivery.endpoint.id} known={endpoints.get(delivery.endpoint.id)} />
                  </td>
                )}
                <td data-label="Created" className="log-time">
                  {formatTime(delivery.createdAt)}
                </td>
                <td data-label="Attempts" className="log-detail">
                  {delivery.attemptCount}
                </td>
                <td data-label="Last status code" className="log-detail">
                  {delivery.lastStatusCode ?? '—'}
                </td>
                <td data-label="Duration" className="log-detail">
                  {last ? `${last.durationMs} ms` : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function EndpointCell({ id, known }: { id: string; known: EndpointName | undefined }) {
  if (!known) return <a href={href.endpoint(id)}>Open endpoint</a>;
  return (
    <>
      <a href={href.endpoint(id)} className="endpoint-name">
        {known.name}
      </a>
      {known.host !== known.name && <span className="endpoint-host">{known.host}</span>}
    </>
  );
}
