// One benchmark run's Herald: a fresh database, `herald api` and `herald worker` processes, an
// organization with a key, and helpers to create endpoints, publish and count deliveries.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { createPrisma } from '../../src/db/prisma.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import type { BenchCluster } from './cluster.ts';
import { startHeraldProcess, type HeraldProcess } from './processes.ts';
import { nowMs } from './stats.ts';

export const EVENT_TYPE = 'bench.event';

/** What one organization's key can do: its GraphQL requests, endpoints and publishes. */
export interface BenchOrganization {
  slug: string;
  apiKey: string;
  /** One GraphQL request with this organization's key, sent to the api processes in turn. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Creates endpoints at the given URLs (one project each when `projects` is set). */
  createEndpoints(urls: string[], projects?: string[]): Promise<string[]>;
  /** publishEvents with one event per entry; each payload gets `sentAt`, the call's start. */
  publish(events: BenchEvent[]): Promise<void>;
}

export interface BenchEvent {
  project?: string;
  data?: Record<string, unknown>;
  /** ISO instant: the deliveries are scheduled for it instead of sent at once. */
  deliverAt?: string;
}

/** The run's Herald, acting as its first organization (`bench`); `organization` adds others. */
export interface BenchHerald extends BenchOrganization {
  /** The first api process (the only one unless `apis` > 1). */
  api: HeraldProcess;
  worker: HeraldProcess | null;
  apis: HeraldProcess[];
  workers: HeraldProcess[];
  databaseUrl: string;
  sql: pg.Pool;
  /** Creates another organization with a key of its own (every scope, as the first one's). */
  organization(slug: string): Promise<BenchOrganization>;
  /** Starts worker processes (for a Herald started with `workers: 0`); they work from their start. */
  startWorkers(count: number, nodeArgs?: string[]): Promise<HeraldProcess[]>;
  statusCounts(): Promise<Record<string, number>>;
  /** The most memory any api / any worker process has held so far, in MiB. */
  peakRssMb(): { api: number; worker: number };
  stop(): Promise<void>;
}

/** How many `herald api` and `herald worker` processes a run starts (written `2x2`). */
export interface Layout {
  apis: number;
  workers: number;
}

export function layoutName(layout: Layout): string {
  return `${layout.apis}x${layout.workers}`;
}

export interface BenchHeraldOptions {
  env?: Record<string, string>;
  /** false: no worker process (the same as `workers: 0`). */
  worker?: boolean;
  /** How many `herald api` and `herald worker` processes (1 each by default). */
  apis?: number;
  workers?: number;
  /** Node flags for the api processes (e.g. --cpu-prof). */
  apiNodeArgs?: string[];
}

