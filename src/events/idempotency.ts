// Publishing's idempotency keys live in event_idempotency_keys, not in a unique index of events:
// events is partitioned by id (docs/history-partitions.md), and a unique index there must contain
// the id. Kept apart from publish.ts so a rewrite of publishing ports these two calls unchanged.
import type { Tx } from '../db/prisma.ts';
import type { Delivery, Event } from '../generated/prisma/client.ts';

export interface IdempotentEvent {
  event: Event;
  deliveries: Delivery[];
  /** The canonical request hash the key was first used with. */
  requestHash: Uint8Array;
}

/** The events earlier published under `keys`, by key, with their deliveries (ordered by id). */
export async function findIdempotentEvents(tx: Tx, organizationId: string, keys: readonly string[]): Promise<Map<string, IdempotentEvent>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.eventIdempotencyKey.findMany({ where: { organizationId, key: { in: [...keys] } } });
  if (rows.length === 0) return new Map();
  const eventIds = rows.map((row) => row.eventId).sort();
  const events = await tx.event.findMany({
    where: { organizationId, id: { in: eventIds } },
    // A delivery is created after its event, in its transaction: ids below the oldest event's are
    // none of these, and their partitions are not read.
    include: { deliveries: { where: { id: { gte: eventIds[0]! } }, orderBy: { id: 'asc' } } },
  });
  const byId = new Map(events.map((event) => [event.id, event]));
  const found = new Map<string, IdempotentEvent>();
  for (const row of rows) {
    const stored = byId.get(row.eventId);
    // A key whose event retention already dropped is trimmed with it; until then it answers nothing.
    if (!stored) continue;
    const { deliveries, ...event } = stored;
    found.set(row.key, { event, deliveries, requestHash: row.requestHash });
  }
  return found;
}

/**
 * Claims the keys of events being published, in the publishing transaction. A key another request
 * claimed first fails this with a unique violation (P2002); publishEvents then runs again and finds it.
 */
export async function claimIdempotencyKeys(
  tx: Tx,
  organizationId: string,
  claims: ReadonlyArray<{ key: string; eventId: string; requestHash: Uint8Array }>,
): Promise<void> {
  if (claims.length === 0) return;
  await tx.eventIdempotencyKey.createMany({
    data: claims.map(({ key, eventId, requestHash }) => ({ organizationId, key, eventId, requestHash: Uint8Array.from(requestHash) })),
  });
}
