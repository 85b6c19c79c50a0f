// Verifying Herald's webhooks with WebCrypto (`crypto.subtle`): `@herald/sdk/webhooks/web`, for
// browsers, edge runtimes (Cloudflare Workers, Vercel Edge), Deno and Bun, and Node 20+ too. No
// node: imports. The same rules as the Node verifier (./webhook-signatures.ts); only the HMAC and
// Ed25519 calls differ, and WebCrypto's are asynchronous. Ed25519 in WebCrypto: Node 20+, Deno,
// Chromium 137+, Firefox 129+, Safari 17+, Cloudflare Workers.
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
 * Checks a webhook's signature and resolves with its envelope, or rejects with a
 * `WebhookVerificationError`. The arguments are those of `verifyWebhook` from
 * `@herald/sdk/webhooks`: the raw body (`await request.text()` or `arrayBuffer()`), the headers,
 * the secret(s) (or, for STANDARD_WEBHOOKS_ED25519, the `whpk_…` public key(s) or a JWKS), and `{ scheme, toleranceSeconds, now, signatureHeader }`.
 */
export async function verifyWebhook<TData = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: WebhookKeys,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<TData>> {
  const body = bodyBytes(rawBody);
  const scheme = schemeOf(secrets, options);
  const subtle = globalThis.crypto.subtle;
  if (scheme === 'STANDARD_WEBHOOKS_ED25519') {
    const raws = publicKeys(secrets);
    const { message, signatures } = signedRequest(body, headers, { ...options, scheme });
    let verified = false;
    for (const raw of raws) {
      const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
      for (const signature of signatures) if (signature !== null) verified = (await subtle.verify({ name: 'Ed25519' }, key, signature, message)) || verified;
    }
    if (!verified) throw mismatch();
    return parseEnvelope<TData>(body);
  }
  const keys = secretKeys(secrets);
  const { message, signatures } = signedRequest(body, headers, { ...options, scheme });
  // subtle.verify compares in constant time; every pair is checked, whatever matched first.
  let matched = false;
  for (const raw of keys) {
    const key = await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    for (const signature of signatures) if (signature !== null) matched = (await subtle.verify('HMAC', key, signature, message)) || matched;
  }
  if (!matched) throw mismatch();
  return parseEnvelope<TData>(body);
}
