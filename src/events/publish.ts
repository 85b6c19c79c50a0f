// Publishing: the event, one delivery per matching active endpoint, and their first jobs are
// written in ONE transaction — an acknowledged event is never lost and never half-scheduled.
import { v7 as uuidv7 } from 'uuid';
import type { Db, Tx } from '../db/prisma.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { endpointReceives, withParsedFilter } from '../engine/fan-out.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { compilePayloadSchema, type PayloadValidator } from '../event-types/payload-schema.ts';
import type { Delivery, Event, Prisma } from '../generated/prisma/client.ts';
import type { AppServices } from '../services.ts';
import { createDeliveries } from '../delivery-state/scheduling.ts';
import { publishIssues, requestHash, type PublishInput } from './publish-rules.ts';

export interface Published {
  event: Event;
  deliveries: Delivery[];
}

/** `path` prefixes issue paths (['events', '3'] for the fourth event of publishEvents). */
export async function publishEvents(
  services: AppServices,
  organizationId: string,
  inputs: Array<{ input: PublishInput; path: string[] }>,
): Promise<Published[]> {
  await checkInputs(services, inputs);
  try {
    return await services.db.$transaction((tx) => writeAll(services, tx, organizationId, inputs), { timeout: 30_000 });
  } catch (error) {
    // Two requests with one new idempotency key raced; the loser now finds the winner's event.
    if (!isUniqueViolation(error)) throw error;
    return services.db.$transaction((tx) => writeAll(services, tx, organizationId, inputs), { timeout: 30_000 });
  }
}

async function checkInputs(services: AppServices, inputs: Array<{ input: PublishInput; path: string[] }>): Promise<void> {
  const types = [...new Set(inputs.map(({ input }) => input.type))];
  const rows = await services.db.eventType.findMany({ where: { name: { in: types } }, select: { name: true, schema: true } });
  const catalog = new Set(rows.map((row) => row.name));
  const validators = new Map<string, PayloadValidator | null>();
  for (const row of rows) {
    const compiled = row.schema == null ? null : compilePayloadSchema(row.schema);
    validators.set(row.name, compiled?.ok ? compiled.validate : null);
  }
  const context = { catalog, validatorFor: (type: string) => validators.get(type) ?? null, maxPayloadBytes: services.config.maxPayloadBytes };
  const issues: FieldIssue[] = inputs.flatMap(({ input, path }) => publishIssues(input, path, context));
  const keys = inputs.map(({ input }) => input.idempotencyKey).filter((key): key is string => key != null);
  if (new Set(keys).size !== keys.length) issues.push({ path: ['events'], message: 'two events share an idempotencyKey' });
  if (issues.length > 0) throw new ValidationError(issues);
}

async function writeAll(
  services: AppServices,
  tx: Tx,
  organizationId: string,
  inputs: Array<{ input: PublishInput; path: string[] }>,
): Promise<Published[]> {
  const keys = inputs.map(({ input }) => input.idempotencyKey).filter((key): key is string => key != null);
  const existing = keys.length === 0
    ? []
    : await tx.event.findMany({
        where: { organizationId, idempotencyKey: { in: keys } },
        include: { deliveries: { orderBy: { id: 'asc' } } },
      });
  const byKey = new Map(existing.map((event) => [event.idempotencyKey!, event]));

  // Set-based writes: one INSERT for the events, one for their deliveries, one for the jobs.
  const results: Array<Published | { pending: { id: string } }> = [];
  const newEvents: Prisma.EventCreateManyInput[] = [];
  for (const { input, path } of inputs) {
    const hash = requestHash(input);
    const previous = input.idempotencyKey != null ? byKey.get(input.idempotencyKey) : undefined;
    if (previous) {
      if (!previous.requestHash || !Buffer.from(previous.requestHash).equals(hash)) {
        throw ValidationError.of([...path, 'idempotencyKey'], 'was already used for a different event (type, payload or project differ)');
      }
      const { deliveries, ...event } = previous;
      results.push({ event, deliveries });
      continue;
    }
    const id = uuidv7();
    newEvents.push({
      id,
      organizationId,
      type: input.type,
      payload: input.payload as object,
      project: input.project ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      requestHash: Uint8Array.from(hash),
    });
    results.push({ pending: { id } });
  }
  const created = newEvents.length > 0 ? await tx.event.createManyAndReturn({ data: newEvents }) : [];
  const endpoints = created.length > 0
    ? (await tx.endpoint.findMany({ where: { organizationId, active: true }, select: { id: true, eventTypes: true, projects: true, filter: true } })).map(withParsedFilter)
    : [];
  const wanted = created.flatMap((event) =>
    endpoints.filter((endpoint) => endpointReceives(endpoint, event)).map((endpoint) => ({ organizationId, eventId: event.id, endpointId: endpoint.id })),
  );
  const deliveries = await createDeliveries(tx, services.queue, wanted);

  const eventsById = new Map(created.map((event) => [event.id, event]));
  const deliveriesByEvent = Map.groupBy(deliveries, (d) => d.eventId);
  return results.map((result) =>
    'pending' in result
      ? { event: eventsById.get(result.pending.id)!, deliveries: deliveriesByEvent.get(result.pending.id) ?? [] }
      : result,
  );
}
