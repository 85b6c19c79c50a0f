import { MUTATION_RESULT } from '../auth/scopes.ts';
import { HEADER_VALUE_KEPT, REDACTED, RESPONSE_HEADERS_KEPT, type AttemptTimings, type HeaderPair } from '../engine/attempt-forensics.ts';
import { ATTEMPT_ERROR_KINDS } from '../engine/attempt-outcome.ts';
import { builder } from '../graphql/builder.ts';
import { assertStillAuthorized } from '../graphql/subscription-auth.ts';
import { inActingOrganization, organizationIdOf, type Context } from '../graphql/context.ts';
import { ErrorInterface, InvalidStateError, NotFoundError, ValidationError } from '../graphql/error-types.ts';
import { idOfType, requireIdOfType } from '../global-id.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import { checkPage } from '../graphql/pagination.ts';
import { currentFirst } from '../pubsub/current-first.ts';
import { currentDeliveryNotices, deliveryAsNoticed, type DeliveryNotice } from '../pubsub/notices.ts';
import { organizationLog, resumedAfter } from '../pubsub/resume.ts';
import { resumePlace, withItemCursors } from '../graphql/subscription-cursor.ts';
import { tooSlowHandlerOf } from '../graphql/subscription-lag.ts';
import type { Delivery, Event } from '../generated/prisma/client.ts';
import { DeliveryStatus } from '../generated/prisma/enums.ts';
import { cancelDelivery, cancelScheduledEvent, replayDeliveries, retryDelivery, testEndpoint } from './operations.ts';
import { EventRef } from '../events/schema.ts';
import { MAX_REPLAY_MISSING, replayMissing, type ReplayedMissing } from './replay-missing.ts';
import { catalogViewOf } from '../event-types/catalog-view.ts';
import { brandNameOf } from '../auth/principal.ts';
import { chargeResponseBytes } from '../graphql/response-budget.ts';
import { EndpointRef } from '../endpoints/schema.ts';
import { GraphQLError } from 'graphql';
import { createContextCache } from '@pothos/core';
import { loadEndpointStats, MAX_STATS_HOURS, MIN_STATS_HOURS, newStatsBatches, type EndpointStats } from './endpoint-stats.ts';

/** Per request: the endpoints of a page are counted in one grouped query. */
const statsBatchesOf = createContextCache(newStatsBatches);

// The statuses are the database's (schema.prisma), in its order.
const DeliveryStatusEnum = builder.enumType('DeliveryStatus', {
  description: 'Where a delivery is in its life: SCHEDULED or PENDING, then SENDING, then SUCCEEDED, RETRYING (and SENDING again) or FAILED; CANCELLED from SCHEDULED; PAUSED while its endpoint is paused.',
  values: {
    PENDING: { description: 'Queued: a worker sends it as soon as one is free (and its endpoint is enabled and within its rate limit).' },
    SENDING: { description: 'An attempt is in flight now.' },
    SUCCEEDED: { description: 'The endpoint answered 2xx. Final.' },
    RETRYING: { description: 'The last attempt failed; the next one is due at nextAttemptAt.' },
    FAILED: { description: 'Failed for good: the retry schedule is exhausted, or the endpoint answered 410 Gone. Final, until retried or replayed.' },
    SCHEDULED: { description: "Published with deliverAt: waits until then (nextAttemptAt); cancelDelivery or cancelScheduledEvent may still stop it." },
    CANCELLED: { description: 'Cancelled while SCHEDULED; never sent. Final.' },
    PAUSED: { description: 'Its endpoint is paused (pauseEndpoint): it waits, not attempted and not counted, and resumeEndpoint sends it in publish order. Retention still deletes it with its event.' },
  } as const satisfies Record<DeliveryStatus, { description: string }>,
});

