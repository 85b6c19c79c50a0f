import { MUTATION_RESULT, PUBLISH_RESULT } from '../auth/scopes.ts';
import { builder } from '../graphql/builder.ts';
import { inActingOrganization, organizationIdOf, type Context } from '../graphql/context.ts';
import { LimitExceededError, NotFoundError, ValidationError } from '../graphql/error-types.ts';
import { idOfType, requireIdOfType } from '../global-id.ts';
import { registerNodeLoader } from '../graphql/node.ts';
import { checkPage } from '../graphql/pagination.ts';
import { publishEvents, type Published } from './publish.ts';
import { MAX_BATCH, MAX_DELIVER_AHEAD_MS } from './publish-rules.ts';
import { chargeResponseBytes } from '../graphql/response-budget.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';
import { incomingTraceOf } from '../graphql/operation-spans.ts';

// What a delivery log shows of its event (id, type, project, time) is delivery data too; the payload
// and idempotency key are the event's content and need events:read or to be the caller's own publish
// (PUBLISH_RESULT: cancelling an event's deliveries does not show what the event said).
const EVENT_CONTENT = (event: { organizationId: string }, _args: object, ctx: Context) =>
  inActingOrganization(ctx, event) ? ({ $any: { scope: 'events:read', $granted: PUBLISH_RESULT } } as const) : ({ $granted: PUBLISH_RESULT } as const);

export const EventRef = builder.prismaNode('Event', {
  id: { field: 'id', skipTypeScopes: true },
  description: 'A published event. Its id (evt_…) is the webhook-id of every delivery of it.',
  // A publisher reads the event and its deliveries' `event { type }` back from its own publish.
  authScopes: (event, ctx) =>
    inActingOrganization(ctx, event)
      ? { $any: { scope: 'events:read', $granted: MUTATION_RESULT, $any: { scope: 'deliveries:read', $any: { scope: 'events:publish' } } } }
      : { $granted: MUTATION_RESULT },
  fields: (t) => ({
    type: t.exposeString('type', { description: 'Its event type, a name of the catalog.' }),
    payload: t.field({ type: 'JSON', description: 'The JSON object published, exactly as sent; needs events:read unless it is the answer of your own publish.', authScopes: EVENT_CONTENT, resolve: (event, _args, ctx) => chargeResponseBytes(ctx, event.payload) }),
    project: t.exposeString('project', { nullable: true, description: 'The project it was published for; null: none.' }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The idempotency key it was published with; null: none. Needs events:read unless it is the answer of your own publish.', authScopes: EVENT_CONTENT }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was published.' }),
    deliverAt: t.expose('deliverAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When its deliveries are due, if it was published with a deliverAt later than a second from then; null: at once.',
    }),
    deliveries: t.relation('deliveries', { description: 'One per endpoint it was sent to, oldest first.', query: { orderBy: { id: 'asc' } } }),
  }),
});

registerNodeLoader('Event', { scope: 'events:read' }, (ctx, id) =>
  ctx.db.event.findFirst({ where: { id, organizationId: organizationIdOf(ctx) } }),
);

const EventFilter = builder.inputType('EventFilter', {
  description: 'Which events to list; every field given must match.',
  fields: (t) => ({
    type: t.string({ description: 'Events of this type (an exact name).' }),
    project: t.string({ description: 'Events published for this project.' }),
    since: t.field({ type: 'DateTime', description: 'Events created at or after this instant.' }),
  }),
});

// A malformed id, an id of another type and another organization's id all answer null, as `node` does.
builder.queryField('event', (t) =>
  t.prismaField({
    type: 'Event',
    nullable: true,
    description: "One of the organization's events, by its global id (`evt_…`); null when there is none.",
    authScopes: { scope: 'events:read' },
    args: { id: t.arg.id({ required: true, description: "The event's global id." }) },
    resolve: (query, _root, args, ctx) => {
      const id = idOfType(String(args.id), 'Event');
      return id ? ctx.db.event.findFirst({ ...query, where: { id, organizationId: organizationIdOf(ctx) } }) : null;
    },
  }),
);

builder.queryField('events', (t) =>
  t.prismaConnection(
    {
      type: 'Event',
      cursor: 'id',
      description: "The organization's events, newest first.",
      authScopes: { scope: 'events:read' },
      args: { filter: t.arg({ type: EventFilter, description: 'Only events matching every field given.' }) },
      resolve: async (query, _root, args, ctx) => {
        const organizationId = organizationIdOf(ctx);
      await checkPage(args, async (id) => (await ctx.db.event.count({ where: { id, organizationId } })) > 0);
        const filter = args.filter;
        return ctx.db.event.findMany({
          ...query,
          where: {
            organizationId,
            ...(filter?.type != null ? { type: filter.type } : {}),
            ...(filter?.project != null ? { project: filter.project } : {}),
            ...(filter?.since != null ? { createdAt: { gte: filter.since } } : {}),
          },
          orderBy: { id: 'desc' },
        });
      },
    },
    { name: 'EventConnection' },
    { name: 'EventEdge' },
  ),
);

