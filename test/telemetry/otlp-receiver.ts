// A real OTLP/HTTP receiver on 127.0.0.1, as a collector is: it accepts exports on /v1/traces and
// /v1/metrics and decodes them, as JSON (http/json) or protobuf (http/protobuf, with a small wire
// reader written from the OTLP .proto files: no protobuf library is among the dependencies). Only
// the fields the tests read are decoded.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttributeValue = string | number | boolean;

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 SERVER, 3 CLIENT, 1 INTERNAL. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  links: Array<{ traceId: string; spanId: string }>;
  /** OTLP StatusCode: 0 UNSET, 1 OK, 2 ERROR. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
}

export interface ExportedPoint {
  attributes: Record<string, AttributeValue>;
  /** A sum's value, or a histogram's count. */
  value: number;
}

export interface ExportedMetric {
  name: string;
  unit: string;
  points: ExportedPoint[];
}

export interface ExportRequest {
  path: string;
  contentType: string;
  headers: IncomingHttpHeaders;
}

export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  requests: ExportRequest[];
  spans: ExportedSpan[];
  /** Every metric of every export, in arrival order (cumulative: the last export holds the totals). */
  metrics: ExportedMetric[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ExportRequest[] = [];
  const spans: ExportedSpan[] = [];
  const metrics: ExportedMetric[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const path = req.url ?? '';
      requests.push({ path, contentType, headers: req.headers });
      const json = contentType.startsWith('application/json');
      if (path === '/v1/traces') spans.push(...(json ? spansFromJson(JSON.parse(body.toString('utf8'))) : spansFromProtobuf(body)));
      if (path === '/v1/metrics') metrics.push(...(json ? metricsFromJson(JSON.parse(body.toString('utf8'))) : metricsFromProtobuf(body)));
      // An empty Export*ServiceResponse: `{}` in JSON, zero bytes in protobuf.
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- OTLP/JSON (ids are hex strings; int64 values may be strings) ----

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number };
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    attributes[key] = value.stringValue ?? value.boolValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? ''));
  }
  return attributes;
}

// `any` on purpose: the decoded OTLP JSON is walked by field name, as the specification spells it.
/* eslint-disable @typescript-eslint/no-explicit-any */
function spansFromJson(body: any): ExportedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans: any) => {
    const resource = jsonAttributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope: any) =>
      (scope.spans ?? []).map(
        (span: any): ExportedSpan => ({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind,
          attributes: jsonAttributes(span.attributes),
          links: (span.links ?? []).map((link: any) => ({ traceId: link.traceId, spanId: link.spanId })),
          statusCode: span.status?.code ?? 0,
          resource,
        }),
      ),
    );
  });
}

function metricsFromJson(body: any): ExportedMetric[] {
  return (body.resourceMetrics ?? []).flatMap((resourceMetrics: any) =>
    (resourceMetrics.scopeMetrics ?? []).flatMap((scope: any) =>
      (scope.metrics ?? []).map((metric: any): ExportedMetric => {
        const sumPoints = (metric.sum?.dataPoints ?? []).map((point: any) => ({ attributes: jsonAttributes(point.attributes), value: Number(point.asInt ?? point.asDouble ?? 0) }));
        const histogramPoints = (metric.histogram?.dataPoints ?? []).map((point: any) => ({ attributes: jsonAttributes(point.attributes), value: Number(point.count ?? 0) }));
        return { name: metric.name, unit: metric.unit ?? '', points: [...sumPoints, ...histogramPoints] };
      }),
    ),
  );
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- OTLP/protobuf: the wire format (varint, 64-bit, length-delimited, 32-bit fields) ----

type Field = { wire: 0; value: bigint } | { wire: 1; value: Buffer } | { wire: 2; value: Buffer } | { wire: 5; value: Buffer };

/** A message's fields by number, each list in wire order. */
function decode(buffer: Buffer): Map<number, Field[]> {
  const fields = new Map<number, Field[]>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const tag = Number(varint());
    const number = tag >>> 3;
    const wire = tag & 7;
    let field: Field;
    if (wire === 0) field = { wire, value: varint() };
    else if (wire === 1) field = { wire, value: buffer.subarray(offset, (offset += 8)) };
    else if (wire === 2) {
      const length = Number(varint());
      field = { wire, value: buffer.subarray(offset, (offset += length)) };
    } else if (wire === 5) field = { wire, value: buffer.subarray(offset, (offset += 4)) };
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    fields.set(number, [...(fields.get(number) ?? []), field]);
  }
  return fields;
}

