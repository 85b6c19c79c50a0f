// What the audit log records of the event catalog. Event types are deployment-wide: their entries
// belong to no organization, so only admin keys read them.
import type { Tx } from '../db/prisma.ts';
import { diffFields, type AuditValue } from '../engine/audit-diff.ts';
import type { EventType } from '../generated/prisma/client.ts';
import { recordAudit, type AuditActor } from './audit-log.ts';

function eventTypeFields(eventType: EventType) {
  return {
    description: eventType.description,
    schema: (eventType.schema ?? null) as AuditValue,
    deprecated: eventType.deprecated,
    featureFlag: eventType.featureFlag,
  };
}

/**
 * event_type.created, .updated, or .deprecated (an update that deprecates it, whatever else it
 * changes). An update that changed nothing records nothing.
 */
export async function auditEventType(tx: Tx, actor: AuditActor, before: EventType | null, after: EventType): Promise<void> {
  const changes = diffFields(before && eventTypeFields(before), eventTypeFields(after));
  if (before && Object.keys(changes).length === 0) return;
  const action = !before ? 'event_type.created' : !before.deprecated && after.deprecated ? 'event_type.deprecated' : 'event_type.updated';
  await recordAudit(tx, { action, actor, organizationId: null, targetId: after.name, changes });
}
