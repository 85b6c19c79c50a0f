// De-risks following one event end to end with OpenTelemetry: `herald serve` as a real child
// process exports to a real OTLP/HTTP receiver that decodes what it gets (http/json and
// http/protobuf); a publish carrying a traceparent continues that trace through the queue into
// every attempt; only an endpoint that opted in receives traceparent/tracestate; and with no
// OTEL_* endpoint nothing is exported at all, while the opted-in endpoint still gets the
// publisher's own traceparent.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startOtlpReceiver, type ExportedSpan, type OtlpReceiver } from './otlp-receiver.ts';

const CREATE = `mutation($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { id propagateTraceContext } } }
}`;
const UPDATE = `mutation($input: UpdateEndpointInput!) {
  updateEndpoint(input: $input) { __typename ... on UpdateEndpointPayload { endpoint { id propagateTraceContext } } }
}`;
const PUBLISH = `mutation Announce($input: PublishEventInput!) { publishEvent(input: $input) { ... on PublishEventPayload { event { id } deliveries { id } } } }`;

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let organizationId: string;
let tracedEndpoint: string;
let plainEndpoint: string;
let env: Record<string, string>;

beforeAll(async () => {
  // The child opens the secrets this process sealed: one encryption key for both.
  const encryptionKey = randomBytes(32).toString('base64');
  herald = await startTestHerald({ allowPrivateNetworks: true, encryptionKeyBase64: encryptionKey });
  await herald.db.eventType.create({ data: { name: 'order.paid' } });
  // The opted-in endpoint answers 200; the other 503, so its attempt span and metrics show a failure.
  receiver = await startReceiver((request, response) => {
    response.statusCode = request.url.startsWith('/traced') ? 200 : 503;
    response.end('ok');
  });
  const organization = await herald.organization('traced-co');
  key = organization.key;
  organizationId = organization.globalId;
  const traced = await herald.graphql(CREATE, { input: { url: `${receiver.url}/traced?token=receiver-secret`, eventTypes: ['order.paid'], propagateTraceContext: true } }, key);
  expect(traced.data?.createEndpoint.endpoint.propagateTraceContext).toBe(true);
  tracedEndpoint = traced.data!.createEndpoint.endpoint.id;
  const plain = await herald.graphql(CREATE, { input: { url: `${receiver.url}/plain`, eventTypes: ['order.paid'] } }, key);
  expect(plain.data?.createEndpoint.endpoint.propagateTraceContext).toBe(false);
  plainEndpoint = plain.data!.createEndpoint.endpoint.id;
  env = {
    DATABASE_URL: herald.databaseUrl,
    HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-otel-')),
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_ENCRYPTION_KEY: encryptionKey,
    // The failed attempt's retry is not due while the test runs.
    HERALD_RETRY_SCHEDULE: '0s,1h',
  };
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

function newTraceparent(): { traceparent: string; traceId: string; parentSpanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${parentSpanId}-01`, traceId, parentSpanId };
}

/** Publishes over the child's HTTP API with the publisher's trace headers; waits for both deliveries. */
async function publishTraced(child: HeraldProcess, headers: Record<string, string>): Promise<{ eventId: string; traced: Receiver['requests'][number]; plain: Receiver['requests'][number] }> {
  const before = receiver.requests.length;
  const response = await fetch(`${child.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ query: PUBLISH, variables: { input: { type: 'order.paid', payload: { order: 7 } } } }),
  });
  const body = (await response.json()) as { data?: { publishEvent: { event: { id: string }; deliveries: unknown[] } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data!.publishEvent.deliveries).toHaveLength(2);
  const eventId = body.data!.publishEvent.event.id;
  const arrived = await waitFor(async () => {
    const mine = receiver.requests.slice(before).filter((request) => request.headers['webhook-id'] === eventId);
    return mine.length >= 2 ? mine : null;
  }, 'both deliveries to arrive');
  return { eventId, traced: arrived.find((request) => request.url.startsWith('/traced'))!, plain: arrived.find((request) => request.url.startsWith('/plain'))! };
}

function collectOutput(child: HeraldProcess): () => string {
  let output = '';
  child.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return () => output;
}

