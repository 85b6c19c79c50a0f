// De-risks what an Ed25519 receiver verifies: Herald's v1a signatures equal fixed vectors computed
// by a second implementation (test/engine/fixtures/ed25519-vectors.json, made with Python's
// cryptography package), and verify with node:crypto from the public key alone; whsk_ keys in both
// layouts are read and malformed ones refused; the rotation decision lists the previous key only
// during its grace.
import { createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, parseSecretFor, parseSigningKey, PUBLIC_KEY_PREFIX } from '../../src/endpoints/signing-secret.ts';
import { jwkOfPublicKey } from '../../src/engine/jwks.ts';
import { keysThatSign } from '../../src/engine/signing-keys.ts';
import { ed25519PrivateKey, signatureHeaders } from '../../src/engine/signing.ts';

interface Vectors {
  rfc8032: Array<{ name: string; seedHex: string; publicKeyHex: string; messageHex: string; signatureHex: string }>;
  webhooks: Array<{ name: string; secretKey: string; secretKey64: string; publicKey: string; webhookId: string; webhookTimestamp: number; body: string; signature: string }>;
}
const vectors = JSON.parse(readFileSync(new URL('./fixtures/ed25519-vectors.json', import.meta.url), 'utf8')) as Vectors;

/** node:crypto's own reading of a whpk_ key: no Herald code between the key and the check. */
function publicKeyObject(whpk: string) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(whpk.slice(5), 'base64').toString('base64url') }, format: 'jwk' });
}

describe('the Ed25519 signer', () => {
  it.each(vectors.rfc8032)('imports a bare seed as RFC 8032 defines it ($name)', (vector) => {
    const key = ed25519PrivateKey(Buffer.from(vector.seedHex, 'hex'));
    expect(sign(null, Buffer.from(vector.messageHex, 'hex'), key).toString('hex')).toBe(vector.signatureHex);
    expect(Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url').toString('hex')).toBe(vector.publicKeyHex);
  });

  it.each(vectors.webhooks)('signs "{id}.{timestamp}.{body}" as the fixed vector ($name)', (vector) => {
    const parsed = parseSigningKey(vector.secretKey);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.publicKey).toBe(vector.publicKey);
    const headers = signatureHeaders({
      scheme: 'STANDARD_WEBHOOKS_ED25519',
      messageId: vector.webhookId,
      timestampSeconds: vector.webhookTimestamp,
      body: Buffer.from(vector.body, 'utf8'),
      keys: [parsed.key],
      signatureHeader: 'X-Herald-Signature',
    });
    expect(headers).toEqual({ 'webhook-signature': vector.signature });
    // A string body signs the same bytes as a Buffer one.
    expect(signatureHeaders({ scheme: 'STANDARD_WEBHOOKS_ED25519', messageId: vector.webhookId, timestampSeconds: vector.webhookTimestamp, body: vector.body, keys: [parsed.key], signatureHeader: 'x' })).toEqual(headers);
    const content = Buffer.from(`${vector.webhookId}.${vector.webhookTimestamp}.${vector.body}`, 'utf8');
    const signature = Buffer.from(vector.signature.slice('v1a,'.length), 'base64');
    expect(verify(null, content, publicKeyObject(vector.publicKey), signature)).toBe(true);
    expect(verify(null, Buffer.concat([content, Buffer.from(' ')]), publicKeyObject(vector.publicKey), signature)).toBe(false);
  });

  it('carries one v1a entry per key during a rotation, each verifying with its own public key only', () => {
    const [first, second] = vectors.webhooks.map((vector) => parseSigningKey(vector.secretKey));
    if (!first?.ok || !second?.ok) throw new Error('fixture keys must parse');
    const vector = vectors.webhooks[0]!;
    const header = signatureHeaders({ scheme: 'STANDARD_WEBHOOKS_ED25519', messageId: vector.webhookId, timestampSeconds: vector.webhookTimestamp, body: vector.body, keys: [second.key, first.key], signatureHeader: 'x' })['webhook-signature']!;
    const entries = header.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => /^v1a,[A-Za-z0-9+/]{86}==$/.test(entry))).toBe(true);
    expect(entries[1]).toBe(vector.signature);
    const content = Buffer.from(`${vector.webhookId}.${vector.webhookTimestamp}.${vector.body}`, 'utf8');
    const [newer, older] = entries.map((entry) => Buffer.from(entry.slice(4), 'base64'));
    expect(verify(null, content, publicKeyObject(second.publicKey), newer!)).toBe(true);
    expect(verify(null, content, publicKeyObject(first.publicKey), older!)).toBe(true);
    expect(verify(null, content, publicKeyObject(first.publicKey), newer!)).toBe(false);
  });
});

