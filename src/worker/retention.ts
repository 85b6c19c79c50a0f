// Purges events older than HERALD_RETENTION_DAYS; their deliveries and attempts go with them
// (foreign keys cascade). Deleted in slices so one run never holds a huge transaction. A scheduled
// event's age counts from its deliverAt too: one due in 20 days must outlive a 7-day retention.
import type { Db } from '../db/prisma.ts';

const SLICE = 5_000;

export async function purgeExpired(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM events WHERE id IN (
        SELECT id FROM events WHERE created_at < ${cutoff} AND (deliver_at IS NULL OR deliver_at < ${cutoff}) LIMIT ${SLICE})`;
    total += deleted;
    if (deleted < SLICE) return total;
  }
}
