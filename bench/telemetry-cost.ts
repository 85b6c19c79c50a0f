// `node bench/telemetry-cost.ts`: what tracing adds to one delivery attempt, in µs, on this
// machine, in one process: the attempt span started and ended as the worker does
// (src/worker/attempt-span.ts), and the publish span, with telemetry off (the default: no SDK) and
// on (the SDK batching spans to an OTLP endpoint that refuses them, so export costs are not
// counted). Bounded: a fixed number of rounds per case.
import type { ClaimedDelivery } from '../src/delivery-state/transitions.ts';
import type { SendResult } from '../src/http/http-sender.ts';
import { startTelemetry } from '../src/telemetry/start-telemetry.ts';
import { inSpan } from '../src/telemetry/tracing.ts';
import { endAttemptTrace, startAttemptTrace } from '../src/worker/attempt-span.ts';

const ROUNDS = 20_000;
const ID = '01a2536f-36b7-722b-a3b5-a1e7f609e2ca';

const claimed = (propagateTraceContext: boolean): ClaimedDelivery => ({
  deliveryId: ID,
  organizationId: ID,
  isTest: false,
  attempt: 1,
  endpoint: { id: ID, url: 'https://hooks.example.com/in?token=secret', headers: [], signatureScheme: 'STANDARD_WEBHOOKS', secretSealed: '', previousSecretSealed: null, previousSecretExpiresAt: null, consecutiveFailures: 0, oauth2: null, tls: null, propagateTraceContext },
  event: { id: ID, type: 'order.paid', payloadText: '{}', createdAt: new Date(0), traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', traceState: null },
});
const sent: SendResult = { startedAt: new Date(), durationMs: 12, ok: true, status: 200, responseBody: 'ok', retryAfter: undefined, error: null, requestHeaders: [], responseHeaders: [], remoteAddress: '192.0.2.1', timings: null } as unknown as SendResult;

function attemptMicroseconds(delivery: ClaimedDelivery): number {
  const once = () => endAttemptTrace(startAttemptTrace(delivery), sent);
  for (let i = 0; i < 1_000; i++) once();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) once();
  return Number(process.hrtime.bigint() - started) / 1_000 / ROUNDS;
}

async function bareMicroseconds(): Promise<number> {
  const work = async () => undefined;
  for (let i = 0; i < 1_000; i++) await work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await work();
  return Number(process.hrtime.bigint() - started) / 1_000 / ROUNDS;
}

async function spanMicroseconds(): Promise<number> {
  const work = async () => undefined;
  for (let i = 0; i < 1_000; i++) await inSpan('herald.publish', { attributes: { 'herald.events.given': 1 } }, work);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await inSpan('herald.publish', { attributes: { 'herald.events.given': 1 } }, work);
  return Number(process.hrtime.bigint() - started) / 1_000 / ROUNDS;
}

const rows: Array<[string, number]> = [
  ['baseline: the async work alone', await bareMicroseconds()],
  ['off: attempt (no trace headers asked)', attemptMicroseconds(claimed(false))],
  ['off: attempt, propagateTraceContext', attemptMicroseconds(claimed(true))],
  ['off: inSpan around async work', await spanMicroseconds()],
];
const telemetry = await startTelemetry({ serviceName: 'bench', traces: { url: 'http://127.0.0.1:9/v1/traces', protocol: 'http/protobuf', headers: {} }, metrics: null, metricExportIntervalMs: 60_000 }, 'bench', () => undefined);
rows.push(['on: attempt span', attemptMicroseconds(claimed(false))], ['on: attempt span, propagateTraceContext', attemptMicroseconds(claimed(true))], ['on: inSpan around async work', await spanMicroseconds()]);
await telemetry.shutdown();
for (const [name, us] of rows) console.log(`${name.padEnd(48)} ${us.toFixed(2).padStart(7)} µs`);
