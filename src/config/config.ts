// The one place that reads the environment. loadConfig parses and checks every variable once and
// hands a typed HeraldConfig to everything else; a bad value is a ConfigError whose one-line
// message names the variable and what it accepts. Tests build a config with configFromDefaults.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { formatByteSize, formatDuration, parseByteSize, parseDuration, parseDurationList } from './units.ts';

export interface HeraldConfig {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string | undefined;
  port: number;
  /** Absolute path. */
  dataDir: string;
  encryptionKeyBase64: string | undefined;
  /** Delay before each attempt, the first included; its length is the number of attempts. */
  retryScheduleMs: number[];
  deliveryTimeoutMs: number;
  /** 0 = never disable. */
  disableAfterFailures: number;
  allowPrivateNetworks: boolean;
  maxPayloadBytes: number;
  maxEndpointsPerOrg: number;
  retentionDays: number;
  signatureHeader: string;
  /** Normalised origins (`https://app.example.com`); empty = no cross-origin browser access. */
  corsOrigins: string[];
  maxRequestBytes: number;
  /** Address the HTTP servers listen on: loopback by default outside production. */
  host: string;
  /** Serve GraphiQL on GET /graphql (off by default in production). */
  graphiql: boolean;
  /** When set, /metrics answers only `Authorization: Bearer <token>`; unset in production, /metrics is off. */
  metricsToken: string | undefined;
  /** graphql-ws limits, per API process. */
  maxSubscriptionsPerSocket: number;
  maxSubscriptionsPerKey: number;
  maxSocketsPerKey: number;
  /** Bytes of event payloads and response bodies one GraphQL response may carry. */
  maxResponseBytes: number;
  /** Where people reach this Herald (`https://hooks.example.com`), for the links it prints; unset: http://localhost:PORT. */
  publicUrl: string | undefined;
  /** Origins that may put the webhooks portal in an iframe (CSP frame-ancestors); empty: none. */
  portalFrameAncestors: string[];
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

const DEFAULT_RETRY_SCHEDULE = '0s,1m,5m,30m,2h';
const MAX_RETRY_STEPS = 50;
const MAX_RETRY_STEP_MS = 7 * 86_400_000;
const MIN_TIMEOUT_MS = 1;
const MAX_TIMEOUT_MS = 5 * 60_000;
const MAX_PAYLOAD_LIMIT = 16 * 1024 ** 2;
const MAX_REQUEST_LIMIT = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Room for publishEvents with 100 events of the largest payload allowed, plus 10 % for the query
 * and the rest of the JSON; never under 1 MiB so ordinary requests are not squeezed.
 */
export function defaultMaxRequestBytes(maxPayloadBytes: number): number {
  return Math.max(MiB, 110 * maxPayloadBytes);
}

/** Every variable Herald reads, in the order loadConfig checks them. README.md lists the same. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'NODE_ENV',
    default: 'development',
    description: '`development`, `test` or `production`; production requires HERALD_ENCRYPTION_KEY and logs JSON.',
  },
  {
    name: 'DATABASE_URL',
    default: 'unset (embedded PostgreSQL under HERALD_DATA_DIR)',
    description: 'A `postgres://` or `postgresql://` URL of the PostgreSQL server to use.',
  },
  {
    name: 'PORT',
    default: '4000',
    description: 'HTTP port for the API, /health, /ready and /metrics, 0–65535; 0 picks a free port.',
  },
  {
    name: 'HERALD_DATA_DIR',
    default: '.data',
    description: 'Folder for the embedded database and the development encryption key, relative to the working directory.',
  },
  {
    name: 'HERALD_ENCRYPTION_KEY',
    default: 'unset (generated once into HERALD_DATA_DIR/encryption-key, development and test only)',
    description: 'Base64 of exactly 32 bytes (`openssl rand -base64 32`) encrypting endpoint secrets; required in production.',
  },
  {
    name: 'HERALD_RETRY_SCHEDULE',
    default: DEFAULT_RETRY_SCHEDULE,
    description: `Comma-separated delays before each attempt, the first included (so its length is the number of attempts); units ms, s, m, h, d; 1–${MAX_RETRY_STEPS} steps of at most 7d.`,
  },
  {
    name: 'HERALD_DELIVERY_TIMEOUT',
    default: '30s',
    description: 'How long one delivery attempt may take, from 1ms to 5m.',
  },
  {
    name: 'HERALD_DISABLE_AFTER_FAILURES',
    default: '10',
    description: 'Disable an endpoint (reason FAILING) after this many consecutive failed deliveries; 0 = never.',
  },
  {
    name: 'HERALD_ALLOW_PRIVATE_NETWORKS',
    default: 'false',
    description: '`true` or `1` allows endpoints on private, loopback and link-local addresses and `http://` URLs (development); `false` or `0` refuses them.',
  },
  {
    name: 'HERALD_MAX_PAYLOAD_BYTES',
    default: '256KiB',
    description: 'Largest event payload; bytes, or with a unit B, KiB, MiB; at most 16MiB.',
  },
  {
    name: 'HERALD_MAX_ENDPOINTS_PER_ORG',
    default: '20',
    description: 'Most endpoints one organization may have, at least 1.',
  },
  {
    name: 'HERALD_RETENTION_DAYS',
    default: '30',
    description: 'Days events, deliveries and attempts are kept, 1–3650.',
  },
  {
    name: 'HERALD_SIGNATURE_HEADER',
    default: 'X-Herald-Signature',
    description: 'Header carrying the HMAC signature for the two HMAC schemes; an HTTP token, not `webhook-*` nor a standard header.',
  },
  {
    name: 'HERALD_CORS_ORIGINS',
    default: 'none',
    description: 'Comma-separated origins allowed to call the API from a browser, such as `https://app.example.com,http://localhost:3000` (scheme, host, optional port; no path).',
  },
  {
    name: 'HERALD_MAX_REQUEST_BYTES',
    default: 'max(1MiB, 110 × HERALD_MAX_PAYLOAD_BYTES) (27.5MiB by default)',
    description: 'Largest HTTP request body the API accepts, at least HERALD_MAX_PAYLOAD_BYTES and at most 1GiB; the default fits publishEvents of 100 largest events.',
  },
  {
    name: 'HERALD_HOST',
    default: '127.0.0.1 (0.0.0.0 when NODE_ENV=production)',
    description: 'Address the API (and a worker\'s probes) listen on: an IPv4 or IPv6 address; `0.0.0.0` or `::` for every interface.',
  },
  {
    name: 'HERALD_GRAPHIQL',
    default: 'true (false when NODE_ENV=production)',
    description: '`true` or `1` serves GraphiQL on GET /graphql (assets from the package, with a Content-Security-Policy); `false` or `0` does not.',
  },
  {
    name: 'HERALD_METRICS_TOKEN',
    default: 'unset (/metrics open outside production, off in production)',
    description: 'When set, /metrics answers only requests with `Authorization: Bearer <token>` (16–256 visible characters).',
  },
  {
    name: 'HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET',
    default: '100',
    description: 'Subscriptions one graphql-ws socket may hold at once; past it the new one gets a TOO_MANY_SUBSCRIPTIONS error. 1–100000.',
  },
  {
    name: 'HERALD_MAX_SUBSCRIPTIONS_PER_KEY',
    default: '500',
    description: 'Subscriptions one key may hold at once across its sockets, per API process. 1–1000000.',
  },
  {
    name: 'HERALD_MAX_SOCKETS_PER_KEY',
    default: '50',
    description: 'graphql-ws sockets one key may hold open at once, per API process; past it the socket is closed with 4429. 1–100000.',
  },
  {
    name: 'HERALD_MAX_RESPONSE_BYTES',
    default: '8MiB',
    description: 'Bytes of event payloads and receiver response bodies one GraphQL response may carry; past it the remaining fields answer RESPONSE_TOO_LARGE. At least 64KiB, at most 1GiB.',
  },
  {
    name: 'HERALD_PUBLIC_URL',
    default: 'unset (http://localhost:PORT)',
    description: 'The URL people reach this Herald at, such as `https://hooks.example.com` (no path, query or fragment); portal links name it.',
  },
  {
    name: 'HERALD_PORTAL_FRAME_ANCESTORS',
    default: 'none (the portal cannot be framed)',
    description: 'Comma-separated origins allowed to embed the webhooks portal in an iframe, such as `https://app.example.com` (sent as CSP frame-ancestors).',
  },
];

const KNOWN = new Set(CONFIG_VARIABLES.map((variable) => variable.name));

/** Parses and checks every variable; throws ConfigError on the first bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): HeraldConfig {
  // An empty value counts as unset: `FOO=` in a compose file or a shell means "no value".
  const read = (name: string): string | undefined => {
    if (!KNOWN.has(name)) throw new Error(`${name} is missing from CONFIG_VARIABLES`);
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const nodeEnv = parseNodeEnv(read('NODE_ENV'));
  const databaseUrl = parseDatabaseUrl(read('DATABASE_URL'));
  const port = parseInteger('PORT', read('PORT') ?? '4000', 0, 65_535, 'a port number from 0 to 65535');
  const dataDir = resolve(read('HERALD_DATA_DIR') ?? '.data');
  const encryptionKeyBase64 = parseEncryptionKey(read('HERALD_ENCRYPTION_KEY'));
  if (nodeEnv === 'production' && encryptionKeyBase64 === undefined) {
    throw new ConfigError(
      'HERALD_ENCRYPTION_KEY',
      'required when NODE_ENV=production: set it to the base64 of 32 random bytes (openssl rand -base64 32)',
    );
  }
  const retryScheduleMs = parseRetrySchedule(read('HERALD_RETRY_SCHEDULE') ?? DEFAULT_RETRY_SCHEDULE);
  const deliveryTimeoutMs = parseTimeout(read('HERALD_DELIVERY_TIMEOUT') ?? '30s');
  const disableAfterFailures = parseInteger(
    'HERALD_DISABLE_AFTER_FAILURES',
    read('HERALD_DISABLE_AFTER_FAILURES') ?? '10',
    0,
    1_000_000,
    'a whole number of failures, 0 for never',
  );
  const allowPrivateNetworks = parseBoolean('HERALD_ALLOW_PRIVATE_NETWORKS', read('HERALD_ALLOW_PRIVATE_NETWORKS') ?? 'false');
  const maxPayloadBytes = parseSize(
    'HERALD_MAX_PAYLOAD_BYTES',
    read('HERALD_MAX_PAYLOAD_BYTES') ?? '256KiB',
    1,
    MAX_PAYLOAD_LIMIT,
  );
  const maxEndpointsPerOrg = parseInteger(
    'HERALD_MAX_ENDPOINTS_PER_ORG',
    read('HERALD_MAX_ENDPOINTS_PER_ORG') ?? '20',
    1,
    1_000_000,
    'a whole number of endpoints, at least 1',
  );
  const retentionDays = parseInteger('HERALD_RETENTION_DAYS', read('HERALD_RETENTION_DAYS') ?? '30', 1, 3650, 'a whole number of days from 1 to 3650');
  const signatureHeader = parseSignatureHeader(read('HERALD_SIGNATURE_HEADER') ?? 'X-Herald-Signature');
  const corsOrigins = parseCorsOrigins(read('HERALD_CORS_ORIGINS'));
  const requestText = read('HERALD_MAX_REQUEST_BYTES');
  const maxRequestBytes =
    requestText === undefined
      ? defaultMaxRequestBytes(maxPayloadBytes)
      : parseSize('HERALD_MAX_REQUEST_BYTES', requestText, maxPayloadBytes, MAX_REQUEST_LIMIT, 'HERALD_MAX_PAYLOAD_BYTES');

  const production = nodeEnv === 'production';
  const host = parseHost(read('HERALD_HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'));
  const graphiql = parseBoolean('HERALD_GRAPHIQL', read('HERALD_GRAPHIQL') ?? (production ? 'false' : 'true'));
  const metricsToken = parseMetricsToken(read('HERALD_METRICS_TOKEN'));
  const maxSubscriptionsPerSocket = parseInteger(
    'HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET',
    read('HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET') ?? '100',
    1,
    100_000,
    'a whole number of subscriptions from 1 to 100000',
  );
  const maxSubscriptionsPerKey = parseInteger(
    'HERALD_MAX_SUBSCRIPTIONS_PER_KEY',
    read('HERALD_MAX_SUBSCRIPTIONS_PER_KEY') ?? '500',
    1,
    1_000_000,
    'a whole number of subscriptions from 1 to 1000000',
  );
  const maxSocketsPerKey = parseInteger(
    'HERALD_MAX_SOCKETS_PER_KEY',
    read('HERALD_MAX_SOCKETS_PER_KEY') ?? '50',
    1,
    100_000,
    'a whole number of sockets from 1 to 100000',
  );
  const maxResponseBytes = parseSize('HERALD_MAX_RESPONSE_BYTES', read('HERALD_MAX_RESPONSE_BYTES') ?? '8MiB', 64 * 1024, MAX_REQUEST_LIMIT);

  const publicUrl = parsePublicUrl(read('HERALD_PUBLIC_URL'));
  const portalFrameAncestors = parseOrigins('HERALD_PORTAL_FRAME_ANCESTORS', read('HERALD_PORTAL_FRAME_ANCESTORS'));

  return {
    nodeEnv,
    databaseUrl,
    port,
    dataDir,
    encryptionKeyBase64,
    retryScheduleMs,
    deliveryTimeoutMs,
    disableAfterFailures,
    allowPrivateNetworks,
    maxPayloadBytes,
    maxEndpointsPerOrg,
    retentionDays,
    signatureHeader,
    corsOrigins,
    maxRequestBytes,
    host,
    graphiql,
    metricsToken,
    maxSubscriptionsPerSocket,
    maxSubscriptionsPerKey,
    maxSocketsPerKey,
    maxResponseBytes,
    publicUrl,
    portalFrameAncestors,
  };
}

/**
 * The defaults (as loadConfig with an empty environment) with some fields replaced, for tests.
 * Overrides are not validated. maxRequestBytes follows an overridden maxPayloadBytes unless it is
 * overridden too.
 */
export function configFromDefaults(overrides: Partial<HeraldConfig> = {}): HeraldConfig {
  const config = { ...loadConfig({}), ...overrides };
  if (overrides.maxRequestBytes === undefined) config.maxRequestBytes = defaultMaxRequestBytes(config.maxPayloadBytes);
  return config;
}

/** The value as shown in an error: quoted with escapes (so the message stays one line), cut short. */
function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function parseNodeEnv(text: string | undefined): HeraldConfig['nodeEnv'] {
  const value = text ?? 'development';
  if (value === 'development' || value === 'test' || value === 'production') return value;
  throw new ConfigError('NODE_ENV', `expected development, test or production, got ${shown(value)}`);
}

// The URL is never echoed: it usually holds a password.
function parseDatabaseUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('DATABASE_URL', 'expected a URL such as postgres://user:password@host:5432/herald, got text that is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected a postgres:// or postgresql:// URL, got a ${url.protocol}// URL`);
  }
  return text;
}

