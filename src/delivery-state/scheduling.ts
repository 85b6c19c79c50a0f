// Deliveries entering the pipeline: created PENDING with the job of their first attempt (publishing,
// test sends) — or SCHEDULED, with that job starting at the event's deliverAt — or moved back to
// PENDING with the job of their next attempt (retry now, replay), or taken out of it while still
// SCHEDULED (cancelDelivery).
// Like every other transition (./transitions.ts), each is written in sets, in the caller's
// transaction, with the job and the change notice of every row, so none is half-scheduled.
import { uuidv7 } from '../uuid7.ts';
import { checkedQuery, sqlTypes, type SqlClient } from '../db/checked-sql.ts';
import type { Tx } from '../db/prisma.ts';
import { statusesWhere } from '../engine/delivery-status.ts';
import { Prisma, type Delivery } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import { DELIVERY_STATE, deliveryNotice, notifyChanges, type DeliveryState } from '../pubsub/notices.ts';
import type { DeliveryQueue } from '../worker/queue.ts';
import { statusList } from './status-list.ts';

const NO_ID = '00000000-0000-0000-0000-000000000000';
const CANCELLABLE = statusList(statusesWhere('cancellable'));

export interface NewDelivery {
  organizationId: string;
  eventId: string;
  endpointId: string;
  isTest?: boolean;
  /** Later than now: created SCHEDULED, its first attempt's job starting then (the event's deliverAt). */
  deliverAt?: Date | null;
  /** Its endpoint is paused: created PAUSED with no job (nextAttemptAt keeps deliverAt); resumePaused queues it. */
  paused?: boolean;
}

/**
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
      INSERT INTO deliveries (id, organization_id, event_id, endpoint_id, is_test, status, next_attempt_at)
      SELECT r.id, r."organizationId", r."eventId", r."endpointId", r."isTest", r.status::"DeliveryStatus", r."nextAttemptAt"
        FROM jsonb_to_recordset(${rows}::jsonb)
             AS r(id uuid, "organizationId" uuid, "eventId" uuid, "endpointId" uuid, "isTest" bool, status text, "nextAttemptAt" timestamptz)
      RETURNING 1)
    SELECT (SELECT count(*) FROM inserted)::int4 AS inserted, now() AS now`,
});

/**
 * Creates the deliveries PENDING (or SCHEDULED), each with the job of its first attempt, and
 * announces them. A scheduled delivery's job waits in pg-boss (`startAfter`, on the database's
 * clock) and its claim moves it SCHEDULED → SENDING like any first attempt; cancelling it first
 * leaves the job stale. The rows are written by one set-based INSERT and answered as written
 * (every column not given is its default) rather than read back.
 */
export async function createDeliveries(tx: SqlClient, queue: DeliveryQueue, wanted: readonly NewDelivery[]): Promise<Delivery[]> {
  if (wanted.length === 0) return [];
  // Ids are made in order (UUIDv7), so rows are written and locked in id order.
  const rows = wanted.map(({ deliverAt, isTest, paused, ...delivery }) => ({
    id: uuidv7(),
    ...delivery,
    isTest: isTest ?? false,
    status: paused ? ('PAUSED' as const) : deliverAt ? ('SCHEDULED' as const) : ('PENDING' as const),
    nextAttemptAt: deliverAt ?? null,
  }));
  const [written] = await INSERT_DELIVERIES.run(tx, { rows: JSON.stringify(rows) });
  const now = written!.now;
  const deliveries: Delivery[] = rows.map((row) => ({
    ...row,
    attemptCount: 0,
    lastStatusCode: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  }));
  await queue.enqueue(
    tx,
    deliveries.filter((delivery) => delivery.status !== 'PAUSED').map((delivery) => ({
      deliveryId: delivery.id,
      attempt: 1,
      organizationId: delivery.organizationId,
      endpointId: delivery.endpointId,
      ...(delivery.status === 'SCHEDULED' && delivery.nextAttemptAt ? { startAfter: delivery.nextAttemptAt } : {}),
    })),
  );
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
  await queue.enqueue(tx, moved.map((delivery) => ({ deliveryId: delivery.id, attempt: delivery.attemptCount + 1, organizationId, endpointId: delivery.endpointId })));
  return moved;
}

