// Verifying Herald's webhooks in Node (node:crypto, synchronous): `@herald/sdk/webhooks`.
// Browsers, edge runtimes, Deno and Bun use `@herald/sdk/webhooks/web` (WebCrypto, async); both
// apply the same rules (./webhook-signatures.ts). The client entry stays free of node: imports.
import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import {
  bodyBytes,
  mismatch,
  parseEnvelope,
  publicKeys,
  schemeOf,
  secretKeys,
  signedRequest,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  type WebhookHeaders,
  type WebhookKeys,
} from './webhook-signatures.ts';

export {
  WebhookVerificationError,
  type SignatureScheme,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  type WebhookHeaders,
  type WebhookJwk,
  type WebhookJwks,
  type WebhookKeys,
  type WebhookVerificationFailure,
} from './webhook-signatures.ts';

/**
 * Checks a webhook's signature and returns its envelope, or throws a `WebhookVerificationError`.
 *
 * `rawBody` must be the bytes as received: a re-serialized JSON body does not verify.
 * `secrets` is the endpoint's `whsec_…` secret; pass several during a rotation (any may match).
 * For STANDARD_WEBHOOKS_ED25519 it is the endpoint's `whpk_…` public key(s)
 * (`Endpoint.signingPublicKeys`) or the JWKS fetched from `Endpoint.jwksUrl`.
 * `options.scheme` is the endpoint's signature scheme (default `STANDARD_WEBHOOKS`, or
 * `STANDARD_WEBHOOKS_ED25519` when given public keys or a JWKS).
 *
 * STANDARD_WEBHOOKS(_ED25519) and HMAC_SHA256_TIMESTAMPED sign a timestamp, which must be within
 * `toleranceSeconds` of now. HMAC_SHA256_BODY signs the body alone, so it cannot reject a replay:
 * dedupe on `id` when using it.
 */
export function verifyWebhook<TData = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: WebhookKeys,
  options: VerifyWebhookOptions = {},
): VerifiedWebhook<TData> {
  const body = bodyBytes(rawBody);
  const scheme = schemeOf(secrets, options);
  if (scheme === 'STANDARD_WEBHOOKS_ED25519') {
    const keys = publicKeys(secrets).map((raw) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' }));
    const { message, signatures } = signedRequest(body, headers, { ...options, scheme });
    let verified = false;
    for (const key of keys) for (const signature of signatures) if (signature !== null) verified = verify(null, message, key, signature) || verified;
    if (!verified) throw mismatch();
    return parseEnvelope<TData>(body);
  }
  const keys = secretKeys(secrets);
  const { message, signatures } = signedRequest(body, headers, { ...options, scheme });
  // Every comparison runs, whatever matched first: the time taken says nothing about which did.
  let matched = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(message).digest();
    for (const signature of signatures) if (signature !== null) matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) throw mismatch();
  return parseEnvelope<TData>(body);
}
