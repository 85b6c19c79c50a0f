import { builder } from '../graphql/builder.ts';
import { assertStillAuthorized } from '../graphql/subscription-auth.ts';
import { organizationIdOf } from '../graphql/context.ts';
import { NotFoundError, ValidationError } from '../graphql/error-types.ts';
import { idOfType, requireIdOfType } from '../graphql/global-id.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import { assertPageSize } from '../graphql/pagination.ts';
import { readBatched, readOncePerNotice } from '../pubsub/shared-read.ts';
import type { Delivery } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import { replayDeliveries, retryDelivery, testEndpoint } from './operations.ts';

const DeliveryStatusEnum = builder.enumType('DeliveryStatus', {
  values: ['PENDING', 'SENDING', 'SUCCEEDED', 'RETRYING', 'FAILED', 'CANCELLED'] as const,
});

const AttemptErrorKindEnum = builder.enumType('AttemptErrorKind', {
  values: ['TIMEOUT', 'CONNECTION', 'DNS', 'TLS', 'BLOCKED_ADDRESS', 'RESPONSE_TOO_LARGE', 'HTTP_STATUS'] as const,
});

const AttemptErrorRef = builder
  .objectRef<{ kind: (typeof AttemptErrorKindEnum)['$inferType']; message: string }>('AttemptError')
  .implement({ fields: (t) => ({ kind: t.expose('kind', { type: AttemptErrorKindEnum }), message: t.exposeString('message') }) });

builder.prismaObject('Attempt', {
  description: 'One HTTP request of a delivery.',
  fields: (t) => ({
    number: t.exposeInt('number'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    responseStatus: t.exposeInt('responseStatus', { nullable: true }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'The first 4 KiB of the response.' }),
    error: t.field({
      type: AttemptErrorRef,
      nullable: true,
      resolve: (attempt) => (attempt.errorKind ? { kind: attempt.errorKind, message: attempt.errorMessage ?? '' } : null),
    }),
  }),
});

export const DeliveryRef = builder.prismaNode('Delivery', {
  id: { field: 'id' },
  description: 'One event on its way to one endpoint, with every attempt.',
  fields: (t) => ({
    event: t.relation('event'),
    endpoint: t.relation('endpoint'),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attemptCount: t.exposeInt('attemptCount'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    isTest: t.exposeBoolean('isTest'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    attempts: t.relation('attempts', { query: { orderBy: { number: 'asc' } } }),
  }),
});

registerNodeLoader('Delivery', { scope: 'deliveries:read' }, (ctx, id) =>
  ctx.db.delivery.findFirst({ where: { id, organizationId: organizationIdOf(ctx) } }),
);

const DeliveryFilter = builder.inputType('DeliveryFilter', {
  fields: (t) => ({
    endpointId: t.id(),
    eventId: t.id(),
    status: t.field({ type: DeliveryStatusEnum }),
    since: t.field({ type: 'DateTime', description: 'Deliveries created at or after this instant.' }),
  }),
});

/** A filter id of the wrong type or another organization simply matches nothing. */
const NOTHING = '00000000-0000-0000-0000-000000000000';

builder.queryField('deliveries', (t) =>
  t.prismaConnection(
    {
      type: 'Delivery',
      cursor: 'id',
      description: "The organization's deliveries, newest first.",
      authScopes: { scope: 'deliveries:read' },
      args: { filter: t.arg({ type: DeliveryFilter }) },
      resolve: (query, _root, args, ctx) => {
        assertPageSize(args);
        const filter = args.filter;
        return ctx.db.delivery.findMany({
          ...query,
          where: {
            organizationId: organizationIdOf(ctx),
            ...(filter?.endpointId != null ? { endpointId: idOfType(String(filter.endpointId), 'Endpoint') ?? NOTHING } : {}),
            ...(filter?.eventId != null ? { eventId: idOfType(String(filter.eventId), 'Event') ?? NOTHING } : {}),
            ...(filter?.status != null ? { status: filter.status } : {}),
            ...(filter?.since != null ? { createdAt: { gte: filter.since } } : {}),
          },
          orderBy: { id: 'desc' },
        });
      },
    },
    { name: 'DeliveryConnection' },
    { name: 'DeliveryEdge' },
  ),
);

const deliveryPayload = (name: string) =>
  builder.objectRef<{ delivery: Delivery }>(name).implement({
    fields: (t) => ({ delivery: t.field({ type: DeliveryRef, resolve: (p) => p.delivery }) }),
  });

const TestEndpointInput = builder.inputType('TestEndpointInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    eventType: t.string({ description: 'Default webhook.test; another catalog type sends an empty sample.' }),
  }),
});

