// W3C Trace Context (traceparent, tracestate): read from a publish request, stored with its event,
// continued by every attempt, and sent to endpoints that ask for it. Works with telemetry off too:
// the propagator and span contexts are the API's, which need no SDK.
import { ROOT_CONTEXT, isSpanContextValid, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

const propagator = new W3CTraceContextPropagator();

/** The specification bounds tracestate to 32 members of 256 bytes; a longer one is dropped, not cut. */
const MAX_TRACESTATE_CHARS = 8_192;

const fromRecord: TextMapGetter<Record<string, string | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const intoRecord: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The trace a request or a stored event names; null when it names none (or a malformed one). */
export function traceHeadersFrom(traceparent: string | null | undefined, tracestate?: string | null): TraceHeaders | null {
  if (!traceparent) return null;
  const state = tracestate && tracestate.length <= MAX_TRACESTATE_CHARS ? tracestate : undefined;
  const context = propagator.extract(ROOT_CONTEXT, { traceparent, tracestate: state }, fromRecord);
  return traceHeadersOf(context);
}

/** The parent context of a span continuing these headers (ROOT without them). */
export function contextOf(headers: TraceHeaders | null): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { traceparent: headers.traceparent, tracestate: headers.tracestate }, fromRecord);
}

/** The headers naming the span of `context` (null without a valid one), as a receiver gets them. */
export function traceHeadersOf(context: Context): TraceHeaders | null {
  const span = trace.getSpanContext(context);
  if (!span || !isSpanContextValid(span)) return null;
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, intoRecord);
  if (!carrier.traceparent) return null;
  return carrier.tracestate ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : { traceparent: carrier.traceparent };
}

/** The trace id (32 hex digits) of a traceparent. */
export function traceIdOf(headers: TraceHeaders): string {
  return headers.traceparent.slice(3, 35);
}