// The key is never echoed either.
function parseEncryptionKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const expected = 'expected the base64 of exactly 32 bytes (openssl rand -base64 32)';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new ConfigError('HERALD_ENCRYPTION_KEY', `${expected}, got text that is not base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new ConfigError('HERALD_ENCRYPTION_KEY', `${expected}, got ${bytes.length} bytes`);
  return bytes.toString('base64');
}

function parseInteger(name: string, text: string, min: number, max: number, expected: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected ${expected}, got ${shown(text)}`);
  }
  return value;
}

function parseBoolean(name: string, text: string): boolean {
  const value = text.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `expected true, false, 1 or 0, got ${shown(text)}`);
}

function parseRetrySchedule(text: string): number[] {
  const name = 'HERALD_RETRY_SCHEDULE';
  const schedule = parseDurationList(text);
  if (schedule === null) {
    throw new ConfigError(name, `expected comma-separated durations such as ${DEFAULT_RETRY_SCHEDULE}, got ${shown(text)}`);
  }
  if (schedule.length > MAX_RETRY_STEPS) {
    throw new ConfigError(name, `expected at most ${MAX_RETRY_STEPS} steps, got ${schedule.length}`);
  }
  const tooLong = schedule.find((ms) => ms > MAX_RETRY_STEP_MS);
  if (tooLong !== undefined) {
    throw new ConfigError(name, `expected each step to be at most ${formatDuration(MAX_RETRY_STEP_MS)}, got ${formatDuration(tooLong)}`);
  }
  return schedule;
}

