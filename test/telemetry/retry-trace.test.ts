// De-risks "every attempt continues the publisher's trace": a delivery that fails once and is
// retried from the queue later has both attempt spans in the publisher's trace, each the child of
// the publish span, numbered 1 and 2, and the opted-in receiver gets a traceparent of that trace
// on each try (naming that try's span).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../../src/telemetry/start-telemetry.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

let herald: TestHerald;
let otlp: OtlpReceiver;
let telemetry: Telemetry;
let receiver: Receiver;
let key: string;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  telemetry = await startTelemetry({ serviceName: 'retry-test', traces: { url: `${otlp.url}/v1/traces`, protocol: 'http/protobuf', headers: {} }, metrics: null, metricExportIntervalMs: 60_000 }, 'test', () => undefined);
  herald = await startTestHerald({ allowPrivateNetworks: true, retryScheduleMs: [0, 200] }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'retry.me' } });
  let answered = 0;
  receiver = await startReceiver((_request, response) => {
    response.statusCode = answered++ === 0 ? 500 : 200;
    response.end();
  });
  key = (await herald.organization('retry-co')).key;
  const created = await herald.graphql(`mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename } }`, { input: { url: `${receiver.url}/hook`, eventTypes: ['retry.me'], propagateTraceContext: true } }, key);
  expect(created.data?.createEndpoint.__typename).toBe('CreateEndpointPayload');
});
afterAll(async () => {
  await herald?.close();
  await telemetry?.shutdown();
  await otlp?.close();
  await receiver?.close();
});

describe('a retried delivery', () => {
  it("keeps every attempt in the publisher's trace", async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ query: `mutation { publishEvent(input: { type: "retry.me", payload: {} }) { __typename } }` }),
    });
    expect(((await response.json()) as { data: { publishEvent: { __typename: string } } }).data.publishEvent.__typename).toBe('PublishEventPayload');
    await waitFor(async () => (await herald.db.delivery.findFirst({ where: { status: 'SUCCEEDED' } })) !== null, 'the retry to succeed');
    await telemetry.shutdown();

    const publish = otlp.spans.find((span) => span.name === 'herald.publish' && span.traceId === traceId)!;
    const attempts = otlp.spans.filter((span) => span.name === 'POST').sort((a, b) => Number(a.attributes['herald.attempt.number']) - Number(b.attributes['herald.attempt.number']));
    expect(attempts.map((span) => ({ traceId: span.traceId, parent: span.parentSpanId, number: span.attributes['herald.attempt.number'], status: span.attributes['http.response.status_code'] }))).toEqual([
      { traceId, parent: publish.spanId, number: 1, status: 500 },
      { traceId, parent: publish.spanId, number: 2, status: 200 },
    ]);
    expect(receiver.requests.map((request) => request.headers.traceparent)).toEqual(attempts.map((span) => `00-${traceId}-${span.spanId}-01`));
  });
});
