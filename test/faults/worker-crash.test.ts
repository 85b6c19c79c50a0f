// Worker crash: `herald worker` is SIGKILLed three times during a 3,000-delivery run and
// restarted. Nothing acknowledged is lost (every delivery SUCCEEDED, every one received), nothing
// is corrupted (every copy the receiver got verifies with the endpoint's secret), and duplicates
// are few: at most the attempts in flight at each kill, each carrying the same webhook-id.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../sdk/src/webhooks.ts';
import { idOfType } from '../../src/global-id.ts';
import { FAST_QUEUE_ENV, FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';
import { publishEvent, publishEvents, withKey } from '../support/publish.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const EVENTS = 1_500;
const ENDPOINTS = 2;
const DELIVERIES = EVENTS * ENDPOINTS;

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let env: Record<string, string>;
const secrets = new Map<string, string>(); // receiver path → secret

beforeAll(async () => {
  const encryptionKey = randomBytes(32).toString('base64');
  // Short queue timings here and in the child workers (the jobs this process enqueues carry them
  // too): a killed worker's jobs are re-run within seconds, by the same pg-boss recovery as in
  // production.
  herald = await startTestHerald({
    allowPrivateNetworks: true,
    encryptionKeyBase64: encryptionKey,
    deliveryTimeoutMs: 2_000,
    retryScheduleMs: [0, 500, 1_000, 2_000],
    queueTimings: FAST_QUEUE_TIMINGS,
  });
  await herald.db.eventType.create({ data: { name: 'crash.run' } });
  receiver = await startReceiver();
  key = (await herald.organization('crash-faults')).key;
  for (let i = 0; i < ENDPOINTS; i++) {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/e${i}`, eventTypes: ['crash.run'], secret } }, key);
    expect(created.data!.createEndpoint.endpoint.id).toMatch(/^ep_/);
    secrets.set(`/e${i}`, secret);
  }
  env = {
    DATABASE_URL: herald.databaseUrl,
    HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-crash-')),
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_ENCRYPTION_KEY: encryptionKey,
    HERALD_DELIVERY_TIMEOUT: '2s',
    HERALD_RETRY_SCHEDULE: '0s,500ms,1s,2s',
    ...FAST_QUEUE_ENV,
  };
});
afterAll(async () => {
  await herald.close();
  await receiver.close();
});

async function sending(): Promise<number> {
  return herald.db.delivery.count({ where: { status: 'SENDING' } });
}

it('loses nothing and corrupts nothing across three SIGKILLs of the worker', async () => {
  for (let published = 0; published < EVENTS; published += 100) {
    await publishEvents(withKey(herald, key), Array.from({ length: 100 }, (_, i) => ({ type: 'crash.run', payload: { n: published + i, text: 'é😀' } })));
  }

  const inFlightAtKills: number[] = [];
  let worker = await startHeraldProcess('worker', env);
  for (const threshold of [DELIVERIES * 0.2, DELIVERIES * 0.45, DELIVERIES * 0.7]) {
    await waitFor(async () => receiver.requests.length >= threshold, `${threshold} requests before killing the worker`, 120_000);
    // Claimed and not yet recorded: the attempts a kill can cut between send and record.
    await worker.kill();
    inFlightAtKills.push(await sending());
    worker = await startHeraldProcess('worker', env);
  }

  try {
    await waitFor(async () => (await herald.db.delivery.count({ where: { status: 'SUCCEEDED' } })) === DELIVERIES, 'every delivery to succeed', 90_000);
  } finally {
    await worker.stop();
  }

  // Nothing lost: every delivery reached its endpoint.
  const copies = new Map<string, typeof receiver.requests>();
  for (const request of receiver.requests) {
    const id = `${request.url} ${request.headers['webhook-id']}`;
    copies.set(id, [...(copies.get(id) ?? []), request]);
  }
  expect(copies.size).toBe(DELIVERIES);

  // Nothing corrupted: every copy verifies with its endpoint's secret and carries its event.
  for (const request of receiver.requests) {
    const webhook = verifyWebhook<{ n: number; text: string }>(request.body, request.headers, secrets.get(request.url)!);
    expect(webhook.id).toBe(request.headers['webhook-id']);
    expect(webhook.data.text).toBe('é😀');
  }

  // Duplicates: no more than the attempts in flight at the kills, and the same webhook-id and body.
  const duplicates = receiver.requests.length - copies.size;
  console.info(`worker crash: ${duplicates} duplicate(s); in flight at the kills: ${inFlightAtKills.join(', ')}`);
  expect(duplicates).toBeLessThanOrEqual(inFlightAtKills.reduce((a, b) => a + b, 0));
  for (const same of copies.values()) expect(new Set(same.map((r) => r.body)).size).toBe(1);
}, 400_000);

// A slow attempt finishes in the background after its batch moved on, and its job is completed
// with the batch. If the worker dies before the attempt is recorded, the watchdog job enqueued at
// detach time re-runs it (same webhook-id) once the attempt must have ended; nothing else would.
it('re-runs a slow attempt whose worker died after its batch moved on', async () => {
  let held: import('node:http').ServerResponse | null = null;
  receiver.answer((request, response) => {
    if (request.url === '/slow' && !held) held = response;
    else response.end('ok');
  });
  await herald.db.eventType.create({ data: { name: 'crash.slow' } });
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}/slow`, eventTypes: ['crash.slow'], secret } }, key);
  await publishEvent(withKey(herald, key), { type: 'crash.slow', payload: { slow: true } });
  const delivery = (await herald.db.delivery.findFirst({ where: { endpoint: { url: `${receiver.url}/slow` } } }))!;

  // A timeout long enough that the first attempt is still open when the worker dies (the watchdog
  // is due this long, plus its margin, after the batch moved on).
  const slowEnv = { ...env, HERALD_DELIVERY_TIMEOUT: '10s' };
  let worker: HeraldProcess = await startHeraldProcess('worker', slowEnv);
  await waitFor(async () => held !== null, 'the receiver to hold the first attempt');
  await waitFor(async () => {
    // Killed only once the first job is completed: then nothing but the watchdog can re-run it
    // (a job still active at the kill would come back by pg-boss's own recovery). The watchdog
    // carries the same attempt number; a retry (after a timeout) would carry the next.
    const [row] = await herald.db.$queryRaw<Array<{ watchdogs: number; completed: number }>>`
      SELECT count(*) FILTER (WHERE state = 'created' AND start_after > now() AND (data->>'attempt')::int = 1)::int AS watchdogs,
             count(*) FILTER (WHERE state = 'completed')::int AS completed
        FROM pgboss.job WHERE name = 'herald-deliver' AND data->>'deliveryId' = ${delivery.id}`;
    return row!.watchdogs === 1 && row!.completed === 1;
  }, 'the batch to move on, complete its job and leave a watchdog job');
  await worker.kill();
  expect((await herald.db.delivery.findUnique({ where: { id: delivery.id } }))!.status).toBe('SENDING');

  worker = await startHeraldProcess('worker', slowEnv);
  try {
    await waitFor(async () => (await herald.db.delivery.findUnique({ where: { id: delivery.id } }))?.status === 'SUCCEEDED', 'the watchdog to re-run the attempt', 60_000);
  } finally {
    await worker.stop();
  }
  const copies = receiver.requests.filter((request) => request.url === '/slow');
  expect(copies).toHaveLength(2);
  expect(new Set(copies.map((request) => request.headers['webhook-id'])).size).toBe(1);
  expect(new Set(copies.map((request) => request.body)).size).toBe(1);
  for (const copy of copies) expect(verifyWebhook(copy.body, copy.headers, secret).id).toBe(copy.headers['webhook-id']);
  const attempts = await herald.db.attempt.findMany({ where: { deliveryId: delivery.id } });
  expect(attempts.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([[1, 200]]);
}, 240_000);

