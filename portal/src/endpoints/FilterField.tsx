// The endpoint's payload filter (docs/payload-filters.md) as JSON text, with a sample payload to
// test it against: the server answers exactly as publishing would decide, so what the form shows
// is what the endpoint will receive.
import { useState } from 'react';
import type { JsonValue } from '@herald/sdk';
import { useSession } from '../session/session.tsx';
import { filterIssueText } from './field-errors.ts';

type Outcome =
  | { kind: 'matches' }
  | { kind: 'mismatch'; message: string }
  | { kind: 'invalid'; messages: string[] }
  | { kind: 'none' };

/** The filter text as the API takes it: null for none; a message when it is not JSON. */
export function parseFilterText(text: string): { ok: true; filter: JsonValue } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, filter: null };
  try {
    return { ok: true, filter: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, message: `is not valid JSON: ${(error as Error).message}` };
  }
}

/** A failed comparison names its field in the message; a failed $or, $and or $not is placed by its path. */
function mismatchText(path: readonly string[], message: string): string {
  return ['$or', '$and', '$not'].includes(path.at(-1) ?? '') ? filterIssueText(path, message) : message;
}

export function FilterField({ value, onChange, error, example }: { value: string; onChange: (text: string) => void; error: string | undefined; example: unknown }) {
  const { herald, report } = useSession();
  const [sample, setSample] = useState(() => JSON.stringify(example ?? {}, null, 2));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const test = async () => {
    const filter = parseFilterText(value);
    if (!filter.ok) return setOutcome({ kind: 'invalid', messages: [`The filter ${filter.message}`] });
    if (filter.filter === null) return setOutcome({ kind: 'none' });
    let payload: JsonValue;
    try {
      payload = JSON.parse(sample) as JsonValue;
    } catch (caught) {
      return setOutcome({ kind: 'invalid', messages: [`The sample payload is not valid JSON: ${(caught as Error).message}`] });
    }
    setBusy(true);
    try {
      const result = await herald.testFilter({ filter: filter.filter, payload });
      if (result.__typename === 'TestFilterPayload') {
        setOutcome(result.matches ? { kind: 'matches' } : { kind: 'mismatch', message: result.reason ? mismatchText(result.reason.path, result.reason.message) : '' });
      } else {
        setOutcome({ kind: 'invalid', messages: result.fields.map((issue) => filterIssueText(issue.path, issue.message)) });
      }
    } catch (caught) {
      setOutcome({ kind: 'invalid', messages: [report(caught)] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset aria-describedby={error ? 'filter-error' : undefined}>
      <legend>Payload filter</legend>
      <div className="field">
        <label htmlFor="filter">Filter (JSON)</label>
        <textarea
          id="filter"
          className="mono"
          rows={4}
          spellCheck={false}
          placeholder='{"data.amount": {"$gte": 100}}'
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={['filter-help', error ? 'filter-error' : ''].filter(Boolean).join(' ')}
          onChange={(e) => {
            onChange(e.currentTarget.value);
            setOutcome(null);
          }}
        />
        <p id="filter-help" className="muted">
          Optional. Only events whose payload matches are delivered. Operators: $eq $neq $gt $gte $lt $lte $in $nin $exists $and $or $not; fields as dotted paths.
        </p>
        {error && (
          <p id="filter-error" className="field-error">
            {error}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="filter-sample">Sample payload</label>
        <textarea id="filter-sample" className="mono" rows={4} spellCheck={false} value={sample} onChange={(e) => setSample(e.currentTarget.value)} />
      </div>
      <button type="button" onClick={test} disabled={busy}>
        Test against sample
      </button>
      <div role="status" className="filter-outcome">
        {outcome?.kind === 'matches' && <p>Matches: this event would be delivered.</p>}
        {outcome?.kind === 'none' && <p>No filter: every event of the chosen types would be delivered.</p>}
        {outcome?.kind === 'mismatch' && <p>Does not match, so this event would not be delivered: {outcome.message}</p>}
        {outcome?.kind === 'invalid' && (
          <ul className="plain field-error">
            {outcome.messages.map((message, index) => (
              <li key={index}>{message}</li>
            ))}
          </ul>
        )}
      </div>
    </fieldset>
  );
}
