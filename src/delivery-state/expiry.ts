// Retention's row deletes of deliveries and attempts (src/worker/retention.ts drops whole day
// partitions; these are the rows outside them that would be left without their event or delivery).
// A deleted delivery's attempts go with it (the trigger deliveries_delete_attempts).
import type { Tx } from '../db/prisma.ts';

/**
 * Deletes the deliveries of expired events and the attempts of expired deliveries that live in
 * partitions retention keeps: `bound` is the first id retention keeps; events below it are dropped
 * with their partitions, and `goneEvents` were deleted by rows. Answers the rows deleted.
 */
export async function deleteExpiredStragglers(tx: Pick<Tx, '$executeRaw'>, bound: string, goneEvents: readonly string[]): Promise<number> {
  const deliveries = await tx.$executeRaw`
    DELETE FROM deliveries
     WHERE id >= ${bound}::uuid AND (event_id < ${bound}::uuid OR event_id = ANY(${[...goneEvents]}::uuid[]))`;
  const attempts = await tx.$executeRaw`
    DELETE FROM attempts WHERE id >= ${bound}::uuid AND delivery_id < ${bound}::uuid`;
  return deliveries + attempts;
}