builder.mutationField('testEndpoint', (t) =>
  t.field({
    type: deliveryPayload('TestEndpointPayload'),
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: TestEndpointInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      delivery: await testEndpoint(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Endpoint'), input.eventType),
    }),
  }),
);

const RetryDeliveryInput = builder.inputType('RetryDeliveryInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

builder.mutationField('retryDelivery', (t) =>
  t.field({
    type: deliveryPayload('RetryDeliveryPayload'),
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: RetryDeliveryInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      delivery: await retryDelivery(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Delivery')),
    }),
  }),
);

const ReplayDeliveriesInput = builder.inputType('ReplayDeliveriesInput', {
  fields: (t) => ({
    endpointId: t.id({ required: true }),
    since: t.field({ type: 'DateTime', required: true }),
    statuses: t.field({ type: [DeliveryStatusEnum], description: 'Finished statuses to replay; default [FAILED].' }),
  }),
});

const ReplayDeliveriesPayload = builder.objectRef<{ count: number }>('ReplayDeliveriesPayload').implement({
  fields: (t) => ({ count: t.exposeInt('count') }),
});

builder.mutationField('replayDeliveries', (t) =>
  t.field({
    type: ReplayDeliveriesPayload,
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: ReplayDeliveriesInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      count: await replayDeliveries(ctx, organizationIdOf(ctx), requireIdOfType(input.endpointId, 'Endpoint'), input.since, input.statuses),
    }),
  }),
);

const DeliveryUpdatedFilter = builder.inputType('DeliveryUpdatedFilter', {
  fields: (t) => ({ endpointId: t.id(), eventId: t.id(), deliveryId: t.id() }),
});

builder.subscriptionField('deliveryUpdated', (t) =>
  t.prismaField({
    type: 'Delivery',
    nullable: true,
    description:
      "Each time one of the organization's deliveries changes status or gains an attempt. Null when the delivery was deleted (with its endpoint) before it could be read.",
    authScopes: { scope: 'deliveries:read' },
    args: { filter: t.arg({ type: DeliveryUpdatedFilter }) },
    subscribe: (_root, { filter: wanted }, ctx) => {
      const organizationId = organizationIdOf(ctx);
      // Filter ids of another type or organization simply match nothing.
      const only = {
        id: wanted?.deliveryId != null ? (idOfType(String(wanted.deliveryId), 'Delivery') ?? NOTHING) : null,
        endpointId: wanted?.endpointId != null ? (idOfType(String(wanted.endpointId), 'Endpoint') ?? NOTHING) : null,
        eventId: wanted?.eventId != null ? (idOfType(String(wanted.eventId), 'Event') ?? NOTHING) : null,
      };
      return ctx.changes.subscribe(
        'delivery',
        (notice) =>
          notice.organizationId === organizationId &&
          (only.id === null || notice.id === only.id) &&
          (only.endpointId === null || notice.endpointId === only.endpointId) &&
          (only.eventId === null || notice.eventId === only.eventId),
      );
    },
    // Notices carry ids: the row is read again, scoped to the subscriber's organization, and shown
    // with the status and attempt count the notice announced (the row may have moved on since).
    resolve: async (query, notice, _args, ctx) => {
      await assertStillAuthorized(ctx);
      const organizationId = organizationIdOf(ctx);
      const key = JSON.stringify(['delivery', organizationId, query]);
      const row = await readOncePerNotice(notice, key, () =>
        readBatched(key, notice.id, (ids) => ctx.db.delivery.findMany({ ...query, where: { id: { in: ids }, organizationId } })),
      );
      if (!row) return null;
      return {
        ...row,
        status: (notice.status as DeliveryStatus | undefined) ?? row.status,
        attemptCount: notice.attemptCount ?? row.attemptCount,
      };
    },
  }),
);
