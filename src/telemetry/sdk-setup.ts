// The OpenTelemetry SDK set up from TelemetrySettings: a tracer provider batching spans to the
// OTLP/HTTP traces endpoint and a meter provider exporting periodically to the metrics endpoint,
// as JSON or protobuf. Loaded by startTelemetry only when telemetry is on.
import { context, diag, metrics, propagation, trace, DiagLogLevel } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { VERSION } from '../version.ts';
import { AsyncLocalContextManager } from './context-manager.ts';
import { resetInstruments } from './instruments.ts';
import type { OtlpTarget, Telemetry, TelemetrySettings } from './settings.ts';
import { setTracing } from './tracing.ts';

/** How long a drain waits for the last export. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

export function setUpSdk(settings: TelemetrySettings, processKind: string, warn: (message: string) => void): Telemetry {
  diag.setLogger({ error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: VERSION, 'herald.process.kind': processKind });
  let tracerProvider: BasicTracerProvider | null = null;
  if (settings.traces) {
    tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(traceExporter(settings.traces))] });
    const contextManager = new AsyncLocalContextManager();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
    setTracing(true);
  }
  let meterProvider: MeterProvider | null = null;
  if (settings.metrics) {
    meterProvider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter: metricExporter(settings.metrics), exportIntervalMillis: settings.metricExportIntervalMs, exportTimeoutMillis: Math.min(30_000, settings.metricExportIntervalMs) })],
    });
    metrics.setGlobalMeterProvider(meterProvider);
    resetInstruments();
  }
  return {
    async shutdown() {
      setTracing(false);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown()]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
      resetInstruments();
    },
  };
}

function traceExporter({ url, headers, protocol }: OtlpTarget) {
  return protocol === 'http/json' ? new JsonTraceExporter({ url, headers }) : new ProtoTraceExporter({ url, headers });
}

function metricExporter({ url, headers, protocol }: OtlpTarget) {
  return protocol === 'http/json' ? new JsonMetricExporter({ url, headers }) : new ProtoMetricExporter({ url, headers });
}
