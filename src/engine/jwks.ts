// The public JWKS of an endpoint's Ed25519 keys (RFC 7517, OKP keys of RFC 8037). Each key's `kid`
// is its RFC 7638 thumbprint: derived from the key alone, so it is the same on every read and in
// every Herald, and a receiver caching keys by kid never holds two names for one key.
import { createHash } from 'node:crypto';

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The 32 raw public-key bytes, base64url. */
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface Jwks {
  keys: Ed25519Jwk[];
}

const PUBLIC_KEY_PREFIX = 'whpk_';

/** A `whpk_…` key as a JWK; throws on anything else (public keys are checked when they are made). */
export function jwkOfPublicKey(publicKey: string): Ed25519Jwk {
  if (!publicKey.startsWith(PUBLIC_KEY_PREFIX)) throw new TypeError('not a whpk_ public key');
  const raw = Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), 'base64');
  if (raw.length !== 32) throw new TypeError('not a whpk_ public key');
  const x = raw.toString('base64url');
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const kid = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`, 'utf8').digest('base64url');
  return { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: 'EdDSA' };
}

export function jwksOf(publicKeys: readonly string[]): Jwks {
  return { keys: publicKeys.map(jwkOfPublicKey) };
}
