// How Herald proves itself to a receiver beyond the signature: OAuth2 client credentials (RFC 6749
// §4.4) and a TLS client certificate. This is the pure part: the token request as bytes, the token
// answer read into a decision, and how long a token may be reused. The HTTP edge does the sending
// (src/http/oauth2-tokens.ts, src/http/http-sender.ts).

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
export type OAuth2ClientAuthentication = 'BASIC' | 'POST';

/** An endpoint's OAuth2 client credentials, unsealed. */
export interface OAuth2Credentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  audience: string | null;
  clientAuthentication: OAuth2ClientAuthentication;
}

/** An endpoint's TLS settings, unsealed (PEM). */
export interface EndpointTls {
  clientCertificate: string | null;
  clientKey: string | null;
  /** Trusted in addition to the system's CAs, or instead of them when trustSystemCertificates is false. */
  caCertificates: string | null;
  trustSystemCertificates: boolean;
}

/** The token request (RFC 6749 §4.4.2): form-encoded, the client authenticated as configured. */
export function tokenRequest(credentials: OAuth2Credentials): { headers: Record<string, string>; body: string } {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (credentials.scopes.length > 0) form.set('scope', credentials.scopes.join(' '));
  // Not in RFC 6749, but what Auth0, Okta and most providers read to choose the token's audience.
  if (credentials.audience !== null) form.set('audience', credentials.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (credentials.clientAuthentication === 'POST') {
    form.set('client_id', credentials.clientId);
    form.set('client_secret', credentials.clientSecret);
  } else {
    // §2.3.1: each part is form-urlencoded before the pair is base64-encoded.
    const pair = `${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  return { headers, body: form.toString() };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** A token without expires_in is reused for at most this long (or until the receiver answers 401). */
export const DEFAULT_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** A token is replaced this long before it expires, or a tenth of its lifetime when that is shorter. */
export const TOKEN_REFRESH_MARGIN_MS = 30_000;

export type TokenAnswer = { ok: true; accessToken: string; reuseUntil: Date } | { ok: false; message: string };

/**
 * What a token endpoint's answer means: a Bearer token and until when to reuse it, or why not, in
 * words an operator can act on. The message never carries the answer's body (it may hold a token);
 * only the status and, for an RFC 6749 §5.2 error answer, its error code.
 */
export function readTokenAnswer(status: number, body: string, now: Date): TokenAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (status < 200 || status > 299) {
    const code = typeof fields.error === 'string' && /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(fields.error) ? ` (${fields.error})` : '';
    return { ok: false, message: `the token endpoint answered HTTP ${status}${code}` };
  }
  const token = fields.access_token;
  if (typeof token !== 'string' || token.length === 0 || !/^[\x21-\x7E]+$/.test(token)) {
    return { ok: false, message: `the token endpoint answered HTTP ${status} without an access_token` };
  }
  const type = fields.token_type;
  if (typeof type !== 'string' || type.toLowerCase() !== 'bearer') {
    return { ok: false, message: `the token endpoint answered HTTP ${status} with token_type ${JSON.stringify(String(type ?? 'missing')).slice(0, 40)}, not Bearer` };
  }
  const seconds = Number(fields.expires_in);
  const lifetimeMs = fields.expires_in !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
  const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 10);
  return { ok: true, accessToken: token, reuseUntil: new Date(now.getTime() + lifetimeMs - margin) };
}
