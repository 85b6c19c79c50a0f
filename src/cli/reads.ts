// What the CLI's list and show commands read: rows of the domain's tables as plain records with
// global ids (the ids the API takes), the same for `--json` and for the human tables.
import { keyStanding } from '../api-keys/api-keys.ts';
import type { Db } from '../db/prisma.ts';
import type { DeliveryStatusName } from '../engine/delivery-status.ts';
import { encodeGlobalId, idOfType, type NodeTypeName } from '../global-id.ts';
import { findOrganizationBySlug } from '../organizations/organizations.ts';
import { UsageError } from './args.ts';
import { rowId } from './values.ts';

type JsonRecord = Record<string, unknown>;

const gid = (typename: NodeTypeName, id: string | null) => (id === null ? null : encodeGlobalId(typename, id));

/** The organization named by `--org` (its slug), or a usage error. */
export async function organizationIdForFlag(db: Db, slug: string | undefined): Promise<string | undefined> {
  if (slug === undefined) return undefined;
  const organization = await findOrganizationBySlug(db, slug);
  if (!organization) throw new UsageError(`--org: no organization with slug "${slug}" (herald org list shows them)`);
  return organization.id;
}

const SLUG = { select: { slug: true } } as const;

export async function listOrganizations(db: Db, limit: number): Promise<JsonRecord[]> {
  const rows = await db.organization.findMany({ orderBy: { slug: 'asc' }, take: limit });
  return rows.map((row) => ({ id: gid('Organization', row.id), slug: row.slug, name: row.name, createdAt: row.createdAt }));
}

/** By slug or by `org_…` id. */
export async function showOrganization(db: Db, typed: string): Promise<JsonRecord> {
  const id = idOfType(typed, 'Organization');
  const row = id ? await db.organization.findUnique({ where: { id } }) : await findOrganizationBySlug(db, typed);
  if (!row) throw new UsageError(`no organization "${typed}" (herald org list shows them)`);
  const [endpoints, keys] = await Promise.all([
    db.endpoint.count({ where: { organizationId: row.id } }),
    db.apiKey.count({ where: { organizationId: row.id, kind: 'ORGANIZATION', revokedAt: null } }),
  ]);
  return { id: gid('Organization', row.id), slug: row.slug, name: row.name, createdAt: row.createdAt, endpoints, unrevokedKeys: keys };
}