function parseTimeout(text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw new ConfigError(
      'HERALD_DELIVERY_TIMEOUT',
      `expected a duration such as 30s or 500ms, from ${formatDuration(MIN_TIMEOUT_MS)} to ${formatDuration(MAX_TIMEOUT_MS)}, got ${shown(text)}`,
    );
  }
  return ms;
}

function parseSize(name: string, text: string, min: number, max: number, minName?: string): number {
  const bytes = parseByteSize(text);
  if (bytes === null || bytes < min || bytes > max) {
    const lower = minName ? `${minName} (${formatByteSize(min)})` : formatByteSize(min);
    throw new ConfigError(
      name,
      `expected a size such as 262144, 256KiB or 1MiB, from ${lower} to ${formatByteSize(max)}, got ${shown(text)}`,
    );
  }
  return bytes;
}

function parseHost(text: string): string {
  if (isIP(text) === 0) {
    throw new ConfigError('HERALD_HOST', `expected an IP address such as 127.0.0.1, 0.0.0.0 or ::, got ${shown(text)}`);
  }
  return text;
}

// The token is never echoed: it is a credential.
function parseMetricsToken(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[\x21-\x7e]{16,256}$/.test(text)) {
    throw new ConfigError('HERALD_METRICS_TOKEN', `expected 16 to 256 visible ASCII characters (openssl rand -hex 24), got ${text.length} characters`);
  }
  return text;
}

