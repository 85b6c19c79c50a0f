// Herald behind a real pgbouncer in transaction mode, configured as operators commonly do
// (`ignore_startup_parameters = extra_float_digits`, nothing Herald-specific), in front of a
// PostgreSQL whose max_connections is lower than Herald's processes would need directly. Two APIs
// and two workers run through it with HERALD_DIRECT_DATABASE_URL for what pooling breaks (LISTEN,
// pg-boss, the migrations' lock): nothing is lost, nothing is sent twice, live status works from
// every API, and the server's connection count stays within its limit. A process that cannot use
// its database says so in one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createPrisma } from '../../src/db/prisma.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { runHerald, type CliResult } from '../support/cli.ts';
import { freePort } from '../support/free-port.ts';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';
import { publishEvents, type GraphQLCall } from '../support/publish.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) => existsSync(path));
const MAX_CONNECTIONS = 40;
/** What the four processes would open directly: per process a pool of 10, pg-boss's 5, one LISTEN. */
const DIRECT_NEED = 4 * (10 + 5 + 1);
const EVENTS_PER_API = 100;

let dir: string;
let cluster: EmbeddedCluster;
let bouncer: ChildProcess;
let bouncerLog = '';
let pooledUrl: string;
let directUrl: string;
let receiver: Receiver;
let apiKey: string;
let env: Record<string, string>;
const children: HeraldProcess[] = [];
const sockets: Client[] = [];

/** A URL of the cluster's with another port and database, the credentials kept. */
function withAddress(url: string, port: number, database: string): string {
  const next = new URL(url);
  next.port = String(port);
  next.pathname = `/${database}`;
  return next.toString();
}

