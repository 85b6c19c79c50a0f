// The one place that reads the environment. loadConfig parses and checks every variable once and
// hands a typed HeraldConfig to everything else; a bad value is a ConfigError whose one-line
// message names the variable and what it accepts (./parse-variables.ts). Tests build a config
// with configFromDefaults.

import { resolve } from 'node:path';
import type { PrivateNetworks } from '../engine/address-policy.ts';
import { EgressProxyValueError, parseEgressProxyUrl, parseNoProxy, type EgressProxy } from '../engine/egress-route.ts';
import { LOG_LEVELS, type LogLevel } from '../log.ts';
import { MAX_IN_FLIGHT_ATTEMPTS, type QueueTimings } from './queue-timings.ts';
import { parseTelemetrySettings, type TelemetrySettings } from '../telemetry/settings.ts';
import { ConfigError, DEFAULT_RECOVERY_PROBES, DEFAULT_RETRY_SCHEDULE, parseRecoveryProbes, MAX_PAYLOAD_LIMIT, MAX_REQUEST_LIMIT, MAX_RETRY_STEPS, parseBoolean, parseCorsOrigins, parseDurationVariable, parseDatabaseUrl, parseEncryptionKey, parseHost, parseInteger, parseMetricsToken, parseNodeEnv, parseOrigins, parsePublicUrl, parseQueueTimingsVariable, parseRetrySchedule, parseSignatureHeader, parseSize, parseTimeout, shown } from './parse-variables.ts';

export { ConfigError };

export interface HeraldConfig {
  nodeEnv: 'development' | 'test' | 'production';
  /** The least severe log entries written. */
  logLevel: LogLevel;
  databaseUrl: string | undefined;
  /**
   * HERALD_DIRECT_DATABASE_URL: a session connection to the same database, for what a transaction
   * pooler (pgbouncer) breaks — LISTEN, pg-boss, the migrations' lock. Set: DATABASE_URL is pooled.
   */
  databaseDirectUrl: string | undefined;
  /** The API's port (`herald serve`, `herald api`). */
  port: number;
  /** `herald worker`'s probe port: PORT when set, else one beside the API's, so both run side by side with no variables. */
  workerPort: number;
  /** Absolute path. */
  dataDir: string;
  encryptionKeyBase64: string | undefined;
  /** Delay before each attempt, the first included; its length is the number of attempts. */
  retryScheduleMs: number[];
  /** Delays of the probes of an endpoint disabled as FAILING, each from the one before (the first from the disable); empty: off. */
  recoveryProbesMs: number[];
  deliveryTimeoutMs: number;
  /** 0 = never disable. */
  disableAfterFailures: number;
  /** Failed attempts of one delivery before `herald.delivery.failing` is emitted; 0 = never. */
  failingAfterAttempts: number;
  /** `'loopback'`: this machine only (`npm run dev`); `true`: every private range too. */
  allowPrivateNetworks: PrivateNetworks;
  maxPayloadBytes: number;
  maxEndpointsPerOrg: number;
  retentionDays: number;
  signatureHeader: string;
  /** HERALD_EGRESS_PROXY with HERALD_EGRESS_NO_PROXY; null: deliveries connect directly. */
  egressProxy: EgressProxy | null;
  /** Normalised origins (`https://app.example.com`); empty = no cross-origin browser access. */
  corsOrigins: string[];
  /** Largest body from a key that may publish (`events:publish`, admin keys). */
  maxRequestBytes: number;
  /** Largest body from any other key (read-only keys, portal sessions, endpoint managers). */
  maxRequestBytesWithoutPublish: number;
  /** Connections the API holds at once; the next is closed as it arrives. */
  maxConnections: number;
  /** Time a client has to send a request's headers, and its whole request. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
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
  /** SSE subscription streams one key may hold open per API process (they count against maxSubscriptionsPerKey too). */
  maxStreamsPerKey: number;
  /** How long the change log keeps changes, so a subscription can resume after a cursor that old (`resumeAfter`). */
  changeRetentionMs: number;
  /** Portal sessions one key may mint per minute, per API process (a burst of as many, then one every 60/N s). */
  portalSessionsPerMinute: number;
  /** Live (unexpired, unrevoked) portal sessions one organization may hold. */
  maxPortalSessionsPerOrg: number;
  /** Bytes of event payloads and response bodies one GraphQL response may carry. */
  maxResponseBytes: number;
  /** Where people reach this Herald (`https://hooks.example.com`), for the links it prints; unset: http://localhost:PORT. */
  publicUrl: string | undefined;
  /** Origins that may put the webhooks portal in an iframe (CSP frame-ancestors); empty: none. */
  portalFrameAncestors: string[];
  /** pg-boss's supervision, expiry and retry timings (production's defaults unless a test shortens them). */
  queueTimings: QueueTimings;
  /** Attempts of one organization in flight in one worker process while others want room (src/engine/in-flight-shares.ts). */
  maxInFlightPerOrganization: number;
  /** OpenTelemetry export from the standard OTEL_* variables; null: off (docs/telemetry.md). */
  telemetry: TelemetrySettings | null;
}