// RFC 9110 token characters.
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Headers that HTTP, proxies or Herald itself give a meaning; a signature must not hide in one.
const RESERVED_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'connection',
  'content-encoding', 'content-length', 'content-type', 'cookie', 'date', 'expect', 'forwarded',
  'host', 'keep-alive', 'origin', 'pragma', 'proxy-authorization', 'proxy-connection', 'range',
  'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'via',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'x-request-id',
]);

function parseSignatureHeader(text: string): string {
  const name = 'HERALD_SIGNATURE_HEADER';
  if (!HEADER_TOKEN.test(text) || text.length > 100) {
    throw new ConfigError(name, `expected an HTTP header name such as X-Herald-Signature, got ${shown(text)}`);
  }
  const lower = text.toLowerCase();
  if (lower.startsWith('webhook-')) {
    throw new ConfigError(name, `expected a header outside webhook-* (used by the Standard Webhooks scheme), got ${shown(text)}`);
  }
  if (RESERVED_HEADERS.has(lower)) {
    throw new ConfigError(name, `expected a header of its own such as X-Herald-Signature, not the standard header ${shown(text)}`);
  }
  return text;
}

function parsePublicUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const origin = originOf(text.replace(/\/$/, ''));
  if (origin === null) {
    throw new ConfigError('HERALD_PUBLIC_URL', `expected an http:// or https:// URL with no path, such as https://hooks.example.com, got ${shown(text)}`);
  }
  return origin;
}

function parseCorsOrigins(text: string | undefined): string[] {
  return parseOrigins('HERALD_CORS_ORIGINS', text);
}

function parseOrigins(name: string, text: string | undefined): string[] {
  if (text === undefined) return [];
  const origins: string[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const origin = originOf(item);
    if (origin === null) {
      throw new ConfigError(
        name,
        `expected comma-separated origins such as https://app.example.com or http://localhost:3000 (no path), got ${shown(item)}`,
      );
    }
    if (!origins.includes(origin)) origins.push(origin);
  }
  return origins;
}

// What a browser sends in Origin: scheme, host and a non-default port, lower-cased, no slash.
function originOf(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const plain =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    !text.endsWith('/') &&
    !text.includes('?') &&
    !text.includes('#');
  return plain ? url.origin : null;
}