async function startPgbouncer(serverPort: number): Promise<number> {
  const port = await freePort();
  const server = new URL(cluster.url);
  writeFileSync(join(dir, 'users.txt'), `"${decodeURIComponent(server.username)}" "${decodeURIComponent(server.password)}"\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `herald = host=127.0.0.1 port=${serverPort} dbname=herald`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 10',
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'users.txt'), 0o644);
  chmodSync(join(dir, 'pgbouncer.ini'), 0o644);
  // pgbouncer refuses to run as root.
  const [command, args] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', PGBOUNCER!, join(dir, 'pgbouncer.ini')]] : [PGBOUNCER!, [join(dir, 'pgbouncer.ini')]];
  bouncer = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  bouncer.stdout!.on('data', (chunk: Buffer) => (bouncerLog += chunk));
  bouncer.stderr!.on('data', (chunk: Buffer) => (bouncerLog += chunk));
  await waitFor(async () => /process up/.test(bouncerLog), `pgbouncer to start:\n${bouncerLog}`, 20_000);
  return port;
}

async function serverConnections(): Promise<number> {
  const client = new pg.Client({ connectionString: directUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!PGBOUNCER) throw new Error('pgbouncer is not installed: apt-get install -y pgbouncer (.ci/run installs it when missing)');
  dir = mkdtempSync(join(tmpdir(), 'herald-pgbouncer-'));
  chmodSync(dir, 0o755); // the postgres OS user (under root) must reach the data folder and the config
  cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), persistent: false, settings: { max_connections: String(MAX_CONNECTIONS) } });
  directUrl = cluster.url;
  const bouncerPort = await startPgbouncer(Number(new URL(cluster.url).port));
  pooledUrl = withAddress(cluster.url, bouncerPort, 'herald');

  await migrate(directUrl);
  const prisma = createPrisma(directUrl, { poolMax: 1 });
  await prisma.eventType.create({ data: { name: 'pooled.event' } });
  const organization = await createOrganization(prisma, { slug: 'pooled' });
  apiKey = (await createOrganizationKey(prisma, { organizationId: organization.id })).token;
  await prisma.$disconnect();

  receiver = await startReceiver();
  env = {
    DATABASE_URL: pooledUrl,
    HERALD_DIRECT_DATABASE_URL: directUrl,
    HERALD_DATA_DIR: dir,
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Production's queue timings: a job expires only when its worker is gone, so a copy sent twice
    // would be the pooler's doing.
    HERALD_DELIVERY_TIMEOUT: '10s',
  };
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  for (const child of children) await child.stop().catch(() => undefined);
  await receiver?.close();
  bouncer?.kill('SIGTERM');
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function overHttp(origin: string): GraphQLCall {
  return async (query, variables) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, ...((await response.json()) as Record<string, unknown>) };
  };
}

describe('behind pgbouncer in transaction mode', () => {
  it('runs two APIs and two workers within the server limit, losing nothing, sending nothing twice, live on every API', async () => {
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await serverConnections());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      // One start migrates (through the direct URL, under the migrations' lock), then the rest.
      children.push(await startHeraldProcess('api', env));
      children.push(...(await Promise.all([startHeraldProcess('api', env), startHeraldProcess('worker', env), startHeraldProcess('worker', env)])));
      const apis = children.filter((_, i) => i < 2);

      const created = await overHttp(apis[0]!.origin)(`mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename } }`, {
        input: { url: `${receiver.url}/pooled`, eventTypes: ['pooled.event'] },
      });
      expect(created).toMatchObject({ data: { createEndpoint: { __typename: 'CreateEndpointPayload' } } });

      // Live status from each API: its LISTEN is on the direct connection, its reads go through the pooler.
      const heard = apis.map(() => new Set<string>());
      apis.forEach((api, i) => {
        const socket = createClient({ url: `ws://127.0.0.1:${api.port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${apiKey}` }, retryAttempts: 0 });
        sockets.push(socket);
        socket.subscribe<{ deliveryUpdated: { status: string; event: { id: string } } | null }>(
          { query: `subscription { deliveryUpdated { status event { id } } }` },
          { next: ({ data }) => data?.deliveryUpdated?.status === 'SUCCEEDED' && heard[i]!.add(data.deliveryUpdated.event.id), error: () => undefined, complete: () => undefined },
        );
      });
      await Promise.all(
        apis.map((api) =>
          waitFor(async () => /^herald_open_subscriptions 1$/m.test(await (await fetch(`${api.origin}/metrics`)).text()), 'each subscription to open'),
        ),
      );

      // Both APIs publish at once, in batches.
      const published = (
        await Promise.all(
          apis.map(async (api, a) => {
            const ids: string[] = [];
            for (let from = 0; from < EVENTS_PER_API; from += 50) {
              const batch = await publishEvents(overHttp(api.origin), Array.from({ length: 50 }, (_, n) => ({ type: 'pooled.event', payload: { api: a, n: from + n } })));
              ids.push(...batch.map((event) => event.eventId));
            }
            return ids;
          }),
        )
      ).flat();
      expect(published).toHaveLength(2 * EVENTS_PER_API);

      await waitFor(async () => receiver.requests.length >= published.length, `all ${published.length} deliveries to arrive`, 120_000);
      const ids = receiver.requests.map((request) => request.headers['webhook-id']);
      // Nothing sent twice: one request per delivery, each webhook-id once.
      expect({ requests: receiver.requests.length, distinct: new Set(ids).size }).toEqual({ requests: published.length, distinct: published.length });
      for (const [i, set] of heard.entries()) {
        await waitFor(async () => published.every((id) => set.has(id)), `API ${i + 1}'s subscriber to hear every SUCCEEDED`, 60_000);
      }
    } finally {
      sampling = false;
      await sampler;
    }
    // Within the server's limit, which the same processes connecting directly would pass.
    expect(DIRECT_NEED).toBeGreaterThan(MAX_CONNECTIONS);
    expect(peak).toBeLessThan(MAX_CONNECTIONS);
  }, 300_000);
});

describe('a process that cannot use its database behind a pooler', () => {
  function expectOneLine(result: CliResult, cause: RegExp): void {
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect({ code: result.code, lines }).toMatchObject({ code: 2, lines: [expect.stringMatching(cause)] });
  }

  it('DATABASE_URL through pgbouncer without HERALD_DIRECT_DATABASE_URL: says to set it', async () => {
    const result = await runHerald(['api'], { ...env, HERALD_DIRECT_DATABASE_URL: '', PORT: '0' });
    expectOneLine(result, /^herald: DATABASE_URL points at a connection pooler \(.*unsupported startup parameter.*\): set HERALD_DIRECT_DATABASE_URL/);
  });

  it('HERALD_DIRECT_DATABASE_URL unreachable: names it', async () => {
    const port = await freePort();
    const result = await runHerald(['api'], { ...env, HERALD_DIRECT_DATABASE_URL: withAddress(directUrl, port, 'herald'), PORT: '0' });
    expectOneLine(result, new RegExp(`^herald: cannot reach the database server at 127\\.0\\.0\\.1:${port} \\(connection refused\\): start PostgreSQL there, or point HERALD_DIRECT_DATABASE_URL at a running server$`));
  });
});