describe('whsk_ private keys', () => {
  it('reads the 64-byte layout (seed then public key) as the same key, stored as its seed', () => {
    for (const vector of vectors.webhooks) {
      const parsed = parseSigningKey(vector.secretKey64);
      expect(parsed).toMatchObject({ ok: true, secret: vector.secretKey, publicKey: vector.publicKey });
    }
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['an HMAC secret', `whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    ['a public key', vectors.webhooks[0]!.publicKey],
    ['31 bytes', `whsk_${Buffer.alloc(31, 1).toString('base64')}`],
    ['33 bytes', `whsk_${Buffer.alloc(33, 1).toString('base64')}`],
    ['not base64', 'whsk_not*base64*at*all*0000000000000000000000='],
    ['64 bytes whose public half is not the seed\'s', `whsk_${Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32, 2)]).toString('base64')}`],
  ])('refuses %s', (_case, secret) => {
    const parsed = parseSigningKey(secret);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/^must be whsk_ followed by the base64 of an Ed25519 private key/);
  });

  it('makes new key pairs whose public key is the private one\'s, and never the private key itself', () => {
    const secret = generateSigningKey();
    const parsed = parseSigningKey(secret);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.publicKey.startsWith(PUBLIC_KEY_PREFIX)).toBe(true);
    expect(parsed.publicKey.slice(5)).not.toBe(secret.slice(5));
    const message = Buffer.from('m');
    expect(verify(null, message, publicKeyObject(parsed.publicKey), sign(null, message, ed25519PrivateKey(parsed.key)))).toBe(true);
  });

  it('each scheme takes only its own kind of secret', () => {
    expect(parseSecretFor('STANDARD_WEBHOOKS_ED25519', `whsec_${Buffer.alloc(32, 1).toString('base64')}`).ok).toBe(false);
    expect(parseSecretFor('STANDARD_WEBHOOKS', vectors.webhooks[0]!.secretKey).ok).toBe(false);
    expect(parseSecretFor('HMAC_SHA256_BODY', `whsec_${Buffer.alloc(32, 1).toString('base64')}`)).toMatchObject({ ok: true, publicKey: null });
  });
});

describe('which keys sign', () => {
  const now = new Date('2026-12-08T00:00:00Z');
  it('the current key alone, then the previous too while its grace lasts', () => {
    expect(keysThatSign({ current: 'new', previous: null, previousExpiresAt: null }, now)).toEqual(['new']);
    expect(keysThatSign({ current: 'new', previous: 'old', previousExpiresAt: new Date(now.getTime() + 1) }, now)).toEqual(['new', 'old']);
    expect(keysThatSign({ current: 'new', previous: 'old', previousExpiresAt: now }, now)).toEqual(['new']);
  });
});

describe('JWKs of public keys', () => {
  it('an OKP/Ed25519 JWK whose x is the raw key and whose kid is its RFC 7638 thumbprint', () => {
    const vector = vectors.rfc8032[0]!;
    const whpk = `whpk_${Buffer.from(vector.publicKeyHex, 'hex').toString('base64')}`;
    const jwk = jwkOfPublicKey(whpk);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(vector.publicKeyHex, 'hex').toString('base64url'), use: 'sig', alg: 'EdDSA' });
    // RFC 8037 Appendix A.3 gives this key's thumbprint.
    expect(jwk.kid).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(() => jwkOfPublicKey(vectors.webhooks[0]!.secretKey)).toThrow(TypeError);
  });
});
