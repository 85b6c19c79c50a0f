// Statuses in words and colour; the word carries the meaning, the colour only repeats it, and the
// exact API value stays in the tooltip for whoever compares the page with the API or a log.
import type { AttemptErrorKind, DeliveryStatus, Endpoint } from '@herald/sdk';
import { attemptErrorWords, deliveryStatusWord } from './format.ts';

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus | string }) {
  return (
    <span className={`badge status-${status.toLowerCase()}`} title={status}>
      {deliveryStatusWord(status)}
    </span>
  );
}

/** Why an attempt failed, in words ("Answered HTTP 500", "Timed out …"); the kind in the tooltip. */
export function AttemptErrorText({ error }: { error: { kind: AttemptErrorKind | string; message: string } }) {
  return (
    <span className="attempt-error" title={error.kind}>
      {attemptErrorWords(error)}
    </span>
  );
}

const DISABLED_WHY: Record<string, string> = {
  MANUAL: 'paused by you',
  FAILING: 'disabled: too many failed deliveries',
  GONE: 'disabled: the URL answered 410 Gone',
};

export function endpointState(endpoint: Pick<Endpoint, 'active' | 'disabledReason'> & { pausedAt?: string | null }): { label: string; why: string | null } {
  if (endpoint.active) return endpoint.pausedAt ? { label: 'Paused', why: 'events wait until resumed' } : { label: 'Active', why: null };
  const reason = endpoint.disabledReason ?? 'MANUAL';
  return { label: reason === 'MANUAL' ? 'Paused' : 'Disabled', why: DISABLED_WHY[reason] ?? null };
}

export function EndpointStateBadge({ endpoint }: { endpoint: Pick<Endpoint, 'active' | 'disabledReason'> & { pausedAt?: string | null } }) {
  const state = endpointState(endpoint);
  return (
    <span className={`badge state-${state.label.toLowerCase()}`}>
      {state.label}
      {state.why && <span className="badge-why"> ({state.why})</span>}
    </span>
  );
}
