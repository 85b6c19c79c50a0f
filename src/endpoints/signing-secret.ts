// Signing secrets in the Standard Webhooks formats. HMAC schemes: `whsec_` + base64 of the key
// bytes, the HMAC key itself. STANDARD_WEBHOOKS_ED25519: `whsk_` + base64 of the Ed25519 private
// key's 32-byte seed, and its public key `whpk_` + base64 of the 32 raw public-key bytes. A `whsk_`
// of 64 bytes (seed then public key, the layout of Go's ed25519.PrivateKey and libsodium's secret
// keys) is accepted too when its public half is the seed's: keys made by other Standard Webhooks
// senders then carry over.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ed25519PrivateKey, type SignatureScheme, type SigningKey } from '../engine/signing.ts';

export const SECRET_PREFIX = 'whsec_';
export const PRIVATE_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const SEED_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type ParsedSecret = { ok: true; secret: string; key: Buffer } | { ok: false; message: string };

export function generateSigningSecret(randomBytes: (n: number) => Buffer): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function parseSigningSecret(secret: string): ParsedSecret {
  const shape = `must be ${SECRET_PREFIX} followed by the base64 of ${MIN_BYTES}–${MAX_BYTES} random bytes`;
  if (!secret.startsWith(SECRET_PREFIX)) return { ok: false, message: shape };
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return { ok: false, message: shape };
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_BYTES || key.length > MAX_BYTES) return { ok: false, message: shape };
  return { ok: true, secret, key };
}

/** A new Ed25519 key pair, as node:crypto makes it, in the `whsk_` form (seed) Herald stores. */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return `${PRIVATE_KEY_PREFIX}${seedOf(privateKey).toString('base64')}`;
}

/** `key` is the 32-byte seed; `privateKey` the same key imported, as the signer takes it (src/engine/signing.ts). */
export function parseSigningKey(secret: string): ParsedSecret & ({ ok: false } | { publicKey: string; privateKey: KeyObject }) {
  const shape = `must be ${PRIVATE_KEY_PREFIX} followed by the base64 of an Ed25519 private key (its 32-byte seed)`;
  if (!secret.startsWith(PRIVATE_KEY_PREFIX)) return { ok: false, message: shape };
  const encoded = secret.slice(PRIVATE_KEY_PREFIX.length);
  if (!BASE64.test(encoded)) return { ok: false, message: shape };
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== SEED_BYTES && bytes.length !== 2 * SEED_BYTES) return { ok: false, message: shape };
  const seed = bytes.subarray(0, SEED_BYTES);
  const privateKey = ed25519PrivateKey(Buffer.from(seed));
  const publicBytes = rawPublicKey(privateKey);
  if (bytes.length === 2 * SEED_BYTES && !publicBytes.equals(bytes.subarray(SEED_BYTES))) {
    return { ok: false, message: `${shape}; its last 32 bytes are not the public key of the first 32` };
  }
  // Stored as the seed alone, whichever form came in: one form at rest.
  return {
    ok: true,
    secret: `${PRIVATE_KEY_PREFIX}${seed.toString('base64')}`,
    key: Buffer.from(seed),
    privateKey,
    publicKey: `${PUBLIC_KEY_PREFIX}${publicBytes.toString('base64')}`,
  };
}

/** The scheme's own secret: `whsk_` for STANDARD_WEBHOOKS_ED25519, `whsec_` for the HMAC schemes. */
export function generateSecretFor(scheme: SignatureScheme, randomBytes: (n: number) => Buffer): string {
  return scheme === 'STANDARD_WEBHOOKS_ED25519' ? generateSigningKey() : generateSigningSecret(randomBytes);
}

/**
 * `signingKey` is what the signer takes: the HMAC key bytes, or the imported Ed25519 private key.
 * `publicKey` is set for Ed25519 secrets, null for HMAC ones (which have none).
 */
export function parseSecretFor(
  scheme: SignatureScheme,
  secret: string,
): { ok: true; secret: string; signingKey: SigningKey; publicKey: string | null } | { ok: false; message: string } {
  if (scheme === 'STANDARD_WEBHOOKS_ED25519') {
    const parsed = parseSigningKey(secret);
    return parsed.ok ? { ok: true, secret: parsed.secret, signingKey: parsed.privateKey, publicKey: parsed.publicKey } : parsed;
  }
  const parsed = parseSigningSecret(secret);
  return parsed.ok ? { ok: true, secret: parsed.secret, signingKey: parsed.key, publicKey: null } : parsed;
}

/** The 32 raw bytes of an Ed25519 public key (`x` of its JWK, RFC 8037). */
function rawPublicKey(privateKey: KeyObject): Buffer {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(x!, 'base64url');
}

function seedOf(privateKey: KeyObject): Buffer {
  const { d } = privateKey.export({ format: 'jwk' });
  return Buffer.from(d!, 'base64url');
}
