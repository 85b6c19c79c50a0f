// The signature schemes of SPEC. `keys` are the key bytes, the current one first, then the previous
// one during a rotation grace (which sign: ./signing-keys.ts): one signature per key, so a receiver
// holding either key verifies. For the HMAC schemes a key is the bytes of a whsec_ secret; for
// STANDARD_WEBHOOKS_ED25519 it is the private key, or the 32-byte seed of a whsk_ key. Importing a
// seed costs about twice the signature itself, so a caller signing many deliveries with one key
// passes the imported key (src/endpoints/signing-secret.ts makes it).
import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';

/** The schemes, in the order the API lists them; the database enum is held to it by test/engine/enums.test.ts. */
export const SIGNATURE_SCHEMES = ['STANDARD_WEBHOOKS', 'HMAC_SHA256_TIMESTAMPED', 'HMAC_SHA256_BODY', 'STANDARD_WEBHOOKS_ED25519'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export interface SigningInput {
  scheme: SignatureScheme;
  messageId: string;
  timestampSeconds: number;
  /** The body as sent; its bytes when the caller has them, so a body shared by many endpoints is encoded once. */
  body: string | Buffer;
  keys: readonly SigningKey[];
  signatureHeader: string;
}

export type SigningKey = Buffer | KeyObject;

export function signatureHeaders(input: SigningInput): Record<string, string> {
  const { scheme, messageId, timestampSeconds: t, body, keys } = input;
  switch (scheme) {
    case 'STANDARD_WEBHOOKS':
      // Standard Webhooks: space-separated `v1,<base64>` over "{id}.{timestamp}.{body}".
      return { 'webhook-signature': keys.map((key) => `v1,${hmac(key, `${messageId}.${t}.`, body, 'base64')}`).join(' ') };
    case 'STANDARD_WEBHOOKS_ED25519': {
      // Standard Webhooks' asymmetric form: `v1a,<base64 Ed25519 signature>` over the same content.
      // Ed25519 (PureEdDSA) hashes the message twice, so it takes it whole rather than streamed.
      const message = Buffer.concat([Buffer.from(`${messageId}.${t}.`, 'utf8'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
      return { 'webhook-signature': keys.map((key) => `v1a,${sign(null, message, Buffer.isBuffer(key) ? ed25519PrivateKey(key) : key).toString('base64')}`).join(' ') };
    }
    case 'HMAC_SHA256_TIMESTAMPED':
      // Stripe's style: the timestamp is signed with the body, so a captured request cannot be
      // replayed later with a fresh timestamp.
      return { [input.signatureHeader]: [`t=${t}`, ...keys.map((key) => `v1=${hmac(key, `${t}.`, body, 'hex')}`)].join(',') };
    case 'HMAC_SHA256_BODY':
      return { [input.signatureHeader]: keys.map((key) => hmac(key, '', body, 'hex')).join(',') };
  }
}

// PKCS#8 of an Ed25519 private key is this fixed prefix then the 32-byte seed (RFC 8410 §7):
// node:crypto imports a bare seed no other way without its public key.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PrivateKey(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new RangeError(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Over `prefix` then `body`, fed in turn rather than joined: a large body is not copied per key. */
function hmac(key: SigningKey, prefix: string, body: string | Buffer, encoding: 'base64' | 'hex'): string {
  const mac = createHmac('sha256', key).update(prefix, 'utf8');
  return (typeof body === 'string' ? mac.update(body, 'utf8') : mac.update(body)).digest(encoding);
}
