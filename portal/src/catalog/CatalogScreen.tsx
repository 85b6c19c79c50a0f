// The event types this organization sends, grouped by the prefix before the first dot
// (`invoice.paid` is in "invoice"), with a search over names and descriptions: what each means, its
// JSON Schema when it has one, and an example.
import { useId, useMemo, useState } from 'react';
import { LongText, prettyJson } from '../layout/LongText.tsx';
import { loadCatalog, type CatalogEntry } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';
import { groupCatalog, matchesSearch } from './catalog-groups.ts';

export function CatalogScreen() {
  const { herald } = useSession();
  const catalog = useLoad((signal) => loadCatalog(herald, signal), []);
  if (catalog.error) return <p role="alert">{catalog.error}</p>;
  if (!catalog.data) return <p className="muted">Loading event types…</p>;
  return <Catalog entries={catalog.data} />;
}

function Catalog({ entries }: { entries: CatalogEntry[] }) {
  const [search, setSearch] = useState('');
  const searchId = useId();
  const groups = useMemo(() => groupCatalog(entries.filter((entry) => matchesSearch(entry, search))), [entries, search]);
  const shown = groups.reduce((sum, group) => sum + group.entries.length, 0);
  return (
    <section>
      <h1>Event catalog</h1>
      <p>Every event your endpoints can receive. Subscribe to a type by name, to a group with a wildcard (invoice.*), or to everything (*).</p>
      {entries.length === 0 ? (
        <p>No event types are defined yet.</p>
      ) : (
        <>
          <div className="field search" role="search">
            <label htmlFor={searchId}>Search event types</label>
            <input id={searchId} type="search" value={search} placeholder="invoice, paid, refund…" aria-describedby={`${searchId}-count`} onChange={(e) => setSearch(e.currentTarget.value)} />
            <p id={`${searchId}-count`} role="status" className="muted">
              {search.trim() === '' ? `${entries.length} event ${entries.length === 1 ? 'type' : 'types'}` : shown === 0 ? `No event type matches “${search.trim()}”.` : `${shown} of ${entries.length} match`}
            </p>
          </div>
          {groups.map((group) => (
            <CatalogGroup key={group.name} name={group.name} entries={group.entries} />
          ))}
        </>
      )}
    </section>
  );
}

function CatalogGroup({ name, entries }: { name: string; entries: CatalogEntry[] }) {
  const titleId = useId();
  return (
    <section className="catalog-group" aria-labelledby={titleId}>
      <h2 id={titleId}>{name}</h2>
      {entries.map((entry) => (
        <EventTypeCard key={entry.name} entry={entry} />
      ))}
    </section>
  );
}

function EventTypeCard({ entry }: { entry: CatalogEntry }) {
  const titleId = useId();
  return (
    <article className="card" aria-labelledby={titleId}>
      <h3 id={titleId} className="mono">
        {entry.name}
        {entry.deprecated && <span className="badge"> Deprecated</span>}
      </h3>
      <p>{entry.description || 'No description.'}</p>
      {entry.schema != null && (
        <details>
          <summary>JSON Schema</summary>
          <LongText text={prettyJson(entry.schema)} label={`JSON Schema of ${entry.name}`} />
        </details>
      )}
      <details>
        <summary>Example payload</summary>
        {entry.example != null ? <LongText text={prettyJson(entry.example)} label={`Example payload of ${entry.name}`} /> : <p>No example yet.</p>}
      </details>
    </article>
  );
}
