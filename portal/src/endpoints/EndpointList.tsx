// Endpoints with their state and their last 24 hours of deliveries.
import { useState } from 'react';
import { formatRate, formatTime } from '../layout/format.ts';
import { href } from '../layout/route.ts';
import { EndpointStateBadge } from '../layout/Status.tsx';
import { loadEndpoints } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';

const PAGE = 25;

/** The URL's host (with its port), which names an endpoint on a narrow screen; the URL as given if it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function EndpointList() {
  const { herald, can } = useSession();
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const page = useLoad((signal) => loadEndpoints(herald, { first: PAGE, after }, signal), [after]);
  const writable = can('endpoints:write');

  if (page.error) return <p role="alert">{page.error}</p>;
  if (!page.data) return <p className="muted">Loading endpoints…</p>;
  const { rows, pageInfo } = page.data;

  if (rows.length === 0 && cursors.length === 1) {
    return (
      <section className="empty">
        <h1>Endpoints</h1>
        <p>A webhook is a URL of yours that we call whenever something happens in your account.</p>
        <p>Add an endpoint to receive those events as signed HTTP requests, and see every delivery here.</p>
        {writable && (
          <a className="button primary" href={href.newEndpoint()}>
            Add endpoint
          </a>
        )}
      </section>
    );
  }

  return (
    <section>
      <div className="heading-row">
        <h1>Endpoints</h1>
        {writable && (
          <a className="button primary" href={href.newEndpoint()}>
            Add endpoint
          </a>
        )}
      </div>
      <div className="table-wrap">
        {/* Under 600 px each row stacks (portal.css): name and host, state, last delivery. The explicit
            roles keep it a table to screen readers, which drop a table's semantics once CSS makes
            its rows blocks. */}
        <table className="stacked endpoint-list" role="table">
          <caption className="visually-hidden">Your webhook endpoints, with deliveries over the last 24 hours</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Name</th>
              <th role="columnheader" scope="col" className="wide-only">URL</th>
              <th role="columnheader" scope="col" className="wide-only">Event types</th>
              <th role="columnheader" scope="col" className="wide-only">Projects</th>
              <th role="columnheader" scope="col">State</th>
              <th role="columnheader" scope="col">Success (24 h)</th>
              <th role="columnheader" scope="col">Last delivery</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {rows.map((endpoint) => (
              <tr key={endpoint.id} role="row">
                <th role="rowheader" scope="row" className="name">
                  <a href={href.endpoint(endpoint.id)}>{endpoint.name || endpoint.url}</a>
                  <span className="host narrow-only">{hostOf(endpoint.url)}</span>
                </th>
                <td role="cell" className="url wide-only">{endpoint.url}</td>
                <td role="cell" className="wide-only">{endpoint.eventTypes.join(', ')}</td>
                <td role="cell" className="wide-only">{endpoint.projects.length ? endpoint.projects.join(', ') : 'All'}</td>
                <td role="cell" className="state" data-label="State">
                  <EndpointStateBadge endpoint={endpoint} />
                </td>
                <td role="cell" className="rate" data-label="Success (24 h)">
                  {endpoint.stats && endpoint.stats.total > 0
                    ? `${formatRate(endpoint.stats.successRate)} of ${endpoint.stats.total}`
                    : 'No deliveries'}
                </td>
                <td role="cell" className="last" data-label="Last delivery">
                  {formatTime(endpoint.stats?.lastDeliveryAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        {cursors.length > 1 && (
          <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous page
          </button>
        )}
        {pageInfo.hasNextPage && pageInfo.endCursor && (
          <button type="button" onClick={() => setCursors((c) => [...c, pageInfo.endCursor])}>
            Next page
          </button>
        )}
      </div>
    </section>
  );
}
