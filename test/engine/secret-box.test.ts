// De-risks signing secrets at rest: AES-256-GCM sealing round-trips, is bound to its endpoint,
// detects tampering and truncated tags, and opens with an older key after a key rotation.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptionKeyFromBytes, openSecret, sealSecret, SecretBoxError } from '../../src/endpoints/secret-box.ts';

const key = encryptionKeyFromBytes(randomBytes(32));
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const endpointId = '0190b6c2-e4f5-7c3a-8d1e-2f3a4b5c6d7e';

describe('secret box', () => {
  it('round-trips, with a fresh IV each time', () => {
    const first = sealSecret(secret, key, endpointId);
    const second = sealSecret(secret, key, endpointId);
    expect(first).not.toBe(second);
    expect(first).toMatch(new RegExp(`^v1\\.${key.id}\\.`));
    expect(first).not.toContain(secret.slice(6, 20));
    expect(openSecret(first, [key], endpointId)).toBe(secret);
    expect(openSecret(second, [key], endpointId)).toBe(secret);
  });

  it('refuses to open a secret sealed for another endpoint', () => {
    const sealed = sealSecret(secret, key, endpointId);
    expect(() => openSecret(sealed, [key], '0190b6c2-e4f5-7c3a-8d1e-000000000000')).toThrow(SecretBoxError);
  });

  it('detects a tampered ciphertext or tag', () => {
    const [v, id, iv, tag, ct] = sealSecret(secret, key, endpointId).split('.') as [string, string, string, string, string];
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0]! ^= 1;
      return bytes.toString('base64url');
    };
    expect(() => openSecret([v, id, iv, tag, flip(ct)].join('.'), [key], endpointId)).toThrow(SecretBoxError);
    expect(() => openSecret([v, id, iv, flip(tag), ct].join('.'), [key], endpointId)).toThrow(SecretBoxError);
    expect(() => openSecret([v, id, flip(iv), tag, ct].join('.'), [key], endpointId)).toThrow(SecretBoxError);
  });

  it('refuses a truncated tag instead of checking fewer bits', () => {
    const [v, id, iv, tag, ct] = sealSecret(secret, key, endpointId).split('.') as [string, string, string, string, string];
    const short = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => openSecret([v, id, iv, short, ct].join('.'), [key], endpointId)).toThrow(SecretBoxError);
  });

  it('opens with the key that sealed it among several, and names a missing key', () => {
    const older = encryptionKeyFromBytes(randomBytes(32));
    const sealedWithOlder = sealSecret(secret, older, endpointId);
    expect(openSecret(sealedWithOlder, [key, older], endpointId)).toBe(secret);
    expect(() => openSecret(sealedWithOlder, [key], endpointId)).toThrow(new RegExp(older.id));
  });

  it('refuses keys that are not 32 bytes and strings that are not sealed secrets', () => {
    expect(() => encryptionKeyFromBytes(randomBytes(16))).toThrow(SecretBoxError);
    for (const junk of ['', 'v1', 'v2.a.b.c.d', `v1.${key.id}.x.y.z.extra`]) {
      expect(() => openSecret(junk, [key], endpointId)).toThrow(SecretBoxError);
    }
  });
});