const AttemptErrorKindEnum = builder.enumType('AttemptErrorKind', {
  description: 'Why an attempt did not get a 2xx answer.',
  values: {
    TIMEOUT: { description: 'No complete answer within the delivery timeout (HERALD_DELIVERY_TIMEOUT).' },
    CONNECTION: { description: 'The connection was refused, reset or closed before an answer.' },
    DNS: { description: "The endpoint's host name did not resolve." },
    TLS: { description: 'The TLS handshake failed (certificate not trusted, expired, or for another name).' },
    BLOCKED_ADDRESS: { description: 'The host resolved to an address Herald never connects to (private, loopback, link-local or cloud metadata): docs/security.md.' },
    RESPONSE_TOO_LARGE: { description: 'The answer was larger than Herald reads; it was cut off and the attempt counted as failed.' },
    HTTP_STATUS: { description: 'The endpoint answered with a status outside 2xx (see responseStatus).' },
    PROXY: {
      description: "The egress proxy (HERALD_EGRESS_PROXY) failed: unreachable, refused (407) or its own 5xx. Retried as usual, but not counted against the endpoint's health.",
    },
    AUTHENTICATION: {
      description: "Herald could not get an access token for the endpoint (OAuth2 client credentials): the token endpoint failed, refused the client or answered no Bearer token; the message names its status. Nothing was sent to the endpoint.",
    },
  } as const satisfies Record<(typeof ATTEMPT_ERROR_KINDS)[number], { description: string }>,
});

const AttemptErrorRef = builder
  .objectRef<{ kind: (typeof AttemptErrorKindEnum)['$inferType']; message: string }>('AttemptError')
  .implement({
    description: 'Why an attempt failed.',
    fields: (t) => ({
      kind: t.expose('kind', { type: AttemptErrorKindEnum, description: 'The kind of failure, to branch on.' }),
      message: t.exposeString('message', { description: 'What happened, as the HTTP client reported it (for a person).' }),
    }),
  });

const HttpHeaderRef = builder.objectRef<HeaderPair>('HttpHeader').implement({
  description: 'One HTTP header of an attempt, as sent or received.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The header name, in lower case.' }),
    value: t.exposeString('value', { description: `Its value; "${REDACTED}" for a signature, credential or custom header, whose values are never kept.` }),
  }),
});

const AttemptTimingsRef = builder.objectRef<AttemptTimings>('AttemptTimings').implement({
  description: 'Where the time of an attempt went, in milliseconds. A phase that did not happen is null: a kept-alive socket has no DNS, connect or TLS, and neither does a tunnel through the egress proxy as measured here.',
  fields: (t) => ({
    dnsMs: t.exposeInt('dnsMs', { nullable: true, description: 'Resolving the host name.' }),
    connectMs: t.exposeInt('connectMs', { nullable: true, description: 'Opening the TCP connection.' }),
    tlsMs: t.exposeInt('tlsMs', { nullable: true, description: 'The TLS handshake (https:// only).' }),
    firstByteMs: t.exposeInt('firstByteMs', { nullable: true, description: "From the request sent to the answer's first byte: the receiver's own time." }),
    totalMs: t.exposeInt('totalMs', { description: 'The whole attempt, from start to the end of the answer or the failure.' }),
  }),
});

/** A JSON column written only by the record path (src/delivery-state/transitions.ts), as the type it was written with. */
function stored<T>(value: unknown): T | null {
  return value === null || value === undefined ? null : (value as T);
}

