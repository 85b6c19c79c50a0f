// De-risks the credentials Herald hands out: signing secrets in the Standard Webhooks format, API
// keys stored only as hashes and compared in constant time, bearer parsing, scopes, and global ids.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, parseBearer, tokensMatch } from '../../src/auth/api-key-token.ts';
import { ORGANIZATION_SCOPES, parseScopes } from '../../src/auth/scopes.ts';
import { generateSigningSecret, parseSigningSecret } from '../../src/endpoints/signing-secret.ts';
import { decodeGlobalId, encodeGlobalId, idOfType } from '../../src/global-id.ts';

describe('signing secrets', () => {
  it('generates whsec_ + base64 of 32 random bytes', () => {
    const secret = generateSigningSecret(randomBytes);
    const parsed = parseSigningSecret(secret);
    expect(parsed.ok && parsed.key).toHaveLength(32);
    expect(generateSigningSecret(() => Buffer.alloc(32, 1))).toBe(`whsec_${Buffer.alloc(32, 1).toString('base64')}`);
  });

  it.each([
    ['no prefix', Buffer.alloc(32).toString('base64')],
    ['not base64', 'whsec_!!!!'],
    ['too short (23 bytes)', `whsec_${Buffer.alloc(23).toString('base64')}`],
    ['too long (65 bytes)', `whsec_${Buffer.alloc(65).toString('base64')}`],
    ['empty', 'whsec_'],
  ])('refuses a secret with %s', (_label, secret) => {
    expect(parseSigningSecret(secret).ok).toBe(false);
  });

  it('accepts 24 and 64 bytes', () => {
    for (const n of [24, 64]) expect(parseSigningSecret(`whsec_${randomBytes(n).toString('base64')}`).ok).toBe(true);
  });
});

describe('API keys', () => {
  it('generates recognisable keys whose stored prefix starts the key', () => {
    const admin = generateApiKey('ADMIN', randomBytes);
    const org = generateApiKey('ORGANIZATION', randomBytes);
    expect(admin.token).toMatch(/^hrld_admin_[0-9A-Za-z]{43}$/);
    expect(org.token).toMatch(/^hrld_org_[0-9A-Za-z]{43}$/);
    expect(org.token.startsWith(org.prefix)).toBe(true);
    expect(org.prefix.length).toBeLessThan(20);
    expect(org.hash.equals(hashApiKey(org.token))).toBe(true);
  });

  it('matches only the exact key', () => {
    const { token, hash } = generateApiKey('ORGANIZATION', randomBytes);
    expect(tokensMatch(hash, token)).toBe(true);
    expect(tokensMatch(hash, `${token}x`)).toBe(false);
    expect(tokensMatch(hash, token.slice(0, -1))).toBe(false);
    expect(tokensMatch(Buffer.alloc(3), token)).toBe(false);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer ', null],
    ['Bearer a b', null],
    ['Bearer a\u0000b', null],
    ['', null],
    [null, null],
  ])('parses %j as %j', (header, expected) => {
    expect(parseBearer(header)).toBe(expected);
  });
});

describe('scopes', () => {
  it('defaults to all scopes, dedupes, and names the valid ones on error', () => {
    expect(parseScopes(undefined)).toEqual({ ok: true, scopes: [...ORGANIZATION_SCOPES] });
    expect(parseScopes([])).toEqual({ ok: true, scopes: [...ORGANIZATION_SCOPES] });
    expect(parseScopes(['events:read', 'events:read'])).toEqual({ ok: true, scopes: ['events:read'] });
    const bad = parseScopes(['events:read', 'admin']);
    expect(bad.ok === false && bad.message).toMatch(/"admin".*endpoints:read/);
  });
});

describe('global ids', () => {
  const uuid = '0190b6c2-e4f5-7c3a-8d1e-2f3a4b5c6d7e';

  it('round-trips typed, prefixed ids', () => {
    expect(encodeGlobalId('Event', uuid)).toBe('evt_0190b6c2e4f57c3a8d1e2f3a4b5c6d7e');
    expect(decodeGlobalId('ep_0190b6c2e4f57c3a8d1e2f3a4b5c6d7e')).toEqual({ typename: 'Endpoint', id: uuid });
    expect(idOfType(encodeGlobalId('Delivery', uuid), 'Delivery')).toBe(uuid);
  });

  it('answers null for malformed ids and ids of another type', () => {
    for (const id of ['', 'ep_', 'ep_123', 'xx_0190b6c2e4f57c3a8d1e2f3a4b5c6d7e', 'EP_0190b6c2e4f57c3a8d1e2f3a4b5c6d7e', 'ep_0190b6c2e4f57c3a8d1e2f3a4b5c6d7e ', 'RW5kcG9pbnQ6MQ==']) {
      expect(decodeGlobalId(id)).toBeNull();
    }
    expect(idOfType(encodeGlobalId('Event', uuid), 'Endpoint')).toBeNull();
  });
});
