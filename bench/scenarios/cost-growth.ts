// Cost growth: the latency of the list queries a dashboard makes, `deliveries(first: 50)` and
// `events(first: 50)` (first page, and the page after it), with a small and a large table.
// Rows are seeded with SQL, not through the API, and spread over ten organizations, the measured
// one a small tenant holding 1% of them: a shared table, where a plan that scans the primary key
// and filters on the organization would read a hundred rows per row it keeps. Keyset pagination
// over the (organization_id, id) indexes should keep the ratio near 1; EXPLAIN shows the plan.
// Then retention's cost at that size (./purge.ts): deleting rows against dropping day partitions;
// BENCH_PURGE_ROWS sets its size (default: the large size).
import type { BenchCluster } from '../support/cluster.ts';
import { startBenchHerald, type BenchHerald } from '../support/herald.ts';
import type { BenchReceiver } from '../support/receiver.ts';
import { nowMs, percentile, round } from '../support/stats.ts';
import { runPurge, v7IdSql, type PurgeResult } from './purge.ts';

export interface CostGrowthResult {
  smallRows: number;
  largeRows: number;
  queries: Record<string, { smallP50Ms: number; largeP50Ms: number; ratio: number }>;
  /** The worst of the per-query ratios. */
  ratio: number;
  explain: Record<string, string>;
  seedSeconds: number;
  purge?: PurgeResult;
}

const QUERIES = {
  deliveries: `query($after: String) { deliveries(first: 50, after: $after) { edges { cursor node { id status attemptCount createdAt endpoint { id } } } pageInfo { endCursor hasNextPage } } }`,
  events: `query($after: String) { events(first: 50, after: $after) { edges { cursor node { id type createdAt } } pageInfo { endCursor hasNextPage } } }`,
} as const;

export async function runCostGrowth(
  cluster: BenchCluster,
  receiver: BenchReceiver,
  smallRows: number,
  largeRows: number,
  samples: number,
  purgeRows = Number(process.env['BENCH_PURGE_ROWS'] ?? largeRows),
): Promise<CostGrowthResult> {
  const growth = await measureGrowth(cluster, receiver, smallRows, largeRows, samples);
  return purgeRows > 0 ? { ...growth, purge: await runPurge(cluster, purgeRows) } : growth;
}

async function measureGrowth(cluster: BenchCluster, receiver: BenchReceiver, smallRows: number, largeRows: number, samples: number): Promise<CostGrowthResult> {
  const herald = await startBenchHerald(cluster, { worker: false });
  try {
    await herald.createEndpoints([`${receiver.origin}/ok/cost`]);
    const tenants = await seedTenants(herald);
    const seedStarted = nowMs();
    await seed(herald, tenants, smallRows);
    const small = await measure(herald, samples);
    await seed(herald, tenants, largeRows - smallRows);
    const seedSeconds = (nowMs() - seedStarted) / 1000;
    const large = await measure(herald, samples);
    const queries = Object.fromEntries(Object.keys(small).map((name) => {
      const smallP50Ms = small[name]!;
      const largeP50Ms = large[name]!;
      return [name, { smallP50Ms: round(smallP50Ms, 2), largeP50Ms: round(largeP50Ms, 2), ratio: round(largeP50Ms / smallP50Ms, 2) }];
    }));
    return {
      smallRows,
      largeRows,
      queries,
      ratio: Math.max(...Object.values(queries).map((q) => q.ratio)),
      explain: await explain(herald, tenants.organizationIds[0]!),
      seedSeconds: round(seedSeconds),
    };
  } finally {
    await herald.stop();
  }
}

interface Tenants {
  /** The measured organization (the benchmark's API key) first, then nine neighbours. */
  organizationIds: string[];
  endpointIds: string[];
}

const ORGANIZATIONS = 10;