export const CANCEL_SCHEDULED = checkedQuery({
  name: 'cancel scheduled deliveries',
  columns: { state: sqlTypes.json<DeliveryState>() },
  sample: { organizationId: NO_ID, ids: [] as string[] },
  sql: ({ organizationId, ids }: { organizationId: string; ids: string[] }) => Prisma.sql`
    UPDATE deliveries d SET status = 'CANCELLED', next_attempt_at = NULL, completed_at = now(), updated_at = now()
     WHERE d.organization_id = ${organizationId}::uuid AND d.id = ANY(${ids}::uuid[]) AND d.status IN (${CANCELLABLE})
    RETURNING ${DELIVERY_STATE}`,
});

/**
 * CANCELLED, for the deliveries among `ids` still SCHEDULED (guarded by their status: one claimed
 * meanwhile, its deliverAt come, is left alone). Their waiting jobs then find them stale. Answers
 * the states of the deliveries cancelled, announced like every status change.
 */
export async function cancelScheduled(tx: Tx, organizationId: string, ids: readonly string[]): Promise<DeliveryState[]> {
  if (ids.length === 0) return [];
  const rows = await CANCEL_SCHEDULED.run(tx, { organizationId, ids: [...ids] });
  await notifyChanges(tx, rows.map((row) => deliveryNotice(row.state)));
  return rows.map((row) => row.state);
}

export const RESUME_PAUSED = checkedQuery({
  name: 'resume paused deliveries',
  columns: { state: sqlTypes.json<DeliveryState>() },
  sample: { endpointId: NO_ID, limit: 1 },
  sql: ({ endpointId, limit }: { endpointId: string; limit: number }) => Prisma.sql`
    WITH next AS (
      SELECT id FROM deliveries WHERE endpoint_id = ${endpointId}::uuid AND status = 'PAUSED' ORDER BY id LIMIT ${limit} FOR UPDATE)
    UPDATE deliveries d
       SET status = CASE WHEN d.next_attempt_at > now() AND d.attempt_count = 0 THEN 'SCHEDULED'::"DeliveryStatus" ELSE 'PENDING'::"DeliveryStatus" END,
           next_attempt_at = CASE WHEN d.next_attempt_at > now() AND d.attempt_count = 0 THEN d.next_attempt_at ELSE now() END,
           updated_at = now()
      FROM next WHERE d.id = next.id
    RETURNING ${DELIVERY_STATE}`,
});

/**
 * Moves up to `limit` of an endpoint's PAUSED deliveries back into the pipeline, oldest (publish
 * order: ids are UUIDv7) first, each with the job of its next attempt: PENDING, or SCHEDULED when
 * its event's deliverAt is still ahead. The worker then sends them within the endpoint's rate limit
 * and concurrency like any other. Guarded by the status, so a delivery is queued once however
 * often this runs. Answers how many it moved (fewer than `limit`: none is left).
 */
export async function resumePaused(tx: SqlClient, queue: DeliveryQueue, endpointId: string, limit: number): Promise<number> {
  const rows = await RESUME_PAUSED.run(tx, { endpointId, limit });
  rows.sort((a, b) => a.state.id.localeCompare(b.state.id));
  await queue.enqueue(
    tx,
    rows.map(({ state }) => ({
      deliveryId: state.id,
      attempt: state.attemptCount + 1,
      organizationId: state.organizationId,
      endpointId: state.endpointId,
      ...(state.status === 'SCHEDULED' && state.nextAttemptAt ? { startAfter: new Date(state.nextAttemptAt) } : {}),
    })),
  );
  await notifyChanges(tx, rows.map((row) => deliveryNotice(row.state)));
  return rows.length;
}
