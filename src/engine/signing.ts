// The three signature schemes of SPEC. `keys` are HMAC keys (the bytes of whsec_ secrets), the
// current one first, then the previous one during a rotation grace: one signature per key, so a
// receiver holding either secret verifies.
import { createHmac } from 'node:crypto';

/** The schemes, in the order the API lists them; the database enum is held to it by test/engine/enums.test.ts. */
export const SIGNATURE_SCHEMES = ['STANDARD_WEBHOOKS', 'HMAC_SHA256_TIMESTAMPED', 'HMAC_SHA256_BODY'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export interface SigningInput {
  scheme: SignatureScheme;
  messageId: string;
  timestampSeconds: number;
  /** The body as sent; its bytes when the caller has them, so a body shared by many endpoints is encoded once. */
  body: string | Buffer;
  keys: readonly Buffer[];
  signatureHeader: string;
}

export function signatureHeaders(input: SigningInput): Record<string, string> {
  const { scheme, messageId, timestampSeconds: t, body, keys } = input;
  switch (scheme) {
    case 'STANDARD_WEBHOOKS':
      // Standard Webhooks: space-separated `v1,<base64>` over "{id}.{timestamp}.{body}".
      return { 'webhook-signature': keys.map((key) => `v1,${hmac(key, `${messageId}.${t}.`, body, 'base64')}`).join(' ') };
    case 'HMAC_SHA256_TIMESTAMPED':
      // Stripe's style: the timestamp is signed with the body, so a captured request cannot be
      // replayed later with a fresh timestamp.
      return { [input.signatureHeader]: [`t=${t}`, ...keys.map((key) => `v1=${hmac(key, `${t}.`, body, 'hex')}`)].join(',') };
    case 'HMAC_SHA256_BODY':
      return { [input.signatureHeader]: keys.map((key) => hmac(key, '', body, 'hex')).join(',') };
  }
}

/** Over `prefix` then `body`, fed in turn rather than joined: a large body is not copied per key. */
function hmac(key: Buffer, prefix: string, body: string | Buffer, encoding: 'base64' | 'hex'): string {
  const mac = createHmac('sha256', key).update(prefix, 'utf8');
  return (typeof body === 'string' ? mac.update(body, 'utf8') : mac.update(body)).digest(encoding);
}
