// Custom headers sent with every delivery (an API key of the receiver, a routing hint).
export interface HeaderRow {
  name: string;
  value: string;
}

export function HeaderRows({ rows, onChange, error }: { rows: HeaderRow[]; onChange: (rows: HeaderRow[]) => void; error: string | undefined }) {
  const update = (index: number, patch: Partial<HeaderRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset aria-describedby={error ? 'headers-error' : undefined}>
      <legend>Custom headers</legend>
      {rows.length === 0 && <p className="muted">None. Headers added here are sent with every delivery.</p>}
      {rows.map((row, index) => (
        <div className="row" key={index}>
          <label htmlFor={`header-name-${index}`} className="visually-hidden">
            Header {index + 1} name
          </label>
          <input id={`header-name-${index}`} className="mono" placeholder="X-Api-Key" value={row.name} onChange={(e) => update(index, { name: e.currentTarget.value })} />
          <label htmlFor={`header-value-${index}`} className="visually-hidden">
            Header {index + 1} value
          </label>
          <input id={`header-value-${index}`} className="mono" placeholder="value" value={row.value} onChange={(e) => update(index, { value: e.currentTarget.value })} />
          <button type="button" aria-label={`Remove header ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { name: '', value: '' }])}>
        Add header
      </button>
      {error && (
        <p id="headers-error" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
