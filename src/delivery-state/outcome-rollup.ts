// Upkeep of the outcome rollups (docs/statistics.md; the triggers that count are in the
// delivery_outcome_rollups migration). Writers spread a bucket over a few shards so that none waits
// on another's row lock; once a bucket is past its busy time its shards are folded into shard 0,
// so the read of a long window sums one row per bucket, not one per shard.
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Db } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** Buckets older than this are folded: late retries still add to them, into a shard folded next time. */
export const FOLD_AFTER_MS = 3_600_000;

export const FOLD_SHARDS = checkedQuery({
  name: 'fold rollup shards',
  columns: { folded: sqlTypes.int4 },
  sample: { before: new Date(0) },
  sql: ({ before }: { before: Date }) => Prisma.sql`
    WITH moved AS (
      DELETE FROM delivery_outcome_rollups WHERE shard <> 0 AND bucket < ${before} RETURNING *
    ), added AS (
      INSERT INTO delivery_outcome_rollups AS r (endpoint_id, bucket_minutes, bucket, shard, total, succeeded, failed, newest)
      SELECT m.endpoint_id, m.bucket_minutes, m.bucket, 0, sum(m.total), sum(m.succeeded), sum(m.failed), max(m.newest)
        FROM moved m GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (endpoint_id, bucket_minutes, bucket, shard) DO UPDATE
         SET total = r.total + EXCLUDED.total, succeeded = r.succeeded + EXCLUDED.succeeded, failed = r.failed + EXCLUDED.failed,
             newest = GREATEST(r.newest, EXCLUDED.newest)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int4 AS folded`,
});

/**
 * Moves the counts of shards 1–3 of every bucket before `before` into its shard 0, in one
 * statement: the rows deleted are added where they go in the same transaction, so a read sees the
 * counts before or after, never without them. A writer adding to a shard being folded waits for
 * the fold, then writes a fresh row; rows are written in key order, as the triggers write them.
 * Answers the shard rows folded.
 */
export async function foldRollupShards(db: Db, before: Date): Promise<number> {
  const rows = await FOLD_SHARDS.run(db, { before });
  return rows[0]?.folded ?? 0;
}
