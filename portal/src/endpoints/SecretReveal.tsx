// A signing secret is readable once, right after it is made: it stays on screen until the person
// says they stored it.
import { useId, useState } from 'react';
import { CopyButton } from '../layout/CopyButton.tsx';

export function SecretReveal({ secret, title, note, onDone }: { secret: string; title: string; note?: string; onDone: () => void }) {
  const [stored, setStored] = useState(false);
  const inputId = useId();
  const checkId = useId();
  return (
    <section className="secret" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>{title}</h2>
      <p>This is the only time the secret is shown. Store it where your receiver reads its configuration; it is needed to verify every webhook.</p>
      {note && <p>{note}</p>}
      <label htmlFor={inputId}>Signing secret</label>
      <div className="row">
        <input id={inputId} className="mono" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <div className="check">
        <input id={checkId} type="checkbox" checked={stored} onChange={(e) => setStored(e.currentTarget.checked)} />
        <label htmlFor={checkId}>I have stored the secret</label>
      </div>
      <button type="button" className="primary" disabled={!stored} onClick={onDone}>
        Done
      </button>
    </section>
  );
}
