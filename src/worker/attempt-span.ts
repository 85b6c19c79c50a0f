// An attempt's span (HTTP client semantic conventions) and the trace headers its request carries.
// The span continues the trace its event was published in, when there is one (linked to the batch
// that ran it); otherwise it is a child of the batch. An endpoint that opted in receives
// `traceparent`/`tracestate` naming the attempt span, or with tracing off the publisher's own.
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import type { ClaimedDelivery } from '../delivery-state/transitions.ts';
import type { SendResult } from '../http/http-sender.ts';
import { contextOf, traceHeadersFrom, traceHeadersOf, type TraceHeaders } from '../telemetry/trace-context.ts';
import { isTracing, startSpan } from '../telemetry/tracing.ts';
import { encodeGlobalId } from '../global-id.ts';

export interface AttemptTrace {
  span: Span | null;
  /** Added to the request: empty unless the endpoint asked for trace context and there is one. */
  headers: Record<string, string>;
}

export function startAttemptTrace(claimed: ClaimedDelivery): AttemptTrace {
  const wanted = claimed.endpoint.propagateTraceContext;
  const { traceParent, traceState } = claimed.event;
  if (!isTracing()) {
    // Stored as publishing checked and wrote it: sent unchanged, without parsing it again.
    if (!wanted || !traceParent) return { span: null, headers: {} };
    return { span: null, headers: headersOf(traceState ? { traceparent: traceParent, tracestate: traceState } : { traceparent: traceParent }) };
  }
  const published = traceHeadersFrom(traceParent, traceState);
  const batch = trace.getSpan(context.active());
  const { url, address, port } = urlParts(claimed.endpoint.url);
  const span = startSpan('POST', {
    kind: SpanKind.CLIENT,
    ...(published ? { parent: contextOf(published), ...(batch ? { links: [{ context: batch.spanContext() }] } : {}) } : {}),
    attributes: {
      'http.request.method': 'POST',
      'url.full': url,
      ...(address ? { 'server.address': address } : {}),
      ...(port ? { 'server.port': port } : {}),
      'herald.attempt.number': claimed.attempt,
      // The API's ids, as the operator searches for them.
      'herald.delivery.id': encodeGlobalId('Delivery', claimed.deliveryId),
      'herald.endpoint.id': encodeGlobalId('Endpoint', claimed.endpoint.id),
      'herald.event.id': encodeGlobalId('Event', claimed.event.id),
      'herald.organization.id': encodeGlobalId('Organization', claimed.organizationId),
    },
  });
  if (!span || !wanted) return { span, headers: {} };
  const sent = traceHeadersOf(trace.setSpan(context.active(), span));
  return { span, headers: sent ? headersOf(sent) : {} };
}

function headersOf(sent: TraceHeaders): Record<string, string> {
  return sent.tracestate ? { traceparent: sent.traceparent, tracestate: sent.tracestate } : { traceparent: sent.traceparent };
}

export function endAttemptTrace({ span }: AttemptTrace, sent: SendResult): void {
  if (!span) return;
  if (sent.status !== null) span.setAttribute('http.response.status_code', sent.status);
  if (sent.remoteAddress) span.setAttribute('network.peer.address', sent.remoteAddress);
  if (!sent.ok) {
    span.setAttribute('error.type', sent.error?.kind ?? 'CONNECTION');
    span.setStatus({ code: SpanStatusCode.ERROR, ...(sent.error ? { message: sent.error.message } : {}) });
  }
  span.end(new Date(sent.startedAt.getTime() + sent.durationMs));
}

/**
 * The URL without its query, fragment and credentials (a webhook URL's query often holds the
 * receiver's own secret), and the host and port it names.
 */
function urlParts(text: string): { url: string; address: string | undefined; port: number | undefined } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { url: '(unparsable URL)', address: undefined, port: undefined };
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  return { url: `${url.protocol}//${url.host}${url.pathname}`, address: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}
