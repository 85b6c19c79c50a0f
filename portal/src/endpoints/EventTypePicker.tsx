// Event types from the catalog, each with its description; "all events" (`*`) or patterns such as
// `invoice.*` for types that do not exist yet.
import type { CatalogEntry } from '../session/portal-api.ts';

export interface EventTypeChoice {
  all: boolean;
  names: string[];
  patterns: string;
}

export function choiceFromList(eventTypes: readonly string[], catalog: readonly CatalogEntry[]): EventTypeChoice {
  const known = new Set(catalog.map((entry) => entry.name));
  return {
    all: eventTypes.includes('*'),
    names: eventTypes.filter((name) => known.has(name)),
    patterns: eventTypes.filter((name) => name !== '*' && !known.has(name)).join(', '),
  };
}

export function listFromChoice(choice: EventTypeChoice): string[] {
  if (choice.all) return ['*'];
  return [...choice.names, ...splitList(choice.patterns)];
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function EventTypePicker({
  catalog,
  value,
  onChange,
  error,
}: {
  catalog: readonly CatalogEntry[];
  value: EventTypeChoice;
  onChange: (next: EventTypeChoice) => void;
  error: string | undefined;
}) {
  return (
    <fieldset aria-describedby={error ? 'eventTypes-error' : undefined} aria-invalid={error ? true : undefined}>
      <legend>Event types</legend>
      <div className="check">
        <input id="event-all" type="checkbox" checked={value.all} onChange={(e) => onChange({ ...value, all: e.currentTarget.checked })} />
        <label htmlFor="event-all">
          All events <span className="muted">(*, including types added later)</span>
        </label>
      </div>
      {!value.all && (
        <>
          <ul className="choices">
            {catalog
              .filter((entry) => !entry.deprecated || value.names.includes(entry.name))
              .map((entry, index) => (
                <li key={entry.name} className="check">
                  <input
                    id={`event-type-${index}`}
                    type="checkbox"
                    checked={value.names.includes(entry.name)}
                    aria-describedby={`event-type-${index}-description`}
                    onChange={(e) => {
                      const checked = e.currentTarget.checked;
                      onChange({ ...value, names: checked ? [...value.names, entry.name] : value.names.filter((name) => name !== entry.name) });
                    }}
                  />
                  <label htmlFor={`event-type-${index}`}>
                    <span className="mono">{entry.name}</span>
                  </label>
                  <span id={`event-type-${index}-description`} className="muted description">
                    {entry.description || 'No description.'}
                  </span>
                </li>
              ))}
          </ul>
          <label htmlFor="event-patterns">Other types or wildcards</label>
          <input
            id="event-patterns"
            className="mono"
            placeholder="invoice.*, customer.created"
            aria-describedby="event-patterns-help"
            value={value.patterns}
            onChange={(e) => onChange({ ...value, patterns: e.currentTarget.value })}
          />
          <p id="event-patterns-help" className="muted">
            Comma-separated; a name ending in .* matches every type under it.
          </p>
        </>
      )}
      {error && (
        <p id="eventTypes-error" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