builder.prismaObject('Attempt', {
  description: 'One HTTP request of a delivery.',
  // Receivers' answers: never readable without deliveries:read, whatever led to them.
  authScopes: { scope: 'deliveries:read' },
  fields: (t) => ({
    number: t.exposeInt('number', { description: "The attempt's place in its delivery, from 1." }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the request was sent.' }),
    durationMs: t.exposeInt('durationMs', { description: 'From sending the request to the end of the answer (or the failure), in milliseconds.' }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: "The endpoint's HTTP status; null when there was no answer." }),
    responseBody: t.string({ nullable: true, description: 'The first 4 KiB of the response.', resolve: (attempt, _args, ctx) => chargeResponseBytes(ctx, attempt.responseBody) }),
    error: t.field({
      type: AttemptErrorRef,
      nullable: true,
      description: 'Why the attempt failed; null when it succeeded.',
      resolve: (attempt) => (attempt.errorKind ? { kind: attempt.errorKind, message: attempt.errorMessage ?? '' } : null),
    }),
    requestHeaders: t.field({
      type: [HttpHeaderRef],
      nullable: true,
      description: 'The headers sent, in order, with signature, credential and custom header values redacted; null when no request was made (or the attempt predates forensics).',
      // Stored with the attempt (no read of its own) and a few dozen at most: the list multiplies little.
      complexity: { field: 1, multiplier: 1 },
      resolve: (attempt) => stored<HeaderPair[]>(attempt.requestHeaders),
    }),
    responseHeaders: t.field({
      type: [HttpHeaderRef],
      nullable: true,
      description: `The answer's headers, in order: at most ${RESPONSE_HEADERS_KEPT}, each value cut to ${HEADER_VALUE_KEPT} characters; null without an answer.`,
      complexity: { field: 1, multiplier: 1 },
      // Receivers choose these, as they choose bodies: charged to the same response budget.
      resolve: (attempt, _args, ctx) => chargeResponseBytes(ctx, stored<HeaderPair[]>(attempt.responseHeaders)),
    }),
    remoteAddress: t.exposeString('remoteAddress', { nullable: true, description: "The IP address the request's socket was connected to (the egress proxy's behind HERALD_EGRESS_PROXY); null when none was." }),
    timings: t.field({
      type: AttemptTimingsRef,
      nullable: true,
      description: 'Where the time went: DNS, connect, TLS, first byte, total.',
      resolve: (attempt) => stored<AttemptTimings>(attempt.timings),
    }),
  }),
});

/**
 * The receiver's last answer (its status, or an error that may quote it, such as a redirect's
 * Location) is attempt data: deliveries:read however the delivery was reached, never granted by a
 * mutation. Without it the fields answer null rather than an error, so a publish-only key's
 * `publishEvent { deliveries { ...DeliveryFields } }` still succeeds.
 */
const RECEIVERS_ANSWER = {
  authScopes: (delivery: { organizationId: string }, _args: object, ctx: Context) => inActingOrganization(ctx, delivery) && { scope: 'deliveries:read' as const },
  unauthorizedResolver: () => null,
};

