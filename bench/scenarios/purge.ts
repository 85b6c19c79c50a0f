// Retention's cost (part of cost growth): expiring `rows` events, each with one delivery, the
// old way (DELETE in slices of 5,000 on unpartitioned tables, deliveries going by cascade) and
// the partitioned way (purgeExpired: dropping the day partitions). Each run measures the purge's
// time, the WAL it writes (pg_current_wal_lsn before and after) and the p99 of an organization's
// deliveries list meanwhile: the same SQL statement on both schemas, and on the partitioned one
// also the real API (an API on the old schema would migrate it).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runAdminSql } from '../../src/db/admin.ts';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '../../src/db/migrate.ts';
import { createPrisma } from '../../src/db/prisma.ts';
import { purgeExpired } from '../../src/worker/retention.ts';
import type { BenchCluster } from '../support/cluster.ts';
import { startBenchHerald, type BenchHerald } from '../support/herald.ts';
import { nowMs, percentile, round } from '../support/stats.ts';

const PARTITIONING = '20261202200000_partition_history';
const DAY_MS = 86_400_000;
/** The expired rows lie on days +1…+5 (ids are only labels: partitions exist a week ahead), the listed ones on day +7. */
const EXPIRED_DAYS = [1, 2, 3, 4, 5];
const LISTED_DAY = 7;
const LISTED_ROWS = 2_000;

export interface PurgeFigures {
  seconds: number;
  walMb: number;
  /** The deliveries list's SQL statement while the purge ran. */
  listSqlP99Ms: number;
  listSqlMaxMs: number;
  listSqlSamples: number;
  /** The deliveries list through the API while the purge ran (partitioned schema only). */
  apiP99Ms?: number;
  apiMaxMs?: number;
  apiSamples?: number;
}

export interface PurgeResult {
  rows: number;
  deleteRows: PurgeFigures;
  dropPartitions: PurgeFigures & { partitionsDropped: number };
}

/** A UUIDv7 of millisecond `ms` (an SQL expression) with random low bits, made in SQL on any PostgreSQL. */
export const v7IdSql = (ms: string, salt: string) =>
  `(lpad(to_hex((${ms})::bigint), 12, '0') || '7' || substr(md5(random()::text || ${salt}), 1, 3) || '8' || substr(md5(${salt} || random()::text), 1, 15))::uuid`;

const LIST_SQL = 'SELECT * FROM deliveries WHERE organization_id = $1 ORDER BY id DESC LIMIT 51';
const LIST_QUERY = `query { deliveries(first: 50) { edges { node { id status } } } }`;

export async function runPurge(cluster: BenchCluster, rows: number): Promise<PurgeResult> {
  const herald = await startBenchHerald(cluster, { worker: false });
  try {
    const dayZero = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const newTenant = await seedForPurge(herald.sql, rows, dayZero);
    const dropPartitions = await measure(herald.sql, newTenant, herald, async () => {
      const db = createPrisma(herald.databaseUrl, { poolMax: 2 });
      try {
        // Retention of 1 day as of day 7: days up to 5 are wholly older than the cutoff.
        return (await purgeExpired(db, 1, new Date(dayZero + (LISTED_DAY * DAY_MS) + 3_600_000))).partitionsDropped;
      } finally {
        await db.$disconnect();
      }
    });
    const old = await unpartitionedDatabase(herald.databaseUrl);
    try {
      const pool = new pg.Pool({ connectionString: old.url, max: 3 });
      try {
        const oldTenant = await seedForPurge(pool, rows, dayZero, true);
        const cutoff = new Date(dayZero + 6 * DAY_MS);
        const deleteRows = await measure(pool, oldTenant, null, async () => {
          // The purge as it was before partitioning (src/worker/retention.ts at 4e5a9b3).
          for (;;) {
            const { rowCount } = await pool.query('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < $1 LIMIT 5000)', [cutoff]);
            if ((rowCount ?? 0) < 5000) return 0;
          }
        });
        return { rows, deleteRows, dropPartitions: { ...dropPartitions, partitionsDropped: dropPartitions.result } };
      } finally {
        await pool.end();
      }
    } finally {
      await old.drop();
    }
  } finally {
    await herald.stop();
  }
}

