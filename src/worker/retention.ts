// Retention: history older than HERALD_RETENTION_DAYS goes by whole day partitions, not by rows
// (docs/history-partitions.md). A day is dropped once it is wholly older than the cutoff. Children
// go before parents so a reader never sees an attempt without its delivery or a delivery without
// its event: the few rows that outlive their parent's partition (a delivery made just after
// midnight for an event of the day before, a late retry's attempt) are deleted by rows first, then
// the day's attempts, deliveries and events partitions are detached CONCURRENTLY (readers and
// writers never wait), the stragglers a concurrent retry wrote meanwhile are deleted, and the
// detached tables dropped.
import { purgeAuditEntries } from '../audit/audit-log.ts';
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Db, Tx } from '../db/prisma.ts';
import { deleteExpiredStragglers } from '../delivery-state/expiry.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { dayFloorId, DETACHED_PARTITIONS, HISTORY_PARTITIONS, HISTORY_TABLES } from './partitions.ts';

const DAY_MS = 86_400_000;

export interface PurgeResult {
  /** Day partitions dropped (each table's counted). */
  partitionsDropped: number;
  /** Rows deleted one by one: stragglers, events older than the cutoff by created_at outside dropped days, audit entries. */
  rowsDeleted: number;
}

/**
 * Events whose id is recent but whose created_at is past the cutoff (created_at is the event's
 * own clock; the id the publisher's): kept partitions hold few, found through created_at's index.
 */
export const EXPIRED_BY_TIME = checkedQuery({
  name: 'events expired by created_at',
  columns: { id: sqlTypes.uuid },
  sample: { bound: 'ffffffff-ffff-ffff-ffff-ffffffffffff', cutoff: new Date(0) },
  sql: ({ bound, cutoff }: { bound: string; cutoff: Date }) => Prisma.sql`
    DELETE FROM events WHERE id >= ${bound}::uuid AND created_at < ${cutoff} RETURNING id`,
});

export async function purgeExpired(db: Db, retentionDays: number, now = new Date()): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  // The first id of the cutoff's day: partitions wholly below it are older than the cutoff.
  const bound = dayFloorId(cutoff);
  let rowsDeleted = await db.$transaction((tx) => deleteRows(tx, bound, cutoff), { timeout: 600_000 });
  rowsDeleted += await purgeAuditEntries(db, cutoff);
  const partitions = await HISTORY_PARTITIONS.run(db, {});
  const expired = partitions.filter((p) => p.upper_bound !== null && p.upper_bound <= bound);
  const days = [...new Set(expired.map((p) => p.upper_bound!))].sort();
  const order = (table: string) => HISTORY_TABLES.length - HISTORY_TABLES.indexOf(table as (typeof HISTORY_TABLES)[number]);
  let partitionsDropped = 0;
  for (const upper of days) {
    // Oldest day first; within it attempts, deliveries, events.
    const day = expired.filter((p) => p.upper_bound === upper).sort((a, b) => order(a.parent) - order(b.parent));
    rowsDeleted += await deleteExpiredStragglers(db, upper, []);
    for (const { parent, partition, detach_pending } of day) {
      // Names come from the catalog (regclass::text, quoted as needed), never from input. A detach
      // a stopped run left pending is finished with FINALIZE.
      await db.$executeRawUnsafe(`ALTER TABLE ${parent} DETACH PARTITION ${partition} ${detach_pending ? 'FINALIZE' : 'CONCURRENTLY'}`);
    }
    // Attempts a retry recorded between the first delete and the detach of its delivery's day.
    rowsDeleted += await deleteExpiredStragglers(db, upper, []);
    for (const { partition } of day) await db.$executeRawUnsafe(`DROP TABLE ${partition}`);
    partitionsDropped += day.length;
  }
  // The statistics of the days gone go with them (docs/statistics.md): buckets are by created_at,
  // whole minutes and hours, so none straddles the cutoff's day start.
  await db.$executeRaw`DELETE FROM delivery_outcome_rollups WHERE bucket < ${new Date(Math.floor(cutoff.getTime() / DAY_MS) * DAY_MS)}`;
  // Tables a stopped run detached but did not drop.
  for (const { name } of await DETACHED_PARTITIONS.run(db, {})) {
    await db.$executeRawUnsafe(`DROP TABLE ${name}`);
    partitionsDropped++;
  }
  return { partitionsDropped, rowsDeleted };
}

async function deleteRows(tx: Tx, bound: string, cutoff: Date): Promise<number> {
  const gone = (await EXPIRED_BY_TIME.run(tx, { bound, cutoff })).map((row) => row.id);
  const stragglers = await deleteExpiredStragglers(tx, bound, gone);
  const keys = await tx.$executeRaw`
    DELETE FROM event_idempotency_keys WHERE event_id < ${bound}::uuid OR event_id = ANY(${gone}::uuid[])`;
  return gone.length + stragglers + keys;
}
