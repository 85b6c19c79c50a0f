// The operational events of a batch of recorded attempts, written inside recordAttempts'
// transaction: delivery failing or exhausted, endpoint turned off by its failures, endpoint
// recovered. What to announce is the engine's decision (src/engine/operational-events.ts); whether
// an endpoint was failing is the database's, so two workers recording at once announce a recovery once.
import { Prisma, type Endpoint } from '../generated/prisma/client.ts';
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Tx } from '../db/prisma.ts';
import type { AttemptToRecord, ClaimedDelivery } from '../delivery-state/transitions.ts';
import {
  attemptEvents,
  endpointDisabledEvent,
  endpointRecoveredEvent,
  isOperationalEventType,
  oncePerFailingSpell,
  type OperationalEvent,
  type RecordedAttempt,
} from '../engine/operational-events.ts';
import { encodeGlobalId } from '../global-id.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import { uuidv7 } from '../uuid7.ts';
import type { AppServices } from '../services.ts';
import { writeOperationalEvents } from './write-events.ts';

/** An endpoint that one of the batch's failed deliveries turned off, as the update left it. */
export interface DisabledByFailure {
  endpoint: Endpoint;
  reason: 'FAILING' | 'GONE';
  claimed: ClaimedDelivery;
}

const NO_IDS = { ids: [] as string[] };

/**
 * Failing from now, unless failing already; answers since when each is failing and whether this
 * UPDATE began the spell. SET reads the row as it was before the update (re-read after a
 * concurrent recorder's commit, under READ COMMITTED), so only the UPDATE that finds failing_since
 * unset writes its own `spell` id, and RETURNING tells it so: of two batches reaching the failing
 * attempt at once, exactly one announces it. No lock or statement beyond the UPDATE's own row
 * lock, which the health update takes anyway.
 */
export const MARK_FAILING = checkedQuery({
  name: 'mark endpoints failing',
  columns: { id: sqlTypes.uuid, failing_since: sqlTypes.timestamptz, begun_here: sqlTypes.bool },
  sample: { ids: [] as string[], spell: '00000000-0000-0000-0000-000000000000' },
  sql: ({ ids, spell }: { ids: string[]; spell: string }) => Prisma.sql`
    UPDATE endpoints
       SET failing_since = COALESCE(failing_since, now()),
           failing_spell_id = CASE WHEN failing_since IS NULL THEN ${spell}::uuid ELSE failing_spell_id END
     WHERE id = ANY(${ids}::uuid[])
    RETURNING id, failing_since, failing_spell_id IS NOT DISTINCT FROM ${spell}::uuid AS begun_here`,
});

/**
 * Ends the failing state of the endpoints that were failing, answering since when each was. The
 * row lock makes a concurrent recorder wait, then find failing_since cleared and answer nothing.
 */
export const CLEAR_FAILING = checkedQuery({
  name: 'clear failing endpoints',
  columns: { id: sqlTypes.uuid, failing_since: sqlTypes.timestamptz },
  sample: NO_IDS,
  sql: ({ ids }: { ids: string[] }) => Prisma.sql`
    WITH was AS (
      SELECT id, failing_since FROM endpoints WHERE id = ANY(${ids}::uuid[]) AND failing_since IS NOT NULL FOR UPDATE
    )
    UPDATE endpoints e SET failing_since = NULL FROM was
     WHERE e.id = was.id AND e.failing_since IS NOT NULL
    RETURNING e.id, was.failing_since`,
});

export async function emitAttemptEvents(
  tx: Tx,
  services: Pick<AppServices, 'config' | 'queue'>,
  recorded: readonly AttemptToRecord[],
  disabled: readonly DisabledByFailure[],
): Promise<void> {
  const { events, failingEndpointIds, succeeded } = attemptEvents(recorded.map(asRecordedAttempt), services.config.failingAfterAttempts);
  const recoveries: OperationalEvent[] = [];

  // Recoveries first: a batch where one delivery succeeded and another failed leaves the endpoint failing.
  if (succeeded.size > 0) {
    for (const row of await CLEAR_FAILING.run(tx, { ids: [...succeeded.keys()] })) {
      const by = succeeded.get(row.id)!;
      recoveries.push(endpointRecoveredEvent(by.organizationId, by.endpoint, row.failing_since, by));
    }
  }
  const failingSince = new Map<string, Date>();
  const spellsBegunHere = new Set<string>();
  if (failingEndpointIds.length > 0) {
    for (const row of await MARK_FAILING.run(tx, { ids: failingEndpointIds, spell: uuidv7() })) {
      failingSince.set(row.id, row.failing_since);
      if (row.begun_here) spellsBegunHere.add(encodeGlobalId('Endpoint', row.id));
    }
  }
  const all: OperationalEvent[] = [...oncePerFailingSpell(events, spellsBegunHere), ...recoveries];
  for (const { endpoint, reason, claimed } of disabled) {
    const event = endpointDisabledEvent({
      organizationId: endpoint.organizationId,
      operatorOrganizationId: OPERATOR_ORGANIZATION_ID,
      endpoint: { id: encodeGlobalId('Endpoint', endpoint.id), url: endpoint.url },
      reason,
      consecutiveFailures: endpoint.consecutiveFailures,
      failingSince: failingSince.get(endpoint.id) ?? endpoint.failingSince,
      causedByOperationalEvent: isOperationalEventType(claimed.event.type),
    });
    if (event) all.push(event);
  }
  await writeOperationalEvents(tx, services.queue, all);
}

function asRecordedAttempt({ claimed, attempt, verdict }: AttemptToRecord): RecordedAttempt {
  return {
    organizationId: claimed.organizationId,
    endpoint: { rowId: claimed.endpoint.id, id: encodeGlobalId('Endpoint', claimed.endpoint.id), url: claimed.endpoint.url },
    deliveryId: encodeGlobalId('Delivery', claimed.deliveryId),
    event: { id: encodeGlobalId('Event', claimed.event.id), type: claimed.event.type },
    isTest: claimed.isTest,
    status: verdict.status,
    nextAttemptAt: verdict.nextAttemptAt,
    attempt: {
      number: claimed.attempt,
      startedAt: attempt.startedAt,
      responseStatus: attempt.responseStatus,
      errorKind: attempt.error?.kind ?? null,
      errorMessage: attempt.error?.message ?? null,
    },
  };
}