export interface ConfigVariable {
  name: string;
  /** The value loadConfig uses when the variable is unset (per NODE_ENV when a function); none: unset. */
  fallback?: string | ((nodeEnv: HeraldConfig['nodeEnv']) => string);
  /** The default as the README's table shows it. */
  shownDefault: string;
  /** What it accepts, as the README's table says it (Markdown). */
  description: string;
}

const DEFAULT_NODE_ENV = 'development';
/** Beside the API's default 4000 (PORT's fallback), for `herald api` and `herald worker` on one machine. */
const DEFAULT_WORKER_PORT = 4001;
/**
 * A quarter of the process's in-flight attempts: four organizations with silent receivers fill a
 * worker before anyone else waits, and it is above the 200 attempts the fetch loops hold in their
 * batches (4 × 50), so an organization whose receivers answer is never held by it.
 */
const DEFAULT_IN_FLIGHT_PER_ORGANIZATION = 250;
const MiB = 1024 ** 2;

/**
 * Room for publishEvents with 100 events of the largest payload allowed, plus 10 % for the query
 * and the rest of the JSON; never under 1 MiB so ordinary requests are not squeezed.
 */
export function defaultMaxRequestBytes(maxPayloadBytes: number): number {
  return Math.max(MiB, 110 * maxPayloadBytes);
}

/**
 * Room for the largest request of a key that may not publish: a `testFilter` with a sample payload
 * at the payload limit, plus its filter (at most 4 KiB), the query and the JSON around them, with
 * room to spare (64 KiB); never more than HERALD_MAX_REQUEST_BYTES.
 */
export function defaultMaxRequestBytesWithoutPublish(maxPayloadBytes: number, maxRequestBytes: number): number {
  return Math.min(maxRequestBytes, maxPayloadBytes + 64 * 1024);
}