const bytesOf = (fields: Map<number, Field[]>, number: number): Buffer[] => (fields.get(number) ?? []).map((field) => field.value as Buffer);
const firstBytes = (fields: Map<number, Field[]>, number: number): Buffer | undefined => bytesOf(fields, number)[0];
const text = (fields: Map<number, Field[]>, number: number): string => firstBytes(fields, number)?.toString('utf8') ?? '';
const hex = (fields: Map<number, Field[]>, number: number): string => firstBytes(fields, number)?.toString('hex') ?? '';
const varintOf = (fields: Map<number, Field[]>, number: number): number => {
  const field = fields.get(number)?.[0];
  return field?.wire === 0 ? Number(BigInt.asIntN(64, field.value)) : 0;
};

/** KeyValue { 1 key; 2 AnyValue { 1 string, 2 bool, 3 int, 4 double } }. */
function protobufAttributes(list: Buffer[]): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const item of list) {
    const keyValue = decode(item);
    const value = decode(firstBytes(keyValue, 2) ?? Buffer.alloc(0));
    attributes[text(keyValue, 1)] = value.has(1)
      ? text(value, 1)
      : value.has(2)
        ? varintOf(value, 2) === 1
          : value.has(3)
            ? varintOf(value, 3)
            : (firstBytes(value, 4)?.readDoubleLE(0) ?? '');
  }
  return attributes;
}

/** ExportTraceServiceRequest { 1 ResourceSpans { 1 Resource { 1 attributes }; 2 ScopeSpans { 2 Span } } }. */
function spansFromProtobuf(body: Buffer): ExportedSpan[] {
  return bytesOf(decode(body), 1).flatMap((resourceSpansBytes) => {
    const resourceSpans = decode(resourceSpansBytes);
    const resource = protobufAttributes(bytesOf(decode(firstBytes(resourceSpans, 1) ?? Buffer.alloc(0)), 1));
    return bytesOf(resourceSpans, 2).flatMap((scopeBytes) =>
      bytesOf(decode(scopeBytes), 2).map((spanBytes): ExportedSpan => {
        // Span { 1 trace_id; 2 span_id; 4 parent_span_id; 5 name; 6 kind; 9 attributes; 13 links; 15 status { 3 code } }
        const span = decode(spanBytes);
        return {
          traceId: hex(span, 1),
          spanId: hex(span, 2),
          parentSpanId: hex(span, 4),
          name: text(span, 5),
          kind: varintOf(span, 6),
          attributes: protobufAttributes(bytesOf(span, 9)),
          links: bytesOf(span, 13).map((linkBytes) => {
            const link = decode(linkBytes);
            return { traceId: hex(link, 1), spanId: hex(link, 2) };
          }),
          statusCode: varintOf(decode(firstBytes(span, 15) ?? Buffer.alloc(0)), 3),
          resource,
        };
      }),
    );
  });
}

/**
 * ExportMetricsServiceRequest { 1 ResourceMetrics { 2 ScopeMetrics { 2 Metric { 1 name; 3 unit;
 * 7 Sum { 1 NumberDataPoint { 7 attributes; 4 as_double (fixed64); 6 as_int (sfixed64) } };
 * 9 Histogram { 1 HistogramDataPoint { 9 attributes; 4 count (fixed64) } } } } } }.
 */
function metricsFromProtobuf(body: Buffer): ExportedMetric[] {
  return bytesOf(decode(body), 1).flatMap((resourceBytes) =>
    bytesOf(decode(resourceBytes), 2).flatMap((scopeBytes) =>
      bytesOf(decode(scopeBytes), 2).map((metricBytes): ExportedMetric => {
        const metric = decode(metricBytes);
        const points: ExportedPoint[] = [];
        for (const sum of bytesOf(metric, 7)) {
          for (const pointBytes of bytesOf(decode(sum), 1)) {
            const point = decode(pointBytes);
            const value = firstBytes(point, 6) ? Number(firstBytes(point, 6)!.readBigInt64LE(0)) : (firstBytes(point, 4)?.readDoubleLE(0) ?? 0);
            points.push({ attributes: protobufAttributes(bytesOf(point, 7)), value });
          }
        }
        for (const histogram of bytesOf(metric, 9)) {
          for (const pointBytes of bytesOf(decode(histogram), 1)) {
            const point = decode(pointBytes);
            points.push({ attributes: protobufAttributes(bytesOf(point, 9)), value: Number(firstBytes(point, 4)?.readBigUInt64LE(0) ?? 0n) });
          }
        }
        return { name: text(metric, 1), unit: text(metric, 3), points };
      }),
    ),
  );
}