// Scheduled deliveries wait as pg-boss jobs with a start time, in the database: a worker killed
// while some are being sent, and none running while the rest come due, loses none of them, sends
// none before its deliverAt, and the restarted worker sends the overdue ones.
describe('scheduled deliveries across a worker crash', () => {
  it('loses none, sends none early, and sends the ones that came due while no worker ran', async () => {
    const SCHEDULED_EVENTS = 200;
    await herald.db.eventType.create({ data: { name: 'crash.later' } });
    for (const path of ['/later0', '/later1']) {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      await herald.graphql(CREATE_ENDPOINT, { input: { url: `${receiver.url}${path}`, eventTypes: ['crash.later'], secret } }, key);
      secrets.set(path, secret);
    }
    // The worker runs before anything is published, so a job that started early would be sent early.
    let worker = await startHeraldProcess('worker', env);
    const timings: string[] = [];
    const began = Date.now();
    const mark = (what: string) => timings.push(`${what} ${Date.now() - began} ms`);
    // Due over three seconds, starting once both batches are surely published.
    const start = Date.now() + 6_000;
    const dueAt = new Map<string, number>(); // webhook-id → deliverAt
    for (let published = 0; published < SCHEDULED_EVENTS; published += 100) {
      const inputs = Array.from({ length: 100 }, (_, i) => ({ type: 'crash.later', payload: { n: published + i }, deliverAt: new Date(start + ((published + i) % 30) * 100).toISOString() }));
      const results = await publishEvents(withKey(herald, key), inputs);
      results.forEach((result, i) => dueAt.set(result.eventId, Date.parse(inputs[i]!.deliverAt)));
    }
    mark('published');
    const total = SCHEDULED_EVENTS * 2;
    const later = () => receiver.requests.filter((request) => request.url.startsWith('/later'));
    expect(Date.now(), 'published before the first deliverAt').toBeLessThan(start);
    expect(await herald.db.delivery.count({ where: { event: { type: 'crash.later' }, status: 'SCHEDULED' } })).toBe(total);

    await waitFor(async () => later().length >= total * 0.3, 'a third of the scheduled deliveries', 60_000);
    await worker.kill();
    mark('killed');
    const inFlight = await sending();
    const lastDue = Math.max(...dueAt.values());
    // No worker while the rest come due.
    await waitFor(async () => Date.now() > lastDue + 500, 'every deliverAt to pass with no worker running');
    expect(await herald.db.delivery.count({ where: { event: { type: 'crash.later' }, status: { in: ['SCHEDULED', 'SENDING'] } } })).toBeGreaterThan(0);
    worker = await startHeraldProcess('worker', env);
    mark('restarted');
    try {
      await waitFor(async () => (await herald.db.delivery.count({ where: { event: { type: 'crash.later' }, status: 'SUCCEEDED' } })) === total, 'every scheduled delivery to succeed', 90_000);
    } finally {
      await worker.stop();
    }
    mark('all succeeded');
    console.info(`scheduled across a crash: ${timings.join(', ')}; in flight at the kill: ${inFlight}`);

    const copies = new Map<string, number>();
    for (const request of later()) {
      const id = request.headers['webhook-id'] as string;
      // None early: the receiver's clock and the database's are this machine's.
      expect(request.receivedAt, id).toBeGreaterThanOrEqual(dueAt.get(id)!);
      expect(verifyWebhook(request.body, request.headers, secrets.get(request.url)!).id).toBe(id);
      copies.set(`${request.url} ${id}`, (copies.get(`${request.url} ${id}`) ?? 0) + 1);
    }
    expect(copies.size).toBe(total);
    expect(later().length - copies.size).toBeLessThanOrEqual(inFlight);
  }, 240_000);
});

