// The standard OTEL_* variables (the OpenTelemetry SDK specification's names and defaults), read
// through the config module's reader so CONFIG_VARIABLES documents each and a bad value stops
// start-up like any other. No endpoint set: telemetry is off, and nothing is set up at all.

export type OtlpProtocol = 'http/json' | 'http/protobuf';

/** Where one signal is exported to, over OTLP/HTTP. */
export interface OtlpTarget {
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
}

export interface TelemetrySettings {
  serviceName: string;
  /** null: spans are not exported (no endpoint for them, or OTEL_TRACES_EXPORTER=none). */
  traces: OtlpTarget | null;
  /** null: metrics are not exported. */
  metrics: OtlpTarget | null;
  metricExportIntervalMs: number;
}

export const DEFAULT_SERVICE_NAME = 'herald';
const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;
const PROTOCOLS: readonly OtlpProtocol[] = ['http/json', 'http/protobuf'];

/** Every variable parseTelemetrySettings reads, in that order (config.ts documents each). */
export const TELEMETRY_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_SERVICE_NAME',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_METRIC_EXPORT_INTERVAL',
  'OTEL_SDK_DISABLED',
] as const;

export type TelemetryVariable = (typeof TELEMETRY_VARIABLES)[number];

/**
 * `read` answers a variable's value (undefined when unset or empty); `fail` throws the config
 * error naming the variable. Null: telemetry off.
 */
export function parseTelemetrySettings(read: (name: TelemetryVariable) => string | undefined, fail: (name: TelemetryVariable, problem: string) => never): TelemetrySettings | null {
  // Every variable is read, even when the first says off, so the config table's check sees them all.
  const values = Object.fromEntries(TELEMETRY_VARIABLES.map((name) => [name, read(name)])) as Record<TelemetryVariable, string | undefined>;
  const disabled = values.OTEL_SDK_DISABLED;
  if (disabled !== undefined && !['true', 'false'].includes(disabled.toLowerCase())) fail('OTEL_SDK_DISABLED', 'must be true or false');
  const protocol = (values.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf') as OtlpProtocol;
  if (!PROTOCOLS.includes(protocol)) fail('OTEL_EXPORTER_OTLP_PROTOCOL', `must be http/json or http/protobuf (Herald does not export over gRPC), not ${JSON.stringify(protocol)}`);
  const headers = parseHeaders(values.OTEL_EXPORTER_OTLP_HEADERS, (problem) => fail('OTEL_EXPORTER_OTLP_HEADERS', problem));
  const exporterOn = (name: 'OTEL_TRACES_EXPORTER' | 'OTEL_METRICS_EXPORTER') => {
    const value = values[name]?.toLowerCase() ?? 'otlp';
    if (value !== 'otlp' && value !== 'none') fail(name, 'must be otlp or none');
    return value === 'otlp';
  };
  const tracesOn = exporterOn('OTEL_TRACES_EXPORTER');
  const metricsOn = exporterOn('OTEL_METRICS_EXPORTER');
  const interval = values.OTEL_METRIC_EXPORT_INTERVAL;
  const metricExportIntervalMs = interval === undefined ? DEFAULT_METRIC_EXPORT_INTERVAL_MS : Number(interval);
  if (!Number.isInteger(metricExportIntervalMs) || metricExportIntervalMs < 100 || metricExportIntervalMs > 3_600_000) {
    fail('OTEL_METRIC_EXPORT_INTERVAL', 'must be whole milliseconds from 100 to 3600000');
  }
  const target = (name: TelemetryVariable, own: string | undefined, path: string): OtlpTarget | null => {
    // The per-signal variable is the full URL; the general one is a base the signal's path is added to.
    const base = values.OTEL_EXPORTER_OTLP_ENDPOINT;
    const url = own ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}${path}`);
    if (url === undefined) return null;
    if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) fail(own !== undefined ? name : 'OTEL_EXPORTER_OTLP_ENDPOINT', `must be an http:// or https:// URL, not ${JSON.stringify(own ?? base)}`);
    return { url, protocol, headers };
  };
  const traces = tracesOn ? target('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, '/v1/traces') : null;
  const metrics = metricsOn ? target('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', values.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, '/v1/metrics') : null;
  if (disabled?.toLowerCase() === 'true' || (traces === null && metrics === null)) return null;
  return { serviceName: values.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME, traces, metrics, metricExportIntervalMs };
}

/** `name=value,name2=value2`, values percent-encoded (the W3C Baggage form the specification names). */
function parseHeaders(text: string | undefined, fail: (problem: string) => never): Record<string, string> {
  const headers: Record<string, string> = {};
  if (text === undefined) return headers;
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const equals = item.indexOf('=');
    const name = item.slice(0, equals).trim();
    if (equals < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail('must be name=value pairs separated by commas');
    let value: string;
    try {
      value = decodeURIComponent(item.slice(equals + 1).trim());
    } catch {
      fail(`the value of ${name} is not valid percent-encoding`);
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Telemetry once started (src/telemetry/start-telemetry.ts). */
export interface Telemetry {
  /** Exports what is pending and stops exporting (bounded: an unreachable collector does not hold the drain). */
  shutdown(): Promise<void>;
}
