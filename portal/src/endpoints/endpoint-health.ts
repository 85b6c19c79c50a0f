// What an endpoint's state means to the customer, in words: why it is off, and what its last
// failure was. The API answers enums and the HTTP client's message; these are sentences.
import type { DeliveryWithAttempts, Endpoint } from '@herald/sdk';

export type Health =
  | { kind: 'ok' }
  | { kind: 'off'; reason: string; since: string | null; byYou: boolean }
  | { kind: 'failing'; since: string; failuresInARow: number }
  | { kind: 'paused'; since: string };

export function healthOf(endpoint: Pick<Endpoint, 'active' | 'disabledReason' | 'disabledAt' | 'failingSince' | 'consecutiveFailures' | 'pausedAt'>): Health {
  if (!endpoint.active) {
    const n = endpoint.consecutiveFailures;
    switch (endpoint.disabledReason) {
      case 'FAILING':
        return { kind: 'off', reason: `Turned off after ${n} failed ${n === 1 ? 'delivery' : 'deliveries'} in a row`, since: endpoint.disabledAt, byYou: false };
      case 'GONE':
        return { kind: 'off', reason: 'Turned off because your endpoint answered 410 Gone, which says the URL no longer exists', since: endpoint.disabledAt, byYou: false };
      default:
        return { kind: 'off', reason: 'Turned off by you', since: endpoint.disabledAt, byYou: true };
    }
  }
  // Paused (pauseEndpoint) keeps its backlog: unlike off, nothing published meanwhile is lost.
  if (endpoint.pausedAt) return { kind: 'paused', since: endpoint.pausedAt };
  if (endpoint.failingSince) return { kind: 'failing', since: endpoint.failingSince, failuresInARow: endpoint.consecutiveFailures };
  return { kind: 'ok' };
}

const KIND_WORDS: Record<string, string> = {
  TIMEOUT: 'Your endpoint did not answer in time',
  CONNECTION: 'The connection to your endpoint was refused or dropped',
  DNS: "Your endpoint's host name could not be found",
  TLS: "Your endpoint's TLS certificate was not accepted",
  BLOCKED_ADDRESS: "Your endpoint's address is not one deliveries may be sent to",
  RESPONSE_TOO_LARGE: "Your endpoint's answer was too large",
};

/** A delivery's last failure as a sentence: the status the endpoint answered, or what went wrong. */
export function failureInWords(delivery: Pick<DeliveryWithAttempts, 'lastStatusCode' | 'lastError' | 'attempts'>): string | null {
  const code = delivery.lastStatusCode;
  if (code !== null && (code < 200 || code > 299)) return `Your endpoint answered HTTP ${code}`;
  const error = delivery.attempts.at(-1)?.error;
  if (error && KIND_WORDS[error.kind]) return `${KIND_WORDS[error.kind]} (${error.message})`;
  return error?.message ?? delivery.lastError;
}
