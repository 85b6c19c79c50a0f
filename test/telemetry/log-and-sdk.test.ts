// De-risks the two small ends of trace context: a log line written inside a span carries its
// trace_id (and none without telemetry), and the SDK's traceparent/tracestate options reach
// Herald as headers, so the event it publishes stores that trace for its attempts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient } from '../../sdk/src/index.ts';
import { idOfType } from '../../src/global-id.ts';
import { createLogger } from '../../src/log.ts';
import { startTelemetry } from '../../src/telemetry/start-telemetry.ts';
import { inSpan } from '../../src/telemetry/tracing.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

let herald: TestHerald;
let otlp: OtlpReceiver;

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.db.eventType.create({ data: { name: 'invoice.sent' } });
  otlp = await startOtlpReceiver();
});
afterAll(async () => {
  await herald.close();
  await otlp.close();
});

describe('log lines', () => {
  it('carry the trace_id of the active span while telemetry is on, and none otherwise', async () => {
    const lines: string[] = [];
    const log = createLogger({ json: true, write: (line) => void lines.push(line) });
    await inSpan('off', {}, async () => log.info('before telemetry'));
    const telemetry = await startTelemetry({ serviceName: 'log-test', traces: { url: `${otlp.url}/v1/traces`, protocol: 'http/json', headers: {} }, metrics: null, metricExportIntervalMs: 60_000 }, 'test', () => undefined);
    let traceId = '';
    await inSpan('work', {}, async (span) => {
      traceId = span!.spanContext().traceId;
      log.info('inside a span');
      // A line about another trace's work (a delivery of a published event) keeps its own.
      log.info('a delivery', { trace_id: 'f'.repeat(32) });
    });
    log.info('after the span');
    await telemetry.shutdown();
    const parsed = lines.map((line) => JSON.parse(line) as { message: string; trace_id?: string });
    expect(parsed.map(({ message, trace_id }) => ({ message, trace_id }))).toEqual([
      { message: 'before telemetry', trace_id: undefined },
      { message: 'inside a span', trace_id: traceId },
      { message: 'a delivery', trace_id: 'f'.repeat(32) },
      { message: 'after the span', trace_id: undefined },
    ]);
    expect(otlp.spans.map((span) => span.name)).toEqual(['work']);
  });
});

describe("the SDK's traceparent option", () => {
  it('is sent with the publish, and its event keeps the trace', async () => {
    const server = await herald.listen();
    const client = createHeraldClient({ url: server.url, apiKey: (await herald.organization('sdk-trace')).key });
    try {
      const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const published = await client.publishEvent({ type: 'invoice.sent', payload: { n: 1 } }, { traceparent, tracestate: 'sdk=1' });
      if (published.__typename !== 'PublishEventPayload') throw new Error(`publish failed: ${published.__typename}`);
      const event = await herald.db.event.findUnique({ where: { id: idOfType(published.event.id, 'Event')! } });
      expect(event).toMatchObject({ traceParent: traceparent, traceState: 'sdk=1' });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
