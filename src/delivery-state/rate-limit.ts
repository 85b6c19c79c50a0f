// Per-endpoint rate limits in the worker: before a batch claims its attempts, the attempts of
// limited endpoints ask the endpoint's limiter (one row of endpoint_rate_limits, shared by every
// worker process) for slots. Those whose slot is now go on to the claim; the others are not sent
// and not counted as attempts: the delivery stays SCHEDULED, PENDING or RETRYING with nextAttemptAt at its
// slot, and its job is queued again for then, holding the slot (docs/rate-limits.md).
//
// Before the claim, not after: a held delivery never shows SENDING, and no transition out of
// SENDING is needed, which the state machine keeps for attempts that may have reached a receiver.
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Db, Tx } from '../db/prisma.ts';
import { statusesWhere } from '../engine/delivery-status.ts';
import { emissionIntervalMs, rateLimitOf, reserveSends, type RateLimit } from '../engine/rate-limit.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { DELIVERY_STATE, deliveryNotice, notifyChanges, type DeliveryState } from '../pubsub/notices.ts';
import type { DeliverJob, DeliveryQueue } from '../worker/queue.ts';
import { statusList } from './status-list.ts';
import { requeueHeld } from './hold.ts';

const { uuid, int4, float8, timestamptz, json, nullable } = sqlTypes;

const NONE = { wanted: '[]' };
/** Waiting for an attempt that has not started: what a limit may hold (src/engine/delivery-status.ts). */
const HOLDABLE = statusList(statusesWhere('holdable'));

/**
 * The jobs whose delivery waits for this very attempt at an endpoint with a limit. A SENDING
 * delivery is left out: its attempt was admitted once already, and is being run again after a
 * crash. Test sends count: the limit protects the receiver, whatever is sent.
 */
export const LIMITED_JOBS = checkedQuery({
  name: 'rate-limited jobs',
  columns: { delivery_id: uuid, attempt: int4, endpoint_id: uuid, per_second: int4, burst: nullable(int4) },
  sample: NONE,
  sql: ({ wanted }: { wanted: string }) => Prisma.sql`
    SELECT d.id AS delivery_id, w.attempt, e.id AS endpoint_id, e.rate_limit_per_second AS per_second, e.rate_limit_burst AS burst
      FROM jsonb_to_recordset(${wanted}::jsonb) AS w(id uuid, attempt int)
      JOIN deliveries d ON d.id = w.id
      JOIN endpoints e ON e.id = d.endpoint_id
     WHERE e.rate_limit_per_second IS NOT NULL AND d.attempt_count = w.attempt - 1
       AND d.status IN (${HOLDABLE}) AND (e.active OR d.is_test)
     ORDER BY d.id`,
});

/**
 * Reserves `count` sends on each endpoint's limiter, atomically: TAT becomes max(TAT, now) +
 * count × T (the step of reserveSends in src/engine/rate-limit.ts), one statement, so concurrent
 * workers serialize on the row and each sees the TAT the one before it left. It runs on its own,
 * not in the transaction that holds the deliveries, so the row is locked for one statement only;
 * if what follows fails, the slots it reserved go unused (the limit is kept, never exceeded).
 * Endpoints in id order, so two workers lock the rows of several endpoints in the same order.
 */
export const RESERVE_SLOTS = checkedQuery({
  name: 'reserve rate-limit slots',
  columns: { endpoint_id: uuid, tat_ms: float8, now_ms: float8 },
  sample: { wanted: '[]' },
  sql: ({ wanted }: { wanted: string }) => Prisma.sql`
    INSERT INTO endpoint_rate_limits AS r (endpoint_id, tat)
    SELECT w.endpoint_id, statement_timestamp() + make_interval(secs => w.count::float8 / w.per_second)
      FROM jsonb_to_recordset(${wanted}::jsonb) AS w(endpoint_id uuid, count int, per_second int)
     ORDER BY w.endpoint_id
    ON CONFLICT (endpoint_id) DO UPDATE
       SET tat = greatest(r.tat, statement_timestamp()) + (excluded.tat - statement_timestamp())
    RETURNING r.endpoint_id, (extract(epoch FROM r.tat) * 1000)::float8 AS tat_ms,
              (extract(epoch FROM statement_timestamp()) * 1000)::float8 AS now_ms`,
});

/**
 * Leaves each delivery in its waiting status (attempt count unchanged) with nextAttemptAt at its
 * slot; guarded like every transition, so a delivery that moved on meanwhile is left alone.
 */