export const DeliveryRef = builder.prismaNode('Delivery', {
  id: { field: 'id', skipTypeScopes: true },
  description: 'One event on its way to one endpoint, with every attempt.',
  // deliveries:read, or a delivery that the caller's own mutation created (publishing, testing, retrying).
  authScopes: (delivery, ctx) => (inActingOrganization(ctx, delivery) ? { $any: { scope: 'deliveries:read', $granted: MUTATION_RESULT } } : { $granted: MUTATION_RESULT }),
  fields: (t) => ({
    event: t.relation('event', { description: 'The event being delivered.' }),
    endpoint: t.relation('endpoint', { description: 'Where it goes.' }),
    status: t.expose('status', { type: DeliveryStatusEnum, description: 'Where the delivery is now.' }),
    attemptCount: t.exposeInt('attemptCount', { description: 'Attempts made so far.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When the next attempt is due (RETRYING, SCHEDULED, or held by a rate limit); null when none is planned.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: "The HTTP status of the last attempt's answer; null without one, or without deliveries:read.", ...RECEIVERS_ANSWER }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed; null when it did not, or without deliveries:read.', ...RECEIVERS_ANSWER }),
    isTest: t.exposeBoolean('isTest', { description: 'Sent by testEndpoint, not by a published event.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the delivery was created (its event published).' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it reached SUCCEEDED, FAILED or CANCELLED; null before.' }),
    attempts: t.relation('attempts', {
      description: 'Every attempt, first to last.', query: { orderBy: { number: 'asc' } }, authScopes: (delivery, _args, ctx) => inActingOrganization(ctx, delivery) && { scope: 'deliveries:read' } }),
  }),
});

registerNodeLoader('Delivery', { scope: 'deliveries:read' }, (ctx, id) =>
  ctx.db.delivery.findFirst({ where: { id, organizationId: organizationIdOf(ctx) } }),
);

const DeliveryFilter = builder.inputType('DeliveryFilter', {
  description: 'Which deliveries to list; every field given must match.',
  fields: (t) => ({
    endpointId: t.id({ description: 'Deliveries to this endpoint.' }),
    eventId: t.id({ description: 'Deliveries of this event.' }),
    status: t.field({ type: DeliveryStatusEnum, description: 'Deliveries in this status now.' }),
    since: t.field({ type: 'DateTime', description: 'Deliveries created at or after this instant.' }),
    eventType: t.string({ description: 'Deliveries of events of this type (an exact catalog name, no wildcard).' }),
  }),
});

/** A filter id of the wrong type or another organization simply matches nothing. */
const NOTHING = '00000000-0000-0000-0000-000000000000';

// A malformed id, an id of another type and another organization's id all answer null, as `node` does.
builder.queryField('delivery', (t) =>
  t.prismaField({
    type: 'Delivery',
    nullable: true,
    description: "One of the organization's deliveries, by its global id (`dlv_…`); null when there is none.",
    authScopes: { scope: 'deliveries:read' },
    args: { id: t.arg.id({ required: true, description: "The delivery's global id." }) },
    resolve: (query, _root, args, ctx) => {
      const id = idOfType(String(args.id), 'Delivery');
      return id ? ctx.db.delivery.findFirst({ ...query, where: { id, organizationId: organizationIdOf(ctx) } }) : null;
    },
  }),
);

builder.queryField('deliveries', (t) =>
  t.prismaConnection(
    {
      type: 'Delivery',
      cursor: 'id',
      description: "The organization's deliveries, newest first.",
      authScopes: { scope: 'deliveries:read' },
      args: { filter: t.arg({ type: DeliveryFilter, description: 'Only deliveries matching every field given.' }) },
      resolve: async (query, _root, args, ctx) => {
        const organizationId = organizationIdOf(ctx);
      await checkPage(args, async (id) => (await ctx.db.delivery.count({ where: { id, organizationId } })) > 0);
        const filter = args.filter;
        return ctx.db.delivery.findMany({
          ...query,
          where: {
            organizationId,
            ...(filter?.endpointId != null ? { endpointId: idOfType(String(filter.endpointId), 'Endpoint') ?? NOTHING } : {}),
            ...(filter?.eventId != null ? { eventId: idOfType(String(filter.eventId), 'Event') ?? NOTHING } : {}),
            ...(filter?.status != null ? { status: filter.status } : {}),
            ...(filter?.since != null ? { createdAt: { gte: filter.since } } : {}),
            // A semi-join on the organization's events of the type (events_organization_id_type_id_idx).
            ...(filter?.eventType != null ? { event: { organizationId, type: filter.eventType } } : {}),
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
    description: 'The delivery the mutation created or changed.',
    fields: (t) => ({ delivery: t.field({ type: DeliveryRef, grantScopes: [MUTATION_RESULT], description: 'The delivery, as the mutation left it.', resolve: (p) => p.delivery }) }),
  });

const TestEndpointInput = builder.inputType('TestEndpointInput', {
  description: 'Which endpoint to send a test delivery to.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The endpoint.' }),
    eventType: t.string({ description: 'Default webhook.test; another catalog type sends an empty sample.' }),
  }),
});

builder.mutationField('testEndpoint', (t) =>
  t.field({
    type: deliveryPayload('TestEndpointPayload'),
    description: 'Sends a signed test event to an endpoint now, as a delivery with isTest true (it counts toward nothing).',
    authScopes: { scope: 'endpoints:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: TestEndpointInput, required: true, description: 'The endpoint and event type.' }) },
    resolve: async (_root, { input }, ctx) => ({
      delivery: await testEndpoint(ctx, catalogViewOf(ctx.principal), organizationIdOf(ctx), requireIdOfType(input.id, 'Endpoint'), input.eventType, brandNameOf(ctx.principal)),
    }),
  }),
);

const RetryDeliveryInput = builder.inputType('RetryDeliveryInput', {
  description: 'Which delivery to attempt again.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The delivery.' }) }),
});

builder.objectType(InvalidStateError, {
  name: 'InvalidStateError',
  description: 'The delivery is in a state that does not allow this (retrying one that is queued or in flight, cancelling one no longer SCHEDULED, for instance); nothing was changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: DeliveryStatusEnum, description: 'Its status now.', resolve: (error) => error.state as DeliveryStatus }),
  }),
});

builder.mutationField('retryDelivery', (t) =>
  t.field({
    type: deliveryPayload('RetryDeliveryPayload'),
    description: 'Attempts a finished or RETRYING delivery now; a RETRYING one continues its schedule from this attempt.',
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [ValidationError, NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: RetryDeliveryInput, required: true, description: 'The delivery.' }) },
    resolve: async (_root, { input }, ctx) => ({
      delivery: await retryDelivery(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Delivery')),
    }),
  }),
);

