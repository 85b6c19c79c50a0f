// A span for each GraphQL query or mutation, named `<type> <name>` (the OpenTelemetry GraphQL
// conventions), the child of the trace the request names in `traceparent`. The request's trace is
// kept for publishing even with tracing off (incomingTraceOf), so an event still continues it.
// Variables are never recorded: they hold customer payloads.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { contextOf, traceHeadersFrom, type TraceHeaders } from '../telemetry/trace-context.ts';
import { isTracing, startSpan } from '../telemetry/tracing.ts';

const incoming = new WeakMap<object, TraceHeaders>();

/** The trace the HTTP request of this GraphQL context named (`traceparent`, `tracestate`); null without one. */
export function incomingTraceOf(contextValue: object): TraceHeaders | null {
  return incoming.get(contextValue) ?? null;
}

export interface GraphQLSpanOptions {
  /** The organization acting, for `herald.organization.id`. */
  organizationOf: (contextValue: object) => string | undefined;
}

export function useGraphQLSpans({ organizationOf }: GraphQLSpanOptions): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      // An HTTP request's context holds its Fetch Request; a graphql-ws operation's holds none.
      const headers = (args.contextValue as { request?: { headers?: Partial<Headers> } }).request?.headers;
      const named = typeof headers?.get === 'function' ? traceHeadersFrom(headers.get('traceparent'), headers.get('tracestate')) : null;
      if (named) incoming.set(args.contextValue as object, named);
      if (!isTracing()) return;
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'query';
      const name = operation?.name?.value;
      const organizationId = organizationOf(args.contextValue as object);
      const parent = named ? contextOf(named) : context.active();
      const span = startSpan(name ? `${type} ${name}` : type, {
        kind: SpanKind.SERVER,
        parent,
        attributes: {
          'graphql.operation.type': type,
          ...(name ? { 'graphql.operation.name': name } : {}),
          ...(organizationId ? { 'herald.organization.id': organizationId } : {}),
        },
      });
      if (!span) return;
      const active = trace.setSpan(parent, span);
      setExecuteFn((executeArgs) => context.with(active, () => executeFn(executeArgs)));
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          if (errors && errors.length > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]!.message });
          span.end();
        },
      };
    },
  };
}