describe.each(['http/json', 'http/protobuf'] as const)('OTLP export over %s', (protocol) => {
  let otlp: OtlpReceiver;
  let published: Awaited<ReturnType<typeof publishTraced>>;
  let publisher: ReturnType<typeof newTraceparent>;
  let output: () => string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    const child = await startHeraldProcess('serve', {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%20ey',
      OTEL_SERVICE_NAME: 'herald-under-test',
    });
    output = collectOutput(child);
    publisher = newTraceparent();
    try {
      published = await publishTraced(child, { traceparent: publisher.traceparent, tracestate: 'vendor=abc' });
      // The failed attempt records after both requests arrived: wait for it before the drain.
      await waitFor(async () => (await herald.db.delivery.count({ where: { eventId: idOfType(published.eventId, 'Event')!, attemptCount: 1 } })) === 2, 'both attempts to be recorded');
    } finally {
      // The drain flushes every pending span and a last metric export.
      const code = await child.stop();
      expect(code, output()).toBe(0);
    }
  }, 120_000);
  afterAll(async () => {
    await otlp?.close();
  });

  const spanNamed = (name: string, where: (span: ExportedSpan) => boolean = () => true) => otlp.spans.filter((span) => span.name === name && where(span));

  it('exports with the protocol, headers and service name configured', () => {
    const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
    expect(otlp.requests.some((request) => request.path === '/v1/traces')).toBe(true);
    expect(otlp.requests.some((request) => request.path === '/v1/metrics')).toBe(true);
    for (const request of otlp.requests) {
      expect(request.contentType).toBe(contentType);
      expect(request.headers['x-collector-key']).toBe('k ey');
    }
    expect(otlp.spans.length).toBeGreaterThan(0);
    for (const span of otlp.spans) expect(span.resource['service.name']).toBe('herald-under-test');
  });

  it("continues the publisher's trace: the operation, the publish and every attempt are in it", () => {
    const [operation] = spanNamed('mutation Announce', (span) => span.traceId === publisher.traceId);
    expect(operation, 'the GraphQL operation span').toBeDefined();
    expect(operation!.parentSpanId).toBe(publisher.parentSpanId);
    expect(operation!.kind).toBe(SPAN_KIND_SERVER);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'Announce', 'graphql.operation.type': 'mutation', 'herald.organization.id': organizationId });

    const [publish] = spanNamed('herald.publish', (span) => span.traceId === publisher.traceId);
    expect(publish!.parentSpanId).toBe(operation!.spanId);
    expect(publish!.attributes).toMatchObject({ 'herald.organization.id': organizationId, 'herald.events.published': 1, 'herald.deliveries.created': 2 });

    const attempts = spanNamed('POST', (span) => span.kind === SPAN_KIND_CLIENT);
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.traceId).toBe(publisher.traceId);
      expect(attempt.parentSpanId).toBe(publish!.spanId);
      // Linked to the batch that ran it, which has a trace of its own.
      const [batch] = spanNamed('herald.deliver.batch', (span) => span.spanId === attempt.links[0]?.spanId);
      expect(batch, 'the batch span the attempt links to').toBeDefined();
    }
    expect(spanNamed('herald.record').length).toBeGreaterThan(0);
  });

  it('gives each attempt span the HTTP client attributes, without the query string', () => {
    const port = Number(new URL(receiver.url).port);
    const traced = spanNamed('POST', (span) => span.attributes['herald.endpoint.id'] === tracedEndpoint)[0]!;
    expect(traced.attributes).toEqual(
      expect.objectContaining({
        'http.request.method': 'POST',
        'url.full': `${receiver.url}/traced`,
        'server.address': '127.0.0.1',
        'server.port': port,
        'http.response.status_code': 200,
        'herald.attempt.number': 1,
        'herald.organization.id': organizationId,
      }),
    );
    expect(traced.attributes['error.type']).toBeUndefined();
    expect(JSON.stringify(otlp.spans)).not.toContain('receiver-secret');

    const plain = spanNamed('POST', (span) => span.attributes['herald.endpoint.id'] === plainEndpoint)[0]!;
    expect(plain.attributes).toMatchObject({ 'url.full': `${receiver.url}/plain`, 'http.response.status_code': 503, 'error.type': 'HTTP_STATUS', 'herald.attempt.number': 1 });
    expect(plain.statusCode).toBe(STATUS_ERROR);
  });

  it('sends traceparent and tracestate to the endpoint that opted in, naming its attempt span, and none to the other', () => {
    const attempt = spanNamed('POST', (span) => span.attributes['herald.endpoint.id'] === tracedEndpoint)[0]!;
    expect(published.traced.headers.traceparent).toBe(`00-${publisher.traceId}-${attempt.spanId}-01`);
    expect(published.traced.headers.tracestate).toBe('vendor=abc');
    expect(published.plain.headers.traceparent).toBeUndefined();
    expect(published.plain.headers.tracestate).toBeUndefined();
  });

  it('exports the attempt, duration and publish metrics', () => {
    const last = (name: string) => otlp.metrics.filter((metric) => metric.name === name).at(-1);
    const attempts = last('herald.attempts');
    expect(attempts?.points).toEqual(
      expect.arrayContaining([
        { attributes: { 'herald.outcome': 'SUCCEEDED' }, value: 1 },
        { attributes: { 'herald.outcome': 'RETRYING', 'error.type': 'HTTP_STATUS' }, value: 1 },
      ]),
    );
    const duration = last('herald.attempt.duration');
    expect(duration?.unit).toBe('s');
    expect(duration?.points.reduce((sum, point) => sum + point.value, 0)).toBe(2);
    expect(last('herald.events.published')?.points).toEqual([{ attributes: {}, value: 1 }]);
    expect(last('herald.deliveries.created')?.points).toEqual([{ attributes: {}, value: 2 }]);
  });

  it("writes the publisher's trace id on the delivery log lines", () => {
    expect(output()).toMatch(new RegExp(`delivery succeeded.* trace_id=${publisher.traceId}`));
  });
});

