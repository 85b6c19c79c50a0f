// Access tokens of OAuth2 client credentials, kept per process: one token per endpoint and
// configuration, reused by every attempt until shortly before it expires, so a busy endpoint costs
// its token endpoint one request per token lifetime, not one per delivery. Attempts that need a
// token while one is being fetched wait for that fetch instead of starting their own.
import { createHash } from 'node:crypto';
import { readTokenAnswer, tokenRequest, type OAuth2Credentials } from '../engine/receiver-credentials.ts';

/** How the cache reaches a token endpoint: through the sender, so the address policy and the egress proxy apply. */
export type TokenPost = (request: { url: string; body: string; headers: Record<string, string> }) => Promise<{
  status: number | null;
  responseBody: string | null;
  error: { kind: string; message: string } | null;
}>;

export type TokenResult = { ok: true; accessToken: string } | { ok: false; kind: 'AUTHENTICATION' | 'PROXY'; message: string };

interface Entry {
  /** Settled with the token, or with why there is none (failures are not kept: the next attempt asks again). */
  result: Promise<TokenResult>;
  /** Unset while the fetch runs. */
  reuseUntil?: number;
  accessToken?: string;
}

/** Tokens kept; past it the least recently fetched go (endpoints are far fewer in practice). */
const MAX_TOKENS = 10_000;

export interface OAuth2Tokens {
  /** The endpoint's current token, fetched when there is none fresh. */
  token(endpointId: string, credentials: OAuth2Credentials): Promise<TokenResult>;
  /**
   * The receiver refused this token (401): it is dropped, so the next `token` fetches a new one.
   * Only if it is still the one kept: of many attempts refused with the same token, one refetches.
   */
  refused(endpointId: string, credentials: OAuth2Credentials, accessToken: string): void;
}

export function createOAuth2Tokens(post: TokenPost, now: () => number = Date.now): OAuth2Tokens {
  const entries = new Map<string, Entry>();
  // The key of each endpoint's current configuration: a changed one replaces the old entry.
  const keyOfEndpoint = new Map<string, string>();

  // The worker opens an endpoint's credentials once per batch: one hash per batch, not per attempt.
  const hashes = new WeakMap<OAuth2Credentials, string>();
  const keyOf = (endpointId: string, credentials: OAuth2Credentials) => {
    let hash = hashes.get(credentials);
    if (hash === undefined) {
      hash = createHash('sha256').update(JSON.stringify(credentials)).digest('base64url');
      hashes.set(credentials, hash);
    }
    return `${endpointId}:${hash}`;
  };

  const fetchToken = async (credentials: OAuth2Credentials): Promise<TokenResult & { reuseUntil?: Date }> => {
    const { headers, body } = tokenRequest(credentials);
    const sent = await post({ url: credentials.tokenUrl, body, headers });
    if (sent.status === null) {
      // The egress proxy failing is the deployment's fault and keeps its own kind.
      if (sent.error?.kind === 'PROXY') return { ok: false, kind: 'PROXY', message: sent.error.message };
      return { ok: false, kind: 'AUTHENTICATION', message: `the token endpoint could not be reached: ${sent.error?.message ?? 'no answer'}` };
    }
    const answer = readTokenAnswer(sent.status, sent.responseBody ?? '', new Date(now()));
    if (!answer.ok) return { ok: false, kind: 'AUTHENTICATION', message: answer.message };
    return { ok: true, accessToken: answer.accessToken, reuseUntil: answer.reuseUntil };
  };

  return {
    token(endpointId, credentials) {
      const key = keyOf(endpointId, credentials);
      const kept = entries.get(key);
      if (kept && (kept.reuseUntil === undefined || kept.reuseUntil > now())) return kept.result;
      const previous = keyOfEndpoint.get(endpointId);
      if (previous !== undefined && previous !== key) entries.delete(previous);
      keyOfEndpoint.set(endpointId, key);
      const entry: Entry = {
        result: fetchToken(credentials).then(
          (fetched) => {
            if (!fetched.ok || !fetched.reuseUntil) {
              if (entries.get(key) === entry) entries.delete(key);
              return fetched.ok ? { ok: true, accessToken: fetched.accessToken } : fetched;
            }
            entry.reuseUntil = fetched.reuseUntil.getTime();
            entry.accessToken = fetched.accessToken;
            return { ok: true, accessToken: fetched.accessToken };
          },
          (error: unknown) => {
            if (entries.get(key) === entry) entries.delete(key);
            return { ok: false, kind: 'AUTHENTICATION', message: `the token request failed: ${error instanceof Error ? error.message : String(error)}` };
          },
        ),
      };
      entries.delete(key);
      entries.set(key, entry);
      for (const oldest of entries.keys()) {
        if (entries.size <= MAX_TOKENS) break;
        entries.delete(oldest);
      }
      return entry.result;
    },
    refused(endpointId, credentials, accessToken) {
      const key = keyOf(endpointId, credentials);
      if (entries.get(key)?.accessToken === accessToken) entries.delete(key);
    },
  };
}
