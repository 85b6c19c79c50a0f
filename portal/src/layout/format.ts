import type { AttemptErrorKind, DeliveryStatus } from '@herald/sdk';

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateTime.format(date);
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/** A value for <input type="datetime-local"> in local time. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// One word per delivery status, as a customer reads it; the API's value stays in the tooltip.
const DELIVERY_STATUS_WORDS: Record<DeliveryStatus, string> = {
  SCHEDULED: 'Scheduled',
  PENDING: 'Pending',
  SENDING: 'Sending',
  SUCCEEDED: 'Succeeded',
  RETRYING: 'Retrying',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  PAUSED: 'Paused',
};

/** "Succeeded" for SUCCEEDED; a status this portal does not know yet is shown as the API gave it. */
export function deliveryStatusWord(status: DeliveryStatus | string): string {
  return DELIVERY_STATUS_WORDS[status as DeliveryStatus] ?? status;
}

// What happened, in the words of someone watching the request; the message adds the detail the
// sender recorded (for HTTP_STATUS it is the answer itself: "HTTP 500").
const ATTEMPT_ERROR_WORDS: Record<AttemptErrorKind, string> = {
  HTTP_STATUS: 'Answered',
  TIMEOUT: 'Timed out',
  CONNECTION: 'Could not connect',
  DNS: 'Host name not found',
  TLS: 'Secure connection failed',
  BLOCKED_ADDRESS: 'Address not allowed',
  RESPONSE_TOO_LARGE: 'Answer too large',
  // The deployment's egress proxy failed, not the customer's server: its detail is the operator's.
  PROXY: "Not sent: a network problem on the sender's side; it is retried",
  // The endpoint's OAuth2 token endpoint refused or failed: the message says how.
  AUTHENTICATION: 'Could not get an access token',
};

/** "Answered HTTP 500", "Timed out (no complete answer within 15000 ms)", … */
export function attemptErrorWords(error: { kind: AttemptErrorKind | string; message: string }): string {
  const words = ATTEMPT_ERROR_WORDS[error.kind as AttemptErrorKind];
  if (!words) return error.message ? `${error.kind}: ${error.message}` : error.kind;
  if (error.kind === 'HTTP_STATUS') return error.message ? `${words} ${error.message}` : `${words} with an error status`;
  if (error.kind === 'PROXY') return words;
  const detail = error.message.replace(/^refused: /, '');
  return detail ? `${words} (${detail})` : words;
}
