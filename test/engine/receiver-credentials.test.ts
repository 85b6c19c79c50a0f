// The pure part of OAuth2 client credentials: the token request's bytes (fixed vectors, worked out
// by hand from RFC 6749 §2.3.1 and §4.4.2, not by the code's formula) and what a token answer means.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_LIFETIME_MS, readTokenAnswer, tokenRequest, type OAuth2Credentials } from '../../src/engine/receiver-credentials.ts';

const credentials: OAuth2Credentials = {
  tokenUrl: 'https://auth.example/token',
  clientId: 's6BhdRkqt3',
  clientSecret: 'gX1fBat3bV',
  scopes: [],
  audience: null,
  clientAuthentication: 'BASIC',
};

describe('the token request', () => {
  it('authenticates with client_secret_basic as RFC 6749 §2.3.1 shows it', () => {
    // The example credentials of RFC 6749 §4.4.2 and the header it prints.
    expect(tokenRequest(credentials)).toEqual({
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: 'Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW' },
      body: 'grant_type=client_credentials',
    });
  });

  it('form-encodes the id and secret before base64, and sends scopes and audience', () => {
    const request = tokenRequest({ ...credentials, clientId: 'a b:c', clientSecret: 'p&q=é', scopes: ['read', 'write:all'], audience: 'https://api.example/' });
    // "a+b%3Ac:p%26q%3D%C3%A9" in base64.
    expect(request.headers.authorization).toBe('Basic YStiJTNBYzpwJTI2cSUzRCVDMyVBOQ==');
    expect(request.body).toBe('grant_type=client_credentials&scope=read+write%3Aall&audience=https%3A%2F%2Fapi.example%2F');
  });

  it('puts the credentials in the body with POST, and no Authorization header', () => {
    const request = tokenRequest({ ...credentials, clientAuthentication: 'POST' });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toBe('grant_type=client_credentials&client_id=s6BhdRkqt3&client_secret=gX1fBat3bV');
  });
});

describe('reading a token answer', () => {
  const now = new Date('2026-12-08T00:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it('reuses a token until 30 s before expires_in, or a tenth of a short lifetime', () => {
    expect(readTokenAnswer(200, '{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600}', now)).toEqual({ ok: true, accessToken: '2YotnFZFEjr1zCsicMWpAA', reuseUntil: at(3_570_000) });
    expect(readTokenAnswer(200, '{"access_token":"t","token_type":"bearer","expires_in":"60"}', now)).toEqual({ ok: true, accessToken: 't', reuseUntil: at(54_000) });
    expect(readTokenAnswer(200, '{"access_token":"t","token_type":"Bearer"}', now)).toEqual({ ok: true, accessToken: 't', reuseUntil: at(DEFAULT_TOKEN_LIFETIME_MS - 30_000) });
  });

  it('says why there is no token, naming the status and the RFC 6749 §5.2 error code but never the body', () => {
    expect(readTokenAnswer(400, '{"error":"invalid_scope","error_description":"secret stuff"}', now)).toEqual({ ok: false, message: 'the token endpoint answered HTTP 400 (invalid_scope)' });
    expect(readTokenAnswer(500, '<html>oops</html>', now)).toEqual({ ok: false, message: 'the token endpoint answered HTTP 500' });
    expect(readTokenAnswer(401, '{"error":"bad \\"code\\""}', now)).toEqual({ ok: false, message: 'the token endpoint answered HTTP 401' });
    expect(readTokenAnswer(200, '{"token_type":"Bearer"}', now)).toEqual({ ok: false, message: 'the token endpoint answered HTTP 200 without an access_token' });
    expect(readTokenAnswer(200, '{"access_token":"has space","token_type":"Bearer"}', now)).toEqual({ ok: false, message: 'the token endpoint answered HTTP 200 without an access_token' });
    expect(readTokenAnswer(200, '{"access_token":"t"}', now)).toEqual({ ok: false, message: 'the token endpoint answered HTTP 200 with token_type "missing", not Bearer' });
  });
});
