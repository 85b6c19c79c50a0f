// The outcome rollups (docs/statistics.md) against a full recount: a real worker process delivers
// to a real receiver through retries, failures for good, an endpoint turned off mid-run, cancelled
// scheduled events, replays, a manual retry and a SIGKILL of the worker; at a moment mid-run and at
// the end, every bucket counts what the deliveries say, and Endpoint.stats answers the recount.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAST_QUEUE_ENV, FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { startHeraldProcess } from '../support/herald-process.ts';
import { publishEvents, withKey, type EventInput } from '../support/publish.ts';
import { encodeGlobalId } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT, TOGGLE_ENDPOINT } from '../support/operations.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const EVENTS = 300;
const PATHS = ['/ok', '/flaky', '/down', '/off'] as const;

let herald: TestHerald;
let receiver: Receiver;
let key: string;
let env: Record<string, string>;
const endpointIds = new Map<string, string>(); // path → global id

beforeAll(async () => {
  const encryptionKey = randomBytes(32).toString('base64');
  herald = await startTestHerald({
    allowPrivateNetworks: true,
    encryptionKeyBase64: encryptionKey,
    deliveryTimeoutMs: 2_000,
    retryScheduleMs: [0, 300, 600],
    disableAfterFailures: 0,
    queueTimings: FAST_QUEUE_TIMINGS,
  });
  await herald.db.eventType.create({ data: { name: 'rollup.run' } });
  // /flaky refuses each webhook's first attempt; /down refuses every one (FAILED after its retries).
  const seen = new Set<string>();
  receiver = await startReceiver((request, response) => {
    const id = `${request.url} ${request.headers['webhook-id']}`;
    const first = !seen.has(id);
    seen.add(id);
    response.statusCode = request.url === '/down' || (request.url === '/flaky' && first) ? 500 : 200;
    response.end('');
  });
  key = (await herald.organization('rollup-co')).key;
  for (const path of PATHS) {
    const created = await herald.graphql(CREATE_ENDPOINT, { input: { name: path, url: `${receiver.url}${path}`, eventTypes: ['rollup.run'] } }, key);
    endpointIds.set(path, created.data!.createEndpoint.endpoint.id);
  }
  env = {
    DATABASE_URL: herald.databaseUrl,
    HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-rollup-')),
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_ENCRYPTION_KEY: encryptionKey,
    HERALD_DELIVERY_TIMEOUT: '2s',
    HERALD_RETRY_SCHEDULE: '0s,300ms,600ms',
    HERALD_DISABLE_AFTER_FAILURES: '0',
    ...FAST_QUEUE_ENV,
  };
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

interface Counts {
  endpoint: string;
  bucket: string;
  total: number;
  succeeded: number;
  failed: number;
  newest: string | null;
}

// Each bucket of each size from the rollups (shards summed) and from the deliveries, in one
// snapshot: the counts commit with the writes they count, so they agree at every moment.
const ROLLUP_BUCKETS = (minutes: number) => `
  SELECT endpoint_id::text AS endpoint, bucket::text, sum(total)::int AS total, sum(succeeded)::int AS succeeded,
         sum(failed)::int AS failed, max(newest)::text AS newest
    FROM delivery_outcome_rollups WHERE bucket_minutes = ${minutes}
   GROUP BY 1, 2 HAVING sum(total) <> 0 OR sum(succeeded) <> 0 OR sum(failed) <> 0 ORDER BY 1, 2`;
const RECOUNT_BUCKETS = (minutes: number) => `
  SELECT endpoint_id::text AS endpoint, date_bin(interval '${minutes} minutes', created_at, timestamptz 'epoch')::text AS bucket,
         count(*)::int AS total, (count(*) FILTER (WHERE status = 'SUCCEEDED'))::int AS succeeded,
         (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed, max(created_at)::text AS newest
    FROM deliveries GROUP BY 1, 2 ORDER BY 1, 2`;

async function compareInOneSnapshot(): Promise<{ rollup: Counts[][]; recount: Counts[][] }> {
  const client = new pg.Client({ connectionString: herald.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const rollup: Counts[][] = [];
    const recount: Counts[][] = [];
    for (const minutes of [1, 60]) {
      rollup.push((await client.query<Counts>(ROLLUP_BUCKETS(minutes))).rows);
      recount.push((await client.query<Counts>(RECOUNT_BUCKETS(minutes))).rows);
    }
    await client.query('COMMIT');
    return { rollup, recount };
  } finally {
    await client.end();
  }
}

async function unfinished(): Promise<number> {
  const left = await herald.db.delivery.groupBy({ by: ['status'], where: { status: { in: ['PENDING', 'SENDING', 'RETRYING'] } }, _count: { _all: true } });
  if (left.length > 0) lastUnfinished = JSON.stringify(left.map((row) => [row.status, row._count._all]));
  return left.reduce((sum, row) => sum + row._count._all, 0);
}
let lastUnfinished = '';

it('counts what a full recount of the deliveries counts, through retries, replays, cancellations and a worker crash', async () => {
  const api = withKey(herald, key);
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  const later: Array<EventInput & { deliverAt: string }> = Array.from({ length: 5 }, (_, i) => ({ type: 'rollup.run', payload: { scheduled: i }, deliverAt: inAnHour }));
  const scheduled = await publishEvents(api, later);
  for (let published = 0; published < EVENTS; published += 100) {
    await publishEvents(api, Array.from({ length: 100 }, (_, i) => ({ type: 'rollup.run', payload: { n: published + i } })));
  }
  for (const { eventId } of scheduled.slice(0, 3)) {
    const cancelled = await herald.graphql(`mutation($input: CancelScheduledEventInput!) { cancelScheduledEvent(input: $input) { __typename } }`, { input: { id: eventId } }, key);
    expect(cancelled.data!.cancelScheduledEvent.__typename).toBe('CancelScheduledEventPayload');
  }

  let worker = await startHeraldProcess('worker', env);
  await waitFor(async () => receiver.requests.length >= EVENTS, `${EVENTS} requests before killing the worker`, 120_000);
  await worker.kill();
  const midRun = await compareInOneSnapshot();
  expect(midRun.rollup).toEqual(midRun.recount);
  worker = await startHeraldProcess('worker', env);
  // Turned off mid-run, once the restarted worker has re-run what the kill cut (a claimed delivery
  // of an endpoint turned off stays SENDING): what /off still had to receive is cancelled.
  await waitFor(async () => (await herald.db.delivery.count({ where: { status: 'SENDING' } })) === 0 || null, 'the killed attempts to be re-run', 60_000);
  const off = await herald.graphql(TOGGLE_ENDPOINT, { input: { id: endpointIds.get('/off'), active: false } }, key);
  expect(off.data!.toggleEndpoint.__typename).toBe('ToggleEndpointPayload');

  try {
    await waitFor(async () => (await unfinished()) === 0, 'every delivery to finish', 120_000).catch((error) => {
      throw new Error(`${error.message}: ${lastUnfinished}`);
    });
    // Replays move finished deliveries back (FAILED and SUCCEEDED to PENDING), then on again.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    for (const [path, statuses] of [['/down', ['FAILED']], ['/ok', ['SUCCEEDED']]] as const) {
      const replayed = await herald.graphql(
        `mutation($input: ReplayDeliveriesInput!) { replayDeliveries(input: $input) { __typename ... on ReplayDeliveriesPayload { deliveries { id } } } }`,
        { input: { endpointId: endpointIds.get(path), since, statuses } },
        key,
      );
      expect(replayed.data!.replayDeliveries.__typename).toBe('ReplayDeliveriesPayload');
    }
    const oneFailed = await herald.db.delivery.findFirst({ where: { status: 'FAILED' } });
    if (oneFailed) {
      const retried = await herald.graphql(`mutation($input: RetryDeliveryInput!) { retryDelivery(input: $input) { __typename } }`, { input: { id: encodeGlobalId('Delivery', oneFailed.id) } }, key);
      expect(retried.errors).toBeUndefined();
    }
    await waitFor(async () => (await unfinished()) === 0, 'every replay to finish', 120_000);
  } finally {
    await worker.stop();
  }

  const statuses = await herald.db.delivery.groupBy({ by: ['status'], _count: { _all: true } });
  const byStatus = Object.fromEntries(statuses.map((row) => [row.status, row._count._all]));
  // The mix the run was meant to have.
  expect(byStatus).toMatchObject({ SUCCEEDED: expect.any(Number), FAILED: expect.any(Number), CANCELLED: expect.any(Number), SCHEDULED: expect.any(Number) });
  const end = await compareInOneSnapshot();
  expect(end.rollup).toEqual(end.recount);
  expect(end.recount[0]!.reduce((sum, row) => sum + row.total, 0)).toBe((EVENTS + 5) * PATHS.length);

  // And what the API answers is the recount over the window.
  const stats = await herald.graphql(`query { endpoints { edges { node { name stats(hours: 1) { total succeeded failed lastDeliveryAt } } } } }`, {}, key);
  expect(stats.errors).toBeUndefined();
  const recount = await herald.db.delivery.groupBy({ by: ['endpointId', 'status'], _count: { _all: true }, _max: { createdAt: true } });
  const endpoints = await herald.db.endpoint.findMany();
  for (const edge of stats.data!.endpoints.edges as Array<{ node: { name: string; stats: { total: number; succeeded: number; failed: number; lastDeliveryAt: string } } }>) {
    const endpointId = endpoints.find((endpoint) => endpoint.name === edge.node.name)!.id;
    const rows = recount.filter((row) => row.endpointId === endpointId);
    const count = (status?: string) => rows.filter((row) => !status || row.status === status).reduce((sum, row) => sum + row._count._all, 0);
    const newest = rows.reduce((max, row) => Math.max(max, row._max.createdAt!.getTime()), 0);
    expect(edge.node.stats).toEqual({ total: count(), succeeded: count('SUCCEEDED'), failed: count('FAILED'), lastDeliveryAt: new Date(newest).toISOString() });
    expect(edge.node.stats.total).toBe(EVENTS + 5);
  }
}, 400_000);
