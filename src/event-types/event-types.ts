import type { Db } from '../db/prisma.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import { isOperationalEventType } from '../engine/operational-events.ts';
import { Prisma, type EventType } from '../generated/prisma/client.ts';
import { compilePayloadSchema } from './payload-schema.ts';
import { featureFlagIssue, seesEventType, type CatalogView } from './catalog-view.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../audit/audit-log.ts';
import { auditEventType } from '../audit/event-type-audit.ts';

/** Dot-separated segments such as `conversation.created`; `*` is reserved for endpoint patterns. */
const EVENT_TYPE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export interface EventTypeInput {
  name: string;
  description?: string | null | undefined;
  schema?: unknown;
  deprecated?: boolean | null | undefined;
  /** Seen only by keys holding this flag; null (on update) removes it. */
  featureFlag?: string | null | undefined;
}

export async function createEventType(db: Db, input: EventTypeInput, actor: AuditActor = SYSTEM_ACTOR): Promise<EventType> {
  const issues = checkFields(input, true);
  if (issues.length > 0) throw new ValidationError(issues);
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.eventType.create({
        data: {
          name: input.name,
          description: input.description ?? '',
          schema: jsonOrNull(input.schema),
          deprecated: input.deprecated ?? false,
          featureFlag: input.featureFlag ?? null,
        },
      });
      await auditEventType(tx, actor, null, created);
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.of(['name'], `event type "${input.name}" exists`);
    throw error;
  }
}

/** Only the fields given change; `schema: null` removes the schema. */
export async function updateEventType(db: Db, input: EventTypeInput, actor: AuditActor = SYSTEM_ACTOR): Promise<EventType> {
  const issues = checkFields(input, false);
  if (issues.length > 0) throw new ValidationError(issues);
  const existing = await db.eventType.findUnique({ where: { name: input.name } });
  if (!existing) throw new NotFoundError('Event type');
  return db.$transaction(async (tx) => {
    const updated = await tx.eventType.update({
      where: { name: input.name },
      data: {
        ...(input.description != null ? { description: input.description } : {}),
        ...(input.schema !== undefined ? { schema: jsonOrNull(input.schema) } : {}),
        ...(input.deprecated != null ? { deprecated: input.deprecated } : {}),
        ...(input.featureFlag !== undefined ? { featureFlag: input.featureFlag } : {}),
      },
    });
    await auditEventType(tx, actor, existing, updated);
    return updated;
  });
}

/** The catalog as the key sees it, by name. */
export async function listEventTypes(db: Db, view: CatalogView, includeDeprecated: boolean): Promise<EventType[]> {
  const rows = await db.eventType.findMany({ where: includeDeprecated ? {} : { deprecated: false }, orderBy: { name: 'asc' } });
  return rows.filter((row) => seesEventType(view, row));
}

/** The names of the event types the key sees: what it may name in an endpoint or a test. */
export async function eventTypeNames(db: Db, view: CatalogView): Promise<Set<string>> {
  const rows = await db.eventType.findMany({ select: { name: true, featureFlag: true } });
  return new Set(rows.filter((row) => seesEventType(view, row)).map((row) => row.name));
}

function checkFields(input: EventTypeInput, creating: boolean): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (isOperationalEventType(input.name)) {
    // Their payloads are Herald's contract (docs/operational-events.md); the migration writes them.
    issues.push({ path: ['name'], message: '`herald.*` event types are Herald\'s own operational events and cannot be created or changed' });
  } else if (creating && (input.name.length > 255 || !EVENT_TYPE_NAME.test(input.name))) {
    issues.push({ path: ['name'], message: 'must be dot-separated segments of letters, digits, _ or - (at most 255 characters)' });
  }
  if (input.description != null && input.description.length > 1000) {
    issues.push({ path: ['description'], message: 'must be at most 1000 characters' });
  }
  if (input.schema != null) {
    const compiled = compilePayloadSchema(input.schema);
    if (!compiled.ok) issues.push({ path: ['schema'], message: compiled.message });
  }
  if (input.featureFlag != null) {
    const issue = featureFlagIssue([input.featureFlag]);
    if (issue) issues.push({ path: ['featureFlag'], message: issue });
  }
  return issues;
}

function jsonOrNull(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value == null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}
