// The HTTP edge: one POST per attempt with got, and every way it can go wrong mapped to a closed
// set of error kinds. Addresses are checked where they are used: host names resolve through the
// checked lookup (Node connects to the address it returns), literal IPs are checked up front.
import { Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, getCACertificates, type SecureContext } from 'node:tls';
import got, { RequestError, type Timings } from 'got';
import { checkAddress, type PrivateNetworks } from '../engine/address-policy.ts';
import type { AttemptErrorKind } from '../engine/attempt-outcome.ts';
import { HEADER_VALUE_KEPT, REDACTED, RESPONSE_HEADERS_KEPT, type AttemptForensics, type AttemptTimings, type HeaderPair } from '../engine/attempt-forensics.ts';
import { bypassesProxy, type EgressProxy } from '../engine/egress-route.ts';
import type { EndpointTls, OAuth2Credentials } from '../engine/receiver-credentials.ts';
import { createCheckedLookup } from './checked-lookup.ts';
import { absoluteFormRequest, TunnellingAgent } from './egress-proxy.ts';
import { createOAuth2Tokens } from './oauth2-tokens.ts';

export type { AttemptErrorKind };

/** One attempt's result, with what its record keeps of the exchange. */
export interface SendResult extends AttemptForensics {
  startedAt: Date;
  durationMs: number;
  /** A 2xx answer. */
  ok: boolean;
  status: number | null;
  /** The first 4 KiB of the answer. */
  responseBody: string | null;
  retryAfter: string | undefined;
  error: { kind: AttemptErrorKind; message: string } | null;
}

export interface HttpSender {
  /**
   * `pool`: whose sockets to use (an endpoint id); requests of one pool never wait for another's.
   * `redact`: header names (lower case) whose values are secrets, kept out of the attempt's record.
   * `tls`: the endpoint's client certificate and trusted CAs. `oauth2`: a Bearer token is fetched
   * (or reused) for the pool's endpoint and sent; a 401 refetches it once and sends again.
   */
  send(request: SendRequest): Promise<SendResult>;
  close(): void;
}

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  pool?: string;
  redact?: ReadonlySet<string>;
  tls?: EndpointTls | null;
  oauth2?: OAuth2Credentials | null;
}

export const MAX_READ_BYTES = 64 * 1024;
export const KEPT_BYTES = 4 * 1024;
/** Bytes of a token endpoint's answer read: access tokens (JWTs) outgrow KEPT_BYTES. */
const TOKEN_ANSWER_BYTES = 16 * 1024;
/** Socket pools kept; past it, the least recently used idle ones are closed. */
const MAX_POOLS = 1_000;

type Lookup = ReturnType<typeof createCheckedLookup>;

/** Requests one endpoint may have open at once from one process (the rest wait for a socket). */
export const MAX_SOCKETS_PER_ENDPOINT = 64;

export interface HttpSenderOptions {
  timeoutMs: number;
  allowPrivateNetworks: PrivateNetworks;
  dnsLookup?: Lookup;
  maxSocketsPerEndpoint?: number;
  /** HERALD_EGRESS_PROXY: every destination it does not exempt is reached through it. */
  egressProxy?: EgressProxy | null;
  /** CA certificates trusted instead of the system's (tests of TLS through the proxy). */
  trustedCertificates?: string[];
  /** The clock deciding when an OAuth2 token is due for renewal (tests move it). */
  now?: () => number;
}

