// Deliveries entering the pipeline: created PENDING with the job of their first attempt (publishing,
// test sends), or moved back to PENDING with the job of their next attempt (retry now, replay).
// Like every other transition (./transitions.ts), each is written in sets, in the caller's
// transaction, with the job and the change notice of every row, so none is half-scheduled.
import { uuidv7 } from '../uuid7.ts';
import { checkedQuery, sqlTypes, type SqlClient } from '../db/checked-sql.ts';
import type { Tx } from '../db/prisma.ts';
import { Prisma, type Delivery } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import { deliveryNotice, notifyChanges } from '../pubsub/notices.ts';
import type { DeliveryQueue } from '../worker/queue.ts';

export interface NewDelivery {
  organizationId: string;
  eventId: string;
  endpointId: string;
  isTest?: boolean;
}

/**
 * One statement for any number of rows, passed as one JSON array (parsed by PostgreSQL, not escaped
 * element by element by the driver): it answers the transaction's time, every new row's created_at.
 */
export const INSERT_DELIVERIES = checkedQuery({
  name: 'insert deliveries',
  columns: { inserted: sqlTypes.int4, now: sqlTypes.timestamptz },
  sample: { rows: '[]' },
  sql: ({ rows }: { rows: string }) => Prisma.sql`
    WITH inserted AS (
      INSERT INTO deliveries (id, organization_id, event_id, endpoint_id, is_test)
      SELECT r.id, r."organizationId", r."eventId", r."endpointId", r."isTest"
        FROM jsonb_to_recordset(${rows}::jsonb) AS r(id uuid, "organizationId" uuid, "eventId" uuid, "endpointId" uuid, "isTest" bool)
      RETURNING 1)
    SELECT (SELECT count(*) FROM inserted)::int4 AS inserted, now() AS now`,
});

/**
 * Creates the deliveries PENDING, each with the job of its first attempt, and announces them.
 * The rows are written by one set-based INSERT and answered as written (every column not given is
 * its default) rather than read back: publishing 100 events to 10 endpoints reads nothing back.
 */
export async function createDeliveries(tx: SqlClient, queue: DeliveryQueue, wanted: readonly NewDelivery[]): Promise<Delivery[]> {
  if (wanted.length === 0) return [];
  // Ids are made in order (UUIDv7), so rows are written and locked in id order.
  const rows = wanted.map((delivery) => ({ id: uuidv7(), isTest: false, ...delivery }));
  const [written] = await INSERT_DELIVERIES.run(tx, { rows: JSON.stringify(rows) });
  const now = written!.now;
  const deliveries: Delivery[] = rows.map((row) => ({
    ...row,
    status: 'PENDING',
    attemptCount: 0,
    nextAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  }));
  await queue.enqueue(tx, deliveries.map((delivery) => ({ deliveryId: delivery.id, attempt: 1, endpointId: delivery.endpointId })));
  await notifyChanges(tx, deliveries.map(deliveryNotice));
  return deliveries;
}

/**
 * Back to PENDING with the job of the next attempt, for the deliveries among `ids` whose status is
 * still one of `from`: a delivery that moved meanwhile (a concurrent retry made it PENDING, an
 * attempt started) is left alone, so it is never queued twice. Answers the deliveries moved, by id.
 */
export async function reschedule(tx: Tx, queue: DeliveryQueue, organizationId: string, ids: readonly string[], from: readonly DeliveryStatus[]): Promise<Delivery[]> {
  if (ids.length === 0) return [];
  const moved = await tx.delivery.updateManyAndReturn({
    where: { organizationId, id: { in: [...ids] }, status: { in: [...from] } },
    data: { status: 'PENDING', nextAttemptAt: new Date(), completedAt: null },
  });
  moved.sort((a, b) => a.id.localeCompare(b.id));
  await notifyChanges(tx, moved.map(deliveryNotice));
  await queue.enqueue(tx, moved.map((delivery) => ({ deliveryId: delivery.id, attempt: delivery.attemptCount + 1, endpointId: delivery.endpointId })));
  return moved;
}