const CancelDeliveryInput = builder.inputType('CancelDeliveryInput', {
  description: 'Which scheduled delivery to cancel.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The delivery.' }) }),
});

builder.mutationField('cancelDelivery', (t) =>
  t.field({
    type: deliveryPayload('CancelDeliveryPayload'),
    description: 'Cancels a SCHEDULED delivery before its deliverAt (it becomes CANCELLED and is never sent); InvalidStateError once it was claimed or sent.',
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: CancelDeliveryInput, required: true, description: 'The delivery.' }) },
    resolve: async (_root, { input }, ctx) => ({
      delivery: await cancelDelivery(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Delivery')),
    }),
  }),
);

const CancelScheduledEventInput = builder.inputType('CancelScheduledEventInput', {
  description: 'Which scheduled event to cancel.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The event (published with deliverAt).' }) }),
});

const CancelScheduledEventPayload = builder.objectRef<{ event: Event; cancelled: Delivery[] }>('CancelScheduledEventPayload').implement({
  description: "The event and the deliveries cancelled. The event's payload is not readable here without events:read.",
  fields: (t) => ({
    event: t.field({ type: EventRef, grantScopes: [MUTATION_RESULT], description: 'The event whose deliveries were cancelled.', resolve: (p) => p.event }),
    count: t.int({ description: 'How many deliveries were cancelled.', resolve: (p) => p.cancelled.length }),
    deliveries: t.field({ type: [DeliveryRef], grantScopes: [MUTATION_RESULT], description: 'The deliveries cancelled, oldest first.', resolve: (p) => p.cancelled }),
  }),
});

builder.mutationField('cancelScheduledEvent', (t) =>
  t.field({
    type: CancelScheduledEventPayload,
    description: "Cancels every delivery of an event that is still SCHEDULED (one per endpoint); InvalidStateError when none is SCHEDULED anymore.",
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: CancelScheduledEventInput, required: true, description: 'The event.' }) },
    resolve: async (_root, { input }, ctx) => cancelScheduledEvent(ctx, organizationIdOf(ctx), requireIdOfType(input.id, 'Event')),
  }),
);

const ReplayDeliveriesInput = builder.inputType('ReplayDeliveriesInput', {
  description: "Which of an endpoint's finished deliveries to queue again.",
  fields: (t) => ({
    endpointId: t.id({ required: true, description: 'The endpoint whose deliveries are replayed.' }),
    since: t.field({ type: 'DateTime', required: true, description: 'Deliveries created at or after this instant.' }),
    until: t.field({ type: 'DateTime', description: 'And before this instant (default: now).' }),
    statuses: t.field({ type: [DeliveryStatusEnum], description: 'Finished statuses to replay; default [FAILED].' }),
  }),
});

/** How many of the queued deliveries a replay answers with; all of them show on `deliveryUpdated`. */
const REPLAY_SHOWN = 100;

const ReplayDeliveriesPayload = builder.objectRef<{ queued: Delivery[] }>('ReplayDeliveriesPayload').implement({
  description: 'What a replay queued.',
  fields: (t) => ({
    count: t.int({ description: 'How many deliveries were queued again; 0 when nothing matched.', resolve: (p) => p.queued.length }),
    deliveries: t.field({
      type: [DeliveryRef],
      grantScopes: [MUTATION_RESULT],
      description: `The first ${REPLAY_SHOWN} deliveries queued, oldest first. Follow them all with deliveryUpdated(filter: { endpointId }).`,
      resolve: (p) => p.queued.slice(0, REPLAY_SHOWN),
    }),
  }),
});

builder.mutationField('replayDeliveries', (t) =>
  t.field({
    type: ReplayDeliveriesPayload,
    description: "Queues again an endpoint's finished deliveries of a period (at most 10,000).",
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: ReplayDeliveriesInput, required: true, description: 'The endpoint, period and statuses.' }) },
    resolve: async (_root, { input }, ctx) => ({
      queued: await replayDeliveries(ctx, organizationIdOf(ctx), { ...input, endpointId: requireIdOfType(input.endpointId, 'Endpoint') }),
    }),
  }),
);