/**
 * Every variable Herald reads, in the order loadConfig checks them: the one source of their
 * defaults (loadConfig reads `fallback`) and of the README's table (`npm run docs:config` prints
 * it; test/config/config.test.ts fails when the README's copy is stale).
 */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'NODE_ENV', fallback: DEFAULT_NODE_ENV, shownDefault: `\`${DEFAULT_NODE_ENV}\``, description: '`development`, `test` or `production`. Production requires `HERALD_ENCRYPTION_KEY` and logs JSON lines.' },
  { name: 'HERALD_LOG_LEVEL', fallback: 'info', shownDefault: '`info`', description: '`debug`, `info`, `warn` or `error`: the least severe log lines written (`info` has a line per delivery outcome and endpoint change; docs/logging.md).' },
  { name: 'DATABASE_URL', shownDefault: 'unset: embedded PostgreSQL under `HERALD_DATA_DIR`', description: 'A `postgres://` or `postgresql://` URL; may be a pgbouncer in transaction mode when `HERALD_DIRECT_DATABASE_URL` is set.' },
  { name: 'HERALD_DIRECT_DATABASE_URL', shownDefault: 'unset: `DATABASE_URL` is a session connection', description: 'The same database without the pooler, for LISTEN, the queue and migrations; set it when `DATABASE_URL` goes through pgbouncer in transaction mode (docs/scaling.md).' },
  { name: 'PORT', fallback: '4000', shownDefault: '`4000`; `4001` for `herald worker`', description: '0–65535; 0 picks a free port. A worker listens on it for its probes (`/health`, `/ready`, `/metrics`).' },
  { name: 'HERALD_HOST', fallback: (env) => (env === 'production' ? '0.0.0.0' : '127.0.0.1'), shownDefault: '`127.0.0.1`; `0.0.0.0` in production', description: 'Address the API (and a worker\'s probes) listen on; `0.0.0.0` or `::` for every interface.' },
  { name: 'HERALD_PUBLIC_URL', shownDefault: '`http://localhost:PORT`', description: 'The URL people reach this Herald at (`https://hooks.example.com`, no path); portal links name it.' },
  { name: 'HERALD_DATA_DIR', fallback: '.data', shownDefault: '`.data`', description: 'Folder for the embedded database and the development encryption key.' },
  { name: 'HERALD_ENCRYPTION_KEY', shownDefault: 'generated into `HERALD_DATA_DIR` (not in production)', description: 'Base64 of exactly 32 bytes (`openssl rand -base64 32`); seals signing secrets and header values.' },
  { name: 'HERALD_RETRY_SCHEDULE', fallback: DEFAULT_RETRY_SCHEDULE, shownDefault: `\`${DEFAULT_RETRY_SCHEDULE}\``, description: `Delays before each attempt, the first included (1–${MAX_RETRY_STEPS} steps, each ≤ 7d; units ms, s, m, h, d).` },
  { name: 'HERALD_RECOVERY_PROBES', fallback: DEFAULT_RECOVERY_PROBES, shownDefault: `\`${DEFAULT_RECOVERY_PROBES}\``, description: 'When an endpoint disabled as `FAILING` is probed with a signed `webhook.test`, each delay after the one before (the retry schedule\'s syntax); the first 2xx turns it on again and delivers what it missed (docs/recovery.md). `off`: never.' },
  { name: 'HERALD_DELIVERY_TIMEOUT', fallback: '30s', shownDefault: '`30s`', description: 'Time allowed for one attempt, 1ms–5m. Endpoint verification uses min(this, 10s).' },
  { name: 'HERALD_DISABLE_AFTER_FAILURES', fallback: '10', shownDefault: '`10`', description: 'Consecutive failed deliveries before an endpoint is disabled as `FAILING`; `0` = never.' },
  { name: 'HERALD_FAILING_AFTER_ATTEMPTS', fallback: '3', shownDefault: '`3`', description: 'Failed attempts of one delivery, retries still due, before `herald.delivery.failing` is emitted; `0` = never.' },
  { name: 'HERALD_ALLOW_PRIVATE_NETWORKS', fallback: 'false', shownDefault: '`false`', description: '`loopback` (what `npm run dev` sets) allows `http://` to this machine only (localhost, 127.0.0.0/8, ::1); `true`/`1` allows `http://`, loopback and private addresses (development); metadata addresses stay refused.' },
  { name: 'HERALD_MAX_PAYLOAD_BYTES', fallback: '256KiB', shownDefault: '`256KiB`', description: 'Largest event payload, 1B–16MiB (`262144`, `256KiB`, `1MiB`).' },
  { name: 'HERALD_MAX_ENDPOINTS_PER_ORG', fallback: '20', shownDefault: '`20`', description: 'At least 1.' },
  { name: 'HERALD_RETENTION_DAYS', fallback: '30', shownDefault: '`30`', description: '1–3650: older events, deliveries, attempts and audit log entries are purged.' },
  { name: 'HERALD_SIGNATURE_HEADER', fallback: 'X-Herald-Signature', shownDefault: '`X-Herald-Signature`', description: 'The header of the two HMAC schemes: not `webhook-*` nor a standard header.' },
  { name: 'HERALD_CORS_ORIGINS', shownDefault: 'none', description: 'Comma-separated origins (`https://app.example.com`) allowed to call the API from a browser.' },
  { name: 'HERALD_EGRESS_PROXY', shownDefault: 'none: deliveries connect directly', description: 'An `http://[user:password@]host:port` forward proxy every delivery leaves through (CONNECT for `https://`), so receivers can allow-list one address; destinations are checked before the proxy is asked (docs/egress.md).' },
  { name: 'HERALD_EGRESS_NO_PROXY', shownDefault: 'none', description: 'Comma-separated destinations reached without the proxy: host names or domains (`example.com` covers its subdomains), IP addresses, CIDR ranges, or `*`.' },
  { name: 'HERALD_PORTAL_FRAME_ANCESTORS', shownDefault: 'none', description: 'Comma-separated origins allowed to embed the webhooks portal in an iframe (CSP `frame-ancestors`).' },
  { name: 'HERALD_GRAPHIQL', fallback: (env) => (env === 'production' ? 'false' : 'true'), shownDefault: '`true`; `false` in production', description: 'Serve GraphiQL on `GET /graphql`, its assets from the package, under a Content-Security-Policy.' },
  { name: 'HERALD_METRICS_TOKEN', shownDefault: 'unset: open outside production, off in production', description: 'When set, `/metrics` answers only `Authorization: Bearer <token>` (16–256 visible characters).' },
  { name: 'HERALD_MAX_REQUEST_BYTES', shownDefault: 'max(1MiB, 110 × payload limit)', description: 'Largest request body (room for `publishEvents` of 100 events); from the payload limit to 1GiB.' },
  { name: 'HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH', shownDefault: 'min(payload limit + 64KiB, request limit) = 320KiB', description: 'Largest request body from a key without `events:publish` (read-only keys, portal sessions); 16KiB to `HERALD_MAX_REQUEST_BYTES`.' },
  { name: 'HERALD_MAX_CONNECTIONS', fallback: '900', shownDefault: '`900`', description: 'HTTP and WebSocket connections the API holds at once (1–1000000); keep it below `ulimit -n` less ~200 (database pools, and up to 64 connections past it being answered). Past it a new connection is answered at once (`/health` 200, `/ready` and anything else 503) and closed.' },
  { name: 'HERALD_HEADERS_TIMEOUT', fallback: '10s', shownDefault: '`10s`', description: 'Time a client has to send a request\'s headers (100ms–5m); then the connection is closed.' },
  { name: 'HERALD_REQUEST_TIMEOUT', fallback: '30s', shownDefault: '`30s`', description: 'Time a client has to send a whole request, body included: from `HERALD_HEADERS_TIMEOUT` to 10m (a 27.5MiB body in 30s needs ~1MB/s).' },
  { name: 'HERALD_MAX_RESPONSE_BYTES', fallback: '8MiB', shownDefault: '`8MiB`', description: 'Bytes of payloads and response bodies one response may carry (64KiB–1GiB); past it `RESPONSE_TOO_LARGE`.' },
  { name: 'HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET', fallback: '100', shownDefault: '`100`', description: 'Operations one graphql-ws socket may hold at once; the next gets `TOO_MANY_SUBSCRIPTIONS`.' },
  { name: 'HERALD_MAX_SUBSCRIPTIONS_PER_KEY', fallback: '500', shownDefault: '`500`', description: 'Operations one key may hold at once over its sockets, per API process.' },
  { name: 'HERALD_MAX_SOCKETS_PER_KEY', fallback: '50', shownDefault: '`50`', description: 'graphql-ws sockets one key may hold open, per API process; the next is closed with 4429.' },
  { name: 'HERALD_MAX_SSE_STREAMS_PER_KEY', fallback: '50', shownDefault: '`50`', description: 'SSE subscription streams one key may hold open, per API process (each also counts against `HERALD_MAX_SUBSCRIPTIONS_PER_KEY`); the next gets `TOO_MANY_SUBSCRIPTIONS`.' },
  { name: 'HERALD_CHANGE_RETENTION', fallback: '1h', shownDefault: '`1h`', description: 'How long live-status changes are kept for `resumeAfter` (1s–7d); an older cursor gets `CURSOR_EXPIRED` (docs/subscriptions.md).' },
  { name: 'HERALD_PORTAL_SESSIONS_PER_MINUTE', fallback: '60', shownDefault: '`60`', description: 'Portal sessions one key may mint per minute, per API process (1–10000; a burst of as many, then one every 60/N s); past it `RateLimitedError`.' },
  { name: 'HERALD_MAX_PORTAL_SESSIONS_PER_ORG', fallback: '1000', shownDefault: '`1000`', description: 'Live (unexpired, unrevoked) portal sessions one organization may hold (1–1000000); past it `LimitExceededError`.' },
  { name: 'HERALD_MAX_IN_FLIGHT_PER_ORGANIZATION', fallback: String(DEFAULT_IN_FLIGHT_PER_ORGANIZATION), shownDefault: `\`${DEFAULT_IN_FLIGHT_PER_ORGANIZATION}\``, description: `Attempts of one organization in flight per worker process while others need room, 1–${MAX_IN_FLIGHT_ATTEMPTS} (see docs/fairness.md).` },
  { name: 'HERALD_QUEUE_TIMINGS', shownDefault: 'production\'s', description: 'Tests only: shorter pg-boss waits (`supervise=1s,expiryMargin=3s,…`; see docs/fault-injection.md).' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', shownDefault: 'unset: no telemetry', description: 'OpenTelemetry (docs/telemetry.md): the OTLP/HTTP base URL (`http://collector:4318`); spans go to `/v1/traces`, metrics to `/v1/metrics`. Unset (and no per-signal endpoint): off, at no cost.' },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', shownDefault: 'the base URL + `/v1/traces`', description: 'The full URL spans are exported to; set alone, only traces are exported.' },
  { name: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', shownDefault: 'the base URL + `/v1/metrics`', description: 'The full URL metrics are exported to; set alone, only metrics are exported.' },
  { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', shownDefault: '`http/protobuf`', description: '`http/protobuf` or `http/json` (no gRPC).' },
  { name: 'OTEL_EXPORTER_OTLP_HEADERS', shownDefault: 'none', description: 'Headers sent with each export, `name=value,name2=value2` (values percent-encoded), e.g. a collector\'s API key.' },
  { name: 'OTEL_SERVICE_NAME', shownDefault: '`herald`', description: 'The `service.name` of the spans and metrics.' },
  { name: 'OTEL_TRACES_EXPORTER', shownDefault: '`otlp`', description: '`otlp` or `none` (export metrics only).' },
  { name: 'OTEL_METRICS_EXPORTER', shownDefault: '`otlp`', description: '`otlp` or `none` (export traces only).' },
  { name: 'OTEL_METRIC_EXPORT_INTERVAL', shownDefault: '`60000`', description: 'Milliseconds between metric exports, 100–3600000 (and one more at the drain).' },
  { name: 'OTEL_SDK_DISABLED', shownDefault: '`false`', description: '`true` turns telemetry off whatever else is set.' },
];

/** The README's configuration table, printed from CONFIG_VARIABLES. */
export function configTableMarkdown(): string {
  const rows = CONFIG_VARIABLES.map((variable) => `| \`${variable.name}\` | ${variable.shownDefault} | ${variable.description} |`);
  return ['| variable | default | what it accepts |', '|---|---|---|', ...rows].join('\n');
}

const BY_NAME = new Map(CONFIG_VARIABLES.map((variable) => [variable.name, variable]));

/** Parses and checks every variable; throws ConfigError on the first bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): HeraldConfig {
  // An empty value counts as unset: `FOO=` in a compose file or a shell means "no value".
  const given = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  // NODE_ENV first: other variables' defaults depend on it.
  const nodeEnv = parseNodeEnv(given('NODE_ENV') ?? DEFAULT_NODE_ENV);
  const read = (name: string): string | undefined => {
    const variable = BY_NAME.get(name);
    if (!variable) throw new Error(`${name} is missing from CONFIG_VARIABLES`);
    const fallback = typeof variable.fallback === 'function' ? variable.fallback(nodeEnv) : variable.fallback;
    return given(name) ?? fallback;
  };
  const logLevel = parseLogLevel(required(read('HERALD_LOG_LEVEL')));
  const databaseUrl = parseDatabaseUrl(read('DATABASE_URL'));
  const databaseDirectUrl = parseDatabaseUrl(read('HERALD_DIRECT_DATABASE_URL'), 'HERALD_DIRECT_DATABASE_URL');
  if (databaseDirectUrl !== undefined && databaseUrl === undefined) {
    throw new ConfigError('HERALD_DIRECT_DATABASE_URL', 'expected DATABASE_URL to be set too: it is the direct connection beside a pooled DATABASE_URL');
  }
  const port = parseInteger('PORT', required(read('PORT')), 0, 65_535, 'a port number from 0 to 65535');
  const workerPort = given('PORT') === undefined ? DEFAULT_WORKER_PORT : port;
  const dataDir = resolve(required(read('HERALD_DATA_DIR')));
  const encryptionKeyBase64 = parseEncryptionKey(read('HERALD_ENCRYPTION_KEY'));
  if (nodeEnv === 'production' && encryptionKeyBase64 === undefined) {
    throw new ConfigError(
      'HERALD_ENCRYPTION_KEY',
      'required when NODE_ENV=production: set it to the base64 of 32 random bytes (openssl rand -base64 32)',
    );
  }
  const retryScheduleMs = parseRetrySchedule(required(read('HERALD_RETRY_SCHEDULE')));
  const recoveryProbesMs = parseRecoveryProbes(required(read('HERALD_RECOVERY_PROBES')));
  const deliveryTimeoutMs = parseTimeout(required(read('HERALD_DELIVERY_TIMEOUT')));
  const disableAfterFailures = parseInteger(
    'HERALD_DISABLE_AFTER_FAILURES',
    required(read('HERALD_DISABLE_AFTER_FAILURES')),
    0,
    1_000_000,
    'a whole number of failures, 0 for never',
  );
  const failingAfterAttempts = parseInteger(
    'HERALD_FAILING_AFTER_ATTEMPTS',
    required(read('HERALD_FAILING_AFTER_ATTEMPTS')),
    0,
    1_000,
    'a whole number of attempts from 0 (never) to 1000',
  );
  const allowPrivateNetworks = parsePrivateNetworks(required(read('HERALD_ALLOW_PRIVATE_NETWORKS')));
  const maxPayloadBytes = parseSize(
    'HERALD_MAX_PAYLOAD_BYTES',
    required(read('HERALD_MAX_PAYLOAD_BYTES')),
    1,
    MAX_PAYLOAD_LIMIT,
  );
  const maxEndpointsPerOrg = parseInteger(
    'HERALD_MAX_ENDPOINTS_PER_ORG',
    required(read('HERALD_MAX_ENDPOINTS_PER_ORG')),
    1,
    1_000_000,
    'a whole number of endpoints, at least 1',
  );
  /** A count within a range, refused with the range in words ("a whole number of streams from 1 to 100000"). */
  const wholeNumber = (name: string, min: number, max: number, noun: string) =>
    parseInteger(name, required(read(name)), min, max, `a whole number of ${noun} from ${min} to ${max}`);
  const retentionDays = wholeNumber('HERALD_RETENTION_DAYS', 1, 3650, 'days');
  const signatureHeader = parseSignatureHeader(required(read('HERALD_SIGNATURE_HEADER')));
  const egressProxy = parseEgressProxy(read('HERALD_EGRESS_PROXY'), read('HERALD_EGRESS_NO_PROXY'));
  const corsOrigins = parseCorsOrigins(read('HERALD_CORS_ORIGINS'));
  const requestText = read('HERALD_MAX_REQUEST_BYTES');
  const maxRequestBytes =
    requestText === undefined
      ? defaultMaxRequestBytes(maxPayloadBytes)
      : parseSize('HERALD_MAX_REQUEST_BYTES', requestText, maxPayloadBytes, MAX_REQUEST_LIMIT, 'HERALD_MAX_PAYLOAD_BYTES');
  const withoutPublishText = read('HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH');
  const maxRequestBytesWithoutPublish =
    withoutPublishText === undefined
      ? defaultMaxRequestBytesWithoutPublish(maxPayloadBytes, maxRequestBytes)
      : parseSize('HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH', withoutPublishText, 16 * 1024, maxRequestBytes);
  const maxConnections = wholeNumber('HERALD_MAX_CONNECTIONS', 1, 1_000_000, 'connections');
  const headersTimeoutMs = parseDurationVariable('HERALD_HEADERS_TIMEOUT', required(read('HERALD_HEADERS_TIMEOUT')), 100, 5 * 60_000);
  const requestTimeoutMs = parseDurationVariable('HERALD_REQUEST_TIMEOUT', required(read('HERALD_REQUEST_TIMEOUT')), headersTimeoutMs, 10 * 60_000);

  const host = parseHost(required(read('HERALD_HOST')));
  const graphiql = parseBoolean('HERALD_GRAPHIQL', required(read('HERALD_GRAPHIQL')));
  const metricsToken = parseMetricsToken(read('HERALD_METRICS_TOKEN'));
  const maxSubscriptionsPerSocket = wholeNumber('HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET', 1, 100_000, 'subscriptions');
  const maxSubscriptionsPerKey = wholeNumber('HERALD_MAX_SUBSCRIPTIONS_PER_KEY', 1, 1_000_000, 'subscriptions');
  const maxSocketsPerKey = wholeNumber('HERALD_MAX_SOCKETS_PER_KEY', 1, 100_000, 'sockets');
  const maxStreamsPerKey = wholeNumber('HERALD_MAX_SSE_STREAMS_PER_KEY', 1, 100_000, 'streams');
  const changeRetentionMs = parseDurationVariable('HERALD_CHANGE_RETENTION', required(read('HERALD_CHANGE_RETENTION')), 1_000, 7 * 24 * 3_600_000);
  const portalSessionsPerMinute = wholeNumber('HERALD_PORTAL_SESSIONS_PER_MINUTE', 1, 10_000, 'sessions');
  const maxPortalSessionsPerOrg = wholeNumber('HERALD_MAX_PORTAL_SESSIONS_PER_ORG', 1, 1_000_000, 'sessions');
  const maxResponseBytes = parseSize('HERALD_MAX_RESPONSE_BYTES', required(read('HERALD_MAX_RESPONSE_BYTES')), 64 * 1024, MAX_REQUEST_LIMIT);

  const publicUrl = parsePublicUrl(read('HERALD_PUBLIC_URL'));
  const portalFrameAncestors = parseOrigins('HERALD_PORTAL_FRAME_ANCESTORS', read('HERALD_PORTAL_FRAME_ANCESTORS'));
  const queueTimings = parseQueueTimingsVariable(read('HERALD_QUEUE_TIMINGS'));
  const maxInFlightPerOrganization = wholeNumber('HERALD_MAX_IN_FLIGHT_PER_ORGANIZATION', 1, MAX_IN_FLIGHT_ATTEMPTS, 'attempts');
  const telemetry = parseTelemetrySettings(read, (name, problem) => {
    throw new ConfigError(name, problem);
  });

  return {
    nodeEnv,
    logLevel,
    databaseUrl,
    databaseDirectUrl,
    port,
    workerPort,
    dataDir,
    encryptionKeyBase64,
    retryScheduleMs,
    recoveryProbesMs,
    deliveryTimeoutMs,
    disableAfterFailures,
    failingAfterAttempts,
    allowPrivateNetworks,
    maxPayloadBytes,
    maxEndpointsPerOrg,
    retentionDays,
    signatureHeader,
    egressProxy,
    corsOrigins,
    maxRequestBytes,
    maxRequestBytesWithoutPublish,
    maxConnections,
    headersTimeoutMs,
    requestTimeoutMs,
    host,
    graphiql,
    metricsToken,
    maxSubscriptionsPerSocket,
    maxSubscriptionsPerKey,
    maxSocketsPerKey,
    maxStreamsPerKey,
    changeRetentionMs,
    portalSessionsPerMinute,
    maxPortalSessionsPerOrg,
    maxResponseBytes,
    publicUrl,
    portalFrameAncestors,
    queueTimings,
    maxInFlightPerOrganization,
    telemetry,
  };
}