/** Nine neighbour organizations beside the measured one, each with one endpoint (never delivered to). */
async function seedTenants(herald: BenchHerald): Promise<Tenants> {
  const { rows: [measured] } = await herald.sql.query<{ id: string; organization_id: string }>('SELECT id, organization_id FROM endpoints LIMIT 1');
  const { rows: neighbours } = await herald.sql.query<{ organization_id: string; endpoint_id: string }>(
    `WITH orgs AS (
       INSERT INTO organizations (id, slug, name)
       SELECT gen_random_uuid(), 'neighbour-' || g, 'Neighbour ' || g FROM generate_series(1, $1::int) AS g
       RETURNING id)
     INSERT INTO endpoints (id, organization_id, name, url, event_types, projects, secret_sealed)
     SELECT gen_random_uuid(), orgs.id, 'neighbour', e.url, e.event_types, e.projects, e.secret_sealed
       FROM orgs, endpoints e WHERE e.id = $2
     RETURNING organization_id, id AS endpoint_id`,
    [ORGANIZATIONS - 1, measured!.id],
  );
  return {
    organizationIds: [measured!.organization_id, ...neighbours.map((row) => row.organization_id)],
    endpointIds: [measured!.id, ...neighbours.map((row) => row.endpoint_id)],
  };
}

/**
 * Adds `rows` events and one SUCCEEDED delivery each (every hundredth row the measured
 * organization's, the others round-robin over the neighbours), in chunks, then refreshes statistics.
 */
async function seed(herald: BenchHerald, tenants: Tenants, rows: number): Promise<void> {
  // UUIDv7 ids of now, as the app makes them: they land in today's partition (a random UUID
  // would land in whichever day its first bytes read as).
  const uuid = (salt: string) => v7IdSql('floor(extract(epoch FROM clock_timestamp()) * 1000)', salt);
  for (let done = 0; done < rows; done += 100_000) {
    const chunk = Math.min(100_000, rows - done);
    await herald.sql.query(
      `WITH seeded AS (
         INSERT INTO events (id, organization_id, type, payload, created_at)
         SELECT ${uuid('g::text')}, ($1::uuid[])[CASE WHEN g % 100 = 0 THEN 1 ELSE 2 + g % ($4::int - 1) END], 'bench.event', jsonb_build_object('n', g), now()
           FROM generate_series(1, $2::int) AS g
         RETURNING id, organization_id, created_at)
       INSERT INTO deliveries (id, organization_id, event_id, endpoint_id, status, attempt_count, created_at, updated_at, completed_at)
       SELECT ${uuid('seeded.id::text')}, seeded.organization_id, seeded.id, ($3::uuid[])[array_position($1::uuid[], seeded.organization_id)],
              'SUCCEEDED', 1, seeded.created_at, seeded.created_at, seeded.created_at
         FROM seeded`,
      [tenants.organizationIds, chunk, tenants.endpointIds, ORGANIZATIONS],
    );
  }
  await herald.sql.query('VACUUM ANALYZE events');
  await herald.sql.query('VACUUM ANALYZE deliveries');
}

/** p50 of each query's first page and the page after it, sequentially, after a warm-up. */
async function measure(herald: BenchHerald, samples: number): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [name, query] of Object.entries(QUERIES)) {
    const first = await herald.graphql<Record<string, { pageInfo: { endCursor: string } }>>(query);
    const after = first[name]!.pageInfo.endCursor;
    for (const [page, variables] of [['first page', {}], ['next page', { after }]] as const) {
      for (let i = 0; i < 20; i++) await herald.graphql(query, variables);
      const timings: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = nowMs();
        await herald.graphql(query, variables);
        timings.push(nowMs() - started);
      }
      result[`${name} (${page})`] = percentile(timings, 50);
    }
  }
  return result;
}

/** The plans of the list queries' shape: the organization's rows, newest first, one page. */
async function explain(herald: BenchHerald, organizationId: string): Promise<Record<string, string>> {
  const org = { id: organizationId };
  const { rows: [middle] } = await herald.sql.query<{ id: string }>(
    'SELECT id FROM deliveries WHERE organization_id = $1 ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM deliveries WHERE organization_id = $1)',
    [organizationId],
  );
  const plans: Record<string, string> = {};
  const statements: Record<string, [string, unknown[]]> = {
    'deliveries first page': ['SELECT * FROM deliveries WHERE organization_id = $1 ORDER BY id DESC LIMIT 51', [org.id]],
    'deliveries after a cursor': ['SELECT * FROM deliveries WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT 51', [org.id, middle!.id]],
    'events first page': ['SELECT * FROM events WHERE organization_id = $1 ORDER BY id DESC LIMIT 51', [org.id]],
  };
  for (const [name, [sql, params]] of Object.entries(statements)) {
    const { rows } = await herald.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    plans[name] = rows.map((row) => row['QUERY PLAN']).join('\n');
  }
  return plans;
}
