// De-risks at-least-once across process failure, with `herald worker` as a real child process: a
// worker SIGKILLed mid-attempt has that attempt re-run within seconds by another worker, with the
// same webhook-id; and SIGTERM lets the attempt in flight finish and record before exiting 0.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { FAST_QUEUE_ENV, FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { startHeraldProcess } from '../support/herald-process.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let env: Record<string, string>;

beforeAll(async () => {
  // The child worker must open the secrets the test's API sealed: one key for both.
  const encryptionKey = randomBytes(32).toString('base64');
  // The publisher sets each job's expiry from the delivery timeout: the same config as the worker's.
  herald = await startTestHerald({ allowPrivateNetworks: true, encryptionKeyBase64: encryptionKey, deliveryTimeoutMs: 3_000, retryScheduleMs: [0, 1_000], queueTimings: FAST_QUEUE_TIMINGS });
  await herald.db.eventType.create({ data: { name: 'job.run' } });
  receiver = await startReceiver();
  key = (await herald.organization('crash-co')).key;
  await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/crash`, eventTypes: ['job.run'] } }, key);
  env = {
    DATABASE_URL: herald.databaseUrl,
    HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-worker-')),
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_ENCRYPTION_KEY: encryptionKey,
    HERALD_DELIVERY_TIMEOUT: '3s',
    HERALD_RETRY_SCHEDULE: '0s,1s',
    // pg-boss notices the killed worker's job within a second of its expiry (production: 5 s).
    ...FAST_QUEUE_ENV,
  };
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

const publish = () => publishEvent(withKey(herald, key), { type: 'job.run', payload: {} });
const startWorker = () => startHeraldProcess('worker', env);

describe('herald worker', () => {
  it('re-runs the attempt of a SIGKILLed worker with the same webhook-id', async () => {
    const held: ServerResponse[] = [];
    receiver.answer((_req, res) => void held.push(res)); // the first request never gets an answer
    const first = await startWorker();
    const { eventId, deliveryIds } = await publish();
    await waitFor(async () => receiver.requests.length >= 1, 'the first attempt to arrive');
    await first.kill();
    for (const res of held) res.destroy();

    receiver.answer((_req, res) => res.end('ok'));
    const second = await startWorker();
    const delivery = await waitFor(
      async () => {
        const row = await herald.db.delivery.findUnique({ where: { id: idOfType(deliveryIds[0]!, 'Delivery')! } });
        return row?.status === 'SUCCEEDED' ? row : null;
      },
      'the re-run attempt to succeed',
      45_000,
    ).catch(async (error: unknown) => {
      await second.kill();
      throw error;
    });
    expect(delivery.attemptCount).toBe(1);
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids)).toEqual(new Set([eventId]));

    expect((await fetch(`${second.origin}/health`)).status).toBe(200);
    expect((await fetch(`${second.origin}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${second.origin}/metrics`)).text();
    expect(metrics).toMatch(/^herald_deliveries_total\{status="SUCCEEDED"\} 1$/m);
    expect(metrics).toMatch(/^herald_attempt_duration_seconds_count\{outcome="success"\} 1$/m);
    expect(metrics).toMatch(/^herald_queue_depth \d+$/m);
    expect(metrics).toMatch(/^herald_background_attempts 0$/m);
    expect(metrics).toMatch(/^# TYPE herald_endpoints_disabled gauge$/m);
    expect(await second.stop()).toBe(0);
  }, 90_000);

  it("carries a worker process's changes to this (API) process's change feed", async () => {
    receiver.answer((_req, res) => res.end('ok'));
    const heard: Array<{ id: string; status?: string }> = [];
    const iterator = herald.feed.changes.subscribe('delivery')[Symbol.asyncIterator]();
    void (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        heard.push(next.value);
      }
    })();
    const worker = await startWorker();
    const { deliveryIds } = await publish();
    const id = idOfType(deliveryIds[0]!, 'Delivery')!;
    await waitFor(async () => heard.some((notice) => notice.id === id && notice.status === 'SUCCEEDED'), 'the worker process to be heard');
    expect(heard.filter((notice) => notice.id === id).map((notice) => notice.status)).toEqual(['PENDING', 'SENDING', 'SUCCEEDED']);
    await iterator.return?.();
    expect(await worker.stop()).toBe(0);
  }, 60_000);

  it('drains on SIGTERM: the attempt in flight finishes and is recorded, then exit 0', async () => {
    receiver.requests.length = 0;
    let release: (() => void) | undefined;
    receiver.answer((_req, res) => {
      release = () => res.end('late but fine');
    });
    const worker = await startWorker();
    const { deliveryIds } = await publish();
    await waitFor(async () => receiver.requests.length >= 1, 'the attempt to arrive');
    const exited = worker.stop();
    setTimeout(() => release?.(), 300);
    expect(await exited).toBe(0);
    const row = await herald.db.delivery.findUniqueOrThrow({ where: { id: idOfType(deliveryIds[0]!, 'Delivery')! }, include: { attempts: true } });
    expect(row.status).toBe('SUCCEEDED');
    expect(row.attempts).toHaveLength(1);
  }, 60_000);
});
