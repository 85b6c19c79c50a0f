// A year-of-traffic history written fast, by SQL alone (generate_series), for test/db/query-plans.test.ts
// and the historyGrowth benchmark: per delivery one event and one attempt, 98% SUCCEEDED, 1.5%
// FAILED, 0.5% RETRYING, spread evenly over a time span and over the given endpoints. Ids are
// UUIDv7 of their moment, so rows land in their day's partitions as Herald's own would, and the
// rollup triggers count them as they count any insert.
import type pg from 'pg';

export interface SeedHistory {
  organizationId: string;
  endpointIds: string[];
  /** How many deliveries (and events, and attempts). */
  deliveries: number;
  /** The span they are spread over, oldest first (ms since the epoch). */
  fromMs: number;
  toMs: number;
  /** Rows per statement: each is one transaction of its own. */
  chunk?: number;
  /** Makes the ids of one seeding distinct from another's over the same span. */
  salt?: string;
}

// A UUIDv7 of the millisecond `ms` (the 48-bit prefix, version 7, then hash bits of `key`).
const uuidAt = (ms: string, key: string) => `(lpad(to_hex((${ms})::bigint), 12, '0') || '7' || substr(md5(${key}), 1, 3) || '8' || substr(md5(${key}), 4, 15))::uuid`;

/** Writes the history; answers the seconds it took. */
export async function seedHistory(client: pg.ClientBase, seed: SeedHistory): Promise<number> {
  const started = Date.now();
  const chunk = seed.chunk ?? 250_000;
  const salt = seed.salt ?? 's';
  await client.query(`INSERT INTO event_types (name) VALUES ('order.created') ON CONFLICT DO NOTHING`);
  for (let first = 0; first < seed.deliveries; first += chunk) {
    const last = Math.min(seed.deliveries, first + chunk) - 1;
    const args = [seed.organizationId, seed.endpointIds, seed.fromMs, (seed.toMs - seed.fromMs) / seed.deliveries, first, last, salt];
    // One statement per table, each row's moment and ids computed from its number alone.
    const rows = `SELECT g, ($3::float8 + g * $4::float8)::bigint AS ms FROM generate_series($5::int, $6::int) AS g`;
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO events (id, organization_id, type, payload, created_at)
       SELECT ${uuidAt('r.ms', "'e' || $7 || r.g")}, $1::uuid, 'order.created', jsonb_build_object('n', r.g), to_timestamp(r.ms / 1000.0)
         FROM (${rows}) AS r WHERE cardinality($2::uuid[]) > 0`,
      args,
    );
    await client.query(
      `INSERT INTO deliveries (id, organization_id, event_id, endpoint_id, status, attempt_count, created_at, updated_at, completed_at, last_status_code, next_attempt_at)
       SELECT ${uuidAt('r.ms', "'d' || $7 || r.g")}, $1::uuid, ${uuidAt('r.ms', "'e' || $7 || r.g")},
              ($2::uuid[])[1 + r.g % cardinality($2::uuid[])],
              (CASE WHEN r.g % 200 < 3 THEN 'FAILED' WHEN r.g % 200 = 3 THEN 'RETRYING' ELSE 'SUCCEEDED' END)::"DeliveryStatus",
              1, to_timestamp(r.ms / 1000.0), to_timestamp(r.ms / 1000.0),
              CASE WHEN r.g % 200 = 3 THEN NULL ELSE to_timestamp(r.ms / 1000.0) END,
              CASE WHEN r.g % 200 < 4 THEN 500 ELSE 200 END,
              CASE WHEN r.g % 200 = 3 THEN to_timestamp(r.ms / 1000.0) + interval '1 hour' END
         FROM (${rows}) AS r`,
      args,
    );
    await client.query(
      `INSERT INTO attempts (id, delivery_id, number, started_at, duration_ms, response_status, response_body)
       SELECT ${uuidAt('r.ms + 1', "'a' || $7 || r.g")}, ${uuidAt('r.ms', "'d' || $7 || r.g")}, 1, to_timestamp(r.ms / 1000.0), 12,
              CASE WHEN r.g % 200 < 4 THEN 500 ELSE 200 END, 'ok'
         FROM (${rows}) AS r WHERE $1::uuid IS NOT NULL AND cardinality($2::uuid[]) > 0`,
      args,
    );
    await client.query('COMMIT');
  }
  await client.query('ANALYZE events, deliveries, attempts, delivery_outcome_rollups');
  return (Date.now() - started) / 1000;
}
