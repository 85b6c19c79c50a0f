// The day partitions of the history tables (events, deliveries, attempts; docs/history-partitions.md).
// Each is partitioned by RANGE of its UUIDv7 id: one partition per UTC day, bounded by the first
// UUIDv7 of the day, between a MINVALUE partition (`<table>_before`) and a MAXVALUE one
// (`<table>_future`). The worker's maintenance job keeps days created ahead; retention drops them.
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Db, Tx } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** Parents first: the order writers lock them in (publishing: events then deliveries; recording: deliveries then attempts). */
export const HISTORY_TABLES = ['events', 'deliveries', 'attempts'] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];

/** Days created ahead of today: a worker down this long still finds today's partition. */
export const PARTITIONS_AHEAD_DAYS = 7;

/**
 * How long DDL on a history table waits for its lock before giving up until the next run (ms):
 * while it waits, queries behind it in the lock queue wait too.
 */
export const PARTITION_LOCK_TIMEOUT_MS = 2_000;

const DAY_MS = 86_400_000;

/** The first UUIDv7 of a UTC day (its 48-bit millisecond prefix, the rest zero): a partition bound. */
export function dayFloorId(day: Date): string {
  const ms = Math.floor(day.getTime() / DAY_MS) * DAY_MS;
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** YYYY-MM-DD of the UTC day `days` after the one holding `at`. */
export function utcDay(at: Date, days = 0): string {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + days * DAY_MS).toISOString().slice(0, 10);
}

export const ENSURE_PARTITIONS = checkedQuery({
  name: 'ensure history partitions',
  columns: { made: sqlTypes.int4 },
  sample: { through: '1970-01-01' },
  sql: ({ through }: { through: string }) => Prisma.sql`
    SELECT herald_ensure_partitions(t::regclass, ${through}::date) AS made
      FROM unnest(${[...HISTORY_TABLES]}::text[]) WITH ORDINALITY AS h(t, n) ORDER BY n`,
});

export const HISTORY_PARTITIONS = checkedQuery({
  name: 'history partitions',
  columns: {
    parent: sqlTypes.text,
    partition: sqlTypes.text,
    lower_bound: sqlTypes.nullable(sqlTypes.uuid),
    upper_bound: sqlTypes.nullable(sqlTypes.uuid),
    detach_pending: sqlTypes.bool,
  },
  sample: {},
  sql: () => Prisma.sql`
    SELECT h.t AS parent, p.partition::text AS partition, p.lower_bound, p.upper_bound,
           (SELECT i.inhdetachpending FROM pg_inherits i WHERE i.inhrelid = p.partition) AS detach_pending
      FROM unnest(${[...HISTORY_TABLES]}::text[]) AS h(t), herald_partitions(h.t::regclass) AS p
     ORDER BY h.t, p.lower_bound NULLS FIRST`,
});

/**
 * Day partitions already detached but not dropped (a purge stopped between the two): plain tables
 * named like a history partition, in no partitioned table.
 */
export const DETACHED_PARTITIONS = checkedQuery({
  name: 'detached history partitions',
  columns: { name: sqlTypes.text },
  sample: {},
  sql: () => Prisma.sql`
    SELECT c.oid::regclass::text AS name FROM pg_class c
     WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relnamespace = 'public'::regnamespace
       AND c.relname ~ ${`^(${HISTORY_TABLES.join('|')})_(p[0-9]{8}|before)$`}`,
});

/** Sets this transaction's lock timeout for DDL on the history tables. */
export async function boundLockWait(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${PARTITION_LOCK_TIMEOUT_MS}`);
}

/**
 * Makes sure every history table has a partition for each day up to `aheadDays` after `now`'s.
 * A no-op (one catalog read) when they exist; otherwise the MAXVALUE partition is split, holding
 * the tables' locks for a moment. Answers the partitions created.
 */
export async function ensureHistoryPartitions(db: Db, now = new Date(), aheadDays = PARTITIONS_AHEAD_DAYS): Promise<number> {
  const through = utcDay(now, aheadDays);
  const partitions = await HISTORY_PARTITIONS.run(db, {});
  const target = dayFloorId(new Date(`${utcDay(now, aheadDays + 1)}T00:00:00Z`));
  const behind = partitions.some((p) => p.upper_bound === null && p.lower_bound !== null && p.lower_bound < target);
  if (!behind) return 0;
  return db.$transaction(async (tx) => {
    await boundLockWait(tx);
    const rows = await ENSURE_PARTITIONS.run(tx, { through });
    return rows.reduce((sum, row) => sum + row.made, 0);
  });
}
