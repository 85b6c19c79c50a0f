// Database restart: PostgreSQL (a cluster this test owns, never the machine's shared server) is
// stopped in the middle of a run and started again. While it is down the API answers errors and
// never hangs; afterwards `herald api` and `herald worker` recover without being restarted, an open
// subscription hears new changes again, and every event that was acknowledged is delivered.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createPrisma } from '../../src/db/prisma.ts';
import { configFromDefaults } from '../../src/config/config.ts';
import { createBoss, ensureQueues } from '../../src/worker/queue.ts';
import { silentLogger } from '../../src/log.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { FAST_QUEUE_ENV, FAST_QUEUE_TIMINGS } from '../support/fast-queue-timings.ts';
import { freePort } from '../support/free-port.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';
import { publishEvents, type GraphQLCall } from '../support/publish.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

let dir: string;
let port: number;
let cluster: EmbeddedCluster;
let databaseUrl: string;
let receiver: Receiver;
let apiKey: string;
let apiOrigin: string;
const children: HeraldProcess[] = [];
let socket: Client;

async function startCluster(): Promise<EmbeddedCluster> {
  return startEmbeddedPostgres({ dataDir: join(dir, 'data'), persistent: true, port });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-restart-pg-'));
  chmodSync(dir, 0o755); // the postgres OS user (under root) must reach the data folder
  port = await freePort();
  cluster = await startCluster();
  databaseUrl = cluster.url;
  await migrate(databaseUrl);
  // The queues are created as the processes below will use them (their timings shortened alike).
  const boss = createBoss(databaseUrl, silentLogger, 1, false, FAST_QUEUE_TIMINGS);
  await boss.start();
  await ensureQueues(boss, configFromDefaults({ deliveryTimeoutMs: 2_000, queueTimings: FAST_QUEUE_TIMINGS }));
  await boss.stop({ graceful: false, close: true });

  const prisma = createPrisma(databaseUrl, { poolMax: 1 });
  await prisma.eventType.create({ data: { name: 'restart.test' } });
  const organization = await createOrganization(prisma, { slug: 'restart' });
  apiKey = (await createOrganizationKey(prisma, { organizationId: organization.id })).token;
  await prisma.$disconnect();

  receiver = await startReceiver();
  const env = {
    DATABASE_URL: databaseUrl,
    HERALD_DATA_DIR: dir,
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HERALD_DELIVERY_TIMEOUT: '2s',
    HERALD_RETRY_SCHEDULE: '0s,1s,2s,4s,8s,8s,8s',
    ...FAST_QUEUE_ENV,
  };
  const [api, worker] = await Promise.all([startHeraldProcess('api', env), startHeraldProcess('worker', env)]);
  children.push(api, worker);
  apiOrigin = api.origin;
  const created = await graphql(`mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename } }`, {
    input: { url: `${receiver.url}/restart`, eventTypes: ['restart.test'] },
  });
  expect(created.body.data?.createEndpoint.__typename).toBe('CreateEndpointPayload');
  socket = createClient({ url: `ws://127.0.0.1:${api.port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${apiKey}` }, retryAttempts: 0 });
}, 120_000);

afterAll(async () => {
  await socket?.dispose();
  for (const child of children) await child.stop();
  await receiver?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// `any` on purpose: the test reads arbitrary GraphQL answers by name.
async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${apiOrigin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
    // "Never hangs": a request that takes this long fails the test.
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const overHttp: GraphQLCall = async (query, variables) => {
  const { status, body } = await graphql(query, variables);
  return { status, ...body };
};

/** Publishes `count` events; their ids. */
async function publish(count: number): Promise<string[]> {
  const published = await publishEvents(overHttp, Array.from({ length: count }, (_, n) => ({ type: 'restart.test', payload: { n } })));
  return published.map((event) => event.eventId);
}

it('answers errors while PostgreSQL is down, recovers without restarts, and delivers every acknowledged event', async () => {
  const heard: string[] = [];
  socket.subscribe<{ deliveryUpdated: { status: string; event: { id: string } } | null }>(
    { query: `subscription { deliveryUpdated { status event { id } } }` },
    { next: ({ data }) => data?.deliveryUpdated && heard.push(`${data.deliveryUpdated.event.id} ${data.deliveryUpdated.status}`), error: () => undefined, complete: () => undefined },
  );
  await waitFor(async () => {
    const text = await (await fetch(`${apiOrigin}/metrics`)).text();
    return /^herald_open_subscriptions 1$/m.test(text);
  }, 'the subscription to open');

  const before = await publish(50);
  expect(before).toHaveLength(50);
  await waitFor(async () => before.every((id) => heard.includes(`${id} SUCCEEDED`)), 'the first events to be delivered and heard', 60_000);

  await cluster.stop();
  // Down: answers come back (errors), they do not hang; nothing is acknowledged.
  for (let i = 0; i < 3; i++) {
    const down = await graphql(`mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename } }`, { input: { events: [{ type: 'restart.test', payload: {} }] } });
    expect(down.body.errors?.length ?? 0).toBeGreaterThan(0);
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|prisma|stack/i);
    expect((await fetch(`${apiOrigin}/ready`, { signal: AbortSignal.timeout(20_000) })).status).toBe(503);
  }

  cluster = await startCluster();
  // Ready again only once the API hears changes again (its LISTEN reconnected), not when the
  // database merely answers: what changes before that, an open subscription would never hear.
  await waitFor(async () => (await fetch(`${apiOrigin}/ready`)).status === 200, 'the API to be ready again', 60_000);
  expect(((await (await fetch(`${apiOrigin}/ready`)).json()) as { checks: { changes: string } }).checks.changes).toBe('listening');
  const after = await publish(50);
  expect(after).toHaveLength(50);

  // Every acknowledged event arrives, and the subscription that stayed open hears the new ones.
  const received = () => new Set(receiver.requests.map((request) => request.headers['webhook-id']));
  await waitFor(async () => [...before, ...after].every((id) => received().has(id)), 'every acknowledged event to be delivered', 120_000);
  await waitFor(async () => after.every((id) => heard.includes(`${id} SUCCEEDED`)), 'the open subscription to hear the new deliveries', 60_000);
  for (const { child } of children) expect(child.exitCode).toBeNull();
}, 300_000);
