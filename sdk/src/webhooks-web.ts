// Verifying Herald's webhooks with WebCrypto (`crypto.subtle`): `@herald/sdk/webhooks/web`, for
// browsers, edge runtimes (Cloudflare Workers, Vercel Edge), Deno and Bun, and Node 20+ too. No
// node: imports. The same rules as the Node verifier (./webhook-signatures.ts); only the HMAC
// differs, and WebCrypto's HMAC is asynchronous.
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
 * Checks a webhook's signature and resolves with its envelope, or rejects with a
 * `WebhookVerificationError`. The arguments are those of `verifyWebhook` from
 * `@herald/sdk/webhooks`: the raw body (`await request.text()` or `arrayBuffer()`), the headers,
 * the secret(s), and `{ scheme, toleranceSeconds, now, signatureHeader }`.
 */
export async function verifyWebhook<TData = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<TData>> {
  const body = bodyBytes(rawBody);
  const keys = secretKeys(secrets);
  const { message, signatures } = signedRequest(body, headers, options);
  const subtle = globalThis.crypto.subtle;
  // subtle.verify compares in constant time; every pair is checked, whatever matched first.
  let matched = false;
  for (const raw of keys) {
    const key = await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    for (const signature of signatures) if (signature !== null) matched = (await subtle.verify('HMAC', key, signature, message)) || matched;
  }
  if (!matched) throw mismatch();
  return parseEnvelope<TData>(body);
}
