// Parsing one environment variable each: what it accepts, and a ConfigError whose one-line message
// names the variable and what it accepts (never echoing a secret). The table of variables and
// loadConfig, which calls these, are in ./config.ts.
import { isIP } from 'node:net';
import { isHeaderToken } from '../engine/header-grammar.ts';
import type { HeraldConfig } from './config.ts';
import { decodeEncryptionKey, KEY_BYTES } from './encryption-key.ts';
import { DEFAULT_QUEUE_TIMINGS, parseQueueTimings, type QueueTimings } from './queue-timings.ts';
import { formatByteSize, formatDuration, parseByteSize, parseDuration, parseDurationList } from './units.ts';

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

export const DEFAULT_RETRY_SCHEDULE = '0s,1m,5m,30m,2h';
/** Delays of the recovery probes of an endpoint disabled as FAILING, from when it was disabled (docs/recovery.md). */
export const DEFAULT_RECOVERY_PROBES = '1m,5m,30m,2h,6h';

/** HERALD_RECOVERY_PROBES: the retry schedule's syntax, or `off` (no probes: an empty list). */
export function parseRecoveryProbes(text: string): number[] {
  return text.trim().toLowerCase() === 'off' ? [] : parseRetrySchedule(text, 'HERALD_RECOVERY_PROBES');
}
export const MAX_RETRY_STEPS = 50;
export const MAX_RETRY_STEP_MS = 7 * 86_400_000;
export const MIN_TIMEOUT_MS = 1;
export const MAX_TIMEOUT_MS = 5 * 60_000;
export const MAX_PAYLOAD_LIMIT = 16 * 1024 ** 2;
export const MAX_REQUEST_LIMIT = 1024 ** 3;

/** The value as shown in an error: quoted with escapes (so the message stays one line), cut short. */
export function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

export function parseNodeEnv(value: string): HeraldConfig['nodeEnv'] {
  if (value === 'development' || value === 'test' || value === 'production') return value;
  throw new ConfigError('NODE_ENV', `expected development, test or production, got ${shown(value)}`);
}

// The URL is never echoed: it usually holds a password.
export function parseDatabaseUrl(text: string | undefined, name = 'DATABASE_URL'): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, 'expected a URL such as postgres://user:password@host:5432/herald, got text that is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `expected a postgres:// or postgresql:// URL, got a ${url.protocol}// URL`);
  }
  return text;
}

// The key is never echoed either.
export function parseEncryptionKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const decoded = decodeEncryptionKey(text);
  if (!decoded.ok) {
    throw new ConfigError('HERALD_ENCRYPTION_KEY', `expected the base64 of exactly ${KEY_BYTES} bytes (openssl rand -base64 32), got ${decoded.problem}`);
  }
  return decoded.key.toString('base64');
}

export function parseInteger(name: string, text: string, min: number, max: number, expected: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected ${expected}, got ${shown(text)}`);
  }
  return value;
}

export function parseQueueTimingsVariable(text: string | undefined): QueueTimings {
  if (text === undefined) return { ...DEFAULT_QUEUE_TIMINGS };
  const parsed = parseQueueTimings(text);
  if (!parsed.ok) throw new ConfigError('HERALD_QUEUE_TIMINGS', `expected name=value pairs such as supervise=1s,expiryMargin=1s: ${parsed.problem}, got ${shown(text)}`);
  return parsed.timings;
}

export function parseBoolean(name: string, text: string): boolean {
  const value = text.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `expected true, false, 1 or 0, got ${shown(text)}`);
}

export function parseRetrySchedule(text: string, name = 'HERALD_RETRY_SCHEDULE'): number[] {
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

export function parseTimeout(text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw new ConfigError(
      'HERALD_DELIVERY_TIMEOUT',
      `expected a duration such as 30s or 500ms, from ${formatDuration(MIN_TIMEOUT_MS)} to ${formatDuration(MAX_TIMEOUT_MS)}, got ${shown(text)}`,
    );
  }
  return ms;
}

/** A duration variable other than the delivery timeout (which keeps its own message). */
export function parseDurationVariable(name: string, text: string, min: number, max: number): number {
  const ms = parseDuration(text);
  if (ms === null || ms < min || ms > max) {
    throw new ConfigError(name, `expected a duration such as 10s or 500ms, from ${formatDuration(min)} to ${formatDuration(max)}, got ${shown(text)}`);
  }
  return ms;
}

export function parseSize(name: string, text: string, min: number, max: number, minName?: string): number {
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

export function parseHost(text: string): string {
  if (isIP(text) === 0) {
    throw new ConfigError('HERALD_HOST', `expected an IP address such as 127.0.0.1, 0.0.0.0 or ::, got ${shown(text)}`);
  }
  return text;
}

// The token is never echoed: it is a credential.
export function parseMetricsToken(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[\x21-\x7e]{16,256}$/.test(text)) {
    throw new ConfigError('HERALD_METRICS_TOKEN', `expected 16 to 256 visible ASCII characters (openssl rand -hex 24), got ${text.length} characters`);
  }
  return text;
}


// Headers that HTTP, proxies or Herald itself give a meaning; a signature must not hide in one.
const RESERVED_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'connection',
  'content-encoding', 'content-length', 'content-type', 'cookie', 'date', 'expect', 'forwarded',
  'host', 'keep-alive', 'origin', 'pragma', 'proxy-authorization', 'proxy-connection', 'range',
  'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'via',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'x-request-id',
]);

export function parseSignatureHeader(text: string): string {
  const name = 'HERALD_SIGNATURE_HEADER';
  if (!isHeaderToken(text) || text.length > 100) {
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

export function parsePublicUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const origin = originOf(text.replace(/\/$/, ''));
  if (origin === null) {
    throw new ConfigError('HERALD_PUBLIC_URL', `expected an http:// or https:// URL with no path, such as https://hooks.example.com, got ${shown(text)}`);
  }
  return origin;
}

export function parseCorsOrigins(text: string | undefined): string[] {
  return parseOrigins('HERALD_CORS_ORIGINS', text);
}

export function parseOrigins(name: string, text: string | undefined): string[] {
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
