// What verifying a Herald webhook takes apart from the HMAC or Ed25519 check itself: reading the
// headers of each scheme, checking the timestamp, decoding secrets, public keys and signatures, and
// parsing the envelope. Pure and runtime-neutral (TextEncoder, atob; no Buffer, no node:), so the
// Node verifier (./webhooks.ts) and the WebCrypto one (./webhooks-web.ts) share every rule but the
// cryptographic call.
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
  /** No signature matches any of the secrets (or public keys). */
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

/** One JWK of a JWKS, as Herald serves them at `Endpoint.jwksUrl` (OKP, Ed25519). */
export interface WebhookJwk {
  kty?: string;
  crv?: string;
  /** The raw public key, base64url. */
  x?: string;
  kid?: string;
}

/** A JWKS as fetched from `Endpoint.jwksUrl`: `await (await fetch(jwksUrl)).json()`. */
export interface WebhookJwks {
  keys: readonly WebhookJwk[];
}

/**
 * What a signature is checked against: the endpoint's `whsec_…` secret(s) for the HMAC schemes;
 * for STANDARD_WEBHOOKS_ED25519 its `whpk_…` public key(s) (`Endpoint.signingPublicKeys`) or the
 * JWKS served at `Endpoint.jwksUrl`.
 */
export type WebhookKeys = string | readonly string[] | WebhookJwks;

