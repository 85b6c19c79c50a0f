// Herald's spans. With telemetry off nothing here allocates a span or touches async context: the
// callers' work runs as it would without tracing (the API's no-op tracer is never even asked).
import { context, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type SpanKind } from '@opentelemetry/api';
import { VERSION } from '../version.ts';

let tracing = false;

/** Set by startTelemetry once a tracer provider is registered, cleared by its shutdown. */
export function setTracing(on: boolean): void {
  tracing = on;
}

export function isTracing(): boolean {
  return tracing;
}

export interface HeraldSpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Default: the active context (the span running now, if any). */
  parent?: Context;
  links?: Link[];
  startTime?: Date;
}

/**
 * Runs `work` inside a new active span, ended when it settles (an exception marks it ERROR);
 * `work` gets null when tracing is off.
 */
export async function inSpan<T>(name: string, options: HeraldSpanOptions, work: (span: Span | null) => Promise<T>): Promise<T> {
  const span = startSpan(name, options);
  if (!span) return work(null);
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** A span the caller ends; null when tracing is off. */
export function startSpan(name: string, { parent, ...options }: HeraldSpanOptions): Span | null {
  if (!tracing) return null;
  return trace.getTracer('herald', VERSION).startSpan(name, options, parent ?? context.active());
}

export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The trace id of the active span, for log lines; undefined with none (always, while tracing is off). */
export function activeTraceId(): string | undefined {
  if (!tracing) return undefined;
  return trace.getActiveSpan()?.spanContext().traceId;
}
