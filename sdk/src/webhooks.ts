// Verifying Herald's webhooks on the receiving side, for the three signature schemes. Node only
// (node:crypto), so it is its own entry point: `@herald/sdk/webhooks`. The client entry stays
// usable in browsers.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureScheme } from './generated/operations.ts';

export type { SignatureScheme };

/** Why a webhook was refused. */
export type WebhookVerificationFailure =
  /** A header the scheme needs is absent. */
  | 'MISSING_HEADER'
  /** A header is present but malformed, or the body is not JSON. */
  | 'BAD_FORMAT'
  /** The signed timestamp is outside the tolerance (too old, or too far in the future). */
  | 'EXPIRED'
  /** No signature matches any of the secrets. */
  | 'MISMATCH';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  readonly reason: WebhookVerificationFailure;

  constructor(reason: WebhookVerificationFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A `Headers` object, Node's `req.headers`, or a plain record. Names are matched case-insensitively. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** How far the signed timestamp may be from now. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Header of the two HMAC schemes (Herald's `HERALD_SIGNATURE_HEADER`). Default `X-Herald-Signature`. */
  signatureHeader?: string;
}

/** The verified envelope. */
export interface VerifiedWebhook<TData = unknown> {
  /** The event id (`evt_…`), equal to the `webhook-id` header: the same on every retry; dedupe on it. */
  id: string;
  type: string;
  /** When the event was published (ISO 8601, UTC). */
  timestamp: string;
  data: TData;
  /** True for deliveries sent by `testEndpoint`. */
  test: boolean;
}

const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks a webhook's signature and returns its envelope, or throws a `WebhookVerificationError`.
 *
 * `rawBody` must be the bytes as received: a re-serialized JSON body does not verify.
 * `secret` is the endpoint's `whsec_…` secret; pass several during a rotation (any may match).
 *
 * STANDARD_WEBHOOKS and HMAC_SHA256_TIMESTAMPED sign a timestamp, which must be within
 * `toleranceSeconds` of now. HMAC_SHA256_BODY signs the body alone, so it cannot reject a replay:
 * dedupe on `id` when using it.
 */
export function verifyWebhook<TData = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  scheme: SignatureScheme = 'STANDARD_WEBHOOKS',
  options: VerifyWebhookOptions = {},
): VerifiedWebhook<TData> {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const keys = (typeof secret === 'string' ? [secret] : secret).map(secretKey);
  if (keys.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const signatureHeader = options.signatureHeader ?? 'X-Herald-Signature';

  switch (scheme) {
    case 'STANDARD_WEBHOOKS': {
      const id = requireHeader(headers, 'webhook-id');
      const timestamp = parseTimestamp(requireHeader(headers, 'webhook-timestamp'), 'webhook-timestamp');
      const signatures = requireHeader(headers, 'webhook-signature')
        .split(' ')
        .filter((entry) => entry.startsWith('v1,'))
        .map((entry) => decode(entry.slice(3), 'base64'));
      checkTimestamp(timestamp, nowSeconds, tolerance);
      const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
      requireMatch(signatures, keys, signed, 'webhook-signature');
      break;
    }
    case 'HMAC_SHA256_TIMESTAMPED': {
      const parts = requireHeader(headers, signatureHeader).split(',').map((part) => part.trim());
      const t = parts.find((part) => part.startsWith('t='));
      if (t === undefined) throw new WebhookVerificationError('BAD_FORMAT', `${signatureHeader} has no t=<timestamp>`);
      const timestamp = parseTimestamp(t.slice(2), signatureHeader);
      const signatures = parts.filter((part) => part.startsWith('v1=')).map((part) => decode(part.slice(3), 'hex'));
      checkTimestamp(timestamp, nowSeconds, tolerance);
      requireMatch(signatures, keys, Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]), signatureHeader);
      break;
    }
    case 'HMAC_SHA256_BODY': {
      const signatures = requireHeader(headers, signatureHeader).split(',').map((part) => decode(part.trim(), 'hex'));
      requireMatch(signatures, keys, body, signatureHeader);
      break;
    }
    default:
      throw new TypeError(`unknown signature scheme ${String(scheme)}`);
  }
  return parseEnvelope<TData>(body);
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw new TypeError('a webhook secret is whsec_ followed by base64, as createEndpoint returned it');
  }
  return key;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

function requireHeader(headers: WebhookHeaders, name: string): string {
  const value = header(headers, name);
  if (value === undefined || value === '') throw new WebhookVerificationError('MISSING_HEADER', `the ${name} header is missing`);
  return value;
}

function parseTimestamp(value: string, name: string): number {
  if (!/^\d{1,12}$/.test(value.trim())) throw new WebhookVerificationError('BAD_FORMAT', `${name} is not a unix timestamp`);
  return Number(value.trim());
}

function checkTimestamp(timestamp: number, nowSeconds: number, toleranceSeconds: number): void {
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('EXPIRED', `the webhook timestamp is more than ${toleranceSeconds}s from now`);
  }
}

/** Decoded signature bytes, or null when the text is not a well-formed SHA-256 signature. */
function decode(text: string, encoding: 'base64' | 'hex'): Buffer | null {
  const valid = encoding === 'hex' ? /^[0-9a-fA-F]{64}$/.test(text) : /^[A-Za-z0-9+/]{43}=$/.test(text);
  return valid ? Buffer.from(text, encoding) : null;
}

function requireMatch(signatures: ReadonlyArray<Buffer | null>, keys: readonly Buffer[], signed: Buffer, headerName: string): void {
  const wellFormed = signatures.filter((signature): signature is Buffer => signature !== null);
  if (wellFormed.length === 0) throw new WebhookVerificationError('BAD_FORMAT', `${headerName} holds no well-formed v1 signature`);
  // Every comparison runs, whatever matched first: the time taken says nothing about which did.
  let matched = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(signed).digest();
    for (const signature of wellFormed) matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) throw new WebhookVerificationError('MISMATCH', 'no signature matches the secret');
}

function parseEnvelope<TData>(body: Buffer): VerifiedWebhook<TData> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('BAD_FORMAT', 'the body is not JSON');
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    throw new WebhookVerificationError('BAD_FORMAT', 'the body is not a Herald envelope');
  }
  const { id, type, timestamp, data, _test } = envelope as Record<string, unknown>;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof timestamp !== 'string') {
    throw new WebhookVerificationError('BAD_FORMAT', 'the body is not a Herald envelope');
  }
  return { id, type, timestamp, data: data as TData, test: _test === true };
}