export interface VerifyWebhookOptions {
  /**
   * The endpoint's signature scheme. Default `STANDARD_WEBHOOKS`, or `STANDARD_WEBHOOKS_ED25519`
   * when the keys are `whpk_…` public keys or a JWKS.
   */
  scheme?: SignatureScheme;
  /** How far the signed timestamp may be from now. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
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

/** What to HMAC, and the signatures the request carries (null: present but malformed). */
export interface SignedRequest {
  message: Uint8Array<ArrayBuffer>;
  signatures: ReadonlyArray<Uint8Array<ArrayBuffer> | null>;
  headerName: string;
}

const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
const utf8 = new TextEncoder();

export function bodyBytes(rawBody: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof rawBody === 'string' ? utf8.encode(rawBody) : new Uint8Array(rawBody);
}

/** The scheme asked for, else the one the keys are for: public keys can only verify Ed25519. */
export function schemeOf(keys: WebhookKeys, options: VerifyWebhookOptions): SignatureScheme {
  if (options.scheme !== undefined) return options.scheme;
  if (isJwks(keys)) return 'STANDARD_WEBHOOKS_ED25519';
  const list = typeof keys === 'string' ? [keys] : keys;
  return list.length > 0 && list.every((key) => key.startsWith(PUBLIC_KEY_PREFIX)) ? 'STANDARD_WEBHOOKS_ED25519' : 'STANDARD_WEBHOOKS';
}

const PUBLIC_KEY_PREFIX = 'whpk_';

function isJwks(keys: WebhookKeys): keys is WebhookJwks {
  return typeof keys === 'object' && !Array.isArray(keys) && 'keys' in keys;
}

/**
 * The raw 32-byte Ed25519 public keys of `whpk_…` keys or of a JWKS's OKP/Ed25519 keys (others in
 * a JWKS are skipped: a JWKS may list keys of other uses).
 */
export function publicKeys(keys: WebhookKeys): Array<Uint8Array<ArrayBuffer>> {
  let raw: Array<Uint8Array<ArrayBuffer> | null>;
  if (isJwks(keys)) {
    raw = keys.keys.filter((jwk) => jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string').map((jwk) => decodeBase64Url(jwk.x!));
  } else {
    raw = (typeof keys === 'string' ? [keys] : keys).map((key) => {
      if (!key.startsWith(PUBLIC_KEY_PREFIX)) throw new TypeError('an Ed25519 public key is whpk_ followed by base64, as Endpoint.signingPublicKeys lists it');
      return decodeBase64(key.slice(PUBLIC_KEY_PREFIX.length));
    });
  }
  if (raw.some((key) => key === null || key.length !== 32)) throw new TypeError('an Ed25519 public key is 32 bytes');
  if (raw.length === 0) throw new TypeError('verifyWebhook needs at least one Ed25519 public key');
  return raw as Array<Uint8Array<ArrayBuffer>>;
}

/** The HMAC keys of `whsec_…` secrets (the prefix is optional). */
export function secretKeys(secrets: WebhookKeys): Array<Uint8Array<ArrayBuffer>> {
  if (isJwks(secrets)) throw new TypeError('a JWKS holds public keys: pass scheme STANDARD_WEBHOOKS_ED25519, or the whsec_ secret for an HMAC scheme');
  const keys = (typeof secrets === 'string' ? [secrets] : secrets).map((secret) => {
    if (secret.startsWith(PUBLIC_KEY_PREFIX)) throw new TypeError('a whpk_ public key verifies STANDARD_WEBHOOKS_ED25519 only');
    const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
    const key = decodeBase64(encoded);
    if (key === null || key.length === 0) throw new TypeError('a webhook secret is whsec_ followed by base64, as createEndpoint returned it');
    return key;
  });
  if (keys.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  return keys;
}

/**
 * Reads the scheme's headers and checks the timestamp. STANDARD_WEBHOOKS and
 * HMAC_SHA256_TIMESTAMPED sign a timestamp; HMAC_SHA256_BODY signs the body alone, so it cannot
 * reject a replay.
 */
export function signedRequest(body: Uint8Array<ArrayBuffer>, headers: WebhookHeaders, options: VerifyWebhookOptions): SignedRequest {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const signatureHeader = options.signatureHeader ?? 'X-Herald-Signature';
  const scheme = options.scheme ?? 'STANDARD_WEBHOOKS';
  switch (scheme) {
    case 'STANDARD_WEBHOOKS':
    case 'STANDARD_WEBHOOKS_ED25519': {
      // The same signed content; only the entries differ: `v1,<HMAC>` or `v1a,<Ed25519 signature>`.
      const version = scheme === 'STANDARD_WEBHOOKS' ? 'v1' : 'v1a';
      const id = requireHeader(headers, 'webhook-id');
      const timestamp = parseTimestamp(requireHeader(headers, 'webhook-timestamp'), 'webhook-timestamp');
      const signatures = requireHeader(headers, 'webhook-signature')
        .split(' ')
        .filter((entry) => entry.startsWith(`${version},`))
        .map((entry) => decodeSignature(entry.slice(version.length + 1), version === 'v1' ? 'base64' : 'ed25519'));
      checkTimestamp(timestamp, nowSeconds, tolerance);
      return { message: concat(utf8.encode(`${id}.${timestamp}.`), body), signatures: wellFormed(signatures, 'webhook-signature', version), headerName: 'webhook-signature' };
    }
    case 'HMAC_SHA256_TIMESTAMPED': {
      const parts = requireHeader(headers, signatureHeader).split(',').map((part) => part.trim());
      const t = parts.find((part) => part.startsWith('t='));
      if (t === undefined) throw new WebhookVerificationError('BAD_FORMAT', `${signatureHeader} has no t=<timestamp>`);
      const timestamp = parseTimestamp(t.slice(2), signatureHeader);
      const signatures = parts.filter((part) => part.startsWith('v1=')).map((part) => decodeSignature(part.slice(3), 'hex'));
      checkTimestamp(timestamp, nowSeconds, tolerance);
      return { message: concat(utf8.encode(`${timestamp}.`), body), signatures: wellFormed(signatures, signatureHeader), headerName: signatureHeader };
    }
    case 'HMAC_SHA256_BODY': {
      const signatures = requireHeader(headers, signatureHeader).split(',').map((part) => decodeSignature(part.trim(), 'hex'));
      return { message: body, signatures: wellFormed(signatures, signatureHeader), headerName: signatureHeader };
    }
    default:
      throw new TypeError(`unknown signature scheme ${String(scheme)}`);
  }
}

export function mismatch(): WebhookVerificationError {
  return new WebhookVerificationError('MISMATCH', 'no signature matches the secret');
}

export function parseEnvelope<TData>(body: Uint8Array): VerifiedWebhook<TData> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
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

function wellFormed<T>(signatures: ReadonlyArray<T | null>, headerName: string, version = 'v1'): ReadonlyArray<T | null> {
  if (signatures.every((signature) => signature === null)) {
    throw new WebhookVerificationError('BAD_FORMAT', `${headerName} holds no well-formed ${version} signature`);
  }
  return signatures;
}

/** Decoded signature bytes, or null when the text is not a well-formed HMAC-SHA256 (or Ed25519, 64-byte) signature. */
function decodeSignature(text: string, encoding: 'base64' | 'hex' | 'ed25519'): Uint8Array<ArrayBuffer> | null {
  if (encoding === 'ed25519') return /^[A-Za-z0-9+/]{86}==$/.test(text) ? decodeBase64(text) : null;
  if (encoding === 'hex') {
    if (!/^[0-9a-fA-F]{64}$/.test(text)) return null;
    return Uint8Array.from({ length: 32 }, (_, index) => Number.parseInt(text.slice(index * 2, index * 2 + 2), 16));
  }
  return /^[A-Za-z0-9+/]{43}=$/.test(text) ? decodeBase64(text) : null;
}

/** Strict base64 (padding optional): null for anything that does not re-encode to itself. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  const unpadded = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(unpadded) || unpadded.length % 4 === 1) return null;
  const binary = atob(unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '='));
  if (btoa(binary).replace(/=+$/, '') !== unpadded) return null;
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  return /^[A-Za-z0-9_-]*$/.test(text) ? decodeBase64(text.replaceAll('-', '+').replaceAll('_', '/')) : null;
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
