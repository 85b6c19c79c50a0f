// Signing secrets in the Standard Webhooks format: `whsec_` + base64 of the key bytes. The decoded
// bytes are the HMAC key for all three signature schemes.

export const SECRET_PREFIX = 'whsec_';
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function generateSigningSecret(randomBytes: (n: number) => Buffer): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function parseSigningSecret(secret: string): { ok: true; secret: string; key: Buffer } | { ok: false; message: string } {
  const shape = `must be ${SECRET_PREFIX} followed by the base64 of ${MIN_BYTES}–${MAX_BYTES} random bytes`;
  if (!secret.startsWith(SECRET_PREFIX)) return { ok: false, message: shape };
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return { ok: false, message: shape };
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_BYTES || key.length > MAX_BYTES) return { ok: false, message: shape };
  return { ok: true, secret, key };
}
