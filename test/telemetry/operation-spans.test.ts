// De-risks the GraphQL operation spans in one process with tracing on: an HTTP operation is the
// child of the traceparent it carries and named `<type> <name>`; a graphql-ws operation (whose
// context has no Fetch Request) is traced as a root and answers as before; a publish over
// graphql-ws stores the trace of its own span.
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { startTelemetry, type Telemetry } from '../../src/telemetry/start-telemetry.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { waitFor } from '../support/wait.ts';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

let herald: TestHerald;
let otlp: OtlpReceiver;
let telemetry: Telemetry;
let key: string;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  telemetry = await startTelemetry({ serviceName: 'spans-test', traces: { url: `${otlp.url}/v1/traces`, protocol: 'http/json', headers: {} }, metrics: null, metricExportIntervalMs: 60_000 }, 'test', () => undefined);
  herald = await startTestHerald();
  await herald.db.eventType.create({ data: { name: 'ws.sent' } });
  key = (await herald.organization('spans-co')).key;
});
afterAll(async () => {
  await herald.close();
  await telemetry.shutdown();
  await otlp.close();
});

describe('GraphQL operation spans', () => {
  it("continue an HTTP request's traceparent and trace a graphql-ws operation as a root", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const response = await herald.yoga.fetch('http://herald.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, traceparent: `00-${traceId}-${parent}-01` },
      body: JSON.stringify({ query: 'query Who { viewer { __typename } }' }),
    });
    expect(response.status).toBe(200);

    const server = await herald.listen();
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } });
    try {
      const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
        client.subscribe(
          { query: 'mutation OverSocket($input: PublishEventInput!) { publishEvent(input: $input) { ... on PublishEventPayload { event { id } } } }', variables: { input: { type: 'ws.sent', payload: {} } } },
          { next: (value) => resolve(value as Record<string, unknown>), error: reject, complete: () => undefined },
        );
      });
      const eventId = (result as { data: { publishEvent: { event: { id: string } } } }).data.publishEvent.event.id;
      const event = await herald.db.event.findUnique({ where: { id: idOfType(eventId, 'Event')! } });
      // Herald's own trace: the publish span's, under the graphql-ws operation's root span.
      expect(event?.traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

      await telemetry.shutdown();
      const http = otlp.spans.find((span) => span.name === 'query Who');
      expect(http).toMatchObject({ traceId, parentSpanId: parent, attributes: { 'graphql.operation.type': 'query', 'graphql.operation.name': 'Who' } });
      const socket = await waitFor(async () => otlp.spans.find((span) => span.name === 'mutation OverSocket'), 'the graphql-ws operation span');
      expect(socket.parentSpanId).toBe('');
      expect(event!.traceParent!.slice(3, 35)).toBe(socket.traceId);
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});