function keyRecord(row: { id: string; kind: string; organization: { slug: string } | null; name: string; prefix: string; scopes: string[]; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null }, now: Date): JsonRecord {
  return {
    id: gid('ApiKey', row.id),
    kind: row.kind,
    organization: row.organization?.slug ?? null,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    standing: keyStanding(row, now),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

/** Admin and organization keys, newest first; portal sessions (short-lived, one per link) only with `sessions`. */
export async function listKeys(db: Db, options: { organizationId: string | undefined; sessions: boolean; limit: number }): Promise<JsonRecord[]> {
  const rows = await db.apiKey.findMany({
    where: { ...(options.organizationId ? { organizationId: options.organizationId } : {}), ...(options.sessions ? {} : { kind: { not: 'PORTAL' } }) },
    include: { organization: SLUG },
    orderBy: { id: 'desc' },
    take: options.limit,
  });
  const now = new Date();
  return rows.map((row) => keyRecord(row, now));
}

export async function showKey(db: Db, typed: string): Promise<JsonRecord> {
  const row = await db.apiKey.findUnique({ where: { id: rowId(typed, 'ApiKey', '<id>') }, include: { organization: SLUG } });
  if (!row) throw new UsageError(`no API key ${typed} (herald key list shows them)`);
  return { ...keyRecord(row, new Date()), mintedBy: gid('ApiKey', row.mintedByKeyId) };
}

function endpointRecord(row: { id: string; organization: { slug: string }; name: string; url: string; active: boolean; disabledReason: string | null; eventTypes: string[]; consecutiveFailures: number; createdAt: Date }): JsonRecord {
  return {
    id: gid('Endpoint', row.id),
    organization: row.organization.slug,
    name: row.name,
    url: row.url,
    active: row.active,
    disabledReason: row.disabledReason,
    eventTypes: row.eventTypes,
    consecutiveFailures: row.consecutiveFailures,
    createdAt: row.createdAt,
  };
}

export async function listEndpoints(db: Db, options: { organizationId: string | undefined; limit: number }): Promise<JsonRecord[]> {
  const rows = await db.endpoint.findMany({
    where: options.organizationId ? { organizationId: options.organizationId } : {},
    include: { organization: SLUG },
    orderBy: { id: 'desc' },
    take: options.limit,
  });
  return rows.map(endpointRecord);
}

export async function showEndpoint(db: Db, typed: string): Promise<JsonRecord> {
  const row = await db.endpoint.findUnique({ where: { id: rowId(typed, 'Endpoint', '<id>') }, include: { organization: SLUG } });
  if (!row) throw new UsageError(`no endpoint ${typed} (herald endpoint list shows them)`);
  return {
    ...endpointRecord(row),
    description: row.description,
    projects: row.projects,
    signatureScheme: row.signatureScheme,
    failingSince: row.failingSince,
    verifiedAt: row.verifiedAt,
    rateLimitPerSecond: row.rateLimitPerSecond,
    updatedAt: row.updatedAt,
  };
}

function eventRecord(row: { id: string; organization: { slug: string }; type: string; project: string | null; idempotencyKey: string | null; deliverAt: Date | null; createdAt: Date }): JsonRecord {
  return {
    id: gid('Event', row.id),
    organization: row.organization.slug,
    type: row.type,
    project: row.project,
    idempotencyKey: row.idempotencyKey,
    deliverAt: row.deliverAt,
    createdAt: row.createdAt,
  };
}

export async function listEvents(db: Db, options: { organizationId: string | undefined; type: string | undefined; limit: number }): Promise<JsonRecord[]> {
  const rows = await db.event.findMany({
    where: { ...(options.organizationId ? { organizationId: options.organizationId } : {}), ...(options.type ? { type: options.type } : {}) },
    include: { organization: SLUG },
    orderBy: { id: 'desc' },
    take: options.limit,
  });
  return rows.map(eventRecord);
}

/** The event with its payload and its deliveries (one per endpoint it fanned out to). */
export async function showEvent(db: Db, typed: string): Promise<JsonRecord> {
  const row = await db.event.findUnique({
    where: { id: rowId(typed, 'Event', '<id>') },
    include: { organization: SLUG, deliveries: { orderBy: { id: 'asc' }, include: { endpoint: { select: { url: true } } } } },
  });
  if (!row) throw new UsageError(`no event ${typed} (herald event list shows them)`);
  return {
    ...eventRecord(row),
    payload: row.payload,
    deliveries: row.deliveries.map((delivery) => ({
      id: gid('Delivery', delivery.id),
      endpoint: gid('Endpoint', delivery.endpointId),
      endpointUrl: delivery.endpoint.url,
      status: delivery.status,
      attemptCount: delivery.attemptCount,
    })),
  };
}

function deliveryRecord(row: {
  id: string;
  organization: { slug: string };
  eventId: string;
  event: { type: string };
  endpointId: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  isTest: boolean;
  createdAt: Date;
  completedAt: Date | null;
}): JsonRecord {
  return {
    id: gid('Delivery', row.id),
    organization: row.organization.slug,
    event: gid('Event', row.eventId),
    eventType: row.event.type,
    endpoint: gid('Endpoint', row.endpointId),
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    isTest: row.isTest,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

const DELIVERY_INCLUDE = { organization: SLUG, event: { select: { type: true } } } as const;

export async function listDeliveries(
  db: Db,
  options: { organizationId: string | undefined; status: DeliveryStatusName | undefined; endpointId: string | undefined; eventId: string | undefined; limit: number },
): Promise<JsonRecord[]> {
  const rows = await db.delivery.findMany({
    where: {
      ...(options.organizationId ? { organizationId: options.organizationId } : {}),
      ...(options.status ? { status: options.status } : {}),
      ...(options.endpointId ? { endpointId: options.endpointId } : {}),
      ...(options.eventId ? { eventId: options.eventId } : {}),
    },
    include: DELIVERY_INCLUDE,
    orderBy: { id: 'desc' },
    take: options.limit,
  });
  return rows.map(deliveryRecord);
}

/** The delivery with every attempt, oldest first. */
export async function showDelivery(db: Db, typed: string): Promise<JsonRecord> {
  const row = await db.delivery.findUnique({
    where: { id: rowId(typed, 'Delivery', '<id>') },
    include: { ...DELIVERY_INCLUDE, endpoint: { select: { url: true } }, attempts: { orderBy: { number: 'asc' } } },
  });
  if (!row) throw new UsageError(`no delivery ${typed} (herald delivery list shows them)`);
  return {
    ...deliveryRecord(row),
    endpointUrl: row.endpoint.url,
    attempts: row.attempts.map((attempt) => ({
      number: attempt.number,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      responseStatus: attempt.responseStatus,
      error: attempt.errorKind ? { kind: attempt.errorKind, message: attempt.errorMessage ?? '' } : null,
      responseBody: attempt.responseBody,
    })),
  };
}