/**
 * The defaults (as loadConfig with an empty environment) with some fields replaced, for tests.
 * Overrides are not validated. The request limits follow an overridden maxPayloadBytes (and
 * maxRequestBytes) unless they are overridden too.
 */
export function configFromDefaults(overrides: Partial<HeraldConfig> = {}): HeraldConfig {
  const config = { ...loadConfig({}), ...overrides };
  if (overrides.maxRequestBytes === undefined) config.maxRequestBytes = defaultMaxRequestBytes(config.maxPayloadBytes);
  if (overrides.maxRequestBytesWithoutPublish === undefined) {
    config.maxRequestBytesWithoutPublish = defaultMaxRequestBytesWithoutPublish(config.maxPayloadBytes, config.maxRequestBytes);
  }
  return config;
}

/** HERALD_EGRESS_PROXY and HERALD_EGRESS_NO_PROXY (which means nothing without a proxy). */
function parseEgressProxy(proxyText: string | undefined, noProxyText: string | undefined): EgressProxy | null {
  const within = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof EgressProxyValueError) throw new ConfigError(name, error.message);
      throw error;
    }
  };
  const noProxy = within('HERALD_EGRESS_NO_PROXY', () => parseNoProxy(noProxyText ?? ''));
  if (proxyText === undefined || proxyText.trim() === '') {
    if (noProxy.length > 0) throw new ConfigError('HERALD_EGRESS_NO_PROXY', 'expected HERALD_EGRESS_PROXY to be set too: it lists what bypasses the proxy');
    return null;
  }
  return { ...within('HERALD_EGRESS_PROXY', () => parseEgressProxyUrl(proxyText.trim())), noProxy };
}

/** HERALD_ALLOW_PRIVATE_NETWORKS: a boolean, or `loopback` for this machine only. */
function parsePrivateNetworks(text: string): PrivateNetworks {
  const name = 'HERALD_ALLOW_PRIVATE_NETWORKS';
  const value = text.toLowerCase();
  if (value === 'loopback') return 'loopback';
  if (['true', '1', 'false', '0'].includes(value)) return parseBoolean(name, text);
  throw new ConfigError(name, `expected true, false, 1 or 0, or loopback (this machine only), got ${shown(text)}`);
}

function parseLogLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((known) => known === value.toLowerCase());
  if (level) return level;
  throw new ConfigError('HERALD_LOG_LEVEL', `expected debug, info, warn or error, got ${shown(value)}`);
}

/** The value of a variable that has a fallback, so is never unset. */
function required(value: string | undefined): string {
  if (value === undefined) throw new Error('a variable read with required() has no fallback in CONFIG_VARIABLES');
  return value;
}

