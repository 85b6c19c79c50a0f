// Statuses in words and colour; the word carries the meaning, the colour only repeats it.
import type { Endpoint } from '@herald/sdk';

export function DeliveryStatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{status}</span>;
}

const DISABLED_WHY: Record<string, string> = {
  MANUAL: 'paused by you',
  FAILING: 'disabled: too many failed deliveries',
  GONE: 'disabled: the URL answered 410 Gone',
};

export function endpointState(endpoint: Pick<Endpoint, 'active' | 'disabledReason'>): { label: string; why: string | null } {
  if (endpoint.active) return { label: 'Active', why: null };
  const reason = endpoint.disabledReason ?? 'MANUAL';
  return { label: reason === 'MANUAL' ? 'Paused' : 'Disabled', why: DISABLED_WHY[reason] ?? null };
}

export function EndpointStateBadge({ endpoint }: { endpoint: Pick<Endpoint, 'active' | 'disabledReason'> }) {
  const state = endpointState(endpoint);
  return (
    <span className={`badge state-${state.label.toLowerCase()}`}>
      {state.label}
      {state.why && <span className="badge-why"> ({state.why})</span>}
    </span>
  );
}