const PublishEventInput = builder.inputType('PublishEventInput', {
  description: 'One event to publish: its type, payload and where it goes.',
  fields: (t) => ({
    type: t.string({ required: true, description: 'An event type of the catalog.' }),
    payload: t.field({ type: 'JSON', required: true, description: "A JSON object; checked against the type's JSON Schema." }),
    project: t.string({ description: 'Deliver only to endpoints with no project list or this project in it.' }),
    idempotencyKey: t.string({ description: 'Publishing again with the same key returns the first event and schedules nothing.' }),
    deliverAt: t.field({
      type: 'DateTime',
      description: `Deliver no earlier than this (at most ${MAX_DELIVER_AHEAD_MS / 86_400_000} days ahead): the deliveries wait as SCHEDULED and cancelDelivery can cancel them. A time in the past or within a second of now means now.`,
    }),
    organizationId: t.id({ description: 'Admin keys only: the organization to publish for.' }),
  }),
});

const PublishEventPayload = builder.objectRef<Published>('PublishEventPayload').implement({
  description: 'The event published (or the first one, for a repeated idempotency key) and its deliveries.',
  fields: (t) => ({
    event: t.field({ type: EventRef, grantScopes: [MUTATION_RESULT, PUBLISH_RESULT], description: 'The event.', resolve: (p) => p.event }),
    deliveries: t.prismaField({ type: ['Delivery'], grantScopes: [MUTATION_RESULT], description: 'One per endpoint that takes the event; empty when none does.', resolve: (_query, p) => p.deliveries }),
  }),
});

/** Organization keys publish for their own organization; admin keys name one. */
function publisherOrganization(ctx: Context, organizationId: string | number | null | undefined): string {
  if (ctx.principal?.kind === 'organization') {
    if (organizationId != null) throw ValidationError.of(['organizationId'], 'only admin keys may name an organization');
    return ctx.principal.organizationId;
  }
  if (organizationId == null) throw ValidationError.of(['organizationId'], 'admin keys must name the organization to publish for');
  return requireIdOfType(organizationId, 'Organization');
}

const publishAuth = { scope: 'events:publish', admin: true } as const;

builder.mutationField('publishEvent', (t) =>
  t.field({
    type: PublishEventPayload,
    description: "Publishes an event: one delivery to each of the organization's active endpoints that takes its type, project and payload.",
    authScopes: publishAuth,
    errors: { types: [ValidationError, NotFoundError, LimitExceededError] },
    args: { input: t.arg({ type: PublishEventInput, required: true, description: 'The event.' }) },
    resolve: async (_root, { input: { organizationId, ...input } }, ctx) => {
      const organization = await existingOrganization(ctx, publisherOrganization(ctx, organizationId));
      const [published] = await publishEvents(ctx, organization, [{ input, path: [] }], incomingTraceOf(ctx));
      return published!;
    },
  }),
);

const PublishEventsInput = builder.inputType('PublishEventsInput', {
  description: 'Events to publish in one call, all or none.',
  fields: (t) => ({
    events: t.field({ type: [PublishEventInput], required: true, description: `At most ${MAX_BATCH}; all or none are published.` }),
    organizationId: t.id({ description: 'Admin keys only: the organization to publish for.' }),
  }),
});

const PublishEventsPayload = builder.objectRef<{ results: Published[] }>('PublishEventsPayload').implement({
  description: 'Each event published, with its deliveries.',
  fields: (t) => ({
    results: t.field({ type: [PublishEventPayload], resolve: (p) => p.results, description: 'In the order of the input.' }),
  }),
});

builder.mutationField('publishEvents', (t) =>
  t.field({
    type: PublishEventsPayload,
    description: 'Publishes several events in one transaction: all of them, or none with the error naming the event at fault (events.3.payload).',
    authScopes: publishAuth,
    errors: { types: [ValidationError, NotFoundError, LimitExceededError] },
    args: { input: t.arg({ type: PublishEventsInput, required: true, description: 'The events.' }) },
    resolve: async (_root, { input }, ctx) => {
      if (input.events.length < 1 || input.events.length > MAX_BATCH) {
        throw ValidationError.of(['events'], `must hold 1–${MAX_BATCH} events`);
      }
      const organization = await existingOrganization(ctx, publisherOrganization(ctx, input.organizationId));
      const items = input.events.map(({ organizationId, ...event }, index) => {
        if (organizationId != null) throw ValidationError.of(['events', String(index), 'organizationId'], 'set organizationId on the batch, not on an event');
        return { input: event, path: ['events', String(index)] };
      });
      return { results: await publishEvents(ctx, organization, items, incomingTraceOf(ctx)) };
    },
  }),
);

async function existingOrganization(ctx: Context, id: string): Promise<string> {
  // Herald alone publishes to the operator organization: its operational events.
  if (id === OPERATOR_ORGANIZATION_ID) throw ValidationError.of(['organizationId'], "the operator organization receives only Herald's operational events");
  // An organization key's organization exists while the key does (deleting it deletes its keys).
  if (ctx.principal?.kind === 'organization' && ctx.principal.organizationId === id) return id;
  const organization = await ctx.db.organization.findUnique({ where: { id }, select: { id: true } });
  if (!organization) throw new NotFoundError('Organization');
  return organization.id;
}