export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const maxSockets = options.maxSocketsPerEndpoint ?? MAX_SOCKETS_PER_ENDPOINT;
  const policy = { allowPrivateNetworks: options.allowPrivateNetworks };
  const dnsLookup = options.dnsLookup ?? createCheckedLookup(policy);
  // Sockets are kept per endpoint, then per host:port (the address was checked when each one was
  // opened): a receiver that stops answering holds only its own endpoint's sockets, never those of
  // other endpoints on the same host (a platform hosting many customers' endpoints; every bench
  // endpoint). As many may idle as may be open: with fewer, every burst closed the extra sockets
  // and opened new ones for the next batch. Idle sockets close after `timeout`.
  const proxy = options.egressProxy ?? null;
  const lookupTimeoutMs = Math.min(options.timeoutMs, 5_000);
  const defaultTls = options.trustedCertificates ? { ca: options.trustedCertificates } : {};
  const pools = new Map<string, { http: HttpAgent; https: HttpsAgent; proxied: { http: HttpAgent; https: HttpsAgent } | null }>();
  // An endpoint with TLS settings has a pool per version of them (its key holds their hash), so a
  // changed certificate or CA takes effect on the next attempt; the old pool idles out of the map.
  const poolFor = (name: string, endpointTls: EndpointTls | null | undefined) => {
    const key = endpointTls ? `${name}\u0000${tlsHash(endpointTls)}` : name;
    let pool = pools.get(key);
    if (pool) {
      pools.delete(key); // re-inserted below: the Map's order is least recently used first
    } else {
      const tls = endpointTls ? tlsOptions(endpointTls, options.trustedCertificates) : defaultTls;
      const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 60_000 };
      pool = {
        http: new HttpAgent(agentOptions),
        https: new HttpsAgent({ ...agentOptions, ...tls }),
        // Sockets to the proxy (http://) and tunnels through it (https://), kept per endpoint too.
        proxied: proxy
          ? { http: new HttpAgent(agentOptions), https: new TunnellingAgent(proxy, dnsLookup, lookupTimeoutMs, { ...agentOptions, ...tls }) }
          : null,
      };
      evictIdlePools();
    }
    pools.set(key, pool);
    return pool;
  };
  const evictIdlePools = () => {
    for (const [key, pool] of pools) {
      if (pools.size < MAX_POOLS) return;
      // A pool with a request in flight is kept (destroying it would cut the request off).
      if (agentsOf(pool).some((agent) => Object.keys(agent.sockets).length > 0)) continue;
      for (const agent of agentsOf(pool)) agent.destroy();
      pools.delete(key);
    }
  };
  const t = options.timeoutMs;
  const client = got.extend({
    method: 'POST',
    dnsLookup,
    retry: { limit: 0 },
    followRedirect: false,
    throwHttpErrors: false,
    decompress: false,
    timeout: { lookup: Math.min(t, 5_000), connect: Math.min(t, 10_000), secureConnect: Math.min(t, 10_000), request: t },
  });

  const exchange = async (request: SendRequest, keptBytes = KEPT_BYTES): Promise<SendResult> => {
    const startedAt = new Date();
    const started = performance.now();
    let forensics: AttemptForensics = { requestHeaders: null, responseHeaders: null, remoteAddress: null, timings: null };
    const done = (partial: Outcome): SendResult => ({
      startedAt,
      durationMs: Math.round(performance.now() - started),
      ...partial,
      ...forensics,
    });
    const url = new URL(request.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const verdict = checkAddress(host, policy);
      if (!verdict.allowed) return done(failure('BLOCKED_ADDRESS', `refused: ${verdict.reason}`));
    }
    const pool = poolFor(request.pool ?? '', request.tls);
    const via = pool.proxied && !bypassesProxy(host, proxy!.noProxy) ? (url.protocol === 'https:' ? 'tunnel' : 'absolute-form') : 'direct';
    const stream = client.stream(request.url, {
      body: request.body,
      headers: request.headers,
      agent: via === 'direct' ? { http: pool.http, https: pool.https } : pool.proxied!,
      ...(via === 'absolute-form' ? { request: absoluteFormRequest(proxy!, dnsLookup, lookupTimeoutMs, pool.proxied!.http) } : {}),
    });
    const redact = request.redact ?? new Set<string>();
    stream.once('request', (sent: ClientRequest) => {
      forensics.requestHeaders = Object.entries(sent.getHeaders()).map(([name, value]) => ({
        name,
        value: redact.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : String(value),
      }));
    });
    stream.once('response', (response: IncomingMessage) => {
      forensics.responseHeaders = keptHeaders(response.rawHeaders);
      forensics.remoteAddress = response.socket?.remoteAddress ?? null;
    });
    try {
      const answer = await readAnswer(stream, keptBytes).finally(() => {
        forensics = { ...forensics, timings: timingsOf(stream.timings, performance.now() - started) };
      });
      if (via === 'absolute-form' && isProxysOwnAnswer(answer)) {
        return done({ ...failure('PROXY', `the egress proxy answered HTTP ${answer.status}`), status: answer.status, responseBody: answer.kept });
      }
      const ok = answer.status >= 200 && answer.status < 300;
      if (answer.tooLarge) {
        return done({ ...failure('RESPONSE_TOO_LARGE', `the response body was larger than ${MAX_READ_BYTES} bytes`), status: answer.status, responseBody: answer.kept, retryAfter: answer.retryAfter });
      }
      return done({
        ok,
        status: answer.status,
        responseBody: answer.kept,
        retryAfter: answer.retryAfter,
        error: ok ? null : { kind: 'HTTP_STATUS', message: statusMessage(answer.status, answer.location) },
      });
    } catch (error) {
      const [kind, message] = classify(error, t);
      // Under TLS 1.3 the client finishes its handshake before the server judges the client's
      // certificate, so a refusal often arrives as a reset of the new connection, not as an alert.
      if (kind === 'CONNECTION' && request.tls?.clientCertificate && stream.timings?.secureConnect !== undefined && stream.timings.response === undefined) {
        return done(failure('TLS', `TLS failed: the receiver closed the connection right after the handshake, most likely refusing the client certificate (${message})`));
      }
      // Over absolute form the connection is to the proxy: its failure is the proxy's.
      if (via === 'absolute-form' && kind === 'CONNECTION') return done(failure('PROXY', `the egress proxy: ${message}`));
      return done(failure(kind, message));
    }
  };

  // Token requests leave like deliveries (checked addresses, the egress proxy), from a pool of
  // their own per token endpoint: a slow token endpoint holds none of the receivers' sockets.
  const tokens = createOAuth2Tokens((tokenRequest) => exchange({ ...tokenRequest, pool: `oauth2:${tokenRequest.url}` }, TOKEN_ANSWER_BYTES), options.now);

  return {
    async send(request) {
      const credentials = request.oauth2;
      if (!credentials) return exchange(request);
      const startedAt = new Date();
      const started = performance.now();
      const endpointId = request.pool ?? '';
      const withToken = async (): Promise<{ sent: SendResult; accessToken: string | null }> => {
        const token = await tokens.token(endpointId, credentials);
        if (!token.ok) {
          const outcome = failure(token.kind, token.message);
          return { sent: { startedAt, durationMs: 0, ...outcome, requestHeaders: null, responseHeaders: null, remoteAddress: null, timings: null }, accessToken: null };
        }
        const sent = await exchange({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${token.accessToken}` },
          redact: new Set([...(request.redact ?? []), 'authorization']),
        });
        return { sent, accessToken: token.accessToken };
      };
      const first = await withToken();
      let { sent } = first;
      // A token the receiver no longer takes (revoked, or expired early): one new token, one more try.
      if (sent.status === 401 && first.accessToken !== null) {
        tokens.refused(endpointId, credentials, first.accessToken);
        ({ sent } = await withToken());
      }
      return { ...sent, startedAt, durationMs: Math.round(performance.now() - started) };
    },
    close() {
      for (const pool of pools.values()) for (const agent of agentsOf(pool)) agent.destroy();
      pools.clear();
    },
  };
}

/** The worker opens an endpoint's settings once per batch: one hash per batch, not per attempt. */
const tlsHashes = new WeakMap<EndpointTls, string>();

function tlsHash(tls: EndpointTls): string {
  let hash = tlsHashes.get(tls);
  if (hash === undefined) {
    hash = createHash('sha256').update(JSON.stringify([tls.clientCertificate, tls.clientKey, tls.caCertificates, tls.trustSystemCertificates])).digest('base64url');
    tlsHashes.set(tls, hash);
  }
  return hash;
}

/**
 * An endpoint's TLS settings as https.Agent options: one secure context per pool. Passed as `ca`,
 * `cert` and `key`, Node's agent writes them into every request's socket-pool name, and with the
 * system's CAs in the list (Node's `ca` replaces the CAs it trusts, so trusting a private CA in
 * addition to them means listing them) that cost about 25 ms a request on the bench machine.
 */
function tlsOptions(tls: EndpointTls, trustedInstead: readonly string[] | undefined): { secureContext: SecureContext } {
  const given = tls.caCertificates ? [tls.caCertificates] : [];
  const base = tls.trustSystemCertificates ? [...(trustedInstead ?? getCACertificates('default'))] : [];
  return {
    secureContext: createSecureContext({
      ...(tls.clientCertificate && tls.clientKey ? { cert: tls.clientCertificate, key: tls.clientKey } : {}),
      ...(given.length > 0 || !tls.trustSystemCertificates ? { ca: [...base, ...given] } : trustedInstead ? { ca: [...trustedInstead] } : {}),
    }),
  };
}

/** rawHeaders' name/value pairs as received, capped in count and length. */
function keptHeaders(raw: readonly string[]): HeaderPair[] {
  const kept: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length && kept.length < RESPONSE_HEADERS_KEPT; i += 2) {
    kept.push({ name: raw[i]!.toLowerCase(), value: raw[i + 1]!.slice(0, HEADER_VALUE_KEPT) });
  }
  return kept;
}

function timingsOf(timings: Timings | undefined, elapsedMs: number): AttemptTimings {
  const phases = timings?.phases;
  const ms = (value: number | undefined) => (value === undefined ? null : Math.round(value));
  return { dnsMs: ms(phases?.dns), connectMs: ms(phases?.tcp), tlsMs: ms(phases?.tls), firstByteMs: ms(phases?.firstByte), totalMs: Math.round(phases?.total ?? elapsedMs) };
}

function agentsOf(pool: { http: HttpAgent; https: HttpsAgent; proxied: { http: HttpAgent; https: HttpsAgent } | null }): Array<HttpAgent | HttpsAgent> {
  return [pool.http, pool.https, ...(pool.proxied ? [pool.proxied.http, pool.proxied.https] : [])];
}

/**
 * A proxy's own refusal of an absolute-form request: 407 always, and a 5xx it marks with
 * Proxy-Status (RFC 9209). Any other answer is the destination's, relayed.
 */
function isProxysOwnAnswer(answer: Answer): boolean {
  return answer.status === 407 || (answer.status >= 500 && answer.proxyStatus !== undefined);
}

interface Answer {
  status: number;
  kept: string;
  tooLarge: boolean;
  retryAfter: string | undefined;
  location: string | undefined;
  proxyStatus: string | undefined;
}

/** Reads at most MAX_READ_BYTES of the body, keeping KEPT_BYTES; a larger body is cut off. */
function readAnswer(stream: ReturnType<typeof got.stream>, keptBytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let retryAfter: string | undefined;
    let location: string | undefined;
    let proxyStatus: string | undefined;
    const chunks: Buffer[] = [];
    let read = 0;
    stream.on('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
      status = response.statusCode;
      retryAfter = header(response.headers['retry-after']);
      location = header(response.headers.location);
      proxyStatus = header(response.headers['proxy-status']);
    });
    stream.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > MAX_READ_BYTES) {
        stream.destroy();
        resolve({ status, kept: keep(chunks, keptBytes), tooLarge: true, retryAfter, location, proxyStatus });
        return;
      }
      if (Buffer.concat(chunks).length < keptBytes) chunks.push(chunk);
    });
    stream.on('end', () => resolve({ status, kept: keep(chunks, keptBytes), tooLarge: false, retryAfter, location, proxyStatus }));
    stream.on('error', reject);
  });
}

/**
 * The kept start of a body as text. Invalid UTF-8 decodes to U+FFFD; NUL is replaced too, because
 * PostgreSQL text cannot hold it: one receiver answering a NUL failed its whole batch's record,
 * and the batch was sent again and again (found by the receiver-misbehaviour suite).
 */
function keep(chunks: Buffer[], keptBytes: number): string {
  return Buffer.concat(chunks).subarray(0, keptBytes).toString('utf8').replaceAll('\u0000', '\uFFFD');
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function statusMessage(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed${location ? ` (to ${location.slice(0, 200)})` : ''}`;
  return `HTTP ${status}`;
}

/** A result before the sender adds its timing and forensics. */
type Outcome = Omit<SendResult, 'startedAt' | 'durationMs' | keyof AttemptForensics>;

function failure(kind: AttemptErrorKind, message: string): Outcome {
  return { ok: false, status: null, responseBody: null, retryAfter: undefined, error: { kind, message } };
}

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL)/;

function classify(error: unknown, timeoutMs: number): [AttemptErrorKind, string] {
  const code = (error as { code?: string }).code ?? '';
  const cause = error instanceof RequestError ? (error.cause as { code?: string } | undefined) : undefined;
  const codes = [code, cause?.code ?? ''];
  if (codes.includes('EHERALDBLOCKED')) return ['BLOCKED_ADDRESS', `refused: ${(error as Error).message}`];
  if (codes.includes('EHERALDPROXY')) return ['PROXY', ((error instanceof RequestError ? error.cause : error) as Error).message];
  if (codes.includes('ETIMEDOUT')) return ['TIMEOUT', `no complete answer within ${timeoutMs} ms`];
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'ENODATA')) return ['DNS', 'the host name does not resolve'];
  const tlsCode = codes.find((c) => TLS_CODE.test(c));
  if (tlsCode) return ['TLS', tlsMessage(tlsCode)];
  if (codes.includes('ECONNREFUSED')) return ['CONNECTION', 'connection refused'];
  if (codes.includes('ECONNRESET')) return ['CONNECTION', 'connection reset'];
  return ['CONNECTION', `the connection failed (${code || 'error'})`];
}

/** What a TLS failure code means for whoever configures the endpoint. */
const TLS_MEANINGS: Array<[RegExp, string]> = [
  [/CERTIFICATE_REQUIRED/, 'the receiver requires a client certificate, and none was sent'],
  [/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|DECRYPT_ERROR)/, 'the receiver refused the client certificate'],
  [/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)$/, "the receiver's certificate is not signed by a trusted CA"],
  [/^CERT_HAS_EXPIRED$/, "the receiver's certificate has expired"],
  [/^CERT_NOT_YET_VALID$/, "the receiver's certificate is not valid yet"],
  [/^ERR_TLS_CERT_ALTNAME_INVALID$/, "the receiver's certificate is for another host name"],
];

function tlsMessage(code: string): string {
  const meaning = TLS_MEANINGS.find(([pattern]) => pattern.test(code))?.[1];
  return meaning ? `TLS failed: ${meaning} (${code})` : `TLS failed (${code})`;
}
