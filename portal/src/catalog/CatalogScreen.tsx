// The event types this organization sends: what each means, its JSON Schema and an example.
import { LongText, prettyJson } from '../layout/LongText.tsx';
import { loadCatalog } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';

export function CatalogScreen() {
  const { herald } = useSession();
  const catalog = useLoad((signal) => loadCatalog(herald, signal), []);
  if (catalog.error) return <p role="alert">{catalog.error}</p>;
  if (!catalog.data) return <p className="muted">Loading event types…</p>;
  return (
    <section>
      <h1>Event catalog</h1>
      <p>Every event your endpoints can receive. Subscribe to a type by name, to a group with a wildcard (invoice.*), or to everything (*).</p>
      {catalog.data.length === 0 && <p>No event types are defined yet.</p>}
      {catalog.data.map((entry, index) => (
        <article key={entry.name} className="card" aria-labelledby={`type-${index}`}>
          <h2 id={`type-${index}`} className="mono">
            {entry.name}
            {entry.deprecated && <span className="badge"> Deprecated</span>}
          </h2>
          <p>{entry.description || 'No description.'}</p>
          <details>
            <summary>JSON Schema</summary>
            {entry.schema ? <LongText text={prettyJson(entry.schema)} label={`JSON Schema of ${entry.name}`} /> : <p>Any JSON object.</p>}
          </details>
          <details>
            <summary>Example payload</summary>
            {entry.example ? <LongText text={prettyJson(entry.example)} label={`Example payload of ${entry.name}`} /> : <p>No example yet.</p>}
          </details>
        </article>
      ))}
    </section>
  );
}