export const HOLD_FOR_SLOT = checkedQuery({
  name: 'hold deliveries for their rate-limit slot',
  columns: { id: uuid, organization_id: uuid, endpoint_id: uuid, attempt: int4, send_at: timestamptz, state: json<DeliveryState>() },
  sample: { held: '[]' },
  sql: ({ held }: { held: string }) => Prisma.sql`
    UPDATE deliveries d SET next_attempt_at = w.send_at, updated_at = now()
      FROM jsonb_to_recordset(${held}::jsonb) AS w(id uuid, attempt int, send_at timestamptz)
     WHERE d.id = w.id AND d.attempt_count = w.attempt - 1 AND d.status IN (${HOLDABLE})
    RETURNING d.id, d.organization_id, d.endpoint_id, w.attempt, w.send_at, ${DELIVERY_STATE}`,
});

export interface RateLimitOutcome {
  /** The jobs to claim and send now, in their order. */
  admitted: DeliverJob[];
  /** How many were held for a later slot. */
  held: number;
}

/**
 * Splits a batch into the jobs that may be sent now and those held by their endpoint's limit.
 * Held ones are moved to their slot in one transaction: the delivery's nextAttemptAt, the change
 * notice (live status shows the wait) and the job of the same attempt, due at the slot.
 */
export async function holdOverRateLimits(services: { db: Db; queue: DeliveryQueue }, jobs: readonly DeliverJob[]): Promise<RateLimitOutcome> {
  const asking = jobs.filter((job) => job.slot === undefined);
  if (asking.length === 0) return { admitted: [...jobs], held: 0 };
  const limited = await LIMITED_JOBS.run(services.db, { wanted: JSON.stringify(asking.map((job) => ({ id: job.deliveryId, attempt: job.attempt }))) });
  if (limited.length === 0) return { admitted: [...jobs], held: 0 };

  const byEndpoint = new Map<string, { limit: RateLimit; jobs: typeof limited }>();
  for (const row of limited) {
    const entry = byEndpoint.get(row.endpoint_id) ?? { limit: rateLimitOf({ perSecond: row.per_second, burst: row.burst })!, jobs: [] };
    entry.jobs.push(row);
    byEndpoint.set(row.endpoint_id, entry);
  }
  const wanted = [...byEndpoint.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpointId, entry]) => ({ endpoint_id: endpointId, count: entry.jobs.length, per_second: entry.limit.perSecond }));
  const reserved = await RESERVE_SLOTS.run(services.db, { wanted: JSON.stringify(wanted) });

  const held: Array<{ id: string; attempt: number; send_at: string }> = [];
  for (const row of reserved) {
    const entry = byEndpoint.get(row.endpoint_id)!;
    // The TAT before this reservation: the database moved it on by count × T from there.
    const start = row.tat_ms - entry.jobs.length * emissionIntervalMs(entry.limit);
    const { sendAt } = reserveSends(entry.limit, start, row.now_ms, entry.jobs.length);
    entry.jobs.forEach((job, index) => {
      const at = sendAt[index]!;
      // Rounded up to the millisecond a Date holds: never before the slot.
      if (at > row.now_ms) held.push({ id: job.delivery_id, attempt: job.attempt, send_at: new Date(Math.ceil(at)).toISOString() });
    });
  }
  if (held.length === 0) return { admitted: [...jobs], held: 0 };

  const heldJobs = new Set(held.map((job) => `${job.id}:${job.attempt}`));
  const isHeld = (job: DeliverJob) => job.slot === undefined && heldJobs.has(`${job.deliveryId}:${job.attempt}`);
  await requeueHeld(services, jobs.filter(isHeld), async (tx) => {
    const moved = await HOLD_FOR_SLOT.run(tx, { held: JSON.stringify(held) });
    await notifyChanges(tx, moved.map((row) => deliveryNotice(row.state)));
    return moved.map((row) => ({
      deliveryId: row.id,
      attempt: row.attempt,
      organizationId: row.organization_id,
      endpointId: row.endpoint_id,
      startAfter: row.send_at,
      slot: row.send_at.toISOString(),
    }));
  });
  return { admitted: jobs.filter((job) => !isHeld(job)), held: held.length };
}

/**
 * Forgets an endpoint's limiter state when its limit changes: sends not yet reserved count from
 * now at the new limit, instead of queueing behind reservations made at the old one.
 */
export async function resetRateLimiter(tx: Pick<Tx, 'endpointRateLimit'>, endpointId: string): Promise<void> {
  await tx.endpointRateLimit.deleteMany({ where: { endpointId } });
}
