// How a receiver checks this endpoint's signatures, for its scheme: a whole program to run
// (portal/src/endpoints/verify-snippets.ts).
import { useId, useState } from 'react';
import type { SignatureScheme } from '@herald/sdk';
import { useSession } from '../session/session.tsx';
import { verifySnippet, type SnippetLanguage } from './verify-snippets.ts';

const LANGUAGES: Record<SnippetLanguage, string> = { node: 'Node.js', python: 'Python' };

export function VerifySnippet({ scheme }: { scheme: SignatureScheme }) {
  const { access } = useSession();
  const [language, setLanguage] = useState<SnippetLanguage>('node');
  const id = useId();
  const snippet = verifySnippet(language, scheme, access.signatureHeader);
  const keyWords = snippet.keyVariable === 'WEBHOOK_PUBLIC_KEY' ? 'the endpoint’s public key (above)' : 'your signing secret';
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Verify the signature</h2>
      <div className="field inline">
        <label htmlFor={`${id}-language`}>Language</label>
        <select id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.currentTarget.value === 'python' ? 'python' : 'node')}>
          {Object.entries(LANGUAGES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <p className="muted">
        {snippet.install ? (
          <>
            Install with <code>{snippet.install}</code>, save this as <code>{snippet.fileName}</code> and run it with {keyWords} in{' '}
            <code>{snippet.keyVariable}</code>.
          </>
        ) : (
          <>
            Nothing to install: save this as <code>{snippet.fileName}</code> and run it with {keyWords} in <code>{snippet.keyVariable}</code>.
          </>
        )}
      </p>
      <pre tabIndex={0} aria-label={`Verification code, ${LANGUAGES[language]}`} data-snippet={`${language}-${scheme}`}>
        {snippet.code}
      </pre>
    </section>
  );
}