describe('with no OTEL_* endpoint', () => {
  it("exports nothing, and the opted-in endpoint still gets the publisher's traceparent", async () => {
    const otlp = await startOtlpReceiver();
    try {
      // An exporter setting without an endpoint turns nothing on.
      const child = await startHeraldProcess('serve', { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'herald-off' });
      const publisher = newTraceparent();
      let published: Awaited<ReturnType<typeof publishTraced>>;
      try {
        published = await publishTraced(child, { traceparent: publisher.traceparent, tracestate: 'vendor=off' });
      } finally {
        expect(await child.stop()).toBe(0);
      }
      expect(published.traced.headers.traceparent).toBe(publisher.traceparent);
      expect(published.traced.headers.tracestate).toBe('vendor=off');
      expect(published.plain.headers.traceparent).toBeUndefined();
      const event = await herald.db.event.findUnique({ where: { id: idOfType(published.eventId, 'Event')! } });
      expect(event).toMatchObject({ traceParent: publisher.traceparent, traceState: 'vendor=off' });
      expect(otlp.requests).toEqual([]);
    } finally {
      await otlp.close();
    }
  }, 120_000);

  it('stores no trace for a publish without a traceparent, or with a malformed one', async () => {
    const child = await startHeraldProcess('serve', env);
    try {
      const without = await publishTraced(child, {});
      const malformed = await publishTraced(child, { traceparent: '00-not-a-trace-01' });
      for (const { eventId, traced } of [without, malformed]) {
        expect(traced.headers.traceparent).toBeUndefined();
        expect(await herald.db.event.findUnique({ where: { id: idOfType(eventId, 'Event')! }, select: { traceParent: true } })).toEqual({ traceParent: null });
      }
    } finally {
      expect(await child.stop()).toBe(0);
    }
  }, 120_000);
});

describe('propagateTraceContext', () => {
  it('is changed by updateEndpoint and left alone when absent', async () => {
    const { data } = await herald.graphql(CREATE, { input: { url: `${receiver.url}/toggle`, eventTypes: ['order.paid'] } }, key);
    const endpointId = data!.createEndpoint.endpoint.id as string;
    const on = await herald.graphql(UPDATE, { input: { id: endpointId, propagateTraceContext: true } }, key);
    expect(on.data?.updateEndpoint.endpoint.propagateTraceContext).toBe(true);
    const untouched = await herald.graphql(UPDATE, { input: { id: endpointId, name: 'renamed' } }, key);
    expect(untouched.data?.updateEndpoint.endpoint.propagateTraceContext).toBe(true);
    const off = await herald.graphql(UPDATE, { input: { id: endpointId, propagateTraceContext: false } }, key);
    expect(off.data?.updateEndpoint.endpoint.propagateTraceContext).toBe(false);
    await herald.db.endpoint.delete({ where: { id: idOfType(endpointId, 'Endpoint')! } });
  });
});