const ReplayMissingInput = builder.inputType('ReplayMissingInput', {
  description: 'Which endpoint, and the window of publish times whose missed events it should receive.',
  fields: (t) => ({
    endpointId: t.id({ required: true, description: 'The endpoint (enabled; a paused one gets PAUSED deliveries).' }),
    since: t.field({ type: 'DateTime', required: true, description: 'Events published at or after this instant; not before the retention period (HERALD_RETENTION_DAYS).' }),
    until: t.field({ type: 'DateTime', description: 'And at or before this instant (default: now).' }),
    dryRun: t.boolean({ description: 'true: answer the count (up to the maximum) and create nothing, to show it before acting. Default false.' }),
  }),
});

const ReplayMissingPayload = builder.objectRef<ReplayedMissing>('ReplayMissingPayload').implement({
  description: 'The deliveries a replayMissing created.',
  fields: (t) => ({
    count: t.int({ description: 'How many deliveries were created (on a dry run: would be); 0 when the endpoint missed nothing (or a call before created them).', resolve: (p) => p.count }),
    deliveries: t.field({
      type: [DeliveryRef],
      grantScopes: [MUTATION_RESULT],
      description: `The first ${REPLAY_SHOWN} deliveries created, in publish order (none on a dry run). Follow them all with deliveryUpdated(filter: { endpointId }).`,
      resolve: (p) => p.created.slice(0, REPLAY_SHOWN),
    }),
    complete: t.boolean({
      description: `False when this call stopped at its maximum (${MAX_REPLAY_MISSING} deliveries) with events left in the window: call again with the same window to go on.`,
      resolve: (p) => p.complete,
    }),
  }),
});

builder.mutationField('replayMissing', (t) =>
  t.field({
    type: ReplayMissingPayload,
    description: `Creates a delivery to the endpoint for each retained event of the window that it takes now (event types, projects, filter) and has no delivery to it yet, in publish order; each event once however often it is called. At most ${MAX_REPLAY_MISSING} per call (see complete).`,
    authScopes: { scope: 'deliveries:write' },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: ReplayMissingInput, required: true, description: 'The endpoint and window.' }) },
    resolve: async (_root, { input }, ctx) => replayMissing(ctx, organizationIdOf(ctx), { ...input, endpointId: requireIdOfType(input.endpointId, 'Endpoint') }),
  }),
);

const DeliveryUpdatedFilter = builder.inputType('DeliveryUpdatedFilter', {
  description: 'Which changes to follow; every field given must match (none: every delivery of the organization).',
  fields: (t) => ({
    endpointId: t.id({ description: 'Deliveries to this endpoint.' }),
    eventId: t.id({ description: "This event's deliveries; the stream starts with their current state." }),
    deliveryId: t.id({ description: 'This delivery alone; the stream starts with its current state.' }),
  }),
});

