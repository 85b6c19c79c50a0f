// What can be done to an endpoint: pause, deliver what it missed, send a test event, rotate the secret, delete.
import { useId, useState } from 'react';
import type { Endpoint } from '@herald/sdk';
import { Dialog } from '../layout/Dialog.tsx';
import { href, navigate } from '../layout/route.ts';
import { describeMutationError, Refusal } from '../session/errors.ts';
import type { CatalogEntry } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { MissedDialog } from './MissedDialog.tsx';
import { SecretReveal } from './SecretReveal.tsx';

type Open = null | 'rotate' | 'delete' | 'missed';

export function EndpointActions({ endpoint, catalog, onChange }: { endpoint: Endpoint; catalog: CatalogEntry[]; onChange: (endpoint: Endpoint) => void }) {
  const { herald, report, can } = useSession();
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [testType, setTestType] = useState('webhook.test');
  const testId = useId();

  // Buttons stay enabled while busy (a disabled button drops keyboard focus to the page); a second press waits.
  const run = async (work: () => Promise<string | null>) => {
    if (busy) return;
    setBusy(true);
    try {
      const text = await work();
      setMessage(text ? { text, error: false } : null);
    } catch (error) {
      setMessage({ text: report(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const pause = () =>
    run(async () => {
      // A pause keeps what is published meanwhile (PAUSED deliveries), unlike turning it off.
      const result = await herald.pauseEndpoint({ id: endpoint.id });
      if (result.__typename !== 'PauseEndpointPayload') throw new Refusal(describeMutationError(result));
      onChange(result.endpoint);
      return null;
    });

  const test = () =>
    run(async () => {
      const result = await herald.testEndpoint({ id: endpoint.id, eventType: testType });
      if (result.__typename !== 'TestEndpointPayload') throw new Refusal(describeMutationError(result));
      return `Test event ${testType} sent; follow it in the delivery log below.`;
    });

  return (
    <section className="actions-panel" aria-label="Endpoint actions">
      <div className="actions">
        <a className="button" href={href.editEndpoint(endpoint.id)}>
          Edit
        </a>
        {/* An endpoint that is off is resumed from its callout (EndpointHealth), which says why it is off. */}
        {endpoint.active && !endpoint.pausedAt && (
          <button type="button" onClick={pause} aria-disabled={busy}>
            Pause endpoint
          </button>
        )}
        {endpoint.active && can('deliveries:write') && (
          <button type="button" onClick={() => setOpen('missed')}>
            Deliver what this endpoint missed…
          </button>
        )}
        <button type="button" onClick={() => setOpen('rotate')}>
          Rotate secret
        </button>
        <button type="button" className="danger" onClick={() => setOpen('delete')}>
          Delete endpoint
        </button>
      </div>
      <div className="row test-row">
        <label htmlFor={testId}>Test event type</label>
        <select id={testId} value={testType} onChange={(e) => setTestType(e.currentTarget.value)}>
          <option value="webhook.test">webhook.test</option>
          {catalog
            .filter((entry) => entry.name !== 'webhook.test' && !entry.name.startsWith('herald.') && !entry.deprecated)
            .map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
              </option>
            ))}
        </select>
        <button type="button" onClick={test} aria-disabled={busy}>
          Send test event
        </button>
      </div>
      <p role="status" className={message?.error ? 'field-error' : 'muted'}>
        {message?.text ?? ''}
      </p>
      {open === 'rotate' && <RotateDialog endpoint={endpoint} onClose={() => setOpen(null)} onRotated={onChange} />}
      {open === 'delete' && <DeleteDialog endpoint={endpoint} onClose={() => setOpen(null)} />}
      {open === 'missed' && <MissedDialog endpoint={endpoint} onClose={() => setOpen(null)} />}
    </section>
  );
}

const GRACE = [
  { seconds: 0, label: 'None: the old secret stops at once' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 7 * 86_400, label: '7 days' },
];

function RotateDialog({ endpoint, onClose, onRotated }: { endpoint: Endpoint; onClose: () => void; onRotated: (endpoint: Endpoint) => void }) {
  const { herald, report } = useSession();
  const [grace, setGrace] = useState(86_400);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const graceId = useId();
  const publicKeys = endpoint.signatureScheme === 'STANDARD_WEBHOOKS_ED25519';

  const rotate = async () => {
    setBusy(true);
    try {
      const result = await herald.rotateEndpointSecret({ id: endpoint.id, gracePeriodSeconds: grace });
      if (result.__typename === 'RotateEndpointSecretPayload') {
        onRotated(result.endpoint);
        // An Ed25519 endpoint's new key is private and stays here; its public key is on the page.
        if (publicKeys) onClose();
        else setSecret(result.secret);
      } else setError(describeMutationError(result));
    } catch (e) {
      setError(report(e));
    } finally {
      setBusy(false);
    }
  };

  // Once shown, the new secret can only be dismissed by confirming it was stored (Escape included).
  return (
    <Dialog title="Rotate signing secret" onClose={secret ? () => undefined : onClose}>
      {secret ? (
        <SecretReveal
          title="New signing secret"
          secret={secret}
          note={grace > 0 ? 'Until the grace period ends, deliveries are signed with both the old and the new secret.' : undefined}
          onDone={onClose}
        />
      ) : (
        <>
          {publicKeys ? (
            <p>
              A new key pair is made. During the grace period, deliveries carry signatures of both keys, so you can give your receiver the new public key (listed on this page once
              rotated) without dropping any; a receiver that fetches the key set picks it up by itself.
            </p>
          ) : (
            <p>A new secret is made and shown once. During the grace period, deliveries carry signatures for both secrets, so you can update your receiver without dropping any.</p>
          )}
          <label htmlFor={graceId}>Grace period</label>
          <select id={graceId} value={grace} onChange={(e) => setGrace(Number(e.currentTarget.value))}>
            {GRACE.map((option) => (
              <option key={option.seconds} value={option.seconds}>
                {option.label}
              </option>
            ))}
          </select>
          {error && (
            <p role="alert" className="field-error">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="primary" onClick={rotate} disabled={busy}>
              Rotate secret
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function DeleteDialog({ endpoint, onClose }: { endpoint: Endpoint; onClose: () => void }) {
  const { herald, report } = useSession();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmId = useId();
  const remove = async () => {
    setBusy(true);
    try {
      const result = await herald.deleteEndpoint({ id: endpoint.id });
      if (result.__typename === 'DeleteEndpointPayload' || result.__typename === 'NotFoundError') {
        onClose();
        navigate(href.endpoints());
      } else setError(describeMutationError(result));
    } catch (e) {
      setError(report(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Delete endpoint" onClose={onClose}>
      <p>Deleting stops all deliveries to this URL and removes its delivery log. This cannot be undone.</p>
      <label htmlFor={confirmId}>
        Type the endpoint’s name, <strong className="mono">{endpoint.name}</strong>, to confirm
      </label>
      <input id={confirmId} value={typed} autoComplete="off" spellCheck={false} onChange={(e) => setTyped(e.currentTarget.value)} />
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="danger" disabled={typed !== endpoint.name || busy} onClick={remove}>
          Delete this endpoint
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