export async function startBenchHerald(cluster: BenchCluster, options: BenchHeraldOptions = {}): Promise<BenchHerald> {
  const database = await cluster.createDatabase();
  const prisma = createPrisma(database.url, { poolMax: 2 });
  await prisma.eventType.create({ data: { name: EVENT_TYPE } });
  await prisma.$disconnect();
  const apiKey = await createOrganizationWithKey(database.url, 'bench');

  const env = { DATABASE_URL: database.url, HERALD_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ...options.env };
  const workerCount = options.worker === false ? 0 : (options.workers ?? 1);
  // Started together; when one fails to start, the others are stopped before the error goes up.
  const starting = [
    ...Array.from({ length: options.apis ?? 1 }, () => startHeraldProcess('api', env, options.apiNodeArgs)),
    ...Array.from({ length: workerCount }, () => startHeraldProcess('worker', env)),
  ];
  const outcomes = await Promise.allSettled(starting);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await Promise.all(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.stop() : undefined)));
    await database.drop();
    throw failed.reason;
  }
  const started = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<HeraldProcess>).value);
  const apis = started.filter((p) => p.kind === 'api');
  const workers = started.filter((p) => p.kind === 'worker');
  const api = apis[0]!;
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  let turn = 0;

  function organizationClient(slug: string, key: string): BenchOrganization {
    async function graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const target = apis[turn++ % apis.length]!;
      const response = await fetch(`${target.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors?.length || !body.data) {
        throw new Error(`GraphQL failed (${response.status}): ${JSON.stringify(body.errors)}\napi log:\n${target.recentLog()}`);
      }
      return body.data;
    }
    return {
      slug,
      apiKey: key,
      graphql,
      async createEndpoints(urls, projects) {
        const ids: string[] = [];
        for (const [index, url] of urls.entries()) {
          const data = await graphql<{ createEndpoint: { __typename: string; endpoint?: { id: string } } }>(
            `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { id } } } }`,
            { input: { url, eventTypes: [EVENT_TYPE], ...(projects ? { projects: [projects[index]] } : {}) } },
          );
          if (!data.createEndpoint.endpoint) throw new Error(`createEndpoint answered ${data.createEndpoint.__typename}`);
          ids.push(data.createEndpoint.endpoint.id);
        }
        return ids;
      },
      async publish(events) {
        const sentAt = nowMs();
        const data = await graphql<{ publishEvents: { __typename: string } }>(
          `mutation($input: PublishEventsInput!) { publishEvents(input: $input) { __typename } }`,
          { input: { events: events.map((event) => ({ type: EVENT_TYPE, project: event.project, deliverAt: event.deliverAt, payload: { sentAt, ...event.data } })) } },
        );
        if (data.publishEvents.__typename !== 'PublishEventsPayload') throw new Error(`publishEvents answered ${data.publishEvents.__typename}`);
      },
    };
  }

  return {
    ...organizationClient('bench', apiKey),
    api,
    get worker() {
      return workers[0] ?? null;
    },
    apis,
    workers,
    databaseUrl: database.url,
    sql,
    async organization(slug) {
      return organizationClient(slug, await createOrganizationWithKey(database.url, slug));
    },
    async startWorkers(count, nodeArgs) {
      // Each is kept as soon as it runs, so stop() ends it even when a sibling fails to start.
      return Promise.all(
        Array.from({ length: count }, async () => {
          const worker = await startHeraldProcess('worker', env, nodeArgs);
          workers.push(worker);
          return worker;
        }),
      );
    },
    async statusCounts() {
      const { rows } = await sql.query<{ status: string; count: string }>('SELECT status, count(*) FROM deliveries GROUP BY status');
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    },
    peakRssMb() {
      const peak = (processes: HeraldProcess[]) => Math.max(0, ...processes.filter((p) => p.child.exitCode === null).map((p) => p.peakRssMb()));
      return { api: peak(apis), worker: peak(workers) };
    },
    async stop() {
      await Promise.all([...apis, ...workers].map((p) => p.stop()));
      await sql.end();
      await database.drop();
    },
  };
}

/** A new organization and an organization key for it (every scope); answers the key's token. */
async function createOrganizationWithKey(databaseUrl: string, slug: string): Promise<string> {
  const prisma = createPrisma(databaseUrl, { poolMax: 2 });
  try {
    const organization = await createOrganization(prisma, { slug });
    return (await createOrganizationKey(prisma, { organizationId: organization.id })).token;
  } finally {
    await prisma.$disconnect();
  }
}

/** Polls until `check` answers true, every `everyMs`; false when `timeoutMs` passes first. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}

/** Runs `tasks` with at most `limit` in flight. */
export async function inParallel(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  });
  await Promise.all(runners);
}

/**
 * A fresh process is slow for its first seconds (JIT, Prisma's query plans, pools filling): the
 * latency scenarios publish this many events at a moderate pace first, wait for them to arrive,
 * and measure only after.
 */
export async function warmUp(
  herald: Pick<BenchOrganization, 'publish'>,
  arrived: () => Promise<number>,
  options: { events?: number; endpointsPerEvent?: number; project?: (n: number) => string } = {},
): Promise<void> {
  const { events = 600, endpointsPerEvent = 1, project } = options;
  const before = await arrived();
  for (let sent = 0; sent < events; sent += 10) {
    await herald.publish(Array.from({ length: 10 }, (_, i) => ({ ...(project ? { project: project(sent + i) } : {}), data: { warmUp: sent + i } })));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const expected = before + events * endpointsPerEvent;
  if (!(await pollUntil(async () => (await arrived()) >= expected, 60_000, 100))) throw new Error('the warm-up events did not arrive');
}