/** A database migrated up to the migration before partitioning, on the same server. */
async function unpartitionedDatabase(beside: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new URL(beside);
  const name = `${admin.pathname.slice(1)}_unpartitioned`;
  admin.pathname = '/postgres';
  await runAdminSql(admin.toString(), `CREATE DATABASE ${name}`);
  const url = new URL(beside);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-migrations-'));
  for (const { name: migration } of readMigrations(DEFAULT_MIGRATIONS_DIR).filter((m) => m.name < PARTITIONING)) {
    cpSync(join(DEFAULT_MIGRATIONS_DIR, migration), join(dir, migration), { recursive: true });
  }
  await migrate(url.toString(), { migrationsDir: dir });
  rmSync(dir, { recursive: true, force: true });
  return { url: url.toString(), drop: () => runAdminSql(admin.toString(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * `rows` expired events with one SUCCEEDED delivery each over days +1…+5, and the listed
 * organization's recent deliveries on day +7. Answers the organization listed (the database's first
 * organization: the bench key's, on the partitioned schema).
 */
async function seedForPurge(sql: pg.Pool, rows: number, dayZero: number, createTenant = false): Promise<string> {
  if (createTenant) {
    await sql.query(`INSERT INTO organizations (id, slug, name) VALUES (${v7IdSql(String(dayZero), "'o'")}, 'bench', 'Bench')`);
  }
  const { rows: [org] } = await sql.query<{ id: string }>('SELECT id FROM organizations ORDER BY id LIMIT 1');
  await sql.query(
    `INSERT INTO endpoints (id, organization_id, name, url, event_types, projects, secret_sealed)
     SELECT ${v7IdSql(String(dayZero), "'e'")}, $1, 'purge', 'https://example.com/purge', '{*}', '{}', 'sealed'`,
    [org!.id],
  );
  const { rows: [endpoint] } = await sql.query<{ id: string }>(`SELECT id FROM endpoints WHERE name = 'purge'`);
  const insert = async (day: number, count: number) => {
    for (let done = 0; done < count; done += 100_000) {
      const chunk = Math.min(100_000, count - done);
      // Spread over the day, so its rows fill its partition from start to end.
      const ms = `${dayZero + day * DAY_MS} + ((g + ${done})::bigint * ${DAY_MS - 1_000}) / ${count}`;
      await sql.query(
        `WITH seeded AS (
           INSERT INTO events (id, organization_id, type, payload, created_at)
           SELECT ${v7IdSql(ms, 'g::text')}, $1, 'bench.event', jsonb_build_object('n', g), to_timestamp((${ms}) / 1000.0)
             FROM generate_series(1, $2::int) AS g
           RETURNING id, created_at)
         INSERT INTO deliveries (id, organization_id, event_id, endpoint_id, status, attempt_count, created_at, updated_at, completed_at)
         SELECT ${v7IdSql("floor(extract(epoch FROM seeded.created_at) * 1000) + 1", 'seeded.id::text')}, $1, seeded.id, $3, 'SUCCEEDED', 1,
                seeded.created_at, seeded.created_at, seeded.created_at
           FROM seeded`,
        [org!.id, chunk, endpoint!.id],
      );
    }
  };
  for (const day of EXPIRED_DAYS) await insert(day, Math.floor(rows / EXPIRED_DAYS.length));
  await insert(LISTED_DAY, LISTED_ROWS);
  await sql.query('VACUUM ANALYZE events');
  await sql.query('VACUUM ANALYZE deliveries');
  await sql.query('CHECKPOINT').catch(() => undefined);
  return org!.id;
}

/** Runs `purge` while listing the organization's deliveries in a loop; time, WAL and p99s. */
async function measure<T>(sql: pg.Pool, organizationId: string, herald: BenchHerald | null, purge: () => Promise<T>): Promise<PurgeFigures & { result: T }> {
  const { rows: [start] } = await sql.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  let done = false;
  const sqlTimings: number[] = [];
  const apiTimings: number[] = [];
  const loop = async (timings: number[], call: () => Promise<unknown>) => {
    while (!done) {
      const started = nowMs();
      await call();
      timings.push(nowMs() - started);
    }
  };
  const listers = [loop(sqlTimings, () => sql.query(LIST_SQL, [organizationId]))];
  if (herald) listers.push(loop(apiTimings, () => herald.graphql(LIST_QUERY)));
  const started = nowMs();
  let result: T;
  try {
    result = await purge();
  } finally {
    done = true;
    await Promise.all(listers);
  }
  const seconds = (nowMs() - started) / 1000;
  const { rows: [end] } = await sql.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes', [start!.lsn]);
  return {
    result,
    seconds: round(seconds, 2),
    walMb: round(Number(end!.bytes) / 1_048_576, 1),
    listSqlP99Ms: round(percentile(sqlTimings, 99), 2),
    listSqlMaxMs: round(Math.max(...sqlTimings), 2),
    listSqlSamples: sqlTimings.length,
    ...(herald ? { apiP99Ms: round(percentile(apiTimings, 99), 2), apiMaxMs: round(Math.max(...apiTimings), 2), apiSamples: apiTimings.length } : {}),
  };
}
