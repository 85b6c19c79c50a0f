// Publishing: the event, one delivery per matching active endpoint, and their first jobs are
// written in ONE transaction — an acknowledged event is never lost and never half-scheduled.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/prisma.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { endpointReceives } from '../delivery/fan-out.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { compilePayloadSchema, type PayloadValidator } from '../event-types/payload-schema.ts';
import type { Delivery, Event } from '../generated/prisma/client.ts';
import type { AppServices } from '../graphql/context.ts';
import { publishIssues, requestHash, type PublishInput } from './publish-rules.ts';

export interface Published {
  event: Event;
  deliveries: Delivery[];
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

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
  const endpoints = await tx.endpoint.findMany({
    where: { organizationId, active: true },
    select: { id: true, eventTypes: true, projects: true },
  });
  const results: Published[] = [];
  const jobs: Parameters<AppServices['queue']['enqueue']>[1] = [];
  for (const { input, path } of inputs) {
    const hash = requestHash(input);
    if (input.idempotencyKey != null) {
      const existing = await tx.event.findUnique({
        where: { organizationId_idempotencyKey: { organizationId, idempotencyKey: input.idempotencyKey } },
        include: { deliveries: { orderBy: { id: 'asc' } } },
      });
      if (existing) {
        if (!existing.requestHash || !Buffer.from(existing.requestHash).equals(hash)) {
          throw ValidationError.of([...path, 'idempotencyKey'], 'was already used for a different event (type, payload or project differ)');
        }
        const { deliveries, ...event } = existing;
        results.push({ event, deliveries });
        continue;
      }
    }
    const event = await tx.event.create({
      data: {
        id: uuidv7(),
        organizationId,
        type: input.type,
        payload: input.payload as object,
        project: input.project ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        requestHash: Uint8Array.from(hash),
      },
    });
    const targets = endpoints.filter((endpoint) => endpointReceives(endpoint, event));
    const deliveries = targets.map((endpoint) => ({ id: uuidv7(), organizationId, eventId: event.id, endpointId: endpoint.id }));
    if (deliveries.length > 0) await tx.delivery.createMany({ data: deliveries });
    jobs.push(...deliveries.map((d) => ({ deliveryId: d.id, attempt: 1, endpointId: d.endpointId })));
    results.push({ event, deliveries: await tx.delivery.findMany({ where: { eventId: event.id }, orderBy: { id: 'asc' } }) });
  }
  await services.queue.enqueue(tx, jobs);
  return results;
}