// Deliveries held by their endpoint's rate limit live in the database (nextAttemptAt) and the queue
// (a job due at the slot), not in the worker: a worker killed while some wait and some are being
// sent loses none of them, and each has one successful attempt. A held job is completed in the
// transaction that queues its successor; without that, every job of a batch killed after its hold
// ran twice (196 duplicates of 200 here, against 80 with it on a machine at load 20).
describe('rate-limited deliveries across a worker crash', () => {
  const LIMITED_EVENTS = 200;

  it('loses none of the held deliveries when the worker dies, and counts no wait as an attempt', async () => {
    receiver.answer((_request, response) => response.end('ok'));
    await herald.db.eventType.create({ data: { name: 'crash.limited' } });
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const created = await herald.graphql(
      `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { ... on CreateEndpointPayload { endpoint { id rateLimit { perSecond burst } } } } }`,
      { input: { url: `${receiver.url}/limited`, eventTypes: ['crash.limited'], secret, rateLimit: { perSecond: 20, burst: 5 } } },
      key,
    );
    expect(created.data!.createEndpoint.endpoint.rateLimit).toEqual({ perSecond: 20, burst: 5 });
    const endpointId = idOfType(created.data!.createEndpoint.endpoint.id, 'Endpoint')!;
    for (let published = 0; published < LIMITED_EVENTS; published += 100) {
      await publishEvents(withKey(herald, key), Array.from({ length: 100 }, (_, i) => ({ type: 'crash.limited', payload: { n: published + i } })));
    }
    const limited = () => receiver.requests.filter((request) => request.url === '/limited');

    let worker = await startHeraldProcess('worker', env);
    await waitFor(async () => limited().length >= 30, 'the first limited deliveries to arrive', 60_000);
    const held = await herald.db.delivery.count({ where: { endpointId, status: 'PENDING', nextAttemptAt: { gt: new Date() } } });
    await worker.kill();
    const inFlight = await herald.db.delivery.count({ where: { endpointId, status: 'SENDING' } });
    expect(held).toBeGreaterThan(0);

    worker = await startHeraldProcess('worker', env);
    try {
      await waitFor(
        async () => (await herald.db.delivery.count({ where: { endpointId, status: 'SUCCEEDED' } })) === LIMITED_EVENTS,
        'every limited delivery to succeed after the crash',
        120_000,
      );
    } finally {
      await worker.stop();
    }
    const ids = limited().map((request) => request.headers['webhook-id']);
    console.info(`rate-limited crash: ${held} held and ${inFlight} in flight at the kill; ${ids.length - new Set(ids).size} duplicate(s)`);
    expect(new Set(ids).size).toBe(LIMITED_EVENTS);
    // Duplicates (the same webhook-id and body) are at-least-once's; their number is logged above.
    const bodies = new Map<string, Set<string>>();
    for (const request of limited()) bodies.set(String(request.headers['webhook-id']), (bodies.get(String(request.headers['webhook-id'])) ?? new Set()).add(request.body));
    for (const same of bodies.values()) expect(same.size).toBe(1);
    for (const request of limited()) expect(verifyWebhook(request.body, request.headers, secret).id).toBe(request.headers['webhook-id']);
    // One successful attempt each; any other attempt is a real failure (a timeout on a loaded
    // machine), never a wait: a wait writes no attempt.
    const attempts = await herald.db.attempt.findMany({ where: { delivery: { endpointId } } });
    const succeeded = attempts.filter((attempt) => attempt.responseStatus === 200);
    expect(new Set(succeeded.map((attempt) => attempt.deliveryId)).size).toBe(LIMITED_EVENTS);
    expect(succeeded).toHaveLength(LIMITED_EVENTS);
    for (const failed of attempts.filter((attempt) => attempt.responseStatus !== 200)) expect(failed.errorKind).not.toBeNull();
  }, 240_000);
});
