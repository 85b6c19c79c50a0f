// The log tells what happens: a line per delivery outcome (delivery, endpoint, status, attempt,
// duration, next retry) and per endpoint health change, with the same fields in production's
// JSON lines and in development's readable ones (which carry a timestamp); HERALD_LOG_LEVEL drops
// what is below it. A real worker (in process, then as `herald worker`) and real receivers.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { createLogger, type LogLevel } from '../../src/log.ts';
import { spawnHerald, waitForOutput } from '../support/cli.ts';
import { FAST_QUEUE_ENV, FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

interface Entry {
  time: string;
  level: LogLevel;
  message: string;
  [field: string]: unknown;
}

const lines: string[] = [];
const entries = () => lines.map((line) => JSON.parse(line) as Entry);

let herald: TestHerald;
let receiver: Receiver;
let key: string;
const encryptionKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  // Production's logger (JSON lines), writing here instead of stderr.
  const log = createLogger({ json: true, level: 'info', write: (line) => void lines.push(line) });
  herald = await startTestHerald(
    { allowPrivateNetworks: true, encryptionKeyBase64: encryptionKey, retryScheduleMs: [0, 100], deliveryTimeoutMs: 2_000, disableAfterFailures: 2, queueTimings: FAST_QUEUE_TIMINGS },
    { worker: true, log },
  );
  await herald.db.eventType.create({ data: { name: 'order.created' } });
  receiver = await startReceiver((request, response) => {
    const path = new URL(request.url, receiver.url).pathname;
    response.statusCode = path === '/down' ? 500 : path === '/mend' ? mendStatus : 200;
    response.end();
  });
  key = (await herald.organization('log-co')).key;
});
const children: TestHerald[] = [];
afterAll(async () => {
  for (const api of children) await api.close();
  await herald?.close();
  await receiver?.close();
});

let mendStatus = 500;

