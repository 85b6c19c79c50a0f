// Text from receivers, payloads and the organization's users, shown as text only (React escapes
// it; nothing here is ever parsed as HTML). Long text is cut for display so a 1 MB body leaves
// the page usable; "Show more" reveals it in steps.
import { useState } from 'react';

const STEP = 4_000;

export function LongText({ text, label }: { text: string; label: string }) {
  const [shown, setShown] = useState(STEP);
  const cut = text.length > shown;
  return (
    <div className="long-text">
      <pre tabIndex={0} aria-label={label}>
        {cut ? text.slice(0, shown) : text}
      </pre>
      {cut && (
        <p className="muted">
          Showing {shown.toLocaleString('en')} of {text.length.toLocaleString('en')} characters.{' '}
          <button type="button" className="link" onClick={() => setShown((n) => n * 4)}>
            Show more
          </button>
        </p>
      )}
    </div>
  );
}

/** JSON as indented text; anything else as given. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? '';
}