builder.subscriptionField('deliveryUpdated', (t) =>
  t.prismaField({
    type: 'Delivery',
    nullable: true,
    description:
      "Each time one of the organization's deliveries changes status, gains an attempt or is held by its endpoint's rate limit (a later nextAttemptAt), each item the delivery as it was at that change. Filtered by deliveryId or eventId, it starts with the matching deliveries as they are now. Null when the delivery was deleted (with its endpoint) before it could be read.",
    authScopes: { scope: 'deliveries:read' },
    args: {
      filter: t.arg({ type: DeliveryUpdatedFilter, description: 'Which deliveries to follow.' }),
      resumeAfter: t.arg.string({
        description:
          "An item's `extensions.herald.cursor`: starts with every change after it, in commit order, then goes on live (instead of the current state). Kept HERALD_CHANGE_RETENTION (1 h by default); an older cursor answers CURSOR_EXPIRED, another subscription's BAD_USER_INPUT.",
      }),
    },
    subscribe: async (_root, { filter: wanted, resumeAfter }, ctx) => {
      const organizationId = organizationIdOf(ctx);
      const after = resumePlace(ctx, organizationId, 'delivery', resumeAfter);
      // Filter ids of another type or organization simply match nothing.
      const only = {
        id: wanted?.deliveryId != null ? (idOfType(String(wanted.deliveryId), 'Delivery') ?? NOTHING) : null,
        endpointId: wanted?.endpointId != null ? (idOfType(String(wanted.endpointId), 'Endpoint') ?? NOTHING) : null,
        eventId: wanted?.eventId != null ? (idOfType(String(wanted.eventId), 'Event') ?? NOTHING) : null,
      };
      const keep = (notice: DeliveryNotice) =>
        notice.organizationId === organizationId &&
        (only.id === null || notice.id === only.id) &&
        (only.endpointId === null || notice.endpointId === only.endpointId) &&
        (only.eventId === null || notice.eventId === only.eventId);
      // Listening from here on, before the current state or the log is read (src/pubsub/current-first.ts, resume.ts).
      const feed = ctx.changes.subscribe('delivery', keep, tooSlowHandlerOf(ctx));
      if (after !== null) {
        return withItemCursors(ctx, resumedAfter(feed, after, organizationLog(ctx.sql, 'delivery', organizationId), keep));
      }
      // A few deliveries at most: an endpoint's whole history is what queries are for.
      if (only.id === null && only.eventId === null) return withItemCursors(ctx, feed);
      try {
        const { notices, snapshot } = await currentDeliveryNotices(ctx.db, {
          organizationId,
          ...(only.id !== null ? { id: only.id } : {}),
          ...(only.endpointId !== null ? { endpointId: only.endpointId } : {}),
          ...(only.eventId !== null ? { eventId: only.eventId } : {}),
        });
        return withItemCursors(ctx, currentFirst(feed, notices, snapshot));
      } catch (error) {
        await feed.return?.();
        throw error;
      }
    },
    // The row is read again, scoped to the subscriber's organization, and shown as the notice
    // announced it: the row may have moved on since, and the item must be one state, not two.
    resolve: async (query, notice, _args, ctx) => {
      await assertStillAuthorized(ctx);
      const organizationId = organizationIdOf(ctx);
      const key = JSON.stringify(['delivery', organizationId, query]);
      const row = await ctx.sharedReads.readOncePerNotice(notice, key, () =>
        ctx.sharedReads.readBatched(key, notice.id, (ids) => ctx.db.delivery.findMany({ ...query, where: { id: { in: ids }, organizationId } })),
      );
      return row ? deliveryAsNoticed(row, notice) : null;
    },
  }),
);

const EndpointStatsRef = builder.objectRef<EndpointStats>('EndpointStats').implement({
  description: "Deliveries to one endpoint created in the last `hours`, by outcome.",
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Every delivery, finished or not.' }),
    succeeded: t.exposeInt('succeeded', { description: 'Delivered with a 2xx answer.' }),
    failed: t.exposeInt('failed', { description: 'Failed for good (retries exhausted or refused); retrying ones are not counted.' }),
    successRate: t.exposeFloat('successRate', { nullable: true, description: 'The share that succeeded, succeeded / (succeeded + failed), from 0 to 1; null when none finished.' }),
    lastDeliveryAt: t.expose('lastDeliveryAt', { type: 'DateTime', nullable: true, description: 'The newest delivery in the window.' }),
  }),
});

builder.objectField(EndpointRef, 'stats', (t) =>
  t.field({
    type: EndpointStatsRef,
    description: `Delivery counts over the last \`hours\` (${MIN_STATS_HOURS}–${MAX_STATS_HOURS}). The endpoints of one page are counted in one query.`,
    // Counts of deliveries are delivery data, whoever reached the endpoint and however.
    authScopes: { scope: 'deliveries:read' },
    args: { hours: t.arg.int({ defaultValue: 24, required: true, description: `The window, in hours back from now (${MIN_STATS_HOURS}–${MAX_STATS_HOURS}), counted in whole minutes: from the start of the minute \`hours\` ago.` }) },
    resolve: (endpoint, { hours }, ctx) => {
      if (!Number.isInteger(hours) || hours < MIN_STATS_HOURS || hours > MAX_STATS_HOURS) {
        throw new GraphQLError(`hours must be from ${MIN_STATS_HOURS} to ${MAX_STATS_HOURS}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      return loadEndpointStats(statsBatchesOf(ctx), ctx.db, endpoint.id, hours);
    },
  }),
);
