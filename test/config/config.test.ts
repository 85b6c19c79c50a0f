// De-risks start-up configuration: every variable's default, the values each accepts and
// refuses, the one-line error that names the variable, and the CLI's exit on a bad value.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../../src/config/print-config-table.ts';
import { CONFIG_VARIABLES, ConfigError, configFromDefaults, loadConfig, type HeraldConfig } from '../../src/config/config.ts';
import { formatByteSize, formatDuration, parseByteSize, parseDuration, parseDurationList } from '../../src/config/units.ts';
import { DEFAULT_QUEUE_TIMINGS, formatQueueTimings, parseQueueTimings } from '../../src/config/queue-timings.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const KEY = Buffer.alloc(32, 7).toString('base64');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('units', () => {
  it.each([
    ['250ms', 250],
    ['0s', 0],
    ['30s', 30_000],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 5m ', 300_000],
  ])('parses the duration %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['30', '', 's', '1.5s', '-1s', '1m30s', '10 s', '1S', '1w', '99999999999999999999d'])('refuses the duration %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('parses duration lists and refuses empty or partly bad ones', () => {
    expect(parseDurationList('0s,1m,5m,30m,2h')).toEqual([0, 60_000, 300_000, 1_800_000, 7_200_000]);
    expect(parseDurationList('10ms, 20ms')).toEqual([10, 20]);
    expect(parseDurationList('')).toBeNull();
    expect(parseDurationList('1s,')).toBeNull();
    expect(parseDurationList('1s,x')).toBeNull();
  });

  it.each([
    ['262144', 262_144],
    ['512B', 512],
    ['256KiB', 262_144],
    ['1MiB', 1_048_576],
    ['1 MiB', 1_048_576],
    ['2GiB', 2 * 1024 ** 3],
  ])('parses the byte size %j', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'KiB', '1KB', '1kib', '1.5MiB', '-1', '1 TiB'])('refuses the byte size %j', (text) => {
    expect(parseByteSize(text)).toBeNull();
  });

  it('formats durations and sizes in their shortest exact unit', () => {
    expect([0, 1, 1500, 90_000, 120_000, 86_400_000].map(formatDuration)).toEqual(['0s', '1ms', '1500ms', '90s', '2m', '1d']);
    expect([0, 100, 1024, 262_144, 1024 ** 3].map(formatByteSize)).toEqual(['0B', '100B', '1KiB', '256KiB', '1GiB']);
  });
});

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: 'development',
      logLevel: 'info',
      databaseUrl: undefined,
      port: 4000,
      workerPort: 4001,
      dataDir: resolve('.data'),
      encryptionKeyBase64: undefined,
      retryScheduleMs: [0, 60_000, 300_000, 1_800_000, 7_200_000],
      recoveryProbesMs: [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000],
      deliveryTimeoutMs: 30_000,
      disableAfterFailures: 10,
      allowPrivateNetworks: false,
      maxPayloadBytes: 256 * 1024,
      maxEndpointsPerOrg: 20,
      failingAfterAttempts: 3,
      retentionDays: 30,
      signatureHeader: 'X-Herald-Signature',
      corsOrigins: [],
      maxRequestBytes: 110 * 256 * 1024,
      maxRequestBytesWithoutPublish: 320 * 1024,
      maxConnections: 900,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      host: '127.0.0.1',
      graphiql: true,
      metricsToken: undefined,
      maxSubscriptionsPerSocket: 100,
      maxSubscriptionsPerKey: 500,
      maxSocketsPerKey: 50,
      maxStreamsPerKey: 50,
      changeRetentionMs: 3_600_000,
      portalSessionsPerMinute: 60,
      maxPortalSessionsPerOrg: 1000,
      maxResponseBytes: 8 * 1024 * 1024,
      publicUrl: undefined,
      portalFrameAncestors: [],
      queueTimings: { superviseIntervalSeconds: 5, monitorIntervalSeconds: 5, expiryMarginSeconds: 5, watchdogMarginSeconds: 15, deliverRetryLimit: 5, deliverRetryDelaySeconds: 1, abandonedRetryLimit: 5, abandonedRetryDelaySeconds: 5, endpointConcurrency: 100 },
      maxInFlightPerOrganization: 250,
      egressProxy: null,
      databaseDirectUrl: undefined,
      telemetry: null,
    } satisfies HeraldConfig);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', HERALD_RETRY_SCHEDULE: '  ', NODE_ENV: '' })).toEqual(loadConfig({}));
  });

  // [variable, value, the field it sets, the value expected]
  const good: Array<[string, string, keyof HeraldConfig, unknown]> = [
    ['NODE_ENV', 'test', 'nodeEnv', 'test'],
    ['HERALD_LOG_LEVEL', 'debug', 'logLevel', 'debug'],
    ['HERALD_LOG_LEVEL', 'WARN', 'logLevel', 'warn'],
    ['HERALD_HOST', '0.0.0.0', 'host', '0.0.0.0'],
    ['HERALD_PUBLIC_URL', 'https://hooks.example.com/', 'publicUrl', 'https://hooks.example.com'],
    ['HERALD_PUBLIC_URL', 'http://localhost:4000', 'publicUrl', 'http://localhost:4000'],
    ['HERALD_PORTAL_FRAME_ANCESTORS', 'https://app.example.com, https://admin.example.com', 'portalFrameAncestors', ['https://app.example.com', 'https://admin.example.com']],
    ['HERALD_HOST', '::', 'host', '::'],
    ['HERALD_MAX_SSE_STREAMS_PER_KEY', '7', 'maxStreamsPerKey', 7],
    ['HERALD_PORTAL_SESSIONS_PER_MINUTE', '5', 'portalSessionsPerMinute', 5],
    ['HERALD_MAX_PORTAL_SESSIONS_PER_ORG', '20', 'maxPortalSessionsPerOrg', 20],
    ['HERALD_GRAPHIQL', 'false', 'graphiql', false],
    ['HERALD_METRICS_TOKEN', 'a'.repeat(24), 'metricsToken', 'a'.repeat(24)],
    ['HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET', '5', 'maxSubscriptionsPerSocket', 5],
    ['HERALD_MAX_SUBSCRIPTIONS_PER_KEY', '7', 'maxSubscriptionsPerKey', 7],
    ['HERALD_MAX_SOCKETS_PER_KEY', '2', 'maxSocketsPerKey', 2],
    ['HERALD_MAX_RESPONSE_BYTES', '1MiB', 'maxResponseBytes', 1024 * 1024],
    ['HERALD_MAX_IN_FLIGHT_PER_ORGANIZATION', '40', 'maxInFlightPerOrganization', 40],
    ['HERALD_EGRESS_PROXY', 'http://proxy.internal:3128', 'egressProxy', { host: 'proxy.internal', port: 3128, authorization: null, noProxy: [] }],
    ['HERALD_EGRESS_PROXY', 'http://egress:p%40ss@[fd00::1]', 'egressProxy', { host: 'fd00::1', port: 80, authorization: `Basic ${Buffer.from('egress:p@ss').toString('base64')}`, noProxy: [] }],
    ['NODE_ENV', 'production', 'nodeEnv', 'production'],
    ['DATABASE_URL', 'postgres://u:p@db:5432/herald', 'databaseUrl', 'postgres://u:p@db:5432/herald'],
    ['DATABASE_URL', 'postgresql://localhost/herald?sslmode=require', 'databaseUrl', 'postgresql://localhost/herald?sslmode=require'],
    ['PORT', '0', 'port', 0],
    ['PORT', '65535', 'port', 65_535],
    // A PORT set is the worker's too: one process per container, each told its port.
    ['PORT', '4100', 'workerPort', 4100],
    ['HERALD_DATA_DIR', 'var/herald', 'dataDir', resolve('var/herald')],
    ['HERALD_DATA_DIR', '/srv/herald', 'dataDir', '/srv/herald'],
    ['HERALD_ENCRYPTION_KEY', KEY, 'encryptionKeyBase64', KEY],
    ['HERALD_ENCRYPTION_KEY', KEY.replace(/=+$/, ''), 'encryptionKeyBase64', KEY],
    ['HERALD_RETRY_SCHEDULE', '10ms,20ms,40ms', 'retryScheduleMs', [10, 20, 40]],
    ['HERALD_RETRY_SCHEDULE', '0s', 'retryScheduleMs', [0]],
    ['HERALD_RETRY_SCHEDULE', '7d', 'retryScheduleMs', [7 * 86_400_000]],
    ['HERALD_DELIVERY_TIMEOUT', '500ms', 'deliveryTimeoutMs', 500],
    ['HERALD_DELIVERY_TIMEOUT', '1ms', 'deliveryTimeoutMs', 1],
    ['HERALD_DELIVERY_TIMEOUT', '5m', 'deliveryTimeoutMs', 300_000],
    ['HERALD_DISABLE_AFTER_FAILURES', '0', 'disableAfterFailures', 0],
    ['HERALD_DISABLE_AFTER_FAILURES', '3', 'disableAfterFailures', 3],
    ['HERALD_FAILING_AFTER_ATTEMPTS', '0', 'failingAfterAttempts', 0],
    ['HERALD_FAILING_AFTER_ATTEMPTS', '5', 'failingAfterAttempts', 5],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'true', 'allowPrivateNetworks', true],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', '1', 'allowPrivateNetworks', true],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'TRUE', 'allowPrivateNetworks', true],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', '0', 'allowPrivateNetworks', false],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'loopback', 'allowPrivateNetworks', 'loopback'],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'LOOPBACK', 'allowPrivateNetworks', 'loopback'],
    ['HERALD_MAX_PAYLOAD_BYTES', '1024', 'maxPayloadBytes', 1024],
    ['HERALD_MAX_PAYLOAD_BYTES', '1MiB', 'maxPayloadBytes', 1024 ** 2],
    ['HERALD_MAX_PAYLOAD_BYTES', '16MiB', 'maxPayloadBytes', 16 * 1024 ** 2],
    ['HERALD_MAX_ENDPOINTS_PER_ORG', '1', 'maxEndpointsPerOrg', 1],
    ['HERALD_RETENTION_DAYS', '3650', 'retentionDays', 3650],
    ['HERALD_SIGNATURE_HEADER', 'X-Acme-Signature', 'signatureHeader', 'X-Acme-Signature'],
    ['HERALD_CORS_ORIGINS', 'https://app.example.com', 'corsOrigins', ['https://app.example.com']],
    ['HERALD_CORS_ORIGINS', 'https://App.Example.com:443, http://localhost:3000,', 'corsOrigins', ['https://app.example.com', 'http://localhost:3000']],
    ['HERALD_CORS_ORIGINS', 'http://[::1]:8080,http://[::1]:8080', 'corsOrigins', ['http://[::1]:8080']],
    ['HERALD_MAX_REQUEST_BYTES', '2MiB', 'maxRequestBytes', 2 * 1024 ** 2],
    ['HERALD_MAX_REQUEST_BYTES', '256KiB', 'maxRequestBytes', 256 * 1024],
    ['HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH', '1MiB', 'maxRequestBytesWithoutPublish', 1024 ** 2],
    ['HERALD_MAX_CONNECTIONS', '50', 'maxConnections', 50],
    ['HERALD_HEADERS_TIMEOUT', '500ms', 'headersTimeoutMs', 500],
    ['HERALD_REQUEST_TIMEOUT', '2m', 'requestTimeoutMs', 120_000],
    ['HERALD_QUEUE_TIMINGS', 'supervise=1s, expiryMargin=0s,retryLimit=2', 'queueTimings', { ...DEFAULT_QUEUE_TIMINGS, superviseIntervalSeconds: 1, expiryMarginSeconds: 0, deliverRetryLimit: 2 }],
    ['HERALD_QUEUE_TIMINGS', 'endpointConcurrency=8', 'queueTimings', { ...DEFAULT_QUEUE_TIMINGS, endpointConcurrency: 8 }],
  ];

  it.each(good)('accepts %s=%j', (variable, value, field, expected) => {
    expect(loadConfig({ [variable]: value, ...(variable === 'NODE_ENV' ? { HERALD_ENCRYPTION_KEY: KEY } : {}) })[field]).toEqual(expected);
  });

  // [variable, value, a piece of the message saying what it accepts]
  const bad: Array<[string, string, string]> = [
    ['HERALD_EGRESS_PROXY', 'https://proxy.internal:3128', 'expected an http:// proxy URL (https:// endpoints are tunnelled through it with CONNECT), got https://'],
    ['HERALD_EGRESS_PROXY', 'proxy.internal:3128', 'expected an http:// proxy URL'],
    ['HERALD_EGRESS_PROXY', 'http://proxy.internal:3128/egress', 'expected no path, query or fragment'],
    ['HERALD_EGRESS_NO_PROXY', 'internal.example.com', 'expected HERALD_EGRESS_PROXY to be set too'],
    ['HERALD_DIRECT_DATABASE_URL', 'postgres://u:p@db:5432/herald', 'expected DATABASE_URL to be set too'],
    ['NODE_ENV', 'staging', 'expected development, test or production'],
    ['HERALD_LOG_LEVEL', 'verbose', 'expected debug, info, warn or error, got "verbose"'],
    ['HERALD_MAX_SSE_STREAMS_PER_KEY', '0', 'a whole number of streams from 1'],
    ['HERALD_PORTAL_SESSIONS_PER_MINUTE', '10001', 'a whole number of sessions from 1 to 10000'],
    ['HERALD_MAX_PORTAL_SESSIONS_PER_ORG', 'many', 'a whole number of sessions from 1 to 1000000'],
    ['HERALD_QUEUE_TIMINGS', 'supervise=0s', 'supervise must be whole seconds from 1s'],
    ['HERALD_QUEUE_TIMINGS', 'retryDelay=500ms', 'retryDelay must be whole seconds'],
    ['HERALD_QUEUE_TIMINGS', 'retryLimit=0', 'retryLimit must be a whole number from 1'],
    ['HERALD_QUEUE_TIMINGS', 'soon=1s', 'unknown timing'],
    ['HERALD_QUEUE_TIMINGS', 'endpointConcurrency=0', 'endpointConcurrency must be a whole number from 1 to 100'],
    ['HERALD_MAX_IN_FLIGHT_PER_ORGANIZATION', '1001', 'a whole number of attempts from 1 to 1000'],
    ['HERALD_HOST', 'localhost', 'expected an IP address'],
    ['HERALD_PUBLIC_URL', 'https://hooks.example.com/portal', 'expected an http:// or https:// URL with no path'],
    ['HERALD_PUBLIC_URL', 'ftp://x', 'expected an http:// or https:// URL with no path'],
    ['HERALD_PORTAL_FRAME_ANCESTORS', 'https://app.example.com/settings', 'expected comma-separated origins'],
    ['HERALD_HOST', '0.0.0.0:4000', 'expected an IP address'],
    ['HERALD_GRAPHIQL', 'yes', 'expected true, false, 1 or 0'],
    ['HERALD_METRICS_TOKEN', 'short', 'expected 16 to 256 visible ASCII characters'],
    ['HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET', '0', 'from 1 to 100000'],
    ['HERALD_MAX_SUBSCRIPTIONS_PER_KEY', '-1', 'from 1 to 1000000'],
    ['HERALD_MAX_SOCKETS_PER_KEY', '1.5', 'from 1 to 100000'],
    ['HERALD_MAX_RESPONSE_BYTES', '1KiB', 'expected a size'],
    ['DATABASE_URL', 'localhost:5432', 'postgres://'],
    ['DATABASE_URL', 'mysql://u:p@db/herald', 'postgres://'],
    ['DATABASE_URL', 'not a url', 'postgres://'],
    ['PORT', '65536', '0 to 65535'],
    ['PORT', '-1', '0 to 65535'],
    ['PORT', '80.5', '0 to 65535'],
    ['PORT', 'http', '0 to 65535'],
    ['HERALD_ENCRYPTION_KEY', 'c2hvcnQ=', '32 bytes'],
    ['HERALD_ENCRYPTION_KEY', `${KEY}AAAA`, '32 bytes'],
    ['HERALD_ENCRYPTION_KEY', 'not base64 at all!', '32 bytes'],
    ['HERALD_RETRY_SCHEDULE', '0,60,300', 'comma-separated durations'],
    ['HERALD_RETRY_SCHEDULE', '1m,,5m', 'comma-separated durations'],
    ['HERALD_RETRY_SCHEDULE', '8d', 'at most 7d'],
    ['HERALD_RETRY_SCHEDULE', Array(51).fill('1s').join(','), 'at most 50 steps'],
    ['HERALD_DELIVERY_TIMEOUT', 'abc', 'a duration such as 30s or 500ms'],
    ['HERALD_DELIVERY_TIMEOUT', '30', 'a duration such as 30s or 500ms'],
    ['HERALD_DELIVERY_TIMEOUT', '0s', 'from 1ms to 5m'],
    ['HERALD_DELIVERY_TIMEOUT', '6m', 'from 1ms to 5m'],
    ['HERALD_DISABLE_AFTER_FAILURES', '-1', 'whole number'],
    ['HERALD_DISABLE_AFTER_FAILURES', 'never', 'whole number'],
    ['HERALD_FAILING_AFTER_ATTEMPTS', '-1', 'whole number'],
    ['HERALD_FAILING_AFTER_ATTEMPTS', '1001', 'whole number'],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'yes', 'true, false, 1 or 0'],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'on', 'true, false, 1 or 0'],
    ['HERALD_MAX_PAYLOAD_BYTES', '256KB', 'a size such as 262144, 256KiB or 1MiB'],
    ['HERALD_MAX_PAYLOAD_BYTES', '0', 'from 1B to 16MiB'],
    ['HERALD_MAX_PAYLOAD_BYTES', '17MiB', 'from 1B to 16MiB'],
    ['HERALD_MAX_ENDPOINTS_PER_ORG', '0', 'at least 1'],
    ['HERALD_MAX_ENDPOINTS_PER_ORG', 'many', 'at least 1'],
    ['HERALD_RETENTION_DAYS', '0', '1 to 3650'],
    ['HERALD_RETENTION_DAYS', '30d', '1 to 3650'],
    ['HERALD_SIGNATURE_HEADER', 'X Herald Signature', 'HTTP header name'],
    ['HERALD_SIGNATURE_HEADER', 'X-Sig:', 'HTTP header name'],
    ['HERALD_SIGNATURE_HEADER', 'webhook-signature', 'webhook-*'],
    ['HERALD_SIGNATURE_HEADER', 'Webhook-Id', 'webhook-*'],
    ['HERALD_SIGNATURE_HEADER', 'Authorization', 'standard header'],
    ['HERALD_SIGNATURE_HEADER', 'content-type', 'standard header'],
    ['HERALD_CORS_ORIGINS', 'app.example.com', 'origins such as'],
    ['HERALD_CORS_ORIGINS', 'https://app.example.com/', 'no path'],
    ['HERALD_CORS_ORIGINS', 'https://app.example.com/app', 'no path'],
    ['HERALD_CORS_ORIGINS', 'https://app.example.com?x=1', 'no path'],
    ['HERALD_CORS_ORIGINS', 'ftp://files.example.com', 'origins such as'],
    ['HERALD_CORS_ORIGINS', 'https://user:pw@app.example.com', 'origins such as'],
    ['HERALD_CORS_ORIGINS', '*', 'origins such as'],
    ['HERALD_MAX_REQUEST_BYTES', '100KiB', 'from HERALD_MAX_PAYLOAD_BYTES (256KiB)'],
    ['HERALD_MAX_REQUEST_BYTES', '2GiB', 'to 1GiB'],
    ['HERALD_MAX_REQUEST_BYTES', 'lots', 'a size such as'],
    ['HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH', '8KiB', 'from 16KiB'],
    ['HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH', '28MiB', 'to 28160KiB'],
    ['HERALD_MAX_CONNECTIONS', '0', 'from 1'],
    ['HERALD_HEADERS_TIMEOUT', '10ms', 'from 100ms'],
    ['HERALD_REQUEST_TIMEOUT', '5s', 'from 10s'],
  ];

  it.each(bad)('refuses %s=%j with one line naming it', (variable, value, accepts) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: expected`)).toBe(true);
    expect(error.message).toContain(accepts);
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  it('quotes the bad value, escaping line breaks so the message stays one line', () => {
    expect(configError({ HERALD_DELIVERY_TIMEOUT: 'abc' }).message).toBe(
      'HERALD_DELIVERY_TIMEOUT: expected a duration such as 30s or 500ms, from 1ms to 5m, got "abc"',
    );
    expect(configError({ HERALD_RETENTION_DAYS: '3\n0' }).message).toContain('got "3\\n0"');
    expect(configError({ HERALD_RETENTION_DAYS: 'x'.repeat(500) }).message.length).toBeLessThan(200);
  });

  it('never echoes a database URL or an encryption key, which hold secrets', () => {
    expect(configError({ DATABASE_URL: 'mysql://admin:hunter2@db/herald' }).message).not.toContain('hunter2');
    const badKey = Buffer.alloc(31, 9).toString('base64');
    expect(configError({ HERALD_ENCRYPTION_KEY: badKey }).message).not.toContain(badKey);
  });

  it('listens on loopback and serves GraphiQL outside production only', () => {
    const production = loadConfig({ NODE_ENV: 'production', HERALD_ENCRYPTION_KEY: KEY });
    expect([production.host, production.graphiql]).toEqual(['0.0.0.0', false]);
    const development = loadConfig({});
    expect([development.host, development.graphiql]).toEqual(['127.0.0.1', true]);
  });

  it('never echoes the metrics token', () => {
    const token = 'secret token with spaces';
    expect(configError({ HERALD_METRICS_TOKEN: token }).message).not.toContain(token);
  });

  it('refuses production without an encryption key', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.variable).toBe('HERALD_ENCRYPTION_KEY');
    expect(error.message).toMatch(/^HERALD_ENCRYPTION_KEY: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', HERALD_ENCRYPTION_KEY: KEY }).encryptionKeyBase64).toBe(KEY);
  });

  it('derives the request limit from the payload limit unless set', () => {
    expect(loadConfig({ HERALD_MAX_PAYLOAD_BYTES: '1KiB' }).maxRequestBytes).toBe(1024 ** 2);
    expect(loadConfig({ HERALD_MAX_PAYLOAD_BYTES: '1MiB' }).maxRequestBytes).toBe(110 * 1024 ** 2);
    expect(loadConfig({ HERALD_MAX_PAYLOAD_BYTES: '1MiB', HERALD_MAX_REQUEST_BYTES: '1MiB' }).maxRequestBytes).toBe(1024 ** 2);
    // A key without events:publish: a testFilter payload at the payload limit and room beside it, within the request limit.
    expect(loadConfig({ HERALD_MAX_PAYLOAD_BYTES: '1MiB' }).maxRequestBytesWithoutPublish).toBe(1024 ** 2 + 64 * 1024);
    expect(loadConfig({ HERALD_MAX_PAYLOAD_BYTES: '1MiB', HERALD_MAX_REQUEST_BYTES: '1MiB' }).maxRequestBytesWithoutPublish).toBe(1024 ** 2);
  });

  it('reports the first bad variable in the documented order', () => {
    expect(configError({ HERALD_CORS_ORIGINS: 'x', PORT: 'x' }).variable).toBe('PORT');
  });
});

describe('configFromDefaults', () => {
  it('is the defaults with the overrides applied', () => {
    const config = configFromDefaults({ nodeEnv: 'test', retryScheduleMs: [5, 10] });
    expect(config).toEqual({ ...loadConfig({}), nodeEnv: 'test', retryScheduleMs: [5, 10] });
  });

  it('keeps the request limit in step with an overridden payload limit', () => {
    expect(configFromDefaults({ maxPayloadBytes: 1024 ** 2 }).maxRequestBytes).toBe(110 * 1024 ** 2);
    expect(configFromDefaults({ maxPayloadBytes: 1024 ** 2, maxRequestBytes: 5 }).maxRequestBytes).toBe(5);
  });
});

describe('CONFIG_VARIABLES', () => {
  it('lists every variable loadConfig reads, each once', () => {
    const names = CONFIG_VARIABLES.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    const read = new Set<string>();
    const spy = new Proxy({}, { get: (_target, name) => (typeof name === 'string' && read.add(name), undefined) });
    loadConfig(spy);
    expect([...read].sort()).toEqual([...names].sort());
  });

  it('is docs/configuration.md\'s table (npm run docs:config prints it)', () => {
    const readme = readFileSync(resolve(repoRoot, 'docs/configuration.md'), 'utf8');
    expect(withConfigTable(readme), 'docs/configuration.md has the table markers').not.toBeNull();
    expect(readme, 'docs/configuration.md\'s table is stale: run npm run docs:config').toBe(withConfigTable(readme));
  });

  it('holds the defaults loadConfig uses', () => {
    const development = loadConfig({});
    expect(development.port).toBe(Number(CONFIG_VARIABLES.find((variable) => variable.name === 'PORT')!.fallback));
    expect(development.host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', HERALD_ENCRYPTION_KEY: KEY }).host).toBe('0.0.0.0');
  });
});

describe('loadConfigOrExit', () => {
  it('stops the process with exit code 2 and one line on stderr naming the variable', () => {
    const entry = resolve(repoRoot, 'src/config/exit-on-config-error.ts');
    const script = `import { loadConfigOrExit } from ${JSON.stringify(entry)}; loadConfigOrExit(); console.log('started');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', HERALD_RETRY_SCHEDULE: '1m,soon' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe(
      'herald: HERALD_RETRY_SCHEDULE: expected comma-separated durations such as 0s,1m,5m,30m,2h, got "1m,soon"\n',
    );
  });

  it('returns the config when it is valid', () => {
    const entry = resolve(repoRoot, 'src/config/exit-on-config-error.ts');
    const script = `import { loadConfigOrExit } from ${JSON.stringify(entry)}; console.log(loadConfigOrExit().port);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', PORT: '4321' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('4321\n');
  });
});

describe('HERALD_QUEUE_TIMINGS', () => {
  it('spells every timing so that parsing it gives the same timings back', () => {
    const timings = { ...DEFAULT_QUEUE_TIMINGS, superviseIntervalSeconds: 1, abandonedRetryDelaySeconds: 0 };
    expect(parseQueueTimings(formatQueueTimings(timings))).toEqual({ ok: true, timings });
  });
});
