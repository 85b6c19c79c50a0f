// De-risks reading the standard OTEL_* variables: off unless an endpoint is set, per-signal
// endpoints used as given and the base one with the signal's path, headers decoded, and a bad
// value refused at start-up naming its variable, like every other setting.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('telemetry settings', () => {
  it('are off without an endpoint, whatever else is set', () => {
    expect(loadConfig({}).telemetry).toBeNull();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'svc', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).telemetry).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).telemetry).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' }).telemetry).toBeNull();
  });

  it('add the signal path to the base endpoint, with the defaults of the specification', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).telemetry).toEqual({
      serviceName: 'herald',
      traces: { url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', headers: {} },
      metrics: { url: 'http://collector:4318/v1/metrics', protocol: 'http/protobuf', headers: {} },
      metricExportIntervalMs: 60_000,
    });
  });

  it('take a per-signal endpoint as the full URL, and export only that signal when it is alone', () => {
    const settings = loadConfig({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=a%20b, Authorization=Bearer%20t',
      OTEL_SERVICE_NAME: 'herald-eu',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    }).telemetry;
    expect(settings).toEqual({
      serviceName: 'herald-eu',
      traces: { url: 'https://traces.example.com/otlp', protocol: 'http/json', headers: { 'x-api-key': 'a b', authorization: 'Bearer t' } },
      metrics: null,
      metricExportIntervalMs: 500,
    });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/json or http\/protobuf/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'no-equals-sign', /OTEL_EXPORTER_OTLP_HEADERS: must be name=value pairs/],
    ['OTEL_METRIC_EXPORT_INTERVAL', '5s', /OTEL_METRIC_EXPORT_INTERVAL: must be whole milliseconds/],
    ['OTEL_TRACES_EXPORTER', 'zipkin', /OTEL_TRACES_EXPORTER: must be otlp or none/],
    ['OTEL_SDK_DISABLED', 'yes', /OTEL_SDK_DISABLED: must be true or false/],
  ])('refuse %s=%s, naming it', (name, value, message) => {
    const load = () => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
