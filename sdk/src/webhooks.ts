// Verifying Herald's webhooks in Node (node:crypto, synchronous): `@herald/sdk/webhooks`.
// Browsers, edge runtimes, Deno and Bun use `@herald/sdk/webhooks/web` (WebCrypto, async); both
// apply the same rules (./webhook-signatures.ts). The client entry stays free of node: imports.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  bodyBytes,
  mismatch,
  parseEnvelope,
  secretKeys,
  signedRequest,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  type WebhookHeaders,
} from './webhook-signatures.ts';

export {
  WebhookVerificationError,
  type SignatureScheme,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  type WebhookHeaders,
  type WebhookVerificationFailure,
} from './webhook-signatures.ts';

/**
 * Checks a webhook's signature and returns its envelope, or throws a `WebhookVerificationError`.
 *
 * `rawBody` must be the bytes as received: a re-serialized JSON body does not verify.
 * `secrets` is the endpoint's `whsec_…` secret; pass several during a rotation (any may match).
 * `options.scheme` is the endpoint's signature scheme (default `STANDARD_WEBHOOKS`).
 *
 * STANDARD_WEBHOOKS and HMAC_SHA256_TIMESTAMPED sign a timestamp, which must be within
 * `toleranceSeconds` of now. HMAC_SHA256_BODY signs the body alone, so it cannot reject a replay:
 * dedupe on `id` when using it.
 */
export function verifyWebhook<TData = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): VerifiedWebhook<TData> {
  const body = bodyBytes(rawBody);
  const keys = secretKeys(secrets);
  const { message, signatures } = signedRequest(body, headers, options);
  // Every comparison runs, whatever matched first: the time taken says nothing about which did.
  let matched = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(message).digest();
    for (const signature of signatures) if (signature !== null) matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) throw mismatch();
  return parseEnvelope<TData>(body);
}