async function endpoint(path: string): Promise<string> {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}?token=receiver-secret`, eventTypes: ['*'], projects: [path.slice(1)] } }, key);
  return (created.data!.createEndpoint as { endpoint: { id: string } }).endpoint.id;
}

const publish = (project: string) => publishEvent(withKey(herald, key), { type: 'order.created', payload: { secret: 'payload-value' }, project });

const linesFor = (deliveryId: string) => entries().filter((entry) => entry.deliveryId === deliveryId);

describe('a line per delivery outcome', () => {
  it('logs a success with the delivery, endpoint, status, attempt and duration', async () => {
    const endpointId = await endpoint('/ok');
    const { deliveryIds } = await publish('ok');
    const [line] = await waitFor(async () => (linesFor(deliveryIds[0]!).length > 0 ? linesFor(deliveryIds[0]!) : null), 'the delivery line');
    expect(line).toMatchObject({
      level: 'info',
      message: 'delivery succeeded',
      deliveryId: deliveryIds[0],
      endpointId,
      to: receiver.url,
      eventType: 'order.created',
      status: 'SUCCEEDED',
      attempt: 1,
      response: 200,
    });
    expect(line!.durationMs).toEqual(expect.any(Number));
    expect(line!.nextRetryAt).toBeUndefined();
    expect(new Date(line!.time).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Neither the payload nor the URL's query (a receiver's secret) is logged.
    expect(lines.join('')).not.toMatch(/payload-value|receiver-secret/);
  });

  it('logs each retry with its next attempt time, then the failure, then the endpoint turned off', async () => {
    const endpointId = await endpoint('/down');
    const first = (await publish('down')).deliveryIds[0]!;
    await waitFor(async () => linesFor(first).length >= 2, 'both attempts of the first delivery');
    const [retrying, failed] = linesFor(first);
    expect(retrying).toMatchObject({ level: 'info', message: 'delivery retrying', status: 'RETRYING', attempt: 1, response: 500, endpointId });
    expect(Date.parse(retrying!.nextRetryAt as string)).toBeGreaterThan(Date.parse(retrying!.time) - 1_000);
    expect(failed).toMatchObject({ level: 'warn', message: 'delivery failed', status: 'FAILED', attempt: 2, response: 500 });
    expect(failed!.nextRetryAt).toBeUndefined();

    const second = (await publish('down')).deliveryIds[0]!;
    await waitFor(async () => entries().some((entry) => entry.message === 'endpoint disabled' && entry.endpointId === endpointId), 'the endpoint to be disabled');
    expect(linesFor(second).map((entry) => entry.status)).toEqual(['RETRYING', 'FAILED']);
    expect(entries().filter((entry) => entry.message === 'endpoint disabled')).toEqual([
      expect.objectContaining({ level: 'warn', endpointId, reason: 'FAILING', consecutiveFailures: 2 }),
    ]);
  });

  it('logs an endpoint recovered when a delivery succeeds after failed ones', async () => {
    const endpointId = await endpoint('/mend');
    const failed = (await publish('mend')).deliveryIds[0]!;
    await waitFor(async () => linesFor(failed).some((entry) => entry.status === 'FAILED'), 'the failed delivery');
    expect(entries().some((entry) => entry.message === 'endpoint recovered')).toBe(false);
    mendStatus = 200;
    const succeeded = (await publish('mend')).deliveryIds[0]!;
    await waitFor(async () => entries().some((entry) => entry.message === 'endpoint recovered'), 'the endpoint to recover');
    expect(linesFor(succeeded)).toMatchObject([{ status: 'SUCCEEDED' }]);
    expect(entries().filter((entry) => entry.message === 'endpoint recovered')).toEqual([expect.objectContaining({ level: 'info', endpointId, afterFailures: 1 })]);
  });
});

describe('formats and levels', () => {
  const at = new Date('2026-12-07T23:10:00.123Z');
  const capture = (options: { json: boolean; level?: LogLevel }) => {
    const written: string[] = [];
    return { written, log: createLogger({ ...options, write: (line) => void written.push(line), now: () => at }) };
  };

  it('writes readable development lines with a timestamp and name=value fields', () => {
    const { written, log } = capture({ json: false });
    log.info('delivery retrying', { deliveryId: 'dlv_1', response: 503, nextRetryAt: '2026-12-07T23:11:00.000Z', error: 'HTTP 503 from the receiver', skipped: undefined });
    expect(written).toEqual(['2026-12-07T23:10:00.123Z herald info: delivery retrying deliveryId=dlv_1 response=503 nextRetryAt=2026-12-07T23:11:00.000Z error="HTTP 503 from the receiver"\n']);
  });

  it('writes the same fields as one JSON object per line in production', () => {
    const { written, log } = capture({ json: true });
    log.warn('endpoint disabled', { endpointId: 'ep_1', consecutiveFailures: 2 });
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(written[0]!)).toEqual({ time: at.toISOString(), level: 'warn', message: 'endpoint disabled', endpointId: 'ep_1', consecutiveFailures: 2 });
  });

  it('drops what is below the level', () => {
    const levels = (level: LogLevel) => {
      const { written, log } = capture({ json: true, level });
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      return written.map((line) => (JSON.parse(line) as Entry).message);
    };
    expect(levels('debug')).toEqual(['d', 'i', 'w', 'e']);
    expect(levels('info')).toEqual(['i', 'w', 'e']);
    expect(levels('warn')).toEqual(['w', 'e']);
    expect(levels('error')).toEqual(['e']);
  });
});

describe('herald worker as a child process', () => {
  it('prints a timestamped line per delivery in development, and none for successes at HERALD_LOG_LEVEL=warn', async () => {
    const env = {
      DATABASE_URL: herald.databaseUrl,
      NODE_ENV: 'development',
      PORT: '0',
      HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-log-')),
      HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
      HERALD_ENCRYPTION_KEY: encryptionKey,
      HERALD_RETRY_SCHEDULE: '0s,100ms',
      HERALD_DELIVERY_TIMEOUT: '2s',
      ...FAST_QUEUE_ENV,
    };
    // An API of its own, with no worker in the test's process: the child's line is the one to see.
    const api = await startTestHerald({ allowPrivateNetworks: true, encryptionKeyBase64: encryptionKey, retryScheduleMs: [0, 100], queueTimings: FAST_QUEUE_TIMINGS });
    children.push(api);
    await api.db.eventType.create({ data: { name: 'order.created' } });
    const apiKey = (await api.organization('child-log-co')).key;
    const created = await api.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/ok`, eventTypes: ['*'] } }, apiKey);
    const endpointId = (created.data!.createEndpoint as { endpoint: { id: string } }).endpoint.id;
    env.DATABASE_URL = api.databaseUrl;

    for (const level of ['info', 'warn'] as const) {
      const child = spawnHerald(['worker'], { ...env, HERALD_LOG_LEVEL: level });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
      try {
        // At warn the start-up line is not printed either: the published delivery is waited for instead.
        if (level === 'info') await waitForOutput(child, /Herald worker is running/, 60_000);
        const { deliveryIds } = await publishEvent(withKey(api, apiKey), { type: 'order.created', payload: {} });
        const deliveryId = deliveryIds[0]!;
        await waitFor(async () => (await api.db.delivery.findUnique({ where: { id: idOfType(deliveryId, 'Delivery')! } }))?.status === 'SUCCEEDED', 'the delivery to succeed', 60_000);
        if (level === 'info') {
          const line = await waitFor(async () => stderr.split('\n').find((each) => each.includes(`delivery succeeded deliveryId=${deliveryId}`)), 'the delivery line');
          expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z herald info: delivery succeeded deliveryId=${deliveryId} endpointId=${endpointId} to=${receiver.url.replaceAll('.', '\\.')} eventType=order\\.created status=SUCCEEDED attempt=1 response=200 durationMs=\\d+$`));
        } else {
          // The record commits before the line would be written: give it a moment to (not) appear.
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(stderr).not.toMatch(/delivery succeeded/);
          expect(stderr).not.toMatch(/herald info:/);
        }
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  }, 120_000);
});
