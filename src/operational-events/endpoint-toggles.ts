// The operational event of a manual toggle: `herald.endpoint.disabled` (MANUAL) or
// `herald.endpoint.enabled`, written in the toggle's transaction when the toggle changed the
// endpoint's state (turning off an endpoint that is off already announces nothing).
import type { Tx } from '../db/prisma.ts';
import { endpointDisabledEvent, endpointEnabledEvent, type EnabledReason } from '../engine/operational-events.ts';
import type { Endpoint } from '../generated/prisma/client.ts';
import { encodeGlobalId } from '../global-id.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import type { DeliveryQueue } from '../worker/queue.ts';
import { writeOperationalEvents } from './write-events.ts';

export async function emitEndpointToggled(tx: Tx, queue: DeliveryQueue, endpoint: Endpoint, enabledBy: EnabledReason = 'MANUAL'): Promise<void> {
  const ref = { id: encodeGlobalId('Endpoint', endpoint.id), url: endpoint.url };
  const event = endpoint.active
    ? endpointEnabledEvent(endpoint.organizationId, ref, enabledBy)
    : endpointDisabledEvent({
        organizationId: endpoint.organizationId,
        operatorOrganizationId: OPERATOR_ORGANIZATION_ID,
        endpoint: ref,
        reason: 'MANUAL',
        consecutiveFailures: endpoint.consecutiveFailures,
        failingSince: endpoint.failingSince,
        causedByOperationalEvent: false,
      });
  if (event) await writeOperationalEvents(tx, queue, [event]);
}
