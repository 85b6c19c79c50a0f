// Folding the rollups' shards (src/delivery-state/outcome-rollup.ts): deliveries written from
// several connections land in several shards of one bucket; after the fold each bucket older than
// the cutoff is one row (shard 0) holding the same counts, and newer buckets are left as they are.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { foldRollupShards } from '../../src/delivery-state/outcome-rollup.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertDelivery, insertEvent, insertTenant, type Tenant } from '../support/history.ts';

let database: TestDatabase;
const clients: pg.Client[] = [];
let tenant: Tenant;

beforeAll(async () => {
  database = await createTestDatabase();
  // Connections until two shards (backend pid % 4) differ.
  const shards = new Set<number>();
  while (shards.size < 2 || clients.length < 2) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ shard: number }>('SELECT herald_rollup_shard() AS shard');
    if (clients.length === 0 || !shards.has(rows[0]!.shard)) {
      shards.add(rows[0]!.shard);
      clients.push(client);
    } else await client.end();
  }
  tenant = await insertTenant(clients[0]!, 'fold-co');
});
afterAll(async () => {
  for (const client of clients) await client.end();
  await database?.drop();
});

const SUMS = `SELECT bucket_minutes, bucket::text, sum(total)::int AS total, sum(succeeded)::int AS succeeded, sum(failed)::int AS failed, count(*)::int AS rows
                FROM delivery_outcome_rollups GROUP BY 1, 2 ORDER BY 1, 2`;

it('folds the shards of old buckets into one row each, keeping every count', async () => {
  const old = Date.now() - 3 * 3_600_000;
  const recent = Date.now() - 60_000;
  for (const [i, client] of clients.entries()) {
    for (const at of [old + i, recent + i]) {
      const eventId = await insertEvent(client, tenant, at);
      await insertDelivery(client, tenant, eventId, at);
    }
  }
  // A replay from the other connection: one old delivery back to PENDING, counted in its shard.
  await clients[1]!.query(`UPDATE deliveries SET status = 'PENDING' WHERE id = (SELECT id FROM deliveries ORDER BY id LIMIT 1)`);
  const before = (await clients[0]!.query(SUMS)).rows;
  expect(before.filter((row) => row.rows > 1).length).toBeGreaterThan(0);

  const folded = await foldRollupShards(database.prisma, new Date(Date.now() - 3_600_000));
  expect(folded).toBeGreaterThan(0);
  const after = (await clients[0]!.query(SUMS)).rows;
  const cutoff = new Date(Date.now() - 3_600_000).getTime();
  expect(after.map(({ rows: _rows, ...sums }) => sums)).toEqual(before.map(({ rows: _rows, ...sums }) => sums));
  for (const row of after) {
    if (new Date(row.bucket).getTime() < cutoff) expect(row.rows).toBe(1);
  }
  const { rows: oldShards } = await clients[0]!.query(`SELECT DISTINCT shard FROM delivery_outcome_rollups WHERE bucket < now() - interval '2 hours'`);
  expect(oldShards).toEqual([{ shard: 0 }]);
  // Recent buckets keep their shards.
  const recentRows = after.filter((row) => new Date(row.bucket).getTime() >= cutoff && row.bucket_minutes === 1);
  expect(recentRows.some((row) => row.rows > 1)).toBe(true);
});
